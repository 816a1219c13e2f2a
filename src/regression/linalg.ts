/**
 * The linear algebra OLS needs, over ml-matrix (maintained; Householder QR and Golub-Kahan SVD): the R factor of
 * the design (tall-skinny QR), the SVD of that small R (singular values of X, rank, the pseudo-inverse of XᵀX), and which columns
 * are linearly dependent on earlier ones. No normal equations: XᵀX is never formed from X.
 */
import { CholeskyDecomposition, Matrix, QrDecomposition, SingularValueDecomposition } from "ml-matrix";
import { nativeBlas } from "./blas.ts";

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

/**
 * Above this condition number of the column-scaled [X | y], CholeskyQR2 is no longer as accurate as Householder
 * QR (its error grows like cond²·u once cond passes u^{-1/2} ≈ 7e7): fall back.
 */
const CHOLQR_MAX_COND = 1e7;

/**
 * R factor of a tall-skinny matrix: CholeskyQR2 (Fukaya et al. 2014) when the matrix is well conditioned, which
 * is as accurate as Householder QR there and several times faster (three O(nk²) passes over typed arrays, the
 * k×k Cholesky factorisations by ml-matrix), else the Householder TSQR.
 */
export function rFactor(columns: readonly Float64Array[], n: number): Matrix {
  return choleskyQr2(columns, n) ?? tallSkinnyR(columns, n);
}

/** Columns as one row-major k×n block (row j = column j), the layout CBLAS wants for XᵀX = A·Aᵀ. */
function stack(columns: readonly Float64Array[], n: number): Float64Array {
  const a = new Float64Array(columns.length * n);
  columns.forEach((c, j) => a.set(c.subarray(0, n), j * n));
  return a;
}

/** Symmetric k×k from the upper triangle CBLAS wrote (row-major). */
function symmetricFromUpper(c: Float64Array, k: number): Matrix {
  const g = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      g.set(a, b, c[a * k + b]!);
      g.set(b, a, c[a * k + b]!);
    }
  }
  return g;
}

/** Gram matrix XᵀX of column-major data: the system BLAS's dsyrk when present, else the JS loop below. */
export function gram(columns: readonly Float64Array[], n: number): Matrix {
  return nativeBlas ? gramStacked(stack(columns, n), columns.length, n) : gramJs(columns, n);
}

/** AAᵀ for a row-major k×n block (BLAS only). */
function gramStacked(a: Float64Array, k: number, n: number): Matrix {
  const c = new Float64Array(k * k);
  nativeBlas!.dsyrk(nativeBlas!.Upper, nativeBlas!.NoTrans, k, n, 1, a, n, 0, c, k);
  return symmetricFromUpper(c, k);
}

/** XᵀX in JavaScript; four dot products per pass over a column (the hot loop of OLS without a BLAS). */
function gramJs(columns: readonly Float64Array[], n: number): Matrix {
  const k = columns.length;
  const g = new Matrix(k, k);
  for (let a = 0; a < k; a++) {
    const ca = columns[a]!;
    for (let b = a; b < k; b += 4) {
      const c0 = columns[b]!;
      const c1 = columns[Math.min(b + 1, k - 1)]!;
      const c2 = columns[Math.min(b + 2, k - 1)]!;
      const c3 = columns[Math.min(b + 3, k - 1)]!;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        const x = ca[i]!;
        s0 += x * c0[i]!;
        s1 += x * c1[i]!;
        s2 += x * c2[i]!;
        s3 += x * c3[i]!;
      }
      const sums = [s0, s1, s2, s3];
      for (let t = 0; t < 4 && b + t < k; t++) {
        g.set(a, b + t, sums[t]!);
        g.set(b + t, a, sums[t]!);
      }
    }
  }
  return g;
}

/** Upper Cholesky factor R (G = RᵀR), or null when G is not numerically positive definite. */
function upperCholesky(g: Matrix): Matrix | null {
  const chol = new CholeskyDecomposition(g);
  if (!chol.isPositiveDefinite()) return null;
  const r = chol.lowerTriangularMatrix.transpose();
  for (let j = 0; j < r.rows; j++) if (!(r.get(j, j) > 0) || !Number.isFinite(r.get(j, j))) return null;
  return r;
}

export function choleskyQr2(columns: readonly Float64Array[], n: number): Matrix | null {
  const k = columns.length;
  // With a BLAS, stack the columns once: the same block feeds XᵀX and (copied) the triangular solve.
  const stacked = nativeBlas ? stack(columns, n) : null;
  // Equilibrate: work with unit-norm columns (X = X_s·D), so column scales (an intercept of 1 beside spend in the
  // millions) do not count against the condition limit; R = R_s·D.
  const g = stacked ? gramStacked(stacked, k, n) : gram(columns, n);
  const d = Array.from({ length: k }, (_, j) => Math.sqrt(g.get(j, j)));
  if (d.some((x) => !(x > 0))) return null;
  const gs = new Matrix(k, k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) gs.set(a, b, g.get(a, b) / (d[a]! * d[b]!));
  const r1s = upperCholesky(gs);
  if (!r1s) return null;
  const diag = r1s.diag();
  // cheap screen: the ratio of R's diagonal bounds the (scaled) condition number from below
  if (Math.max(...diag) / Math.min(...diag) > CHOLQR_MAX_COND) return null;
  const r1 = r1s.mmul(Matrix.diag(d));
  const r2 = upperCholesky(stacked ? gramStacked(solveRight(stacked, r1, k, n), k, n) : gram(solveRightJs(columns, r1, n), n));
  if (!r2) return null;
  const rs = r2.mmul(r1s);
  const sv = singularValues(rs);
  if (sv[0]! / sv[sv.length - 1]! > CHOLQR_MAX_COND) return null;
  return rs.mmul(Matrix.diag(d));
}

/** Qᵀ = R⁻ᵀXᵀ with the system BLAS: one dtrsm on a copy of the stacked columns; returns Qᵀ, row-major k×n. */
function solveRight(stacked: Float64Array, r: Matrix, k: number, n: number): Float64Array {
  const b = stacked.slice();
  const blas = nativeBlas!;
  blas.dtrsm(blas.Left, blas.Upper, blas.Trans, blas.NonUnit, k, n, 1, Float64Array.from(r.to1DArray()), k, b, n);
  return b;
}

/** Q = X·R⁻¹ in JavaScript, a column at a time: q_j = (x_j − Σ_{l<j} R[l][j]·q_l) / R[j][j] (contiguous loops). */
function solveRightJs(columns: readonly Float64Array[], r1: Matrix, n: number): Float64Array[] {
  const k = columns.length;
  const r1d = r1.to2DArray();
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const qj = Float64Array.from(columns[j]!);
    for (let l = 0; l < j; l++) {
      const f = r1d[l]![j]!;
      if (f === 0) continue;
      const ql = q[l]!;
      for (let i = 0; i < n; i++) qj[i]! -= f * ql[i]!;
    }
    const inv = 1 / r1d[j]![j]!;
    for (let i = 0; i < n; i++) qj[i]! *= inv;
    q.push(qj);
  }
  return q;
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
