/**
 * The Euclidean metric of HMC: momenta p ~ N(0, M) with M = Σ⁻¹, kinetic energy ½pᵀΣp, velocity Σp, where Σ (the
 * inverse metric) estimates the posterior covariance. Diagonal (Stan's diag_e) or dense (dense_e): a dense Σ
 * follows correlated parameters (Hill's slope, kappa and the ROI trade off) with far shorter trajectories.
 */
export class Metric {
  /** Σ: d variances (diagonal) or d×d row-major (dense). */
  private sigma: Float64Array;
  /** Dense: the lower Cholesky factor of Σ, row-major. */
  private chol: Float64Array | null = null;

  constructor(
    readonly dim: number,
    readonly dense: boolean,
  ) {
    this.sigma = dense ? identity(dim) : new Float64Array(dim).fill(1);
    if (dense) this.chol = identity(dim);
  }

  /** The diagonal of Σ. */
  variances(): Float64Array {
    return this.dense ? Float64Array.from({ length: this.dim }, (_, i) => this.sigma[i * this.dim + i]!) : Float64Array.from(this.sigma);
  }

  /** Set Σ (d variances, or a d×d covariance when dense). */
  set(sigma: Float64Array): void {
    this.sigma = Float64Array.from(sigma);
    if (this.dense) this.chol = cholesky(this.sigma, this.dim);
  }

  /** out = Σp. */
  velocity(p: Float64Array, out: Float64Array): Float64Array {
    const d = this.dim;
    if (!this.dense) {
      for (let i = 0; i < d; i++) out[i] = this.sigma[i]! * p[i]!;
      return out;
    }
    for (let i = 0; i < d; i++) {
      let s = 0;
      const row = i * d;
      for (let j = 0; j < d; j++) s += this.sigma[row + j]! * p[j]!;
      out[i] = s;
    }
    return out;
  }

  kinetic(p: Float64Array): number {
    const v = this.velocity(p, new Float64Array(this.dim));
    let k = 0;
    for (let i = 0; i < this.dim; i++) k += p[i]! * v[i]!;
    return 0.5 * k;
  }

  /** p ~ N(0, Σ⁻¹): z ~ N(0, I), then Lᵀp = z (Σ = LLᵀ). */
  sample(normal: () => number, out: Float64Array): void {
    const d = this.dim;
    if (!this.dense) {
      for (let i = 0; i < d; i++) out[i] = normal() / Math.sqrt(this.sigma[i]!);
      return;
    }
    const l = this.chol!;
    for (let i = 0; i < d; i++) out[i] = normal();
    for (let i = d - 1; i >= 0; i--) {
      let s = out[i]!;
      for (let j = i + 1; j < d; j++) s -= l[j * d + i]! * out[j]!;
      out[i] = s / l[i * d + i]!;
    }
  }
}

function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

/** Lower Cholesky factor of a symmetric positive-definite d×d row-major matrix. */
function cholesky(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error("the metric's covariance estimate is not positive definite");
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j]!;
    }
  }
  return l;
}
