/**
 * The linear algebra OLS needs, over ml-matrix (maintained; Householder QR and Golub-Kahan SVD): the R factor of
 * the design (tall-skinny QR), the SVD of that small R (singular values of X, rank, the pseudo-inverse of XᵀX), and which columns
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

/** Rows per block of the tall-skinny QR: small enough to stay in cache, large enough to amortise the calls. */
const TSQR_BLOCK = 1000;

/**
 * R factor of the tall-skinny matrix [columns] by TSQR (Demmel et al. 2012): ml-matrix's Householder QR of each
 * block of rows, then of the stacked R factors. Backward stable like one big QR, and about twice as fast with
 * ml-matrix because each block stays in cache. With y appended as the last column, the result is
 * [[R, Qᵀy], [0, ‖resid‖]]: the least-squares solution needs no Q.
 */
export function tallSkinnyR(columns: readonly Float64Array[], n: number): Matrix {
  const k = columns.length;
  const block = Math.max(TSQR_BLOCK, 2 * k);
  const stacked: number[][] = [];
  for (let start = 0; start < n; start += block) {
    // the last block absorbs a short remainder so every block has at least k rows
    const end = n - (start + block) < k ? n : start + block;
    const m = new Matrix(end - start, k);
    for (let i = start; i < end; i++) for (let j = 0; j < k; j++) m.set(i - start, j, columns[j]![i]!);
    const r = new QrDecomposition(m).upperTriangularMatrix;
    for (let i = 0; i < Math.min(r.rows, k); i++) stacked.push(r.getRow(i));
    if (end === n) break;
  }
  if (stacked.length === k) return new Matrix(stacked);
  return new QrDecomposition(new Matrix(stacked)).upperTriangularMatrix;
}

/** Least squares from the R factor of [X | y]: β = R⁻¹Qᵀy via the SVD of R, which also gives (XᵀX)⁻¹. */
export function leastSquares(rAug: Matrix): LeastSquares {
  const k = rAug.columns - 1;
  const r = rAug.subMatrix(0, k - 1, 0, k - 1);
  const qty = rAug.subMatrix(0, k - 1, k, k).getColumn(0);
  const svd = new SingularValueDecomposition(r);
  const v = svd.rightSingularVectors;
  const u = svd.leftSingularVectors;
  const s = svd.diagonal;
  const normCov = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let sum = 0;
      for (let l = 0; l < k; l++) sum += (v.get(a, l) * v.get(b, l)) / (s[l]! * s[l]!);
      normCov.set(a, b, sum);
      normCov.set(b, a, sum);
    }
  }
  // β = V S⁻¹ Uᵀ (Qᵀy)
  const coef = new Float64Array(k);
  for (let l = 0; l < k; l++) {
    let ut = 0;
    for (let i = 0; i < k; i++) ut += u.get(i, l) * qty[i]!;
    ut /= s[l]!;
    for (let a = 0; a < k; a++) coef[a]! += v.get(a, l) * ut;
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
