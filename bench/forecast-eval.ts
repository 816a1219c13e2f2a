// Held-out evaluation of the default forecast against the strongest simple alternatives, side by side in one run
// (issue 14): per dataset, the last 90 days held out; MASE (in-sample weekly-naive scale) per series, geometric mean
// over series; p10-p90 coverage of held-out days. Run: npx tsx bench/forecast-eval.ts [dataset ...]
import { forecastSeries } from "../src/forecast/forecast.ts";
import { disposeLstm } from "../src/forecast/lstm-model.ts";
import { memberForecasts, STATISTICAL_MEMBERS } from "../src/forecast/members/index.ts";
import { coverage, mae, maseScale, rmsse } from "../src/forecast/metrics.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";
import { DATASETS } from "./forecast-datasets.ts";

const H = 90;
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
