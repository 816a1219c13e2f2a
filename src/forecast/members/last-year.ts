/**
 * Same weekday last year, scaled by level: day n + h is forecast as y[n + h − 364] (52 weeks back, so the weekday
 * matches) times the ratio of the last 28 days' mean to the mean of the same 28 days a year earlier. A strong simple
 * benchmark for retail series with yearly structure. Needs a year and four weeks of history (null otherwise).
 */
export const LAST_YEAR_LAG = 364;
const LEVEL_DAYS = 28;

export function lastYearForecast(y: readonly number[], horizon: number): number[] | null {
  const n = y.length;
  if (n < LAST_YEAR_LAG + LEVEL_DAYS || horizon > LAST_YEAR_LAG) return null;
  let now = 0;
  let then = 0;
  for (let t = n - LEVEL_DAYS; t < n; t++) {
    now += y[t]!;
    then += y[t - LAST_YEAR_LAG]!;
  }
  // a level near zero a year ago (a series that had just started) would make the ratio meaningless
  const ratio = then > 0 && now >= 0 ? now / then : 1;
  return Array.from({ length: horizon }, (_, h) => ratio * y[n + h - LAST_YEAR_LAG]!);
}
