// Selection against combination, held out (issue 14): per dataset and origin, the default forecast's per-series
// choice beside pools of the members that scored best on the backtest (Kourentzes et al. 2019, "forecast pooling"),
// all decided from the backtest only and scored on the held-out 90 days, side by side in one run.
// Run: npx tsx bench/forecast-combos.ts [origins=3] [dataset ...]; SEED=2 for another seed; MEMBER_HOLIDAYS=0 for
// the forecast without memberHolidays. No country is given (the built-in US days), so the LSTM is the same either way.
import { forecastSeries } from "../src/forecast/forecast.ts";
import { disposeLstm, predictLstm } from "../src/forecast/lstm-model.ts";
import { memberForecasts } from "../src/forecast/members/index.ts";
import { mae, maseScale, rmsse } from "../src/forecast/metrics.ts";
import { poolPoint } from "../src/forecast/pools.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";
import { DATASETS } from "./forecast-datasets.ts";

const H = 90;
const args = process.argv.slice(2);
const origins = Number(args[0] ?? 3);
const seed = Number(process.env.SEED ?? 1);
const names = args.slice(1).length ? args.slice(1) : Object.keys(DATASETS);
await selectTfBackend();
const geo = (x: number[]) => Math.exp(x.reduce((a, v) => a + Math.log(Math.max(v, 1e-9)), 0) / x.length);
const BASELINES = ["seasonal_naive", "last_year", "theta", "mstl_ets"];
const median = (fs: number[][]) =>
  fs[0]!.map((_, h) => {
    const v = fs.map((f) => f[h]!).sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  });
for (const name of names) {
  const full = DATASETS[name]!();
  const acc: Record<string, number[]> = {};
  for (let k = 1; k <= origins; k++) {
    const upTo = (n: number) => n - (k - 1) * H;
    const train = full.map((s) => ({ ...s, target: s.target.slice(0, upTo(s.target.length) - H) }));
    const { result, model } = forecastSeries(train, { horizon: H, seed, memberHolidays: process.env.MEMBER_HOLIDAYS !== "0" });
    const lstm = predictLstm(model, train);
    disposeLstm(model);
    const row: Record<string, number[]> = {};
    full.forEach((s, i) => {
      const actual = s.target.slice(upTo(s.target.length) - H, upTo(s.target.length));
      const hist = train[i]!.target;
      const c = result.choices[i]!;
      const score = (f: readonly number[]) => (c.intermittent ? rmsse(actual, f, hist) : mae(actual, f) / maseScale(hist));
      const members = memberForecasts(hist, H);
      const point = (m: string) => (m === "lstm" ? [...lstm[i]!.mean] : members[m as keyof typeof members]);
      // members only (a pool has no point here): the backtest's order
      const ranked = c.scores.map((x) => x.method).filter((m) => point(m));
      const add = (rule: string, f: readonly number[] | null | undefined) => f && (row[rule] ??= []).push(score(f));
      add("mixcast", result.forecasts[i]!.mean);
      // the forecast before pools: the member with the lowest backtest score
      add("picking", point(ranked[0]!));
      add("lstm", lstm[i]!.mean);
      for (const b of [...BASELINES, "mstl_ets_yearly", "combination", "croston_sba"]) add(b, point(b));
      for (const n of [2, 3, 4]) {
        const top = ranked.slice(0, n).map((m) => point(m)!) as number[][];
        add(`top${n}-mean`, poolPoint(top));
        if (n >= 3) add(`top${n}-median`, median(top));
      }
      // top two, unless the second scored more than 20% worse than the first
      const s0 = c.scores.find((x) => x.method === ranked[0])!;
      const s1 = c.scores.find((x) => x.method === ranked[1])!;
      const by = c.intermittent ? "rmsse" : "mase";
      add("top2-if-close", s1[by] <= 1.2 * s0[by] ? poolPoint([point(ranked[0]!)!, point(ranked[1]!)!] as number[][]) : point(ranked[0]!));
    });
    for (const [r, v] of Object.entries(row)) (acc[r] ??= []).push(...v);
    console.log(
      `${name} origin ${k}: ${Object.entries(row)
        .map(([r, v]) => `${r} ${geo(v).toFixed(3)}`)
        .join(", ")}`,
    );
  }
  const best = Math.min(...BASELINES.filter((b) => acc[b]?.length).map((b) => geo(acc[b]!)));
  console.log(
    `SUMMARY ${name}: best baseline ${best.toFixed(3)}; ${Object.entries(acc)
      .map(([r, v]) => `${r} ${geo(v).toFixed(3)} (${((1 - geo(v) / best) * 100).toFixed(1)}%)`)
      .join(", ")}`,
  );
}
