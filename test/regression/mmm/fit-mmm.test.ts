import { describe, expect, it } from "vitest";
import { fitMmm } from "../../../src/regression/mmm/fit-mmm.ts";
import { constrainedLeastSquares } from "../../../src/regression/mmm/nnls.ts";
import { CHANNELS, SAMPLE_SPEC, simulateSales } from "../../../src/regression/mmm/simulate.ts";
import { expectAllClose } from "../../helpers/all-close.ts";

describe("constrained least squares (Lawson-Hanson on the media columns)", () => {
  it("When the unconstrained fit is negative for a constrained column, then that coefficient is 0 and the rest is the reduced fit", () => {
    const n = 50;
    const one = new Float64Array(n).fill(1);
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const z = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const y = Float64Array.from({ length: n }, (_, i) => 3 + 2 * x[i]! - 5 * z[i]!);
    expectAllClose(Array.from(constrainedLeastSquares([one, x, z], y, new Set())), [3, 2, -5], { rtol: 1e-10 });
    const c = constrainedLeastSquares([one, x, z], y, new Set([2]));
    expect(c[2]).toBe(0);
    const reduced = constrainedLeastSquares([one, x], y, new Set());
    expectAllClose([c[0]!, c[1]!], Array.from(reduced), { rtol: 1e-10 });
  });
});

describe("fitMmm on the bundled sample (first cut)", () => {
  const sim = simulateSales(SAMPLE_SPEC, 20240601);
  const rows = sim.rows.filter((r) => r.segment === "Enterprise");
  const input = {
    dates: rows.map((r) => r.date),
    target: rows.map((r) => r.sales),
    channels: Object.fromEntries(CHANNELS.map((c) => [c, rows.map((r) => r.spend[c]!)])),
    controls: { holiday: rows.map((r) => r.holiday) },
  };

  it("When fitted twice with the same seed, then the JSON is byte-identical", () => {
    const a = fitMmm(input, { seed: 7, searchSize: 40, refineRounds: 1 });
    const b = fitMmm(input, { seed: 7, searchSize: 40, refineRounds: 1 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.channels.every((c) => c.coefficient >= 0)).toBe(true);
    expect(a.holdout).not.toBeNull();
  });

  it("When the dominant flighted channel (TV) is fitted, then its ROI is within 5% of the truth", () => {
    const fit = fitMmm(input, { seed: 1, holdout: 0 });
    const tv = fit.channels.find((c) => c.channel === "tv")!;
    const truth = sim.truth.find((t) => t.segment === "Enterprise" && t.channel === "tv")!;
    expect(Math.abs(tv.roi / truth.roi - 1)).toBeLessThan(0.05);
    expect(fit.inSample.rsquared).toBeGreaterThan(0.9);
  });
});

describe("bootstrap intervals", () => {
  it("When 30 datasets are simulated from known transforms, then 90% ROI intervals cover the true ROI about 90% of the time", () => {
    // Transforms fixed at their true values: the intervals are conditional on them (see blockBootstrap).
    const seg = SAMPLE_SPEC.segments[1]!;
    const spec = { ...SAMPLE_SPEC, days: 730, segments: [seg] };
    let covered = 0;
    let total = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const sim = simulateSales(spec, seed);
      const fit = fitMmm(
        {
          dates: sim.rows.map((r) => r.date),
          target: sim.rows.map((r) => r.sales),
          channels: Object.fromEntries(CHANNELS.map((c) => [c, sim.rows.map((r) => r.spend[c]!)])),
          controls: { holiday: sim.rows.map((r) => r.holiday) },
        },
        { seed, holdout: 0, bootstrap: 100, level: 0.9, transforms: seg.channels },
      );
      for (const c of fit.channels) {
        const truth = sim.truth.find((t) => t.channel === c.channel)!.roi;
        total++;
        if (c.roiInterval!.lower <= truth && truth <= c.roiInterval!.upper) covered++;
      }
    }
    // 150 intervals: a correct 90% method lands in [0.82, 0.97] with probability > 99%
    expect(covered / total).toBeGreaterThan(0.82);
    expect(covered / total).toBeLessThan(0.97);
  }, 60_000);
});
