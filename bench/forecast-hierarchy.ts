// Does reconciliation help? Held-out last 90 days of a hierarchy, each node's base forecast against the reconciled
// one (mint_shrink, ols, bottom_up), MASE per node and the geometric mean over nodes. Data: the bundled sample's three
// segments and their total ("sample"), or six simulated stores in two regions with shared regional shocks ("sim1").
// Run: npx tsx bench/forecast-hierarchy.ts sample|sim1
import { readFileSync } from "node:fs";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { prepareForecastSeries } from "../src/forecast/from-dataset.ts";
import { buildHierarchy } from "../src/forecast/hierarchy.ts";
import { forecastSeries, forecastWith } from "../src/forecast/forecast.ts";
import { mae, maseScale } from "../src/forecast/metrics.ts";
import type { SeriesInput } from "../src/forecast/types.ts";
import { selectTfBackend } from "../src/forecast/tf-backend.ts";
await selectTfBackend("wasm");
const which = process.argv[2] ?? "sample";
const H = 90;
let parts: SeriesInput[];
if (which === "sample") {
  const ds = csvToDataset(readFileSync(new URL("../data/sample-daily-sales.csv", import.meta.url)), {
    name: "s",
    dateColumn: "date",
    seriesColumns: ["segment"],
  });
  parts = prepareForecastSeries(ds, { date: "date", target: "sales", segment: "segment" }).series;
} else {
  // simulated: 6 stores in 2 regions, shared weekly/yearly pattern, store noise, region shocks
  const { seededRng } = await import("../src/data/random.ts");
  const r = seededRng(Number(which.slice(3)) || 1);
  const n = 1000;
  const regionShock = [0, 1].map(() => {
    let x = 0;
    return Array.from({ length: n }, () => (x = 0.9 * x + 3 * r.normal()));
  });
  parts = Array.from({ length: 6 }, (_, k) => ({
    key: `s${k}`,
    start: "2023-01-01",
    target: Array.from({ length: n }, (_, t) =>
      Math.max(0, 40 + 5 * k + 8 * Math.sin((2 * Math.PI * t) / 7 + k) + 6 * Math.sin((2 * Math.PI * t) / 365) + regionShock[k % 2]![t]! + 6 * r.normal()),
    ),
  }));
}
const spec: Record<string, string[]> =
  which === "sample" ? { total: parts.map((s) => s.key) } : { total: ["r0", "r1"], r0: ["s0", "s2", "s4"], r1: ["s1", "s3", "s5"] };
const tree = buildHierarchy(parts, spec);
const train = tree.series.map((s) => ({ ...s, target: s.target.slice(0, -H) }));
for (const method of ["mint_shrink", "ols", "bottom_up"] as const) {
  const { result, model } = forecastSeries(train, {
    horizon: H,
    seed: 1,
    hierarchy: { nodes: tree.nodes, bottom: tree.bottom, summing: tree.summing, method },
  });
  const base = forecastWith(model, train, { ...result, reconciliation: undefined });
  const score = (f: readonly (typeof base)[number][]) => f.map((x, i) => mae(tree.series[i]!.target.slice(-H), x.mean) / maseScale(train[i]!.target));
  const b = score(base),
    rc = score(result.forecasts);
  const g = (v: number[]) => Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length);
  console.log(which, method, result.reconciliation?.reason);
  console.log(
    tree.series
      .map(
        (s, i) =>
          `${s.key}: ${result.choices[i]!.method} base ${b[i]!.toFixed(3)} rec ${rc[i]!.toFixed(3)} (bt ${result.choices[i]!.reconciled?.before.toFixed(3)}→${result.choices[i]!.reconciled?.after.toFixed(3)})`,
      )
      .join("\n"),
  );
  console.log(`geo mean base ${g(b).toFixed(4)} reconciled ${g(rc).toFixed(4)}`);
}
