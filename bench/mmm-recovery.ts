/**
 * How well can ROI be recovered from data like the bundled sample? Simulates `SEEDS` datasets from the sample's
 * truth and prints, per segment and channel, the RMS and mean relative ROI error of (a) least squares with the TRUE
 * transforms plugged in (the floor no estimator beats without outside information) and (b) the default fit, and
 * how often (b) lands within 10%. MMM_OPTS (JSON) adds options to (b); with a bootstrap, e.g.
 * MMM_OPTS='{"bootstrap":200}', it also counts how often the ROI interval covers the truth.
 * Usage: npx tsx bench/mmm-recovery.ts [seeds=6] [noiseScale=1]
 */
import { fitMmm, type MmmOptions } from "../src/regression/mmm/fit-mmm.ts";
import { SAMPLE_SPEC, simulatedMmmInput, simulateSales } from "../src/regression/mmm/simulate.ts";

const seeds = Number(process.argv[2] ?? 6);
const noiseScale = Number(process.argv[3] ?? 1);
const spec = { ...SAMPLE_SPEC, segments: SAMPLE_SPEC.segments.map((s) => ({ ...s, noise: s.noise * noiseScale })) };
const errors = { oracle: new Map<string, number[]>(), fitted: new Map<string, number[]>() };
const covered = new Map<string, number[]>();
for (let seed = 1; seed <= seeds; seed++) {
  const sim = simulateSales(spec, seed);
  for (const seg of spec.segments) {
    const rows = sim.rows.filter((r) => r.segment === seg.name);
    const input = simulatedMmmInput(rows);
    const runs: [keyof typeof errors, MmmOptions][] = [
      ["oracle", { holdout: 0, bootstrap: 0, transforms: seg.channels }],
      ["fitted", { seed: 1, holdout: 0, bootstrap: 0, ...JSON.parse(process.env.MMM_OPTS ?? "{}") }],
    ];
    for (const [kind, opts] of runs) {
      for (const c of fitMmm(input, opts).channels) {
        const truth = sim.truth.find((t) => t.segment === seg.name && t.channel === c.channel)!.roi;
        const key = `${seg.name} ${c.channel}`;
        errors[kind].set(key, [...(errors[kind].get(key) ?? []), c.roi / truth - 1]);
        if (kind === "fitted" && c.roiInterval)
          covered.set(key, [...(covered.get(key) ?? []), c.roiInterval.lower <= truth && truth <= c.roiInterval.upper ? 1 : 0]);
      }
    }
  }
}
const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const rms = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
console.log(`ROI recovery over ${seeds} simulated datasets (noise × ${noiseScale}): RMS (mean) relative error`);
const within = (v: number[]) => `${v.filter((e) => Math.abs(e) <= 0.1).length}/${v.length}`;
const coverage = covered.size > 0;
console.log(
  `| segment channel | true transforms | default fit | default fit within 10% |${coverage ? " interval covers the truth |" : ""}\n|---|---|---|---|${coverage ? "---|" : ""}`,
);
for (const [key, o] of errors.oracle) {
  const f = errors.fitted.get(key)!;
  const cov = covered.get(key);
  console.log(
    `| ${key} | ${pct(rms(o))} (${pct(mean(o))}) | ${pct(rms(f))} (${pct(mean(f))}) | ${within(f)} |${cov ? ` ${cov.reduce((a, b) => a + b, 0)}/${cov.length} |` : ""}`,
  );
}
