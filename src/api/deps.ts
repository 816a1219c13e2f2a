import type { Store as RateLimitStore } from "express-rate-limit";
import type { Logger } from "pino";
import { NotFoundError } from "../errors.ts";
import type { Config } from "../config.ts";
import type { TfBackendChoice } from "../forecast/tf-backend.ts";
import type { JobRunner } from "../jobs/runner.ts";
import type { Store } from "../store/store.ts";

/** Everything the HTTP layer needs, built by the composition root (server.ts) or by tests. */
export interface AppDeps {
  readonly config: Pick<Config, "MIXCAST_MAX_UPLOAD_MB" | "MIXCAST_MAX_JSON_MB" | "MIXCAST_JOB_CONCURRENCY" | "MIXCAST_DIAGNOSTIC_JOBS"> &
    Partial<Pick<Config, "HOST" | "MIXCAST_AUTH" | "MIXCAST_RATE_LIMIT_PER_MIN" | "MIXCAST_KEY_CACHE_MS" | "MIXCAST_HTTPS">>;
  readonly store: Store;
  readonly jobs: JobRunner;
  readonly logger: Logger;
  readonly tf: TfBackendChoice;
  readonly startedAt?: Date;
  /** Where rate-limit counters live when several API processes share the load (the queue's Redis); else in memory. */
  readonly rateLimitStore?: RateLimitStore;
}

/** The dataset a request body names by `datasetId`, or a 404 that points at that field. */
export async function loadDataset(deps: AppDeps, id: string) {
  const ds = await deps.store.datasets.load(id);
  if (!ds) throw new NotFoundError(`No dataset ${id}.`, [{ path: ["body", "datasetId"], message: "no such dataset", value: id }]);
  return ds;
}
