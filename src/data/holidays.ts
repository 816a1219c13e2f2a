/** Fixed and floating US retail holidays: New Year, Independence Day, Black Friday, Christmas Eve and Day. */
export function isHoliday(iso: string): boolean {
  const md = iso.slice(5);
  if (md === "01-01" || md === "07-04" || md === "12-24" || md === "12-25") return true;
  if (iso.slice(5, 7) !== "11") return false;
  const y = Number(iso.slice(0, 4));
  const firstDow = new Date(Date.UTC(y, 10, 1)).getUTCDay(); // 0 = Sunday
  const thanksgiving = 1 + ((4 - firstDow + 7) % 7) + 21;
  return Number(iso.slice(8, 10)) === thanksgiving + 1;
}
