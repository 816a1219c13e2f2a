import { readFileSync } from "node:fs";
import { forecastCsvRows, getForecast, startForecast, type ForecastSummary } from "../app/forecasts.ts";
import { toCsv } from "../app/csv-out.ts";
import { parseOrThrow } from "../app/parse.ts";
import { ForecastRequestSchema } from "../app/schemas.ts";
import { ValidationError } from "../errors.ts";
import { selectTfBackend, type TfBackendPreference } from "../forecast/tf-backend.ts";
import type { Store } from "../store/store.ts";
import { commaList, type RunJob } from "./args.ts";
import { formatNumber, formatTable } from "./format.ts";
import { datasetIdByRef } from "./regression-commands.ts";

export interface ForecastFlags {
  json?: boolean;
  csv?: boolean;
  date?: string;
  target?: string;
  segment?: string;
  channels?: string;
  events?: string;
  horizon?: string;
  folds?: string;
  seed?: string;
  country?: string;
  "no-member-holidays"?: boolean;
  "mmm-id"?: string;
  plan?: string;
}

const USAGE =
  "usage: mixcast forecast DATASET --date D --target Y [--segment S] [--channels a,b] [--events promo,price] [--horizon 90] [--folds 3] [--seed N] [--country GB] [--no-member-holidays] [--mmm-id MODEL_ID --plan plan.json] [--csv]";

/**
 * mixcast forecast DATASET ...: train (or reuse) the forecast model as a job with a progress bar, then print the
 * backtest and the forecast's totals, or the forecast as CSV (--csv) or JSON (--json).
 */
export async function forecast(store: Store, ref: string | undefined, flags: ForecastFlags, runJob: RunJob, backend: TfBackendPreference): Promise<number> {
  if (!ref || !flags.date || !flags.target) throw new ValidationError(USAGE);
  const datasetId = await datasetIdByRef(store, ref);
  const ds = (await store.datasets.load(datasetId))!;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  // the API's schema checks the flags and fills the same defaults
  const request = parseOrThrow(
    ForecastRequestSchema,
    {
      datasetId,
      date: flags.date,
      target: flags.target,
      segment: flags.segment,
      channels: flags.channels ? commaList(flags.channels) : undefined,
      events: flags.events ? commaList(flags.events) : undefined,
      horizon: num(flags.horizon),
      folds: num(flags.folds),
      seed: num(flags.seed),
      country: flags.country,
      memberHolidays: flags["no-member-holidays"] ? false : undefined,
      mmmId: flags["mmm-id"],
      plan: flags.plan ? readPlan(flags.plan) : undefined,
    },
    "body",
  );
  const tf = await selectTfBackend(backend); // a stored model is restored on this thread
  const start = await startForecast(store, ds, request, tf.backend);
  const summary = (
    start.kind === "ready" ? start.summary : await runJob(store, "forecast-train", request, start.payload, { json: flags.json || flags.csv }, start.onSuccess)
  ) as ForecastSummary | undefined;
  if (!summary) return 1;
  const out = (await getForecast(store, summary.forecastId)).result;
  if (flags.csv) {
    const { header, rows } = forecastCsvRows(out);
    process.stdout.write(toCsv(header, rows));
  } else if (flags.json) console.log(JSON.stringify({ id: summary.forecastId, ...out }, null, 2));
  else {
    console.log(`forecast ${summary.forecastId} (model ${summary.modelId}${summary.reusedModel ? ", reused" : ""}): ${out.method}. ${out.reason}`);
    if (out.backtest.scores.length) console.log(formatTable(out.backtest.scores, ["method", "mase", "rmsse", "smape", "wmape", "pinball", "coverage"]));
    const lo = out.levels[0]!;
    const hi = out.levels[out.levels.length - 1]!;
    const total = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
    console.log(
      formatTable(
        out.forecasts.map((f, i) => ({
          series: f.key,
          method: out.choices?.[i]?.method ?? out.method,
          from: f.dates[0],
          to: f.dates[f.dates.length - 1],
          total: total(f.mean),
          [`sum p${lo * 100}`]: total(f.quantiles[0]!),
          [`sum p${hi * 100}`]: total(f.quantiles[f.quantiles.length - 1]!),
        })),
        ["series", "method", "from", "to", "total", `sum p${lo * 100}`, `sum p${hi * 100}`],
      ),
    );
    if (out.plan) for (const e of out.plan.effects) console.log(`plan, ${e.key}: ${formatNumber(e.incremental)} incremental over business-as-usual`);
    for (const w of out.warnings) console.log(`! ${w}`);
  }
  return 0;
}

function readPlan(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (e) {
    throw new ValidationError(
      `--plan ${path}: ${e instanceof Error ? e.message : String(e)} (expected JSON like {"lines": [{"channel": "tv", "total": 50000}]}).`,
    );
  }
}
