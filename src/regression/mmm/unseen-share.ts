/**
 * The share of a channel's contribution that the curve gives below the lowest carried-over spend seen: with media
 * m_t = f(a_t) over the fitting rows (f rising in the carried-over spend a_t), n·min_t m_t / Σ_t m_t, since every
 * period gets at least f(a_min). Only the form's shape below the data decides that part, so a channel whose share
 * is large has an ROI the data cannot pin (on the matrix's always-on families, above 30% the ROI erred +20% at the
 * median; BENCHMARKS.md). 0 for a channel off in some period, or without contribution.
 */
export function unseenShare(media: ArrayLike<number>): number {
  const n = media.length;
  if (n === 0) return 0;
  let low = Infinity;
  let total = 0;
  for (let t = 0; t < n; t++) {
    const v = Math.max(0, media[t]!);
    low = Math.min(low, v);
    total += v;
  }
  return total > 0 ? (n * low) / total : 0;
}
