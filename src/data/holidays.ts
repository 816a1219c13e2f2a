import Holidays from "date-holidays";

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

const byCountry = new Map<string, (iso: string) => boolean>();

let countries: string[] | undefined;

/** ISO 3166 country codes date-holidays has calendars for (read once: every forecast request checks against it). */
export function holidayCountries(): string[] {
  countries ??= Object.keys(new Holidays().getCountries());
  return countries;
}

/**
 * A country's public and bank holidays (days off), from date-holidays (maintained calendars for ~200 countries,
 * moving feasts computed). Regional and observance days are left out: they close nothing.
 *
 * @throws Error for a code date-holidays has no calendar for (check with holidayCountries first)
 */
export function countryHolidays(country: string): (iso: string) => boolean {
  const code = country.toUpperCase();
  const cached = byCountry.get(code);
  if (cached) return cached;
  if (!holidayCountries().includes(code)) throw new Error(`No holiday calendar for country "${country}".`);
  const hd = new Holidays(code);
  const years = new Map<number, Set<string>>();
  const lookup = (iso: string) => {
    const y = Number(iso.slice(0, 4));
    let days = years.get(y);
    if (!days) {
      days = new Set(
        hd
          .getHolidays(y)
          .filter((h) => h.type === "public" || h.type === "bank")
          .map((h) => h.date.slice(0, 10)),
      );
      years.set(y, days);
    }
    return days.has(iso);
  };
  byCountry.set(code, lookup);
  return lookup;
}
