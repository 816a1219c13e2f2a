import { NotFoundError } from "../errors.ts";
import type { TfBackendPreference } from "../forecast/tf-backend.ts";
import { forecastShardCount, mergeForecastResults, SHARD_SERIES, shardBounds, shardOptions } from "../forecast/shards.ts";
import type { JobKind } from "../jobs/handlers.ts";
import type { ForecastTrainOutput, ForecastTrainPayload } from "../jobs/kinds/forecast-train.ts";
import type { OnSuccess } from "../jobs/runner.ts";
import type { Store } from "../store/store.ts";
import { poolingOf, type MmmResult, type PreparedMmm } from "../regression/mmm/fit-dataset.ts";
import { startForecast, type ForecastRequest } from "./forecasts.ts";
import { startMmm, type MmmRequest } from "./mmm.ts";

/** What a worker needs to run a job: the handler's payload and how to save its result; or the result already. */
export type JobStart = { readonly payload: unknown; readonly onSuccess?: OnSuccess } | { readonly ready: unknown };

async function dataset(store: Store, id: string) {
  const ds = await store.datasets.load(id);
  if (!ds) throw new NotFoundError(`No dataset ${id}: it was deleted after the job was queued.`);
  return ds;
}

/**
 * A job rebuilt from its stored input (the validated request), as the API built it when it was submitted: what a
 * worker in another process runs (jobs/queue-processor.ts). Same functions as the routes call, so a job runs the
 * same in a thread of the API or on a queue worker.
 */
export async function startJob(store: Store, kind: JobKind, input: unknown, backend: TfBackendPreference): Promise<JobStart> {
  switch (kind) {
    case "mmm-fit": {
      const req = input as MmmRequest;
      return startMmm(await dataset(store, req.datasetId), req);
    }
    case "forecast-train": {
      const req = input as ForecastRequest;
      const start = await startForecast(store, await dataset(store, req.datasetId), req, backend);
      // the same model was trained and stored while this job waited: its forecast is the result
      return start.kind === "train" ? { payload: start.payload, onSuccess: start.onSuccess } : { ready: start.summary };
    }
    case "dataset-profile": {
      const { datasetId, segment } = input as { datasetId: string; segment?: string };
      return { payload: { dataset: await dataset(store, datasetId), segment } };
    }
    case "diagnostic-sleep":
      return { payload: input };
  }
}

/**
 * How many shards a job splits into on a queue.
 * - An MMM fitted one model per segment ("pooled": "none", the default): one shard per segment, each fitted on its
 *   own worker; its segments share nothing, so the merged answer is the one a single worker gives (tested byte for
 *   byte). Pooled fits: 1.
 * - A forecast of at least 2 × `forecastShardSeries` series (MIXCAST_FORECAST_SHARD_SERIES, default SHARD_SERIES)
 *   without a hierarchy: runs of about that many consecutive
 *   series, each a whole forecast of its series with its own network (forecast/shards.ts; what it costs in accuracy
 *   is measured in bench/forecast-shards.ts).
 * - Everything else: 1.
 */
export function shardsOf(kind: JobKind, payload: unknown, forecastShardSeries = SHARD_SERIES): number {
  if (kind === "forecast-train") {
    const p = payload as ForecastTrainPayload;
    return forecastShardCount(p.series.length, Boolean(p.options.hierarchy), forecastShardSeries);
  }
  if (kind !== "mmm-fit") return 1;
  const p = payload as PreparedMmm;
  return poolingOf(p.request) === "none" && p.inputs.length > 1 ? p.inputs.length : 1;
}

/** Shard `shard` of the `shards` a job's payload was cut into: an MMM's one segment, or a forecast's run of series. */
export function shardPayload(kind: JobKind, payload: unknown, shard: number, shards: number): unknown {
  if (kind === "forecast-train") {
    const p = payload as ForecastTrainPayload;
    const [from, to] = shardBounds(p.series.length, shards, shard);
    return { ...p, series: p.series.slice(from, to), options: shardOptions(p.options, (to - from) / p.series.length) } satisfies ForecastTrainPayload;
  }
  if (kind !== "mmm-fit") throw new Error(`${kind} jobs are not split into shards`);
  const p = payload as PreparedMmm;
  return { ...p, inputs: [p.inputs[shard]!] } satisfies PreparedMmm;
}

/** The shards' results, in shard order, as one job's result: an MMM's segments, or a forecast's series, one after another. */
export function mergeShards(kind: JobKind, results: readonly unknown[]): unknown {
  if (kind === "forecast-train") {
    const parts = results as readonly ForecastTrainOutput[];
    return {
      result: mergeForecastResults(parts.map((p) => p.result)),
      networks: parts.flatMap((p) => p.networks),
      backend: parts[0]!.backend,
    } satisfies ForecastTrainOutput;
  }
  if (kind !== "mmm-fit") throw new Error(`${kind} jobs are not split into shards`);
  const parts = results as readonly MmmResult[];
  return { request: parts[0]!.request, segments: parts.flatMap((r) => r.segments), warnings: parts[0]!.warnings } satisfies MmmResult;
}
