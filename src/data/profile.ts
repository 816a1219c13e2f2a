import * as dfd from "danfojs-node";
import { ValidationError } from "../errors.ts";
import type { Dataset, NumericColumn } from "./types.ts";

export interface NumericSummary {
  readonly name: string;
  readonly type: "number" | "integer";
  readonly count: number;
  readonly missing: number;
  readonly mean: number | null;
  readonly std: number | null;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
}
export interface LevelSummary {
  readonly name: string;
  readonly type: "category" | "boolean" | "date";
  readonly count: number;
  readonly missing: number;
  readonly distinct: number;
  /** Most frequent values with their counts, at most 10 (for dates: first and last instead). */
  readonly top: readonly { readonly value: string; readonly count: number }[];
}
export interface SegmentSummary {
  readonly segment: string;
  readonly rows: number;
  /** Per numeric column: mean and sum over the segment's non-missing cells. */
  readonly columns: Readonly<Record<string, { readonly mean: number; readonly sum: number; readonly count: number }>>;
}
export interface DatasetProfile {
  readonly rows: number;
  readonly numeric: readonly NumericSummary[];
  readonly levels: readonly LevelSummary[];
  readonly segment: string | null;
  readonly segments: readonly SegmentSummary[];
}

/**
 * Exploratory summary of a dataset (danfo.js DataFrames): describe() per numeric column, value counts per
 * category, and with `segment`, per-segment means and sums, as an analyst's first `df.describe()` / `groupby` would.
 * Missing cells are left out per column (danfo's mean/std turn NaN into NaN for the whole column otherwise).
 */
export function profileDataset(ds: Dataset, segment?: string): DatasetProfile {
  const numeric = ds.columns.filter((c): c is NumericColumn => c.type === "number" || c.type === "integer");
  const numericSummaries = numeric.map((c): NumericSummary => {
    const present = c.values.filter((v): v is number => v !== null);
    if (present.length === 0) return { name: c.name, type: c.type, count: 0, missing: c.missing, mean: null, std: null, min: null, median: null, max: null };
    const s = new dfd.Series(present);
    return {
      name: c.name,
      type: c.type,
      count: present.length,
      missing: c.missing,
      mean: s.mean(),
      std: present.length > 1 ? s.std() : null,
      min: s.min(),
      median: s.median(),
      max: s.max(),
    };
  });
  const levels = ds.columns
    .filter((c) => c.type !== "number" && c.type !== "integer")
    .map((c): LevelSummary => {
      const present = (c.values as readonly (string | boolean | null)[]).filter((v) => v !== null).map(String);
      const counts = new Map<string, number>();
      for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
      const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const top =
        c.type === "date" ? [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).filter((_, i, a) => i === 0 || i === a.length - 1) : sorted.slice(0, 10);
      return {
        name: c.name,
        type: c.type as LevelSummary["type"],
        count: present.length,
        missing: c.missing,
        distinct: counts.size,
        top: top.map(([value, count]) => ({ value, count })),
      };
    });
  return { rows: ds.rows, numeric: numericSummaries, levels, segment: segment ?? null, segments: segment ? segmentSummaries(ds, segment, numeric) : [] };
}

function segmentSummaries(ds: Dataset, by: string, numeric: readonly NumericColumn[]): SegmentSummary[] {
  const key = ds.columns.find((c) => c.name === by || c.original === by);
  if (!key || (key.type !== "category" && key.type !== "boolean")) {
    throw new ValidationError(`segment: "${by}" is not a category column of dataset ${ds.name}`, [
      { path: ["segment"], message: "not a category column", value: by },
    ]);
  }
  const keys = key.values.map((v) => (v === null ? null : String(v)));
  const out = new Map<string, { rows: number; columns: Record<string, { mean: number; sum: number; count: number }> }>();
  for (const k of keys) if (k !== null) out.set(k, { rows: (out.get(k)?.rows ?? 0) + 1, columns: {} });
  for (const col of numeric) {
    const idx = col.values.flatMap((v, i) => (v !== null && keys[i] !== null ? [i] : []));
    if (idx.length === 0) continue;
    const df = new dfd.DataFrame({ seg: idx.map((i) => keys[i]!), v: idx.map((i) => col.values[i]!) });
    const agg = dfd.toJSON(df.groupby(["seg"]).agg({ v: ["mean", "sum", "count"] }), { format: "column" }) as {
      seg: string;
      v_mean: number;
      v_sum: number;
      v_count: number;
    }[];
    for (const r of agg) out.get(r.seg)!.columns[col.name] = { mean: r.v_mean, sum: r.v_sum, count: r.v_count };
  }
  return [...out].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([segment, v]) => ({ segment, ...v }));
}
