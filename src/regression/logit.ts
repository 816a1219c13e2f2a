import { ModelFitError } from "../errors.ts";
import { zQuantile, zTwoSidedP, chi2Survival } from "./distributions.ts";
import { leastSquares, tallSkinnyR } from "./linalg.ts";
import type { Design } from "./ols.ts";

export interface LogitTerm {
  readonly name: string;
  readonly coef: number;
  readonly stdErr: number;
  readonly z: number;
  readonly pValue: number;
  readonly ciLower: number;
  readonly ciUpper: number;
  /** exp(coef): multiplicative change in the odds per unit (or vs the reference level). */
  readonly oddsRatio: number;
  readonly oddsRatioLower: number;
  readonly oddsRatioUpper: number;
}

export interface FittedLogit {
  readonly nobs: number;
  readonly dfModel: number;
  readonly dfResid: number;
  readonly params: readonly LogitTerm[];
  readonly llf: number;
  readonly llnull: number;
  /** McFadden's pseudo R²: 1 − llf/llnull. */
  readonly prsquared: number;
  /** Likelihood-ratio test of all slopes. */
  readonly llr: number;
  readonly llrPvalue: number;
  readonly aic: number;
  readonly bic: number;
  readonly iterations: number;
  readonly alpha: number;
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function logLik(y: Float64Array, eta: Float64Array): number {
  let ll = 0;
  // log σ(η) = −log(1 + e^{−η}), stable for large |η|
  for (let i = 0; i < y.length; i++) ll += y[i]! * eta[i]! - Math.max(eta[i]!, 0) - Math.log1p(Math.exp(-Math.abs(eta[i]!)));
  return ll;
}

/**
 * Logistic regression by Newton-Raphson as iteratively reweighted least squares, each step a QR-based weighted
 * least squares (no normal equations). Inference from the inverse information matrix at the MLE (z tests), as
 * statsmodels' Logit.
 *
 * @throws ModelFitError for a target that is not 0/1, a constant target, perfect separation, or no convergence
 */
export function fitLogit(design: Design, opts: { alpha?: number; maxIter?: number } = {}): FittedLogit {
  const { names, columns, y } = design;
  const alpha = opts.alpha ?? 0.05;
  const n = y.length;
  const k = columns.length;
  if (y.some((v) => v !== 0 && v !== 1))
    throw new ModelFitError("A logistic regression needs a 0/1 (or true/false) target.", [
      { path: ["formula"], message: "target not binary", code: "target_not_binary" },
    ]);
  const positives = y.reduce((s, v) => s + v, 0);
  if (positives === 0 || positives === n)
    throw new ModelFitError(`The target is ${positives === 0 ? "never" : "always"} 1: there is nothing to explain.`, [
      { path: ["formula"], message: "constant target", code: "constant_target" },
    ]);
  if (n <= k)
    throw new ModelFitError(`Need more rows than parameters: got ${n} complete rows for ${k} parameters.`, [
      { path: ["rows"], message: "too few rows", value: n },
    ]);

  let beta: Float64Array = new Float64Array(k);
  const eta = new Float64Array(n);
  let ll = logLik(y, eta);
  let normCov = null as ReturnType<typeof leastSquares>["normCov"] | null;
  let iterations = 0;
  for (; iterations < (opts.maxIter ?? 100); iterations++) {
    const sw = new Float64Array(n);
    const wz = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(eta[i]!);
      const w = Math.max(p * (1 - p), 1e-300);
      sw[i] = Math.sqrt(w);
      wz[i] = sw[i]! * (eta[i]! + (y[i]! - p) / w);
    }
    const ls = leastSquares(tallSkinnyR([...columns.map((c) => c.map((v, i) => v * sw[i]!)), wz], n));
    normCov = ls.normCov;
    const next = ls.coef;
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let j = 0; j < k; j++) e += next[j]! * columns[j]![i]!;
      eta[i] = e;
    }
    const nextLl = logLik(y, eta);
    const step = Math.max(...next.map((b, j) => Math.abs(b - beta[j]!) / (1 + Math.abs(b))));
    beta = next;
    const done = step < 1e-12 || Math.abs(nextLl - ll) < 1e-13 * Math.abs(ll);
    ll = nextLl;
    if (done) break;
  }
  if (ll > -1e-6 || beta.some((b) => !Number.isFinite(b) || Math.abs(b) > 1e6)) {
    throw new ModelFitError(
      "Perfect separation: the regressors predict the outcome exactly, so the odds ratios are infinite. Remove the separating variable or collect more data.",
      [{ path: ["formula"], message: "perfect separation", code: "perfect_separation" }],
    );
  }
  if (iterations >= (opts.maxIter ?? 100)) throw new ModelFitError(`The logistic regression did not converge in ${opts.maxIter ?? 100} iterations.`);
  // Refresh the information matrix at the final β.
  const sw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = sigmoid(eta[i]!);
    sw[i] = Math.sqrt(p * (1 - p));
  }
  // (XᵀWX)⁻¹ from the R factor of W^½X; the appended column only completes the least-squares shape
  normCov = leastSquares(tallSkinnyR([...columns.map((c) => c.map((v, i) => v * sw[i]!)), sw], n)).normCov;
  const pBar = positives / n;
  const hasIntercept = names.includes("Intercept");
  const llnull = hasIntercept ? n * (pBar * Math.log(pBar) + (1 - pBar) * Math.log(1 - pBar)) : n * Math.log(0.5);
  const dfModel = k - (hasIntercept ? 1 : 0);
  const llr = 2 * (ll - llnull);
  const q = zQuantile(1 - alpha / 2);
  const params = names.map((name, j): LogitTerm => {
    const coef = beta[j]!;
    const stdErr = Math.sqrt(normCov!.get(j, j));
    const z = coef / stdErr;
    const lo = coef - q * stdErr;
    const hi = coef + q * stdErr;
    return {
      name,
      coef,
      stdErr,
      z,
      pValue: zTwoSidedP(z),
      ciLower: lo,
      ciUpper: hi,
      oddsRatio: Math.exp(coef),
      oddsRatioLower: Math.exp(lo),
      oddsRatioUpper: Math.exp(hi),
    };
  });
  return {
    nobs: n,
    dfModel,
    dfResid: n - k,
    params,
    llf: ll,
    llnull,
    prsquared: 1 - ll / llnull,
    llr,
    llrPvalue: dfModel > 0 ? chi2Survival(llr, dfModel) : NaN,
    aic: -2 * ll + 2 * k,
    bic: -2 * ll + Math.log(n) * k,
    iterations: iterations + 1,
    alpha,
  };
}

