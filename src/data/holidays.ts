import Holidays from "date-holidays";

/** Fixed and floating US retail holidays: New Year, Independence Day, Black Friday, Christmas Eve and Day; by name. */
export function usRetailHoliday(iso: string): string | undefined {
  const md = iso.slice(5);
  const fixed = FIXED[md];
  if (fixed) return fixed;
  if (iso.slice(5, 7) !== "11") return undefined;
  const y = Number(iso.slice(0, 4));
  const firstDow = new Date(Date.UTC(y, 10, 1)).getUTCDay(); // 0 = Sunday
  const thanksgiving = 1 + ((4 - firstDow + 7) % 7) + 21;
  return Number(iso.slice(8, 10)) === thanksgiving + 1 ? "Black Friday" : undefined;
}

const FIXED: Record<string, string> = { "01-01": "New Year's Day", "07-04": "Independence Day", "12-24": "Christmas Eve", "12-25": "Christmas Day" };

/** Whether a day is one of the built-in US retail holidays. */
export function isHoliday(iso: string): boolean {
  return usRetailHoliday(iso) !== undefined;
}

const byCountry = new Map<string, (iso: string) => string | undefined>();

let countries: string[] | undefined;

/** ISO 3166 country codes date-holidays has calendars for (read once: every forecast request checks against it). */
export function holidayCountries(): string[] {
  countries ??= Object.keys(new Holidays().getCountries());
  return countries;
}

/**
 * A country's public and bank holidays (days off) by name, from date-holidays (maintained calendars for ~200
 * countries, moving feasts computed). Regional and observance days are left out: they close nothing.
 *
 * @throws Error for a code date-holidays has no calendar for (check with holidayCountries first)
 */
export function countryHolidayNames(country: string): (iso: string) => string | undefined {
  const code = country.toUpperCase();
  const cached = byCountry.get(code);
  if (cached) return cached;
  if (!holidayCountries().includes(code)) throw new Error(`No holiday calendar for country "${country}".`);
  const hd = new Holidays(code);
  const years = new Map<number, Map<string, string>>();
  const lookup = (iso: string) => {
    const y = Number(iso.slice(0, 4));
    let days = years.get(y);
    if (!days) {
      days = new Map(
        hd
          .getHolidays(y)
          .filter((h) => h.type === "public" || h.type === "bank")
          .map((h) => [h.date.slice(0, 10), h.name] as const),
      );
      years.set(y, days);
    }
    return days.get(iso);
  };
  byCountry.set(code, lookup);
  return lookup;
}

/** Whether a day is one of a country's public or bank holidays (countryHolidayNames). */
export function countryHolidays(country: string): (iso: string) => boolean {
  const name = countryHolidayNames(country);
  return (iso) => name(iso) !== undefined;
}

/** The holiday names a forecast knows: the country's calendar when it names one, else the built-in US retail days. */
export function holidayNames(country: string | undefined): (iso: string) => string | undefined {
  return country ? countryHolidayNames(country) : usRetailHoliday;
}
