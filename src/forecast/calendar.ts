import { isHoliday } from "../data/holidays.ts";

/** ISO date `days` after `iso` (UTC). */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Day of week, Monday = 0. */
export function dayOfWeek(iso: string): number {
  return (new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/**
 * Calendar features of one day: weekly and yearly phase as sin/cos pairs, and a holiday flag (by default the
 * built-in US retail days; a country's calendar when the forecast names one).
 */
export function calendarFeatures(iso: string, holiday: (iso: string) => boolean = isHoliday): [number, number, number, number, number] {
  const t = Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  const w = (2 * Math.PI * dayOfWeek(iso)) / 7;
  const y = (2 * Math.PI * t) / 365.25;
  return [Math.sin(w), Math.cos(w), Math.sin(y), Math.cos(y), holiday(iso) ? 1 : 0];
}
