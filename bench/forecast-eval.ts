// Held-out evaluation of the default forecast against the strongest simple alternatives, side by side in one run
// (issue 14): per dataset, the last 90 days held out; MASE (in-sample weekly-naive scale) per series, geometric mean
// over series; p10-p90 coverage of held-out days. Run: npx tsx bench/forecast-eval.ts [dataset ...]
import { readFileSync } from "node:fs";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { forecastSeries } from "../src/forecast/forecast.ts";
import { prepareForecastSeries } from "../src/forecast/from-dataset.ts";
import { disposeLstm } from "../src/forecast/lstm-model.ts";
import { memberForecasts, STATISTICAL_MEMBERS } from "../src/forecast/members/index.ts";
import { coverage, mae, maseScale, rmsse } from "../src/forecast/metrics.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";
import type { SeriesInput } from "../src/forecast/types.ts";
import { seededRng } from "../src/data/random.ts";

/** Ten stores, three years: weekly and yearly cycles, a level shift in some, year-end peaks, noise. */
function stores(): SeriesInput[] {
  const r = seededRng(11);
  return Array.from({ length: 10 }, (_, k) => {
    const level = 500 + 400 * r.uniform();
    const shiftAt = r.uniform() < 0.5 ? Math.floor(700 + 300 * r.uniform()) : Infinity;
    const weekly = Array.from({ length: 7 }, () => 0.8 + 0.4 * r.uniform());
    const target = Array.from({ length: 1095 }, (_, t) => {
      const doy = t % 365;
      const yearly = 1 + 0.25 * Math.sin((2 * Math.PI * (doy - 80)) / 365) + (doy >= 350 ? 0.6 : 0);
      return Math.max(0, level * (t >= shiftAt ? 1.2 : 1) * weekly[t % 7]! * yearly * (1 + 0.08 * r.normal()));
    });
    return { key: `store${k + 1}`, start: "2022-01-03", target };
  });
}

/** Eight slow movers: a few units on about one day in four, a weekday pattern, no trend. */
function slowMovers(): SeriesInput[] {
  const r = seededRng(12);
  return Array.from({ length: 8 }, (_, k) => ({
    key: `item${k + 1}`,
    start: "2022-01-03",
    target: Array.from({ length: 1095 }, (_, t) => (r.uniform() < 0.15 + 0.1 * (t % 7 >= 5 ? 1 : 0) ? 1 + Math.floor(4 * r.uniform()) : 0)),
  }));
}

const H = 90;
const DATASETS: Record<string, () => SeriesInput[]> = {
  sample: () => {
    const ds = csvToDataset(readFileSync("data/sample-daily-sales.csv"), { name: "s", dateColumn: "date", seriesColumns: ["segment"] });
    return prepareForecastSeries(ds, { date: "date", target: "sales", segment: "segment" }).series;
  },
  peyton: () => {
    const ds = csvToDataset(readFileSync("data/prophet-peyton-manning/example_wp_log_peyton_manning.csv"), { name: "p" });
    return prepareForecastSeries(ds, { date: "ds", target: "y" }).series;
  },
  stores,
  slowMovers,
};

await selectTfBackend();
const geo = (x: number[]) => Math.exp(x.reduce((a, v) => a + Math.log(v), 0) / x.length);
for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(DATASETS)) {
  const series = DATASETS[name]!();
  const train = series.map((s) => ({ ...s, target: s.target.slice(0, -H) }));
  const t0 = performance.now();
  const { result, model } = forecastSeries(train, { horizon: H, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  disposeLstm(model);
  const rows: Record<string, number[]> = { mixcast: [] };
  const rms: Record<string, number[]> = { mixcast: [] };
  const cover: number[] = [];
  series.forEach((s, i) => {
    const actual = s.target.slice(-H);
    const scale = maseScale(train[i]!.target);
    const f = result.forecasts[i]!;
    rows.mixcast!.push(mae(actual, f.mean) / scale);
    rms.mixcast!.push(rmsse(actual, f.mean, train[i]!.target));
    cover.push(coverage(actual, f.quantiles[0]!, f.quantiles[f.quantiles.length - 1]!));
    const members = memberForecasts(train[i]!.target, H);
    for (const m of STATISTICAL_MEMBERS) {
      if (!members[m]) continue;
      (rows[m] ??= []).push(mae(actual, members[m]!) / scale);
      (rms[m] ??= []).push(rmsse(actual, members[m]!, train[i]!.target));
    }
  });
  const cols = Object.entries(rows)
    .filter(([, v]) => v.length === series.length)
    .map(([k, v]) => `${k} ${geo(v).toFixed(3)}`);
  const rcols = Object.entries(rms)
    .filter(([, v]) => v.length === series.length)
    .map(([k, v]) => `${k} ${(v.reduce((a, x) => a + x, 0) / v.length).toFixed(3)}`);
  console.log(
    `${name} (${series.length} series): MASE (geometric mean) ${cols.join(", ")}; RMSSE (mean) ${rcols.join(", ")}; p10-p90 coverage ${(cover.reduce((a, v) => a + v, 0) / cover.length).toFixed(2)}; ${seconds.toFixed(0)} s; chosen ${result.choices.map((c) => `${c.key || "-"}:${c.method}`).join(" ")}`,
  );
}
