import { Worker } from "bullmq";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { openStore, type Store } from "../store/store.ts";
import { inWorkspace } from "../store/workspace.ts";
import { QUEUE_NAME, redis, type QueuedJobData } from "./connection.ts";

export interface QueueWorkerOptions {
  readonly url: string;
  /** Jobs this worker runs at once, each in its own sandbox process. */
  readonly concurrency: number;
  /** Where the store the API uses is (storeLocation: a folder on this machine, or a postgres:// URL): for the sandboxes. */
  readonly storeLocation: string;
  /**
   * That store, already open in this process (serve's embedded worker); else the worker opens its own. One store per
   * process: on SQLite, two connections of one process would wait on each other's transactions.
   */
  readonly store?: Store;
  readonly logger: Logger;
  /** Seconds a job may run (0: no limit). */
  readonly timeoutS?: number;
  /** How long a job's lock lasts without renewal: a worker that died is noticed after about this long. */
  readonly lockMs?: number;
}

const PROCESSOR = fileURLToPath(new URL("./processor.mjs", import.meta.url));

/**
 * A queue worker (`mixcast worker`, or embedded in `serve`): BullMQ runs each job in a sandbox process
 * (processor.mjs), so a job that crashes its process does not take the worker down. A job whose worker died is
 * noticed when its lock lapses and runs again on any worker; one that failed for good is failed in the store here
 * (a job the processor refused on its input is failed there already).
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<{ worker: Worker; close(): Promise<void> }> {
  // it only records a job's final failure: one connection
  const own = opts.store ? undefined : (await openStore(opts.storeLocation, { connections: 1 })).store;
  const store = (opts.store ?? own)!;
  const connection = redis(opts.url);
  const lockDuration = opts.lockMs ?? 30_000;
  const worker = new Worker<QueuedJobData>(QUEUE_NAME, PROCESSOR, {
    connection,
    // shown per running job (/metrics: active jobs per worker)
    name: `${hostname()}:${process.pid}`,
    concurrency: opts.concurrency,
    useWorkerThreads: false,
    lockDuration,
    stalledInterval: Math.max(1_000, Math.round(lockDuration / 2)),
    // a job whose worker died twice is failed rather than retried for ever
    maxStalledCount: 1,
    workerForkOptions: { env: { ...process.env, MIXCAST_STORE: opts.storeLocation, MIXCAST_JOB_TIMEOUT_S: String(opts.timeoutS ?? 0) } },
  });
  worker.on("active", (job) => opts.logger.info({ jobId: job.data.jobId, kind: job.data.kind, attempt: job.attemptsMade + 1 }, "job started"));
  worker.on("completed", (job) => opts.logger.info({ jobId: job.data.jobId, kind: job.data.kind }, "job finished"));
  worker.on("failed", (job, err) => {
    if (!job) return;
    const final = err.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
    opts.logger.warn({ jobId: job.data.jobId, attempt: job.attemptsMade, final, err: err.message }, final ? "job failed" : "job attempt failed; retrying");
    if (final)
      inWorkspace(job.data.workspace, () =>
        store.jobs.fail(job.data.jobId, { title: "Job failed", detail: `After ${job.attemptsMade} attempt(s): ${err.message}`, code: "internal" }),
      ).catch((e: unknown) => opts.logger.error({ jobId: job.data.jobId, err: e }, "job failed but its failure could not be stored"));
  });
  worker.on("error", (err) => opts.logger.error({ err: err.message }, "queue worker error"));
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
      await own?.close();
    },
  };
}
