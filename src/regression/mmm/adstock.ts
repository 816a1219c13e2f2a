/**
 * Geometric adstock: y[t] = Σ_{l=0}^{lMax-1} w[l]·x[t-l], with w[l] = alpha^l (divided by Σw when `normalize`,
 * so adstocked spend stays in spend units). Effect peaks in the period of spend. Spend before the series is 0.
 *
 * @param x - spend per period (currency), oldest first
 * @param alpha - retention rate, 0 ≤ alpha < 1
 * @param lMax - carry-over window in periods, ≥ 1
 * @throws RangeError if alpha ∉ [0, 1) or lMax is not a positive integer
 * @example geometricAdstock([1, 0, 0], { alpha: 0.5, lMax: 3, normalize: false }) // → [1, 0.5, 0.25]
 * @see Jin et al. (2017) "Bayesian methods for media mix modeling with carryover and shape effects"
 */
export function geometricAdstock(
  x: readonly number[],
  { alpha, lMax, normalize }: { readonly alpha: number; readonly lMax: number; readonly normalize: boolean },
): number[] {
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`alpha must be in [0, 1); got ${alpha}`);
  if (!Number.isInteger(lMax) || lMax < 1) throw new RangeError(`lMax must be a positive integer; got ${lMax}`);
  const w = Array.from({ length: lMax }, (_, l) => alpha ** l);
  const total = normalize ? w.reduce((a, b) => a + b, 0) : 1;
  return x.map((_, t) => {
    let y = 0;
    for (let l = 0; l < lMax && l <= t; l++) y += w[l]! * x[t - l]!;
    return y / total;
  });
}
