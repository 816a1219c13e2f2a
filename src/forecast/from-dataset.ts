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
  /**
   * Known future inputs (events, promotions, prices): columns whose values run on past the last observed target,
   * in rows with the target empty, over every day of the horizon.
   */
  readonly events?: readonly string[];
  /** Days ahead: how far the known inputs must run (needed with `events`). */
  readonly horizon?: number;
}

/**
 * Daily series from a dataset, one per segment, sorted by date. Missing days are filled (target by linear
 * interpolation, spend and inputs 0) and reported; repeated dates and missing or non-numeric targets are 400s
 * naming the row. With `events`, rows after a series' last observed target are its future: they must give every
 * input on every day of the horizon (a 400 names the first day that does not).
 */
export function prepareForecastSeries(ds: Dataset, req: ForecastColumns): { series: SeriesInput[]; warnings: string[] } {
  const date = typed(ds, req.date, ["date"], ["date"]);
  const target = typed(ds, req.target, ["target"], ["number", "integer"]);
  const channels = (req.channels ?? []).map((c, i) => typed(ds, c, ["channels", i], ["number", "integer"]));
  const events = (req.events ?? []).map((c, i) => typed(ds, c, ["events", i], ["number", "integer", "boolean"]));
  const segment = req.segment ? typed(ds, req.segment, ["segment"], ["category", "integer", "boolean"]) : undefined;
  const missing = (col: { name: string }, i: number, hint = "") =>
    new ValidationError(`row ${i + 1}: ${col.name} is missing${hint}.`, [{ path: ["rows", i + 1, col.name], message: "missing value", code: "missing_value" }]);
  const d = date.values.indexOf(null);
  if (d >= 0) throw missing(date, d);
  const groups = new Map<string, number[]>();
  date.values.forEach((_, i) => {
    const k = segment ? String(segment.values[i]) : "all";
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const warnings: string[] = [];
  const horizon = req.horizon ?? 0;
  const series = [...groups]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, rowsUnsorted]) => {
      const where = segment ? `${segment.name} = ${key}: ` : "";
      const sorted = [...rowsUnsorted].sort((a, b) => (date.values[a]! < date.values[b]! ? -1 : 1));
      // the series ends at its last observed target; empty-target rows after it are the future (known inputs only)
      let end = sorted.length;
      while (end > 0 && target.values[sorted[end - 1]!] === null) end--;
      if (end === 0) throw missing(target, sorted[0]!);
      const rows = sorted.slice(0, end);
      const future = sorted.slice(end);
      const gap = rows.find((r) => target.values[r] === null);
      if (gap !== undefined) throw missing(target, gap);
      if (future.length && !events.length)
        throw missing(target, future[0]!, " (rows after the last observed day are read as the future only when `events` names the inputs they carry)");
      const days = rows.map((r) => epochDay(date.values[r] as string));
      const start = date.values[rows[0]!] as string;
      const n = days[days.length - 1]! - days[0]! + 1;
      const y = new Array<number>(n).fill(Number.NaN);
      const spend = Object.fromEntries(channels.map((c) => [c.name, new Array<number>(n).fill(0)]));
      const inputs = Object.fromEntries(events.map((c) => [c.name, new Array<number>(n + horizon).fill(Number.NaN)]));
      const repeated = (r: number) =>
        new ValidationError(`${where}date ${date.values[r]} appears twice; name a segment column or aggregate first.`, [
          { path: ["rows", r + 1, date.name], message: "repeated date", code: "duplicate_date", value: date.values[r] },
        ]);
      rows.forEach((r, i) => {
        const t = days[i]! - days[0]!;
        if (!Number.isNaN(y[t]!)) throw repeated(r);
        y[t] = Number(target.values[r]);
        for (const c of channels) spend[c.name]![t] = Number(c.values[r] ?? 0);
        for (const c of events) {
          if (c.values[r] === null) throw missing(c, r);
          inputs[c.name]![t] = Number(c.values[r]);
        }
      });
      for (const r of future) {
        const t = epochDay(date.values[r] as string) - days[0]!;
        if (t >= n + horizon) continue; // beyond the horizon: not needed
        for (const c of events) {
          if (!Number.isNaN(inputs[c.name]![t]!)) throw repeated(r);
          if (c.values[r] !== null) inputs[c.name]![t] = Number(c.values[r]);
        }
      }
      let filled = 0;
      for (let t = 0; t < n; t++) {
        if (!Number.isNaN(y[t]!)) continue;
        let j = t;
        while (Number.isNaN(y[j]!)) j++;
        for (let k = t; k < j; k++) {
          y[k] = y[t - 1]! + ((y[j]! - y[t - 1]!) * (k - t + 1)) / (j - t + 1);
          for (const c of events) inputs[c.name]![k] = 0;
        }
        filled += j - t;
        t = j;
      }
      if (filled > 0)
        warnings.push(
          `${key === "all" ? "" : `${key}: `}${filled} missing day(s) between ${start} and ${addDays(start, n - 1)} filled by linear interpolation (spend${events.length ? " and known inputs" : ""} 0).`,
        );
      events.forEach((c, e) => {
        const t = inputs[c.name]!.findIndex((v, t) => t >= n && Number.isNaN(v));
        if (t >= 0) {
          const day = addDays(start, t);
          throw new ValidationError(
            `${where}${c.name} is a known future input but has no value on ${day}, day ${t - n + 1} of the ${horizon}-day horizon: add rows up to ${addDays(start, n + horizon - 1)} with ${c.name} filled and ${target.name} empty.`,
            [{ path: ["body", "events", e], message: `no value on ${day}`, code: "missing_future_value", value: c.name }],
          );
        }
      });
      return { key, start, target: y, ...(channels.length ? { spend } : {}), ...(events.length ? { events: inputs } : {}) };
    });
  return { series, warnings };
}
