/**
 * Tail probabilities and quantiles from @stdlib (ports of Boost/Cephes, tested to near machine precision).
 * Survival functions go through the regularised incomplete beta/gamma functions directly, so tiny p-values keep
 * their relative precision instead of cancelling in 1 − cdf.
 */
import betainc from "@stdlib/math-base-special-betainc";
import gammainc from "@stdlib/math-base-special-gammainc";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tQuantileStd from "@stdlib/stats-base-dists-t-quantile";

/** Two-sided p-value of a t statistic: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? NaN : 0;
  return betainc(df / (df + t * t), df / 2, 0.5, true, false);
}

/** Quantile of Student's t with df degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return tQuantileStd(p, df);
}

/** Two-sided p-value of a z statistic. */
export function zTwoSidedP(z: number): number {
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

export function zQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** P(F ≥ f) for F(d1, d2) = I_{d2/(d2 + d1 f)}(d2/2, d1/2). */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return f === 0 ? 1 : NaN;
  return betainc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2, true, false);
}

/** P(X ≥ x) for chi-square with k degrees of freedom = Q(k/2, x/2). */
export function chi2Survival(x: number, k: number): number {
  if (!(x > 0)) return x === 0 ? 1 : NaN;
  return gammainc(x / 2, k / 2, true, true);
}
