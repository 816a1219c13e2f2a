import type { DateFormat } from "./types.ts";

/** Decimal or scientific notation as Excel writes it (`1.29E+06`), optional sign. */
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Thousands separators (`1,234,567.89`), as a quoted cell from a spreadsheet may carry. */
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** A cell as a finite number, or undefined when it is not one. */
export function parseNumber(cell: string): number | undefined {
  const s = cell.trim();
  if (NUMBER.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : undefined;
  }
  if (GROUPED.test(s)) return Number(s.replace(/,/g, ""));
  return undefined;
}

const TRUE = new Set(["true", "yes"]);
const FALSE = new Set(["false", "no"]);

export function parseBoolean(cell: string): boolean | undefined {
  const s = cell.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return undefined;
}

/** The shape of a date cell before its day/month order is known. */
export type DateShape =
  | { readonly kind: "iso"; readonly y: number; readonly m: number; readonly d: number }
  | { readonly kind: "dmy-or-mdy"; readonly sep: "-" | "/" | "."; readonly a: number; readonly b: number; readonly y: number };

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z)?)?$/;
const SEPARATED = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$/;

export function dateShape(cell: string): DateShape | undefined {
  const s = cell.trim();
  const iso = ISO.exec(s);
  if (iso) return { kind: "iso", y: Number(iso[1]), m: Number(iso[2]), d: Number(iso[3]) };
  const sep = SEPARATED.exec(s);
  if (sep) return { kind: "dmy-or-mdy", sep: sep[2] as "-" | "/" | ".", a: Number(sep[1]), b: Number(sep[3]), y: Number(sep[4]) };
  return undefined;
}

/** ISO `yyyy-mm-dd` for a real calendar date, or undefined (month 13, 31 April, 29 Feb of a common year). */
export function isoDate(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1) return undefined;
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Read a cell with a known layout; undefined when it does not fit or is not a real date. */
export function parseDate(cell: string, format: DateFormat): string | undefined {
  const shape = dateShape(cell);
  if (!shape) return undefined;
  if (format === "yyyy-mm-dd") return shape.kind === "iso" ? isoDate(shape.y, shape.m, shape.d) : undefined;
  if (shape.kind !== "dmy-or-mdy" || shape.sep !== format[2]) return undefined;
  return format.startsWith("dd") ? isoDate(shape.y, shape.b, shape.a) : isoDate(shape.y, shape.a, shape.b);
}

/** Days since 1970-01-01 for an ISO date. */
export function epochDay(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
}
