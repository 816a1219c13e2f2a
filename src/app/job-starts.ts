import { NotFoundError } from "../errors.ts";
import type { TfBackendPreference } from "../forecast/tf-backend.ts";
import type { JobKind } from "../jobs/handlers.ts";
import type { Store } from "../store/store.ts";
import { startForecast, type ForecastRequest } from "./forecasts.ts";
import { startMmm, type MmmRequest } from "./mmm.ts";

/** What a worker needs to run a job: the handler's payload and how to save its result; or the result already. */
export type JobStart = { readonly payload: unknown; readonly onSuccess?: (result: unknown, jobId: string) => unknown } | { readonly ready: unknown };

function dataset(store: Store, id: string) {
  const ds = store.datasets.load(id);
  if (!ds) throw new NotFoundError(`No dataset ${id}: it was deleted after the job was queued.`);
  return ds;
}

/**
 * A job rebuilt from its stored input (the validated request), as the API built it when it was submitted: what a
 * worker in another process runs (jobs/queue-processor.ts). Same functions as the routes call, so a job runs the
 * same in a thread of the API or on a queue worker.
 */
export function startJob(store: Store, kind: JobKind, input: unknown, backend: TfBackendPreference): JobStart {
  switch (kind) {
    case "mmm-fit": {
      const req = input as MmmRequest;
      return startMmm(store, dataset(store, req.datasetId), req);
    }
    case "forecast-train": {
      const req = input as ForecastRequest;
      const start = startForecast(store, dataset(store, req.datasetId), req, backend);
      // the same model was trained and stored while this job waited: its forecast is the result
      return start.kind === "train" ? { payload: start.payload, onSuccess: start.onSuccess } : { ready: start.summary };
    }
    case "dataset-profile": {
      const { datasetId, segment } = input as { datasetId: string; segment?: string };
      return { payload: { dataset: dataset(store, datasetId), segment } };
    }
    case "diagnostic-sleep":
      return { payload: input };
  }
}
