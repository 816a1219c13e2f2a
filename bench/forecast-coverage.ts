// How often the forecast's p10–p90 band holds held-out days, with and without the leave-one-fold-out widening
// (src/forecast/band-widening.ts), side by side in one run (issue 14: "an interval's coverage is measured, not
// assumed"). One held-out window per series is a noisy measure of coverage (its 90 days share one level error), so
// each dataset is forecast from several origins: the last 90 days held out, then the 90 before them, and so on.
// Run: npx tsx bench/forecast-coverage.ts [origins=3] [dataset ...]
import { forecastSeries } from "../src/forecast/forecast.ts";
import { disposeLstm } from "../src/forecast/lstm-model.ts";
import { coverage, mae, maseScale } from "../src/forecast/metrics.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";
import { DATASETS } from "./forecast-datasets.ts";

const H = 90;
const args = process.argv.slice(2);
const origins = Number(args[0] ?? 3);
const names = args.slice(1).length ? args.slice(1) : Object.keys(DATASETS);
await selectTfBackend();
const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
const table: string[] = ["| data | series | origins | p10–p90 coverage, plain | widened | widening (MASE-scale units) |", "|---|---|---|---|---|---|"];
for (const name of names) {
  const full = DATASETS[name]!();
  const cover = { plain: [] as number[], widened: [] as number[] };
  const widening: number[] = [];
  for (let k = 1; k <= origins; k++) {
    const upTo = (s: (typeof full)[number]) => s.target.length - (k - 1) * H;
    const train = full.map((s) => ({ ...s, target: s.target.slice(0, upTo(s) - H) }));
    const row: string[] = [];
    for (const widen of [false, true]) {
      const { result, model } = forecastSeries(train, { horizon: H, seed: 1, widenBands: widen });
      disposeLstm(model);
      const c = full.map((s, i) => coverage(s.target.slice(upTo(s) - H, upTo(s)), result.forecasts[i]!.quantiles[0]!, result.forecasts[i]!.quantiles.at(-1)!));
      const m = full.map((s, i) => mae(s.target.slice(upTo(s) - H, upTo(s)), result.forecasts[i]!.mean) / maseScale(train[i]!.target));
      (widen ? cover.widened : cover.plain).push(mean(c));
      if (widen) widening.push(result.choices.find((x) => x.bandWidening)?.bandWidening?.[0] ?? 0);
      // by what the series chose: the widening applies to the statistical members' bands only
      const lstm = c.filter((_, i) => result.choices[i]!.method === "lstm");
      const members = c.filter((_, i) => result.choices[i]!.method !== "lstm");
      const part = (x: number[]) => (x.length ? mean(x).toFixed(2) : "–");
      row.push(
        `${widen ? "widened" : "plain"} ${mean(c).toFixed(2)} (LSTM ${lstm.length}: ${part(lstm)}, members ${members.length}: ${part(members)}; mean MASE ${mean(m).toFixed(3)})`,
      );
    }
    console.log(`${name} origin ${k}: ${row.join(", ")}, widening ${widening.at(-1)!.toFixed(3)}`);
  }
  table.push(
    `| ${name} | ${full.length} | ${origins} | ${mean(cover.plain).toFixed(2)} (${cover.plain.map((v) => v.toFixed(2)).join(", ")}) | ${mean(cover.widened).toFixed(2)} (${cover.widened.map((v) => v.toFixed(2)).join(", ")}) | ${widening.map((v) => v.toFixed(2)).join(", ")} |`,
  );
}
console.log(`\n${table.join("\n")}`);
