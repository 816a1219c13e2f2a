import { ModelFitError } from "../errors.ts";
import { quantileSorted } from "../data/quantile.ts";
import { baselineForecast } from "./baselines.ts";
import { disposeLstm, LSTM_DEFAULTS, predictLstm, trainLstm, type LstmOptions, type TrainedLstm, type TrainedVariant } from "./lstm-model.ts";
import { coverage, mae, maseScale, pinball, smape, wmape } from "./metrics.ts";
import type { MethodName, SeriesForecast, SeriesInput } from "./types.ts";

export interface ForecastOptions extends Partial<Omit<LstmOptions, "horizon" | "levels" | "seed" | "onEpoch">> {
  readonly horizon?: number;
  readonly levels?: readonly number[];
  readonly seed?: number;
  /** Rolling-origin backtest folds of `horizon` days each (0 to skip; then the LSTM is used). */
  readonly folds?: number;
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface MethodScore {
  readonly method: MethodName;
  readonly mase: number;
  readonly smape: number;
  readonly wmape: number;
  readonly pinball: number;
  /** Share of held-out days inside the outermost interval (e.g. p10..p90). */
  readonly coverage: number;
}

export interface ForecastResult {
  readonly method: MethodName;
  readonly reason: string;
  readonly levels: readonly number[];
  readonly horizon: number;
  readonly backtest: { readonly folds: number; readonly scores: readonly MethodScore[] };
  readonly forecasts: readonly SeriesForecast[];
  /**
   * CQR margins per series (in the input's order), per interval pair (outermost first), each tail on its own, in
   * units of the series' MASE scale. Results stored before margins were per series hold one list for all series.
   */
  readonly conformalMargins: readonly (readonly ConformalMargin[])[] | readonly ConformalMargin[];
  readonly training: readonly (TrainedVariant["history"] & { readonly useLastYear: boolean })[];
}

const METHODS: readonly MethodName[] = ["lstm", "seasonal_naive", "naive"];

/**
 * Forecast every series `horizon` days ahead. A rolling-origin backtest (origins at n − k·horizon, k = folds..1,
 * each method fitted only on data before its origin) scores the LSTM against seasonal naive (weekly) and naive;
 * the method with the lowest mean MASE makes the forecast, and the result says which and why. The LSTM used for
 * the forecast is trained on all the data and returned for reuse (the caller disposes it).
 */
export function forecastSeries(series: readonly SeriesInput[], opts: ForecastOptions = {}): { result: ForecastResult; model: TrainedLstm } {
  const { horizon = 90, levels: requested = [0.1, 0.5, 0.9], seed = 1, folds = 3, onProgress: _onProgress, ...network } = opts;
  const levels = [...requested].sort((a, b) => a - b);
  // an option given as undefined keeps its default
  const networkOptions = Object.fromEntries(Object.entries(network).filter(([, v]) => v !== undefined));
  const lstmOptions: Omit<LstmOptions, "onEpoch"> = { ...LSTM_DEFAULTS, ...networkOptions, horizon, levels, seed };
  checkHistory(series, lstmOptions, folds);
  const totalRuns = folds + 1;
  // conformity scores of each series' interval pairs' lower and upper ends, in units of its MASE scale (CQR)
  const pairs = Math.floor(levels.length / 2);
  const conformity = series.map(() => Array.from({ length: pairs }, () => ({ lower: [] as number[], upper: [] as number[] })));
  const sums = new Map(METHODS.map((m) => [m, { mase: 0, smape: 0, wmape: 0, pinball: 0, coverage: 0, count: 0 }]));
  for (let k = folds; k >= 1; k--) {
    const run = folds - k;
    const train = series.map((s) => ({ ...s, target: s.target.slice(0, s.target.length - k * horizon), spend: sliceSpend(s.spend, s.target.length - k * horizon) }));
    const actual = series.map((s) => s.target.slice(s.target.length - k * horizon, s.target.length - (k - 1) * horizon));
    const model = trainLstm(train, { ...lstmOptions, onEpoch: progress(opts, run, totalRuns, `backtest fold ${run + 1} of ${folds}`) });
    const byMethod: Record<MethodName, SeriesForecast[]> = {
      lstm: predictLstm(model, train),
      seasonal_naive: train.map((s) => baselineForecast(s, horizon, levels, 7)),
      naive: train.map((s) => baselineForecast(s, horizon, levels, 1)),
    };
    disposeLstm(model);
    byMethod.lstm.forEach((f, i) => {
      const scale = maseScale(train[i]!.target) || 1;
      for (let k = 0; k < pairs; k++) {
        const lo = f.quantiles[k]!;
        const hi = f.quantiles[levels.length - 1 - k]!;
        actual[i]!.forEach((a, h) => {
          conformity[i]![k]!.lower.push((lo[h]! - a) / scale);
          conformity[i]![k]!.upper.push((a - hi[h]!) / scale);
        });
      }
    });
    for (const m of METHODS) {
      byMethod[m].forEach((f, i) => {
        const a = actual[i]!;
        const acc = sums.get(m)!;
        acc.mase += mae(a, f.mean) / maseScale(train[i]!.target);
        acc.smape += smape(a, f.mean);
        acc.wmape += wmape(a, f.mean);
        acc.pinball += pinball(a, levels, f.quantiles);
        acc.coverage += coverage(a, f.quantiles[0]!, f.quantiles[levels.length - 1]!);
        acc.count++;
      });
    }
  }
  const scores: MethodScore[] = folds > 0
    ? METHODS.map((method) => {
        const a = sums.get(method)!;
        return { method, mase: a.mase / a.count, smape: a.smape / a.count, wmape: a.wmape / a.count, pinball: a.pinball / a.count, coverage: a.coverage / a.count };
      })
    : [];
  const best = scores.length ? scores.reduce((a, b) => (b.mase < a.mase ? b : a)) : null;
  const method: MethodName = best?.method ?? "lstm";
  const reason = best
    ? `${method} had the lowest mean MASE over ${folds} rolling-origin folds of ${horizon} days (${scores.map((s) => `${s.method} ${s.mase.toFixed(3)}`).join(", ")}).`
    : "No backtest was run (folds = 0): the LSTM is used without comparison.";
  const model = trainLstm(series, { ...lstmOptions, onEpoch: progress(opts, folds, totalRuns, "final model") });
  const tail = (e: number[], p: number) => (e.length ? quantileSorted([...e].sort((a, b) => a - b), p) : 0);
  const marginsOf = (c: { lower: number[]; upper: number[] }[]) => c.map((e, k) => ({ lower: tail(e.lower, 1 - levels[k]!), upper: tail(e.upper, levels[levels.length - 1 - k]!) }));
  // Each series is calibrated on its own backtest errors when it has enough of them (segments differ in how much
  // of their variation the LSTM misses); with fewer than 100 per tail, on all series' errors pooled.
  const pooled = marginsOf(Array.from({ length: pairs }, (_, k) => ({ lower: conformity.flatMap((c) => c[k]!.lower), upper: conformity.flatMap((c) => c[k]!.upper) })));
  const margins = conformity.map((c) => ((c[0]?.lower.length ?? 0) >= 100 ? marginsOf(c) : pooled));
  const forecasts = forecastWith(model, series, { method, horizon, levels, conformalMargins: margins });
  opts.onProgress?.(1, "forecast ready");
  return {
    result: { method, reason, levels, horizon, backtest: { folds, scores }, conformalMargins: margins, forecasts, training: model.members.map((m) => ({ ...m.history, useLastYear: m.useLastYear })) },
    model,
  };
}

/**
 * Every series must be long enough for the earliest backtest fold to train an LSTM (2 batches of windows beside
 * the validation days).
 *
 * @throws ModelFitError (422) saying how many days are needed and why
 */
export function checkHistory(series: readonly SeriesInput[], opts: ForecastOptions = {}, folds = opts.folds ?? 3): void {
  const o = { ...LSTM_DEFAULTS, horizon: 90, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  const needed = o.lookback + (folds + 1) * o.horizon + o.validationDays + 2 * o.batchSize - 1;
  const shortest = Math.min(...series.map((s) => s.target.length));
  if (shortest < needed) {
    throw new ModelFitError(
      `The shortest series has ${shortest} days; a ${o.horizon}-day forecast with ${folds} backtest folds needs ${needed} (lookback ${o.lookback} + ${folds + 1} × horizon + ${o.validationDays} validation days + ${2 * o.batchSize} training windows). Shorten the horizon or use fewer folds.`,
    );
  }
}

/**
 * The forecast of each series by the chosen method: the LSTM's quantiles widened by the backtest's conformal
 * margins, or a baseline. Also what a stored model reproduces (same model and data → same forecast).
 */
export function forecastWith(
  model: TrainedLstm,
  series: readonly SeriesInput[],
  fit: Pick<ForecastResult, "method" | "horizon" | "levels" | "conformalMargins">,
): SeriesForecast[] {
  if (fit.method === "lstm") return conformalize(predictLstm(model, series), series, fit.conformalMargins);
  return series.map((s) => baselineForecast(s, fit.horizon, fit.levels, fit.method === "naive" ? 1 : 7));
}

/** How far to move one interval's ends outward (negative: inward), in units of the series' MASE scale. */
export interface ConformalMargin {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Conformalized quantile regression on the backtest, each tail on its own (Romano, Patterson & Candès 2019,
 * the asymmetric variant): the lower end moves by the (1 − τ_lo) quantile of how far actuals fell below it, the
 * upper end by the τ_hi quantile of how far they rose above it, so each end's backtest exceedance becomes nominal.
 * One-sided surprises (Peyton Manning's playoff spikes are all upward) widen only the side they happen on.
 * Quantiles stay ordered.
 */
function conformalize(forecasts: SeriesForecast[], series: readonly SeriesInput[], margins: ForecastResult["conformalMargins"]): SeriesForecast[] {
  const perSeries = (i: number): readonly ConformalMargin[] => (Array.isArray(margins[0]) ? (margins as readonly (readonly ConformalMargin[])[])[i]! : (margins as readonly ConformalMargin[]));
  return forecasts.map((f, i) => {
    const scale = maseScale(series[i]!.target) || 1;
    const q = f.quantiles.map((row) => [...row]);
    perSeries(i).forEach((m, k) => {
      q[k] = q[k]!.map((v) => v - m.lower * scale);
      q[q.length - 1 - k] = q[q.length - 1 - k]!.map((v) => v + m.upper * scale);
    });
    for (let k = 1; k < q.length; k++) q[k] = q[k]!.map((v, h) => Math.max(v, q[k - 1]![h]!));
    return { ...f, quantiles: q };
  });
}

function progress(opts: ForecastOptions, run: number, runs: number, label: string) {
  const maxEpochs = opts.maxEpochs ?? LSTM_DEFAULTS.maxEpochs;
  return (e: { epoch: number; loss: number; valLoss: number }) =>
    opts.onProgress?.((run + e.epoch / maxEpochs) / runs, `${label}: epoch ${e.epoch}, loss ${e.loss.toFixed(4)}, validation loss ${e.valLoss.toFixed(4)}`);
}

function sliceSpend(spend: SeriesInput["spend"], to: number): SeriesInput["spend"] {
  return spend && Object.fromEntries(Object.entries(spend).map(([c, v]) => [c, v.slice(0, to)]));
}
