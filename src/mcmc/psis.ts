/**
 * Pareto-smoothed importance-sampling leave-one-out cross-validation (Vehtari, Gelman & Gabry 2017; Vehtari et al.
 * 2024), as ArviZ's `loo` computes it: per observation, the importance ratios 1/p(y_i | θ_s) have their largest
 * M = min(0.2·S, 3·√S) replaced by the quantiles of a generalised Pareto fitted to them (Zhang & Stephens 2009,
 * with ArviZ's weakly informative prior on k), truncated at the largest raw ratio. k̂ > 0.7 marks an observation
 * whose estimate is unreliable.
 */
export interface Loo {
  /** Σ_i elpd_i, the expected log predictive density of each observation left out. */
  readonly elpd: number;
  /** Its standard error, √(n · var(elpd_i)). */
  readonly se: number;
  readonly pointwise: Float64Array;
  /** Pareto k̂ per observation. */
  readonly paretoK: Float64Array;
}

const logSumExp = (x: ArrayLike<number>) => {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]!);
  if (!Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i]! - m);
  return m + Math.log(s);
};

/** Zhang & Stephens (2009) generalised Pareto fit to sorted positive exceedances, with ArviZ's prior on k. */
export function gpdFit(sorted: Float64Array): { k: number; sigma: number } {
  const n = sorted.length;
  const priorBs = 3;
  const priorK = 10;
  const m = 30 + Math.floor(Math.sqrt(n));
  const b = new Float64Array(m);
  const q = sorted[Math.floor(n / 4 + 0.5) - 1]!;
  for (let j = 0; j < m; j++) b[j] = (1 - Math.sqrt(m / (j + 1 - 0.5))) / (priorBs * q) + 1 / sorted[n - 1]!;
  const k = new Float64Array(m);
  const lenScale = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.log1p(-b[j]! * sorted[i]!);
    k[j] = s / n;
    lenScale[j] = n * (Math.log(-b[j]! / k[j]!) - k[j]! - 1);
  }
  const w = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let l = 0; l < m; l++) s += Math.exp(lenScale[l]! - lenScale[j]!);
    w[j] = 1 / s;
  }
  let wSum = 0;
  let bPost = 0;
  for (let j = 0; j < m; j++) {
    if (!(w[j]! >= 10 * Number.EPSILON)) continue;
    wSum += w[j]!;
    bPost += w[j]! * b[j]!;
  }
  bPost /= wSum;
  let kPost = 0;
  for (let i = 0; i < n; i++) kPost += Math.log1p(-bPost * sorted[i]!);
  kPost /= n;
  const sigma = -kPost / bPost;
  kPost = (n * kPost + priorK * 0.5) / (n + priorK);
  return { k: kPost, sigma };
}

/** Smoothed, normalised log weights for one observation's log ratios, and k̂. */
export function psisLogWeights(logRatios: ArrayLike<number>): { lw: Float64Array; k: number } {
  const s = logRatios.length;
  const x = Float64Array.from(logRatios);
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  for (let i = 0; i < s; i++) x[i]! -= max;
  const order = Array.from({ length: s }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const tail = Math.ceil(Math.min(0.2 * s, 3 * Math.sqrt(s)));
  const cutoffIndex = s - tail - 1;
  const expCutoff = Math.max(Math.exp(x[order[cutoffIndex]!]!), Number.MIN_VALUE);
  const logCutoff = Math.log(expCutoff);
  const tailIdx = order.filter((i) => x[i]! > logCutoff);
  let k = Infinity;
  if (tailIdx.length > 4) {
    // tailIdx is in ascending order of x already
    const exceed = Float64Array.from(tailIdx, (i) => Math.exp(x[i]!) - expCutoff);
    const fit = gpdFit(exceed);
    k = fit.k;
    if (Number.isFinite(k)) {
      const len = tailIdx.length;
      tailIdx.forEach((i, r) => {
        const p = (r + 0.5) / len;
        const q = k === 0 ? -fit.sigma * Math.log1p(-p) : (fit.sigma * Math.expm1(-k * Math.log1p(-p))) / k;
        x[i] = Math.min(0, Math.log(q + expCutoff));
      });
    }
  }
  const norm = logSumExp(x);
  for (let i = 0; i < s; i++) x[i]! -= norm;
  return { lw: x, k };
}

/** PSIS-LOO from a pointwise log-likelihood matrix: logLik[s][i] for draw s and observation i. */
export function psisLoo(logLik: readonly Float64Array[]): Loo {
  const S = logLik.length;
  const n = logLik[0]!.length;
  const pointwise = new Float64Array(n);
  const paretoK = new Float64Array(n);
  const col = new Float64Array(S);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < S; s++) col[s] = -logLik[s]![i]!;
    const { lw, k } = psisLogWeights(col);
    paretoK[i] = k;
    const terms = Float64Array.from(lw, (w, s) => w + logLik[s]![i]!);
    pointwise[i] = logSumExp(terms);
  }
  const elpd = pointwise.reduce((a, v) => a + v, 0);
  const mean = elpd / n;
  const variance = pointwise.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return { elpd, se: Math.sqrt(n * variance), pointwise, paretoK };
}
