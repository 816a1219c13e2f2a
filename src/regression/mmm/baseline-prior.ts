import { EigenvalueDecomposition, Matrix } from "ml-matrix";

/**
 * The baseline y = Xγ with a Gaussian prior γ ~ N(μ0, diag(τ²)), integrated out exactly. With Z = X·diag(τ) and
 * ZᵀZ = VΛVᵀ (ml-matrix's symmetric eigendecomposition, once), e = y − media − Xμ0 has covariance σ²I + ZZᵀ, so
 * by Woodbury and the matrix determinant lemma, with u = VᵀZᵀe:
 *   log p(e | σ) = −½[(n−k)·log σ² + Σ log(σ² + λ_i)] − ½σ⁻²[eᵀe − Σ u_i² / (σ² + λ_i)] − (n/2)·log 2π.
 * Each evaluation costs two passes over the rows (Zᵀe and Z·w), as a projection would.
 */
export interface BaselinePrior {
  /** Fitting rows. */
  readonly n: number;
  readonly k: number;
  /** Columns of X over the fitting rows (intercept first). */
  readonly columns: readonly Float64Array[];
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** Xμ0 over the fitting rows. */
  readonly offset: Float64Array;
  /** Columns of Z·V (n × k), so u = (ZV)ᵀe and Z·V·w is one pass. */
  readonly zv: readonly Float64Array[];
  readonly lambda: Float64Array;
  /** diag(τ)·V (k × k, row-major): γ̂ = μ0 + τV·w. */
  readonly tauV: Float64Array;
}

export function baselinePrior(columns: readonly Float64Array[], n: number, mean: readonly number[], sd: readonly number[]): BaselinePrior {
  const k = columns.length;
  const z = columns.map((c, j) => Float64Array.from({ length: n }, (_, t) => c[t]! * sd[j]!));
  const ztz = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += z[a]![t]! * z[b]![t]!;
      ztz.set(a, b, s);
      ztz.set(b, a, s);
    }
  }
  const eig = new EigenvalueDecomposition(ztz, { assumeSymmetric: true });
  const v = eig.eigenvectorMatrix;
  const lambda = Float64Array.from(eig.realEigenvalues, (l) => Math.max(l, 0));
  const zv = Array.from({ length: k }, (_, i) => {
    const out = new Float64Array(n);
    for (let j = 0; j < k; j++) {
      const vji = v.get(j, i);
      if (vji === 0) continue;
      for (let t = 0; t < n; t++) out[t]! += z[j]![t]! * vji;
    }
    return out;
  });
  const tauV = new Float64Array(k * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < k; i++) tauV[j * k + i] = sd[j]! * v.get(j, i);
  const offset = new Float64Array(n);
  columns.forEach((c, j) => {
    for (let t = 0; t < n; t++) offset[t]! += c[t]! * mean[j]!;
  });
  return { n, k, columns: columns.map((c) => c.subarray(0, n)), mean: Float64Array.from(mean), sd: Float64Array.from(sd), offset, zv, lambda, tauV };
}

/**
 * log p(e | σ²) with γ integrated out, and, when `grad` is given, ∂/∂e written into it and ∂/∂σ² returned in
 * `dSigma2`. `w` receives (σ² + λ)⁻¹u, from which the conditional mean γ̂ = μ0 + τV·w follows.
 */
export function baselineLogLik(b: BaselinePrior, e: Float64Array, sigma2: number, grad: Float64Array | null, w: Float64Array): { lp: number; dSigma2: number } {
  const { n, k, zv, lambda } = b;
  let ee = 0;
  for (let t = 0; t < n; t++) ee += e[t]! * e[t]!;
  let logDet = (n - k) * Math.log(sigma2);
  let quad = 0;
  let quad2 = 0;
  let traceInv = 0;
  for (let i = 0; i < k; i++) {
    const col = zv[i]!;
    let u = 0;
    for (let t = 0; t < n; t++) u += col[t]! * e[t]!;
    const d = sigma2 + lambda[i]!;
    logDet += Math.log(d);
    w[i] = u / d;
    quad += (u * u) / d;
    quad2 += (u * u) / (d * d);
    traceInv += 1 / d;
  }
  const r2 = ee - quad;
  const lp = -0.5 * logDet - (0.5 * r2) / sigma2 - 0.5 * n * Math.log(2 * Math.PI);
  if (grad) {
    // ∂/∂e = −σ⁻²(e − ZV·w)
    for (let t = 0; t < n; t++) grad[t] = -e[t]! / sigma2;
    for (let i = 0; i < k; i++) {
      const col = zv[i]!;
      const wi = w[i]! / sigma2;
      for (let t = 0; t < n; t++) grad[t]! += col[t]! * wi;
    }
  }
  const dSigma2 = -0.5 * ((n - k) / sigma2 + traceInv) + (0.5 * r2) / (sigma2 * sigma2) - (0.5 * quad2) / sigma2;
  return { lp, dSigma2 };
}

/** The conditional posterior mean of γ given the media and σ, from the `w` baselineLogLik wrote. */
export function baselineMean(b: BaselinePrior, w: Float64Array): Float64Array {
  const g = Float64Array.from(b.mean);
  for (let j = 0; j < b.k; j++) for (let i = 0; i < b.k; i++) g[j]! += b.tauV[j * b.k + i]! * w[i]!;
  return g;
}
