import { ValidationError } from "../../errors.ts";
import { tQuantile, tTwoSidedP } from "../distributions.ts";
import { mean, variance } from "./describe.ts";

export interface TTestResult {
  readonly kind: "welch" | "paired";
  readonly t: number;
  readonly df: number;
  readonly pValue: number;
  /** Difference of means (a − b), or mean of the paired differences. */
  readonly estimate: number;
  readonly ciLower: number;
  readonly ciUpper: number;
  /** Cohen's d: pooled-SD standardised difference (Welch), or d_z = mean diff / SD of diffs (paired). */
  readonly cohenD: number;
  readonly n: readonly number[];
  readonly interpretation: string;
}

function need(x: readonly number[], name: string, min = 2): void {
  if (x.length < min)
    throw new ValidationError(`${name} has ${x.length} value(s); need at least ${min}.`, [{ path: [name], message: "too few values", value: x.length }]);
}

/** Welch's t-test for two independent samples (scipy.stats.ttest_ind(equal_var=False)). */
export function welchTTest(a: readonly number[], b: readonly number[], alpha = 0.05): TTestResult {
  need(a, "a");
  need(b, "b");
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const estimate = mean(a) - mean(b);
  const se = Math.sqrt(va + vb);
  const t = estimate / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const q = tQuantile(1 - alpha / 2, df);
  const pooled = Math.sqrt(((a.length - 1) * variance(a) + (b.length - 1) * variance(b)) / (a.length + b.length - 2));
  const pValue = tTwoSidedP(t, df);
  return {
    kind: "welch",
    t,
    df,
    pValue,
    estimate,
    ciLower: estimate - q * se,
    ciUpper: estimate + q * se,
    cohenD: estimate / pooled,
    n: [a.length, b.length],
    interpretation: reading(pValue, alpha, estimate, estimate / pooled),
  };
}

/** Paired t-test on a − b (scipy.stats.ttest_rel). */
export function pairedTTest(a: readonly number[], b: readonly number[], alpha = 0.05): TTestResult {
  if (a.length !== b.length)
    throw new ValidationError(`Paired samples must have equal length; got ${a.length} and ${b.length}.`, [{ path: ["b"], message: "length differs" }]);
  need(a, "a");
  const d = a.map((x, i) => x - b[i]!);
  const estimate = mean(d);
  const sd = Math.sqrt(variance(d));
  const se = sd / Math.sqrt(d.length);
  const t = estimate / se;
  const df = d.length - 1;
  const q = tQuantile(1 - alpha / 2, df);
  const pValue = tTwoSidedP(t, df);
  return {
    kind: "paired",
    t,
    df,
    pValue,
    estimate,
    ciLower: estimate - q * se,
    ciUpper: estimate + q * se,
    cohenD: estimate / sd,
    n: [d.length],
    interpretation: reading(pValue, alpha, estimate, estimate / sd),
  };
}

function reading(p: number, alpha: number, estimate: number, d: number): string {
  const size = Math.abs(d) < 0.2 ? "negligible" : Math.abs(d) < 0.5 ? "small" : Math.abs(d) < 0.8 ? "medium" : "large";
  return p < alpha
    ? `The means differ by ${estimate.toPrecision(4)} (p = ${p.toExponential(2)}), a ${size} effect (d = ${d.toFixed(2)}).`
    : `No evidence of a difference (p = ${p.toFixed(3)}); the observed difference ${estimate.toPrecision(4)} is a ${size} effect.`;
}
