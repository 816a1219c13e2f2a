import { disposeLstm } from "../../forecast/lstm-model.ts";
import { forecastSeriesWith, type ForecastOptions, type ForecastResult } from "../../forecast/forecast.ts";
import { saveLstm, type SavedLstm } from "../../forecast/persist.ts";
import { selectTfBackend, type TfBackendPreference } from "../../forecast/tf-backend.ts";
import type { SeriesInput } from "../../forecast/types.ts";
import type { JobContext } from "../context.ts";
import { parallelMembers } from "../parallel-members.ts";

export interface ForecastTrainPayload {
  readonly series: readonly SeriesInput[];
  readonly options: Omit<ForecastOptions, "onProgress">;
  readonly backend: TfBackendPreference;
}

export interface ForecastTrainOutput {
  readonly result: ForecastResult;
  /** The trained networks in series order, each with how many series it forecasts: one, unless trained in shards. */
  readonly networks: readonly { readonly series: number; readonly saved: SavedLstm }[];
  readonly backend: string;
}

/** Backtest and train the forecast model in this worker (its own tfjs), returning the forecast and the weights. */
export async function runForecastTrain(payload: unknown, ctx: JobContext): Promise<ForecastTrainOutput> {
  const { series, options, backend } = payload as ForecastTrainPayload;
  const tf = await selectTfBackend(backend);
  ctx.progress(0.01, `training on the ${tf.backend} backend`);
  // the statistical members run on other threads while this one trains the LSTM
  const { result, model } = await forecastSeriesWith(series, { ...options, onProgress: (f, m) => ctx.progress(0.01 + 0.98 * f, m) }, parallelMembers());
  try {
    return { result, networks: [{ series: series.length, saved: await saveLstm(model) }], backend: tf.backend };
  } finally {
    disposeLstm(model);
  }
}
