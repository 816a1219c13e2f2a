import { quantileSorted } from "../../data/quantile.ts";
import { seededRng } from "../../data/random.ts";

/**
 * Moving-block bootstrap of residuals (Künsch 1989): each replicate is y* = ŷ + blocks of `blockLength` residuals
 * drawn with replacement (blocks keep the residuals' short-range autocorrelation). Calls `onReplicate` with each
 * y* (the same buffer, overwritten); seeded, so the same seed gives the same replicates.
 */
export function blockBootstrap(b: {
  readonly fitted: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly replicates: number;
  readonly blockLength: number;
  readonly seed: number;
  /** Residuals are multiplied by this (e.g. √(n/(n − p)) to undo the shrinkage of fitted residuals). Default 1. */
  readonly inflate?: number;
  readonly onReplicate: (ystar: Float64Array, r: number) => void;
}): void {
  const n = b.y.length;
  const L = Math.min(b.blockLength, n);
  const inflate = b.inflate ?? 1;
  const resid = Float64Array.from({ length: n }, (_, i) => inflate * (b.y[i]! - b.fitted[i]!));
  const rng = seededRng(b.seed + 7919);
  const ystar = new Float64Array(n);
  for (let r = 0; r < b.replicates; r++) {
    for (let i = 0; i < n; ) {
      const start = Math.floor(rng.uniform() * (n - L + 1));
      for (let l = 0; l < L && i < n; l++, i++) ystar[i] = b.fitted[i]! + resid[start + l]!;
    }
    b.onReplicate(ystar, r);
  }
}

/** The central `level` percentile interval of draws (linear interpolation between order statistics, as numpy). */
export function percentileInterval(draws: ArrayLike<number>, level: number): { lower: number; upper: number } {
  return intervalOfSorted(Float64Array.from(draws).sort(), level);
}

/** The equal-tailed interval at `level` of draws already sorted. */
export function intervalOfSorted(sorted: ArrayLike<number>, level: number): { lower: number; upper: number } {
  return { lower: quantileSorted(sorted, (1 - level) / 2), upper: quantileSorted(sorted, (1 + level) / 2) };
}
