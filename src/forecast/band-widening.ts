import { quantileSorted } from "../data/quantile.ts";

/**
 * Statistical members' bands calibrated on the backtest a second time, leave one fold out. A member's band is its
 * backtest errors' quantiles by lead (bands.ts): from three folds, 45 errors a lead that share three fold-level
 * biases, while the next 90 days bring a fourth, so the band is too narrow wherever the series' level moves between
 * folds (pedestrian counts through lockdowns: 27–87% of held-out days in an 80% band). Each fold is scored against
 * the band the other folds give (built exactly as the forecast builds it), and the bands are widened on both sides
 * by the amount that makes those leave-one-fold-out bands hold their nominal share of days, pooled over series (a
 * global correction: each series' own width stays its own). Bands from two folds are narrower than from three, so
 * the widening errs wide; where the leave-one-fold-out bands hold more than nominal, it is negative and narrows.
 */

/**
 * Per interval pair (outermost first), how far each day fell outside it, in units of `scale` (negative when inside:
 * how far from the nearer end). quantiles is [level][day].
 */
export function outsideBy(quantiles: readonly (readonly number[])[], actual: readonly number[], scale: number): number[][] {
  const L = quantiles.length;
  return Array.from({ length: Math.floor(L / 2) }, (_, k) => actual.map((a, h) => Math.max(quantiles[k]![h]! - a, a - quantiles[L - 1 - k]![h]!) / scale));
}

/** Per pair: the widening under which the pooled days' share inside the band is the pair's nominal coverage. */
export function wideningFor(outside: readonly (readonly number[])[], levels: readonly number[]): number[] {
  const L = levels.length;
  return outside.map((days, k) =>
    days.length
      ? quantileSorted(
          [...days].sort((a, b) => a - b),
          levels[L - 1 - k]! - levels[k]!,
        )
      : 0,
  );
}

/** Error quantiles [level][lead] with each pair's ends moved out by its widening. */
export function widenQuantiles(q: readonly (readonly number[])[], widening: readonly number[]): number[][] {
  const L = q.length;
  return q.map((row, j) => {
    const k = j < L / 2 ? j : L - 1 - j;
    if (k >= widening.length || (L % 2 === 1 && j === (L - 1) / 2)) return [...row];
    const d = widening[k]!;
    return row.map((v) => (j === k ? v - d : v + d));
  });
}
