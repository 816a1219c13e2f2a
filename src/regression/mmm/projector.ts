import { Matrix, QrDecomposition } from "ml-matrix";

/**
 * x ↦ the residual of x on the baseline columns over the first `n` periods (I − QQᵀ, Q a thin QR of the baseline
 * by ml-matrix). Null when the baseline is rank-deficient, where the caller fits the full design instead.
 */
export function baselineProjector(columns: readonly Float64Array[], n: number): ((x: Float64Array) => Float64Array) | null {
  const qr = new QrDecomposition(new Matrix(Array.from({ length: n }, (_, i) => columns.map((c) => c[i]!))));
  if (!qr.isFullRank()) return null;
  // Q's columns, each contiguous: the projection runs once per candidate column and per bootstrap replicate
  const k = columns.length;
  const q = qr.orthogonalMatrix;
  const qCols = Array.from({ length: k }, (_, j) => Float64Array.from(q.getColumn(j)));
  return (x) => {
    const out = Float64Array.from(x.subarray(0, n));
    for (const col of qCols) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += col[i]! * x[i]!;
      for (let i = 0; i < n; i++) out[i]! -= dot * col[i]!;
    }
    return out;
  };
}
