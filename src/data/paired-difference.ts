/**
 * Mean and sample SD of the pointwise differences a − b: what a one-SE rule compares (the mean difference against
 * sd/√n), used by the MMM's form selection (PSIS-LOO pointwise elpd) and the forecast's pools (per-fold scores).
 */
export function pairedDifference(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; sd: number; n: number } {
  const n = a.length;
  const d = Float64Array.from({ length: n }, (_, i) => a[i]! - b[i]!);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n };
}
