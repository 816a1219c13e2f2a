/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Quantile of a weighted sample (draws of a mixture, each weighted by its component's share over its draw count):
 * each value sits at the midpoint of its cumulative weight, and p is interpolated linearly between those points.
 * With equal weights this is the Hazen quantile, (i − ½)/n.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, p: number): number {
  const idx = Array.from({ length: values.length }, (_, i) => i).filter((i) => weights[i]! > 0);
  if (idx.length === 0) return NaN;
  idx.sort((a, b) => values[a]! - values[b]!);
  const total = idx.reduce((a, i) => a + weights[i]!, 0);
  let cum = 0;
  let prevPos = -Infinity;
  let prevVal = values[idx[0]!]!;
  for (const i of idx) {
    const pos = (cum + weights[i]! / 2) / total;
    cum += weights[i]!;
    if (p <= pos) return prevPos === -Infinity ? values[i]! : prevVal + ((p - prevPos) / (pos - prevPos)) * (values[i]! - prevVal);
    prevPos = pos;
    prevVal = values[i]!;
  }
  return prevVal;
}
