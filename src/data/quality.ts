import { epochDay } from "./parse-cell.ts";
import type { CategoryColumn, Column, DataWarning, DateColumn } from "./types.ts";

const MAX_LISTED = 20;
export const DEFAULT_MIN_ROWS = 30;
/** Names that mark a column as money spent on marketing (so a negative value is suspicious). */
const SPEND_NAME = /spend|cost|budget|campaign|media|advert|promo|marketing|(^|_)ads?($|_)|(^|_)tv($|_)|radio|flyer/i;

export interface QualityOptions {
  readonly rawRows: readonly (readonly string[])[];
  readonly dateColumn?: string;
  readonly seriesColumns?: readonly string[];
  readonly minRows: number;
}

/** The data-quality report: findings that do not stop ingestion but that an analyst must see. */
export function qualityWarnings(columns: readonly Column[], opts: QualityOptions): DataWarning[] {
  const rows = opts.rawRows.length;
  const out: DataWarning[] = [];
  if (rows < opts.minRows) {
    out.push({ code: "too_few_rows", message: `Only ${rows} data rows; models need at least ${opts.minRows} for stable estimates.`, count: rows });
  }
  for (const col of columns) {
    if (col.missing > 0) {
      const listed = firstRows<unknown>(col.values, (v) => v === null);
      out.push({
        code: "missing_values",
        column: col.name,
        message: `Column ${col.name} has ${col.missing} missing value(s) (${pct(col.missing, rows)}).`,
        rows: listed,
        count: col.missing,
      });
    }
    const distinct = new Set(col.values.filter((v) => v !== null));
    if (rows > 1 && distinct.size === 1) {
      out.push({
        code: "constant_column",
        column: col.name,
        message: `Column ${col.name} has the same value (${JSON.stringify([...distinct][0])}) in every row; it carries no information.`,
      });
    }
    if ((col.type === "number" || col.type === "integer") && SPEND_NAME.test(col.name)) {
      const negative = col.values.filter((v) => v !== null && v < 0).length;
      if (negative > 0) {
        out.push({
          code: "negative_spend",
          column: col.name,
          message: `Column ${col.name} looks like spend but has ${negative} negative value(s).`,
          rows: firstRows(col.values, (v) => v !== null && v < 0),
          count: negative,
        });
      }
    }
  }
  out.push(...duplicateRows(opts.rawRows));
  out.push(...dateIndexWarnings(columns, opts));
  return out;
}

function pct(n: number, d: number): string {
  return `${((100 * n) / d).toFixed(1)}%`;
}

function firstRows<T>(values: readonly T[], pred: (v: T) => boolean): number[] {
  const rows: number[] = [];
  for (let i = 0; i < values.length && rows.length < MAX_LISTED; i++) if (pred(values[i]!)) rows.push(i + 1);
  return rows;
}

function duplicateRows(raw: readonly (readonly string[])[]): DataWarning[] {
  const seen = new Map<string, number>();
  const dupRows: number[] = [];
  let count = 0;
  raw.forEach((r, i) => {
    const key = JSON.stringify(r.map((c) => c.trim()));
    if (seen.has(key)) {
      count++;
      if (dupRows.length < MAX_LISTED) dupRows.push(i + 1);
    } else seen.set(key, i + 1);
  });
  if (count === 0) return [];
  return [{ code: "duplicate_rows", message: `${count} row(s) repeat an earlier row exactly (first: row ${dupRows[0]}).`, rows: dupRows, count }];
}

/**
 * Gaps and duplicates in the time index, within each series. With no series named and duplicate dates, the
 * category column with the fewest levels that makes dates unique is taken as the series key, and said so.
 */
