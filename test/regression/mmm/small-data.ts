import { expect } from "vitest";
import { seededRng } from "../../../src/data/random.ts";
import type { LogDensity } from "../../../src/mcmc/nuts.ts";
import { baselinePrior } from "../../../src/regression/mmm/baseline-prior.ts";
import type { PosteriorData, Pooling, SegmentData } from "../../../src/regression/mmm/posterior-model.ts";

/** Small data: G segments, 3 channels, 60 periods (54 fitted), intercept + trend baseline. */
export function smallData(pooling: Pooling, forms: PosteriorData["forms"], lifts = false, geos = 3): PosteriorData {
  const r = seededRng(3);
  const G = pooling === "single" ? 1 : geos;
  const segments: SegmentData[] = Array.from({ length: G }, (_, g) => {
    const n = 60;
    const fit = 54;
    const cols = [new Float64Array(n).fill(1), Float64Array.from({ length: n }, (_, t) => t / n)];
    const spend = forms.map(() => Float64Array.from({ length: n }, () => (r.uniform() < 0.3 ? 0 : 50 + 100 * r.uniform())));
    const y = Float64Array.from({ length: fit }, (_, t) => 500 + 3 * t + spend.reduce((a, s) => a + 0.5 * s[t]!, 0) + 20 * r.normal());
    return {
      name: `g${g}`,
      n,
      fit,
      y,
      baseline: baselinePrior(cols, fit, [500, 0], [300, 100]),
      sigmaScale: 50,
      spend,
      scale: spend.map((s) => s.filter((v) => v > 0).reduce((a, v, _, arr) => a + v / arr.length, 0)),
      total: spend.map((s) => s.subarray(0, fit).reduce((a, v) => a + v, 0)),
    };
  });
  return {
    lMax: 5,
    channels: forms.map((_, j) => `c${j}`),
    forms,
    roiPriors: forms.map(() => ({ median: 1, spread: 1 })),
    pooling,
    segments,
    lifts: lifts ? [{ segment: 0, channel: 1, rows: [10, 11, 12, 55], liftAbs: 300, liftSe: 40 }] : [],
  };
}

/** A point near the origin with σ about 20 per segment: where the small data's gradients are checked. */
export function pointNear(dim: number, sigmaOffset: number, segments: number, seed: number): Float64Array {
  const r = seededRng(seed);
  const q = Float64Array.from({ length: dim }, () => 0.6 * (2 * r.uniform() - 1));
  for (let g = 0; g < segments; g++) q[sigmaOffset + g] = Math.log(20) + 0.3 * r.uniform();
  return q;
}

/** The analytic gradient at q agrees with central differences (step 1e-5) to 1e-4 relative, coordinate by coordinate. */
export function expectGradientMatches(target: LogDensity & { layout: { names: readonly string[] } }, q: Float64Array): void {
  const g = new Float64Array(target.dim);
  expect(Number.isFinite(target.logDensityGrad(q, g))).toBe(true);
  const scratch = new Float64Array(target.dim);
  for (let i = 0; i < target.dim; i++) {
    const h = 1e-5;
    const up = Float64Array.from(q);
    const dn = Float64Array.from(q);
    up[i]! += h;
    dn[i]! -= h;
    const fd = (target.logDensityGrad(up, scratch) - target.logDensityGrad(dn, scratch)) / (2 * h);
    expect(Math.abs(g[i]! - fd), `${target.layout.names[i]}: analytic ${g[i]} vs ${fd}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(fd)));
  }
}
