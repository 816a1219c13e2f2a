import { quantileSorted } from "../data/quantile.ts";
import { addDays } from "./calendar.ts";
import type { SeriesForecast, SeriesInput } from "./types.ts";

/**
 * Naive (last value) and seasonal naive (same weekday last week) forecasts. Their quantiles are the point forecast
 * plus empirical quantiles of the method's own errors at each lead time over every origin in the history
 * (a split-conformal interval), so baselines get honest intervals to compare with.
 */
export function baselineForecast(series: SeriesInput, horizon: number, levels: readonly number[], season: 1 | 7): SeriesForecast {
  const y = series.target;
  const n = y.length;
  const point = (origin: number, h: number) => y[origin - season + (h % season)]!;
  const quantiles = levels.map(() => new Array<number>(horizon));
  const mean = Array.from({ length: horizon }, (_, h) => point(n, h));
  for (let h = 0; h < horizon; h++) {
    const errors: number[] = [];
    for (let origin = season; origin + h < n; origin++) errors.push(y[origin + h]! - point(origin, h));
    errors.sort((a, b) => a - b);
    levels.forEach((tau, k) => {
      quantiles[k]![h] = mean[h]! + (errors.length ? quantileSorted(errors, tau) : 0);
    });
  }
  const lastDate = addDays(series.start, n - 1);
  return { key: series.key, dates: Array.from({ length: horizon }, (_, h) => addDays(lastDate, h + 1)), mean, quantiles };
}