function dateIndexWarnings(columns: readonly Column[], opts: QualityOptions): DataWarning[] {
  const dates = columns.filter((c): c is DateColumn => c.type === "date");
  const dateCol = opts.dateColumn ? dates.find((c) => c.name === opts.dateColumn) : dates.length === 1 ? dates[0] : undefined;
  if (!dateCol) return [];
  const cats = columns.filter((c): c is CategoryColumn => c.type === "category");
  let series = (opts.seriesColumns ?? []).map((n) => cats.find((c) => c.name === n)).filter((c): c is CategoryColumn => !!c);
  let note = series.length > 0 ? ` within each ${series.map((s) => s.name).join("/")}` : "";
  if (series.length === 0 && hasDuplicates(dateCol, [])) {
    const key = [...cats].sort((a, b) => a.levels.length - b.levels.length).find((c) => !hasDuplicates(dateCol, [c]));
    if (key) {
      series = [key];
      note = ` within each ${key.name} (taken as the series key because dates repeat across its values)`;
    }
  }
  const groups = groupRows(dateCol, series);
  const out: DataWarning[] = [];
  const dupRows: number[] = [];
  let dupCount = 0;
  let gapCount = 0;
  const gapExamples: string[] = [];
  const step = inferStep(groups, dateCol);
  for (const idx of groups.values()) {
    const sorted = [...idx].sort((a, b) => (dateCol.values[a]! < dateCol.values[b]! ? -1 : 1));
    for (let k = 1; k < sorted.length; k++) {
      const prev = dateCol.values[sorted[k - 1]!]!;
      const cur = dateCol.values[sorted[k]!]!;
      if (prev === cur) {
        dupCount++;
        if (dupRows.length < MAX_LISTED) dupRows.push(sorted[k]! + 1);
      } else if (step && periodsBetween(prev, cur, step) > 1) {
        gapCount++;
        if (gapExamples.length < 5) gapExamples.push(`${prev} → ${cur}`);
      }
    }
  }
  if (dupCount > 0) {
    out.push({
      code: "duplicate_dates",
      column: dateCol.name,
      message: `${dupCount} date(s) in ${dateCol.name} repeat${note}.`,
      rows: dupRows,
      count: dupCount,
    });
  }
  if (gapCount > 0) {
    out.push({
      code: "date_gaps",
      column: dateCol.name,
      message: `${gapCount} gap(s) in the ${stepName(step!)} date index ${dateCol.name}${note}, e.g. ${gapExamples.join(", ")}.`,
      count: gapCount,
    });
  }
  return out;
}

type Step = "D" | "W" | "M";
function stepName(s: Step): string {
  return s === "D" ? "daily" : s === "W" ? "weekly" : "monthly";
}

function hasDuplicates(dateCol: DateColumn, series: readonly CategoryColumn[]): boolean {
  const seen = new Set<string>();
  for (let i = 0; i < dateCol.values.length; i++) {
    const d = dateCol.values[i];
    if (d === null) continue;
    const key = `${series.map((s) => s.values[i]).join("\u0001")}\u0002${d}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function groupRows(dateCol: DateColumn, series: readonly CategoryColumn[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  dateCol.values.forEach((d, i) => {
    if (d === null) return;
    const key = series.map((s) => s.values[i]).join("\u0001");
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

/** The data's frequency from the median spacing of consecutive distinct dates within series. */
function inferStep(groups: Map<string, number[]>, dateCol: DateColumn): Step | undefined {
  const diffs: number[] = [];
  for (const idx of groups.values()) {
    const days = [...new Set(idx.map((i) => epochDay(dateCol.values[i]!)))].sort((a, b) => a - b);
    for (let k = 1; k < days.length; k++) diffs.push(days[k]! - days[k - 1]!);
  }
  if (diffs.length === 0) return undefined;
  diffs.sort((a, b) => a - b);
  const median = diffs[Math.floor(diffs.length / 2)]!;
  if (median === 1) return "D";
  if (median === 7) return "W";
  if (median >= 28 && median <= 31) return "M";
  return undefined;
}

function periodsBetween(a: string, b: string, step: Step): number {
  if (step === "M") return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
  const days = epochDay(b) - epochDay(a);
  return step === "D" ? days : days / 7;
}
