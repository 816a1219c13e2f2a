import type { StatisticalMember } from "./members/index.ts";
import type { PoolName } from "./pools.ts";

/** One daily series to forecast: consecutive days from `start`, with optional spend per channel on the same days. */
export interface SeriesInput {
  readonly key: string;
  readonly start: string;
  readonly target: readonly number[];
  readonly spend?: Readonly<Record<string, readonly number[]>>;
  /**
   * Known future inputs (events, promotions, prices) per column: values on every target day and then on every day
   * of the horizon, so at least target.length + horizon of them.
   */
  readonly events?: Readonly<Record<string, readonly number[]>>;
}

/** Quantile forecasts of one series for `horizon` days after its last observed day. */
export interface SeriesForecast {
  readonly key: string;
  readonly dates: readonly string[];
  /** The point forecast: the median when 0.5 is among the levels (the LSTM is trained on quantiles only). */
  readonly mean: readonly number[];
  /** quantiles[k][h]: level k's forecast of day h; non-decreasing in k. */
  readonly quantiles: readonly (readonly number[])[];
}

/** The forecast's members: the LSTM, the statistical ones (members/index.ts), and pools of a series' best (pools.ts). */
export type MethodName = "lstm" | StatisticalMember | PoolName;
