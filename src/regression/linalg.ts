/**
 * The linear algebra OLS needs, over ml-matrix (maintained; Householder QR and Golub-Kahan SVD): a QR of the
 * design, the SVD of its small R factor (singular values of X, rank, the pseudo-inverse of XᵀX), and which columns
 * are linearly dependent on earlier ones. No normal equations: XᵀX is never formed from X.
 */
import { Matrix, QrDecomposition, SingularValueDecomposition } from "ml-matrix";

export interface LeastSquares {
  readonly coef: Float64Array;
  /** (XᵀX)⁻¹ = R⁻¹R⁻ᵀ, k×k. */
  readonly normCov: Matrix;
  /** Singular values of X, largest first. */
  readonly singularValues: readonly number[];
  /** R factor (k×k), kept for leverages. */
  readonly r: Matrix;
}

/** numpy's matrix_rank tolerance: σ_max · max(n, k) · ε. */
export function rankTolerance(singular: readonly number[], n: number, k: number): number {
  return (singular[0] ?? 0) * Math.max(n, k) * Number.EPSILON;
}

/** Singular values of a matrix, largest first (for X, those of its R factor). */
export function singularValues(m: Matrix): number[] {
  const d = new SingularValueDecomposition(m, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
  return [...d].sort((a, b) => b - a);
}

/** Column-major design (columns[j][i]) → ml-matrix. */
export function toMatrix(columns: readonly Float64Array[], n: number): Matrix {
  const m = new Matrix(n, columns.length);
  columns.forEach((col, j) => {
    for (let i = 0; i < n; i++) m.set(i, j, col[i]!);
  });
  return m;
}

/**
 * Indices of columns that are linear combinations of earlier columns, judged on R (rank relations among X's
 * columns are those among R's, and R is only k×k). Greedy in column order, as a user reads a formula.
 */
export function dependentColumns(r: Matrix, n: number): number[] {
  const k = r.columns;
  const sv = singularValues(r);
  const tol = rankTolerance(sv, n, k);
  if (sv.filter((s) => s > tol).length === k) return [];
  const kept: number[] = [];
  const dropped: number[] = [];
  for (let j = 0; j < k; j++) {
    const sub = r.subMatrixColumn([...kept, j]);
    const s = singularValues(sub);
    if (s.filter((v) => v > tol).length === kept.length + 1) kept.push(j);
    else dropped.push(j);
  }
  return dropped;
}

/** QR of X; returns R and whether X is (numerically) of full column rank. */
export function qrFactor(x: Matrix): { qr: QrDecomposition; r: Matrix } {
  const qr = new QrDecomposition(x);
  return { qr, r: qr.upperTriangularMatrix };
}

/** Least squares for a full-rank X from its QR: β = R⁻¹Qᵀy, (XᵀX)⁻¹ from the SVD of R. */
export function leastSquares(qr: QrDecomposition, r: Matrix, y: Float64Array): LeastSquares {
  const coef = Float64Array.from(qr.solve(Matrix.columnVector(Array.from(y))).getColumn(0));
  const svd = new SingularValueDecomposition(r);
  const v = svd.rightSingularVectors;
  const s = svd.diagonal;
  const k = r.columns;
  const normCov = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let sum = 0;
      for (let l = 0; l < k; l++) sum += (v.get(a, l) * v.get(b, l)) / (s[l]! * s[l]!);
      normCov.set(a, b, sum);
      normCov.set(b, a, sum);
    }
  }
  return { coef, normCov, singularValues: [...s].sort((p, q) => q - p), r };
}

/**
 * Leverages h_i = x_iᵀ(XᵀX)⁻¹x_i = ‖R⁻ᵀx_i‖², by forward substitution with Rᵀ (lower triangular) per row.
 */
export function leverages(columns: readonly Float64Array[], n: number, r: Matrix): Float64Array {
  const k = columns.length;
  const rd = r.to2DArray();
  const h = new Float64Array(n);
  const z = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      let v = columns[j]![i]!;
      for (let l = 0; l < j; l++) v -= rd[l]![j]! * z[l]!;
      z[j] = v / rd[j]![j]!;
      sum += z[j]! * z[j]!;
    }
    h[i] = sum;
  }
  return h;
}
