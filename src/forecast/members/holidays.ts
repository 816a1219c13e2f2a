import { addDays } from "../calendar.ts";

/**
 * Holidays as known future inputs of the statistical members (events.ts): one 0/1 column per holiday name, over the
 * history and then the horizon. Per name rather than one flag, because holidays pull opposite ways (a store closed
 * on Christmas Day, busier on Black Friday). A name must fall at least twice in the history: an effect measured on
 * one day is that day's noise as much as the holiday's.
 */
export const MIN_OCCURRENCES = 2;

export function holidayInputs(start: string, history: number, horizon: number, nameOf: (iso: string) => string | undefined): number[][] {
  const days = new Map<string, number[]>();
  for (let t = 0; t < history + horizon; t++) {
    const name = nameOf(addDays(start, t));
    if (name === undefined) continue;
    let at = days.get(name);
    if (!at) days.set(name, (at = []));
    at.push(t);
  }
  return [...days.keys()]
    .sort()
    .filter((name) => days.get(name)!.filter((t) => t < history).length >= MIN_OCCURRENCES)
    .map((name) => {
      const column = new Array<number>(history + horizon).fill(0);
      for (const t of days.get(name)!) column[t] = 1;
      return column;
    });
}
