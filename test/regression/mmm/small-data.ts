import { seededRng } from "../../../src/data/random.ts";
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
