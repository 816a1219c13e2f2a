import { UnrecoverableError, type SandboxedJob } from "bullmq";
import { mergeShards, shardPayload, startJob } from "../app/job-starts.ts";
import { AppError } from "../errors.ts";
import type { TfBackendPreference } from "../forecast/tf-backend.ts";
import { isJobKind } from "../jobs/handlers.ts";
import { saveResult } from "../jobs/runner.ts";
import { runInThread } from "../jobs/thread.ts";
import type { JobError } from "../store/jobs.ts";
import { openStore, type Store } from "../store/store.ts";
import { inWorkspace } from "../store/workspace.ts";
import type { QueuedJobData } from "./connection.ts";

/** How often a running job checks the store for a cancellation (the API writes it there). */
const CANCEL_POLL_MS = 250;

let opened: Store | undefined;
/** The store this worker process shares with the API (MIXCAST_DATA_DIR), opened once per sandbox process. */
function store(): Store {
  opened ??= openStore(process.env.MIXCAST_DATA_DIR ?? "./var").store;
  return opened;
}

/**
 * Run one queued job in this sandbox process: rebuild it from its input, run its handler in a thread (so this
 * process keeps polling for a cancellation and renewing its lock), save its result in one transaction. A job that
 * failed on its input is failed in the store and not retried; anything else is thrown, and BullMQ retries it (the
 * store keeps the job running meanwhile, and fails it after the last attempt: queue/worker.ts).
 */
export async function processJob(job: SandboxedJob<QueuedJobData>): Promise<unknown> {
  const { jobId, kind, input, workspace, shard, shards } = job.data;
  const s = store();
  return inWorkspace(workspace, async () => {
    const jobs = s.jobs;
    const now = jobs.get(jobId);
    // cancelled (or ended) while it waited: nothing to do
    if (!now || (now.status !== "queued" && now.status !== "running")) return { skipped: now?.status ?? "missing" };
    if (!isJobKind(kind)) throw new UnrecoverableError(`unknown job kind ${kind}`);
    // a shard runs its part and hands the result to the parent (through the queue, not the store)
    const attempt = shard === undefined ? jobs.claim(jobId) : (jobs.markRunning(jobId), 0);
    if (attempt === null) return { skipped: "ended" };
    const refuse = (error: JobError) => {
      jobs.fail(jobId, error);
      return new UnrecoverableError(error.detail);
    };
    let start: ReturnType<typeof startJob>;
    try {
      start = startJob(s, kind, input, (process.env.MIXCAST_TF_BACKEND as TfBackendPreference | undefined) ?? "auto");
    } catch (e) {
      if (e instanceof AppError) throw refuse({ title: e.name, detail: e.message, code: e.code, issues: e.issues });
      throw e;
    }
    const transaction = <T>(fn: () => T) => s.db.transaction(fn)();
    if ("ready" in start) return { [saveResult(jobs, jobId, start.ready, undefined, transaction, attempt)]: true };
    if (shards !== undefined && shard === undefined) {
      // the parent of a split job: its shards are done; merge their results, in shard order, and save once
      const values = Object.values(await job.getChildrenValues()) as { shard: number; result: unknown }[];
      const merged = mergeShards(
        kind,
        values.sort((a, b) => a.shard - b.shard).map((v) => v.result),
      );
      return { [saveResult(jobs, jobId, merged, start.onSuccess, transaction, attempt)]: true };
    }
    // a shard's progress is its share of the whole; the store keeps the largest, so progress never goes back
    const share = (f: number) => (shard === undefined ? f : f / (shards ?? 1));
    const run = runInThread(kind, shard === undefined ? start.payload : shardPayload(kind, start.payload, shard), (fraction, message) => {
      jobs.setProgress(jobId, share(fraction), shard === undefined ? message : `shard ${shard + 1}: ${message}`);
      void job.updateProgress(Math.round(fraction * 100));
    });
    let cancelled = false;
    const poll = setInterval(() => {
      if (jobs.get(jobId)?.status === "cancelled") {
        cancelled = true;
        void run.terminate();
      }
    }, CANCEL_POLL_MS);
    const timeoutS = Number(process.env.MIXCAST_JOB_TIMEOUT_S ?? 0);
    let timedOut = false;
    const timer = timeoutS > 0 ? setTimeout(() => ((timedOut = true), void run.terminate()), timeoutS * 1000) : undefined;
    try {
      const outcome = await run.done;
      if (cancelled) return { cancelled: true };
      if (timedOut)
        throw refuse({ title: "Timed out", detail: `The job ran longer than MIXCAST_JOB_TIMEOUT_S (${timeoutS} s) and was stopped.`, code: "timeout" });
      if (outcome.type === "error") {
        // the user's to fix: not retried; a crash: thrown, so BullMQ retries it
        if (outcome.error.code !== "internal") throw refuse(outcome.error);
        jobs.setProgress(jobId, 0, `attempt ${attempt} failed: ${outcome.error.detail}`);
        throw new Error(outcome.error.detail);
      }
      if (shard !== undefined) return { shard, result: outcome.result };
      return { [saveResult(jobs, jobId, outcome.result, start.onSuccess, transaction, attempt)]: true };
    } finally {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      void run.terminate();
    }
  });
}
