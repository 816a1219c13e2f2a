// Issue 14's scale bar: 200 daily series x 3 years with the default backtest (under 10 minutes on 2 cores), one
// series (under 30 s), and a forecast from the trained model (under 100 ms); peak memory.
// Run: npx tsx bench/forecast-scale.ts [series] [--one-thread: also time it with the members in the training thread]
import { resourceUsage } from "node:process";
import { seededRng } from "../src/data/random.ts";
import { disposeLstm } from "../src/forecast/lstm-model.ts";
import { forecastSeries, forecastSeriesWith, forecastWith } from "../src/forecast/forecast.ts";
import { parallelMembers } from "../src/jobs/parallel-members.ts";
import { memberForecasts } from "../src/forecast/members/index.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";

const count = Number(process.argv[2] ?? 200);
const r = seededRng(5);
const series = Array.from({ length: count }, (_, k) => {
  const level = 50 + 500 * r.uniform();
  const weekly = Array.from({ length: 7 }, () => 0.7 + 0.6 * r.uniform());
  const yearly = 0.3 * r.uniform();
  const trend = 0.0005 * r.normal();
  return {
    key: `s${k + 1}`,
    start: "2023-01-02",
    target: Array.from({ length: 1095 }, (_, t) =>
      Math.max(0, level * (1 + trend * t) * weekly[t % 7]! * (1 + yearly * Math.sin((2 * Math.PI * t) / 365)) * (1 + 0.1 * r.normal())),
    ),
  };
});
const tf = await selectTfBackend();
// the strongest simple alternative's cost on the same series: every statistical member, one fit each, no backtest
const ts = performance.now();
for (const s of series) memberForecasts(s.target, 90);
const statistical = (performance.now() - ts) / 1000;
// as the forecast job runs it: the members on the other core while this thread trains the LSTM; and, beside it,
// everything in this thread (the answer is the same)
const t0 = performance.now();
const { result, model } = await forecastSeriesWith(series, { horizon: 90, seed: 1 }, parallelMembers());
const trained = (performance.now() - t0) / 1000;
let oneThread = Number.NaN;
if (process.argv.includes("--one-thread")) {
  const t = performance.now();
  disposeLstm(forecastSeries(series, { horizon: 90, seed: 1 }).model);
  oneThread = (performance.now() - t) / 1000;
}
// the first forecast from the stored model (cold: what a fresh process pays), then the median of five more (a
// running service's)
const forecastMs = Array.from({ length: 6 }, () => {
  const t1 = performance.now();
  forecastWith(model, series, result);
  return performance.now() - t1;
});
const first = forecastMs[0]!;
const warm = forecastMs.slice(1).sort((a, b) => a - b)[2]!;
disposeLstm(model);
const used = new Map<string, number>();
for (const c of result.choices) used.set(c.method, (used.get(c.method) ?? 0) + 1);
console.log(
  `${count} series x 1,095 days, 90-day horizon, 3 folds (${tf.backend}): ${trained.toFixed(0)} s (${(trained / count).toFixed(2)} s a series); forecast from the trained model ${first.toFixed(0)} ms first, ${warm.toFixed(0)} ms median of the next five; peak RSS ${(resourceUsage().maxRSS / 2 ** 10).toFixed(0)} MiB; chosen ${[...used].map(([m, n]) => `${m} ${n}`).join(", ")}; the statistical members alone, one fit each: ${statistical.toFixed(1)} s${Number.isNaN(oneThread) ? "" : `; everything in one thread: ${oneThread.toFixed(0)} s`}`,
);
