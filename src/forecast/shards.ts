import { summariseChoices, type ForecastOptions, type ForecastResult } from "./forecast.ts";
import { LSTM_DEFAULTS } from "./lstm-model.ts";

/**
 * A forecast over many series, cut into shards that queue workers train at once (issue 17). A shard is a run of
 * consecutive series in the request's order (the dataset's series order), at least SHARD_SERIES of them: each
 * trains its own LSTM on its series and runs the members' backtest on them, so a shard is a whole forecast of
 * fewer series. The shards share the whole forecast's training budget: each network's epoch draws its share of the
 * windows (shardOptions), as many per series as the whole would, so the shards together cost what one network
 * over all series costs and run at once on as many workers. What it costs in accuracy is measured in
 * bench/forecast-shards.ts (BENCHMARKS.md): each network learns from fewer series; the members are per series anyway.
 */
export const SHARD_SERIES = 100;

/**
 * How many shards `series` series make, at least `perShard` each (1 below 2 × perShard, and always 1 for a
 * hierarchy, whose levels must add up as one forecast).
 */
export function forecastShardCount(series: number, hierarchy: boolean, perShard = SHARD_SERIES): number {
  return hierarchy ? 1 : Math.max(1, Math.floor(series / perShard));
}

/** Shard `k` of `count` as [from, to) over `series` series: consecutive, sizes differing by at most one. */
export function shardBounds(series: number, count: number, k: number): readonly [number, number] {
  const from = Math.floor((k * series) / count);
  return [from, Math.floor(((k + 1) * series) / count)];
}

/** Options for a shard of `share` of the series: its part of the training windows per epoch (at least 256). */
export function shardOptions<O extends Omit<ForecastOptions, "onProgress">>(options: O, share: number): O {
  const whole = options.windowsPerEpoch ?? LSTM_DEFAULTS.windowsPerEpoch;
  return { ...options, windowsPerEpoch: Math.max(256, Math.round(whole * share)) };
}

type PerSeriesFit = Pick<ForecastResult, "horizon" | "levels" | "conformalMargins" | "choices" | "memberBands" | "memberPoints" | "reconciliation">;

/** The per-series part of a fit for series [from, to): what forecastWith needs for one shard's network. */
export function sliceFit<F extends PerSeriesFit>(fit: F, from: number, to: number): F {
  const margins = fit.conformalMargins;
  // results stored before margins were per series hold one list for all series: it applies to every shard
  const perSeries = margins.length > 0 && Array.isArray(margins[0]);
  return {
    ...fit,
    choices: fit.choices.slice(from, to),
    conformalMargins: perSeries ? (margins as readonly unknown[]).slice(from, to) : margins,
    memberBands: fit.memberBands.slice(from, to),
    ...(fit.memberPoints && { memberPoints: fit.memberPoints.slice(from, to) }),
  } as F;
}

/**
 * The shards' results, in shard order, as one forecast: per-series parts one after another, the backtest summary
 * recomputed over all series (the same function as an unsharded forecast), the training records of every shard's
 * networks in turn.
 */
export function mergeForecastResults(parts: readonly ForecastResult[]): ForecastResult {
  const first = parts[0]!;
  const choices = parts.flatMap((p) => p.choices);
  const { method, reason, scores } = summariseChoices(
    choices,
    choices.map((c) => c.scores),
    first.backtest.folds,
    first.horizon,
  );
  const memberPoints = parts.every((p) => p.memberPoints) ? parts.flatMap((p) => p.memberPoints!) : undefined;
  return {
    method,
    reason,
    levels: first.levels,
    horizon: first.horizon,
    backtest: { folds: first.backtest.folds, scores },
    choices,
    forecasts: parts.flatMap((p) => p.forecasts),
    conformalMargins: parts.flatMap((p) => p.conformalMargins as readonly unknown[]) as ForecastResult["conformalMargins"],
    memberBands: parts.flatMap((p) => p.memberBands),
    ...(memberPoints && { memberPoints }),
    training: parts.flatMap((p) => p.training),
  };
}
