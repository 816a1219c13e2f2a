/** Forecast accuracy measures (Hyndman & Koehler 2006; Gneiting & Raftery 2007 for the pinball loss). */

/** Mean absolute error of the in-sample seasonal naive forecast (period m): MASE's denominator. */
export function maseScale(history: ArrayLike<number>, m = 7): number {
  let s = 0;
  for (let i = m; i < history.length; i++) s += Math.abs(history[i]! - history[i - m]!);
  return s / Math.max(1, history.length - m);
}

export function mae(actual: ArrayLike<number>, point: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - point[i]!);
  return s / actual.length;
}

/** Symmetric MAPE, 0..2 (a pair of zeros counts 0). */
export function smape(actual: ArrayLike<number>, point: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i]!) + Math.abs(point[i]!);
    s += d === 0 ? 0 : (2 * Math.abs(actual[i]! - point[i]!)) / d;
  }
  return s / actual.length;
}

/** Weighted MAPE: Σ|error| / Σ|actual|. */
export function wmape(actual: ArrayLike<number>, point: ArrayLike<number>): number {
  let e = 0;
  let a = 0;
  for (let i = 0; i < actual.length; i++) {
    e += Math.abs(actual[i]! - point[i]!);
    a += Math.abs(actual[i]!);
  }
  return e / a;
}

/** Mean pinball (quantile) loss over levels and points; quantiles[k][i] is level k's forecast of actual[i]. */
export function pinball(actual: ArrayLike<number>, levels: readonly number[], quantiles: readonly ArrayLike<number>[]): number {
  let s = 0;
  levels.forEach((tau, k) => {
    for (let i = 0; i < actual.length; i++) {
      const d = actual[i]! - quantiles[k]![i]!;
      s += d >= 0 ? tau * d : (tau - 1) * d;
    }
  });
  return s / (levels.length * actual.length);
}

/** Share of actual values inside [lower, upper]. */
export function coverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) c++;
  return c / actual.length;
}

/**
 * Root mean squared scaled error (M5's accuracy measure): √(mean squared error / mean squared one-step naive
 * difference over the history). Copes with intermittent series, whose absolute error rewards forecasting zero.
 */
export function rmsse(actual: ArrayLike<number>, point: ArrayLike<number>, history: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < actual.length; i++) e += (actual[i]! - point[i]!) ** 2;
  let d = 0;
  for (let t = 1; t < history.length; t++) d += (history[t]! - history[t - 1]!) ** 2;
  const scale = d / Math.max(1, history.length - 1);
  return Math.sqrt(e / actual.length / (scale || 1));
}