/** Probabilities for rows of a design with the fitted coefficients. */
export function predictLogit(fit: FittedLogit, columns: readonly Float64Array[], n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = 0;
    fit.params.forEach((p, j) => (e += p.coef * columns[j]![i]!));
    out[i] = sigmoid(e);
  }
  return out;
}

export interface ClassificationMetrics {
  readonly n: number;
  readonly threshold: number;
  readonly accuracy: number;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  /** Area under the ROC curve (Mann-Whitney, ties counted half). */
  readonly rocAuc: number | null;
  readonly confusion: { readonly tp: number; readonly fp: number; readonly tn: number; readonly fn: number };
}

export function classificationMetrics(y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): ClassificationMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const pred = p[i]! >= threshold;
    if (pred && y[i] === 1) tp++;
    else if (pred) fp++;
    else if (y[i] === 1) fn++;
    else tn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  return { n: y.length, threshold, accuracy: (tp + tn) / y.length, precision, recall, f1, rocAuc: rocAuc(y, p), confusion: { tp, fp, tn, fn } };
}

/** ROC AUC = P(score of a random positive > score of a random negative), ties half (rank formulation). */
export function rocAuc(y: ArrayLike<number>, score: ArrayLike<number>): number | null {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  const ranks = new Float64Array(y.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && score[idx[j + 1]!] === score[idx[i]!]) j++;
    for (let t = i; t <= j; t++) ranks[idx[t]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) {
      pos++;
      rankSum += ranks[i]!;
    }
  }
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
