import type { Rng } from "../data/random.ts";

/**
 * Stacking of predictive distributions (Yao, Vehtari, Simpson & Gelman 2018): the weights on the simplex that
 * maximise Σ_i log Σ_k w_k exp(elpd_loo_ik), the leave-one-out log score of the mixture of the candidates'
 * predictive distributions. Unlike picking the best candidate, it keeps every candidate the data cannot rule out,
 * so what depends on the choice (an always-on channel's ROI under one saturation form or another) carries that
 * uncertainty. Solved by EM on the mixture weights, which increases the objective at every step and converges to
 * its maximum (the objective is concave in w).
 */
export function stackingWeights(pointwise: readonly ArrayLike<number>[], opts: { maxIter?: number; tol?: number } = {}): Float64Array {
  const K = pointwise.length;
  if (K === 0) return new Float64Array(0);
  const n = pointwise[0]!.length;
  if (pointwise.some((p) => p.length !== n)) throw new Error("stackingWeights: every candidate needs the same observations");
  // densities relative to the best candidate per observation, so exp never underflows for all of them at once
  const p = pointwise.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, pointwise[k]![i]!);
    for (let k = 0; k < K; k++) p[k]![i] = Math.exp(pointwise[k]![i]! - m);
  }
  let w = new Float64Array(K).fill(1 / K);
  const maxIter = opts.maxIter ?? 20_000;
  const tol = opts.tol ?? 1e-12;
  for (let it = 0; it < maxIter; it++) {
    const next = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      let mix = 0;
      for (let k = 0; k < K; k++) mix += w[k]! * p[k]![i]!;
      for (let k = 0; k < K; k++) next[k]! += (w[k]! * p[k]![i]!) / mix / n;
    }
    let change = 0;
    for (let k = 0; k < K; k++) change = Math.max(change, Math.abs(next[k]! - w[k]!));
    w = next;
    if (change < tol) break;
  }
  return w;
}

/** The stacking objective Σ_i log Σ_k w_k exp(elpd_ik) at weights w. */
export function stackingObjective(pointwise: readonly ArrayLike<number>[], w: ArrayLike<number>): number {
  const n = pointwise[0]!.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (const p of pointwise) m = Math.max(m, p[i]!);
    let s = 0;
    pointwise.forEach((p, k) => (s += w[k]! * Math.exp(p[i]! - m)));
    total += m + Math.log(s);
  }
  return total;
}

/**
 * Pseudo-BMA+ weights (Yao et al. 2018, section 3.2; ArviZ's compare(method="BB-pseudo-BMA")): the candidates'
 * elpd_loo re-weighted by a Bayesian bootstrap over observations (Dirichlet(1, …, 1)), exp-normalised per
 * bootstrap draw, and averaged. Where stacking concentrates on one of several candidates that predict alike, this
 * spreads weight over every candidate whose elpd the data cannot tell apart, which is what an interval that must
 * carry the choice of form needs.
 */
export function pseudoBmaPlusWeights(pointwise: readonly ArrayLike<number>[], rng: Rng, draws = 1000): Float64Array {
  const K = pointwise.length;
  const out = new Float64Array(K);
  if (K === 0) return out;
  const n = pointwise[0]!.length;
  const alpha = new Float64Array(n);
  const z = new Float64Array(K);
  for (let b = 0; b < draws; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += alpha[i] = -Math.log(1 - rng.uniform());
    let m = -Infinity;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += alpha[i]! * pointwise[k]![i]!;
      z[k] = (n * s) / sum;
      m = Math.max(m, z[k]!);
    }
    let norm = 0;
    for (let k = 0; k < K; k++) norm += Math.exp(z[k]! - m);
    for (let k = 0; k < K; k++) out[k]! += Math.exp(z[k]! - m) / norm / draws;
  }
  return out;
}
