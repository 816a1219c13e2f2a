import { epochDay } from "../data/parse-cell.ts";
import type { Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { typed } from "../regression/mmm/fit-dataset.ts";
import { addDays } from "./calendar.ts";
import type { SeriesInput } from "./types.ts";

export interface ForecastColumns {
  readonly date: string;
  readonly target: string;
  /** One series per level of this column (segments, stores, SKUs); one model across them. */
  readonly segment?: string;
  /** Spend columns fed to the LSTM as past inputs (and used by plans). */
  readonly channels?: readonly string[];
}

/**
 * Daily series from a dataset, one per segment, sorted by date. Missing days are filled (target by linear
 * interpolation, spend 0) and reported; repeated dates and missing or non-numeric targets are 400s naming the row.
 */
export function prepareForecastSeries(ds: Dataset, req: ForecastColumns): { series: SeriesInput[]; warnings: string[] } {
  const date = typed(ds, req.date, ["date"], ["date"]);
  const target = typed(ds, req.target, ["target"], ["number", "integer"]);
  const channels = (req.channels ?? []).map((c, i) => typed(ds, c, ["channels", i], ["number", "integer"]));
  const segment = req.segment ? typed(ds, req.segment, ["segment"], ["category", "integer", "boolean"]) : undefined;
  for (const col of [date, target]) {
    const i = col.values.findIndex((v) => v === null);
    if (i >= 0) throw new ValidationError(`row ${i + 1}: ${col.name} is missing.`, [{ path: ["rows", i + 1, col.name], message: "missing value", code: "missing_value" }]);
  }
  const groups = new Map<string, number[]>();
  date.values.forEach((_, i) => {
    const k = segment ? String(segment.values[i]) : "all";
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const warnings: string[] = [];
  const series = [...groups].sort((a, b) => a[0].localeCompare(b[0])).map(([key, rowsUnsorted]) => {
    const rows = [...rowsUnsorted].sort((a, b) => (date.values[a]! < date.values[b]! ? -1 : 1));
    const days = rows.map((r) => epochDay(date.values[r] as string));
    const start = date.values[rows[0]!] as string;
    const n = days[days.length - 1]! - days[0]! + 1;
    const y = new Array<number>(n).fill(Number.NaN);
    const spend = Object.fromEntries(channels.map((c) => [c.name, new Array<number>(n).fill(0)]));
    rows.forEach((r, i) => {
      const t = days[i]! - days[0]!;
      if (!Number.isNaN(y[t]!)) {
        throw new ValidationError(`${segment ? `${segment.name} = ${key}: ` : ""}date ${date.values[r]} appears twice; name a segment column or aggregate first.`, [
          { path: ["rows", r + 1, date.name], message: "repeated date", code: "duplicate_date", value: date.values[r] },
        ]);
      }
      y[t] = Number(target.values[r]);
      for (const c of channels) spend[c.name]![t] = Number(c.values[r] ?? 0);
    });
    let filled = 0;
    for (let t = 0; t < n; t++) {
      if (!Number.isNaN(y[t]!)) continue;
      let j = t;
      while (Number.isNaN(y[j]!)) j++;
      for (let k = t; k < j; k++) y[k] = y[t - 1]! + ((y[j]! - y[t - 1]!) * (k - t + 1)) / (j - t + 1);
      filled += j - t;
      t = j;
    }
    if (filled > 0) warnings.push(`${key === "all" ? "" : `${key}: `}${filled} missing day(s) between ${start} and ${addDays(start, n - 1)} filled by linear interpolation (spend 0).`);
    return { key, start, target: y, ...(channels.length ? { spend } : {}) };
  });
  return { series, warnings };
}
