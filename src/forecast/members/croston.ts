/**
 * Croston's method with the Syntetos–Boylan bias correction (SBA) for intermittent demand, as statsforecast's
 * CrostonSBA computes it: simple exponential smoothing (α = 0.1, started at the first value) of the non-zero demand
 * sizes and, separately, of the intervals between them (the first counted from the series' start); the forecast is
 * size / interval × (1 − α/2) for every day ahead. Beside TSB: Croston's rate does not decay through a run of zeros,
 * which suits a product that sells rarely but steadily.
 */
export function crostonSbaForecast(y: readonly number[], horizon: number, alpha = 0.1): number[] {
  const sizes: number[] = [];
  const intervals: number[] = [];
  let last = -1;
  y.forEach((v, t) => {
    if (v === 0) return;
    sizes.push(v);
    intervals.push(t - last);
    last = t;
  });
  if (sizes.length === 0) return new Array<number>(horizon).fill(0);
  const ses = (x: readonly number[]) => x.reduce((level, v) => alpha * v + (1 - alpha) * level, x[0]!);
  const interval = ses(intervals);
  const rate = (ses(sizes) / (interval || 1)) * (1 - alpha / 2);
  return new Array<number>(horizon).fill(rate);
}
