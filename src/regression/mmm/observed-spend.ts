/**
 * The stretch of a channel's spend per period that the data show: its lowest and highest over the fitting rows. A
 * response curve is measured there; below or above it, what the curve says is its form extrapolated, so plans that
 * go there are warned about (app/mmm-lines.ts).
 */
export interface SpendRange {
  readonly min: number;
  readonly max: number;
}

export function spendRange(spend: ArrayLike<number>): SpendRange {
  let min = Infinity;
  let max = -Infinity;
  for (let t = 0; t < spend.length; t++) {
    min = Math.min(min, spend[t]!);
    max = Math.max(max, spend[t]!);
  }
  return spend.length > 0 ? { min, max } : { min: 0, max: 0 };
}
