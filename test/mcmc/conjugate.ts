import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { seededRng } from "../../src/data/random.ts";
import type { LogDensity } from "../../src/mcmc/nuts.ts";

export function choleskySolve(a: number[][], b: number[]): number[] {
  return new CholeskyDecomposition(new Matrix(a)).solve(Matrix.columnVector(b)).getColumn(0);
}

/**
 * A conjugate Bayesian linear regression: y = Xβ + ε, ε ~ N(0, σ²) with σ known, β ~ N(0, τ²I). The posterior
 * is N(m, S), S = (XᵀX/σ² + I/τ²)⁻¹, m = S·Xᵀy/σ² (closed form, e.g. Bishop 2006 §3.3).
 */
export function conjugateLinear(k: number, n: number, seed: number) {
  const rng = seededRng(seed);
  const sigma = 0.7;
  const tau = 2;
  // correlated columns, so the posterior is not axis-aligned
  const x = Array.from({ length: n }, () => {
    const z = rng.normal();
    return Array.from({ length: k }, () => 0.6 * z + rng.normal());
  });
  const beta = Array.from({ length: k }, (_, j) => j - 1);
  const y = x.map((row) => row.reduce((a, v, j) => a + v * beta[j]!, 0) + sigma * rng.normal());
  const prec = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => x.reduce((a, row) => a + row[i]! * row[j]!, 0) / sigma ** 2 + (i === j ? 1 / tau ** 2 : 0)),
  );
  const xty = Array.from({ length: k }, (_, i) => x.reduce((a, row, t) => a + row[i]! * y[t]!, 0) / sigma ** 2);
  const mean = choleskySolve(prec, xty);
  const cov = new CholeskyDecomposition(new Matrix(prec)).solve(Matrix.eye(k)).to2DArray();
  const target: LogDensity = {
    dim: k,
    logDensityGrad(q, g) {
      let lp = 0;
      g.fill(0);
      for (let t = 0; t < n; t++) {
        let r = y[t]!;
        for (let j = 0; j < k; j++) r -= x[t]![j]! * q[j]!;
        lp -= (0.5 * r * r) / sigma ** 2;
        for (let j = 0; j < k; j++) g[j]! += (r * x[t]![j]!) / sigma ** 2;
      }
      for (let j = 0; j < k; j++) {
        lp -= (0.5 * q[j]! ** 2) / tau ** 2;
        g[j]! -= q[j]! / tau ** 2;
      }
      return lp;
    },
  };
  return { target, mean, cov };
}
