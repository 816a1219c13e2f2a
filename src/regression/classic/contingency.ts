import { ValidationError } from "../../errors.ts";
import normalCdf from "@stdlib/stats-base-dists-normal-cdf";
import { chi2Survival, zQuantile, zTwoSidedP } from "../distributions.ts";

export interface ChiSquareResult {
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  readonly observed: readonly (readonly number[])[];
  readonly expected: readonly (readonly number[])[];
  readonly chi2: number;
  readonly dof: number;
  readonly pValue: number;
  /** Yates' continuity correction applied (2×2 tables, as scipy does by default). */
  readonly yates: boolean;
  /** Cramér's V: sqrt(χ² / (n·(min(r, c) − 1))), 0 (independent) to 1. */
  readonly cramersV: number;
  readonly interpretation: string;
}

/**
 * Chi-square test of independence on a contingency table (scipy.stats.chi2_contingency: Yates' correction for
 * one degree of freedom unless `correction` is false).
 */
export function chiSquareIndependence(
  rows: readonly string[],
  cols: readonly string[],
  observed: readonly (readonly number[])[],
  opts: { correction?: boolean; alpha?: number } = {},
): ChiSquareResult {
  const r = observed.length;
  const c = observed[0]?.length ?? 0;
  if (r < 2 || c < 2)
    throw new ValidationError(`A contingency table needs at least 2 rows and 2 columns; got ${r}×${c}.`, [{ path: ["table"], message: "too small" }]);
  const rowSums = observed.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: c }, (_, j) => observed.reduce((s, row) => s + row[j]!, 0));
  const n = rowSums.reduce((s, v) => s + v, 0);
  const expected = rowSums.map((rs) => colSums.map((cs) => (rs * cs) / n));
  if (expected.some((row) => row.some((e) => e === 0))) {
    throw new ValidationError("A row or column of the table is all zero; the test is undefined.", [{ path: ["table"], message: "zero margin" }]);
  }
  const dof = (r - 1) * (c - 1);
  const yates = (opts.correction ?? true) && dof === 1;
  let chi2 = 0;
  observed.forEach((row, i) =>
    row.forEach((o, j) => {
      const e = expected[i]![j]!;
      // Yates: shrink |O − E| by 0.5, but never past zero (scipy's rule)
      const d = yates ? Math.max(0, Math.abs(o - e) - 0.5) : o - e;
      chi2 += (d * d) / e;
    }),
  );
  const pValue = chi2Survival(chi2, dof);
  const rawChi2 = yates ? observed.reduce((s, row, i) => s + row.reduce((t, o, j) => t + (o - expected[i]![j]!) ** 2 / expected[i]![j]!, 0), 0) : chi2;
  const cramersV = Math.sqrt(rawChi2 / (n * (Math.min(r, c) - 1)));
  const alpha = opts.alpha ?? 0.05;
  return {
    rows,
    cols,
    observed,
    expected,
    chi2,
    dof,
    pValue,
    yates,
    cramersV,
    interpretation:
      pValue < alpha
        ? `The two variables are associated (χ² = ${chi2.toFixed(2)}, p = ${pValue.toExponential(2)}, Cramér's V = ${cramersV.toFixed(2)}).`
        : `No evidence of association (χ² = ${chi2.toFixed(2)}, p = ${pValue.toFixed(3)}).`,
  };
}

export interface ProportionsResult {
  readonly rates: readonly [number, number];
  /** rate(b) − rate(a). */
  readonly difference: number;
  /** Relative lift of b over a. */
  readonly lift: number;
  /** Pooled-variance z (statsmodels proportions_ztest), for rate(a) − rate(b). */
  readonly z: number;
  readonly pValue: number;
  /** Wald interval for the difference rate(b) − rate(a) (unpooled). */
  readonly ciLower: number;
  readonly ciUpper: number;
  /** Cohen's h = 2·asin√p_a − 2·asin√p_b. */
  readonly cohenH: number;
  /** Power of this two-sided test to detect |h| at these sample sizes (statsmodels NormalIndPower). */
  readonly power: number;
  /** Per-group sample size for 80% power at the observed effect. */
  readonly nFor80Power: number | null;
  readonly interpretation: string;
}

/** A/B conversion test: two-proportion z-test with effect size, interval and power. */
export function twoProportionTest(successes: readonly [number, number], trials: readonly [number, number], alpha = 0.05): ProportionsResult {
  trials.forEach((n, i) => {
    if (!(n > 0) || !Number.isInteger(n))
      throw new ValidationError(`trials[${i}] must be a positive whole number; got ${n}.`, [{ path: ["trials", i], message: "invalid", value: n }]);
    if (!(successes[i]! >= 0 && successes[i]! <= n))
      throw new ValidationError(`successes[${i}] must be between 0 and ${n}; got ${successes[i]}.`, [
        { path: ["successes", i], message: "invalid", value: successes[i] },
      ]);
  });
  const [na, nb] = trials;
  const pa = successes[0] / na;
  const pb = successes[1] / nb;
  const pooled = (successes[0] + successes[1]) / (na + nb);
  const z = (pa - pb) / Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  const pValue = zTwoSidedP(z);
  const se = Math.sqrt((pa * (1 - pa)) / na + (pb * (1 - pb)) / nb);
  const q = zQuantile(1 - alpha / 2);
  const difference = pb - pa;
  const cohenH = 2 * Math.asin(Math.sqrt(pa)) - 2 * Math.asin(Math.sqrt(pb));
  const power = normalPower(Math.abs(cohenH), na, nb / na, alpha);
  // equal groups: h·sqrt(n/2) = z_{1−α/2} + z_{0.8}, ignoring the negligible far tail
  const nFor80Power = cohenH === 0 ? null : Math.ceil(2 * ((zQuantile(1 - alpha / 2) + zQuantile(0.8)) / cohenH) ** 2);
  return {
    rates: [pa, pb],
    difference,
    lift: pa === 0 ? NaN : difference / pa,
    z,
    pValue,
    ciLower: difference - q * se,
    ciUpper: difference + q * se,
    cohenH,
    power,
    nFor80Power,
    interpretation:
      pValue < alpha
        ? `B converts ${difference > 0 ? "better" : "worse"} than A (${(100 * pb).toFixed(2)}% vs ${(100 * pa).toFixed(2)}%, p = ${pValue.toExponential(2)}).`
        : `No significant difference (${(100 * pb).toFixed(2)}% vs ${(100 * pa).toFixed(2)}%, p = ${pValue.toFixed(3)}); this test had ${(100 * power).toFixed(0)}% power at the observed effect.`,
  };
}

/** statsmodels NormalIndPower.power, two-sided: Φ(h·√n_eff − z) + Φ(−h·√n_eff − z), n_eff = n1/(1 + 1/ratio). */
function normalPower(h: number, n1: number, ratio: number, alpha: number): number {
  const crit = zQuantile(1 - alpha / 2);
  const d = h * Math.sqrt(n1 / (1 + 1 / ratio));
  return normalCdf(d - crit, 0, 1) + normalCdf(-d - crit, 0, 1);
}
