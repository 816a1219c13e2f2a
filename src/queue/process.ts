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
import { fromWire, toWire } from "./wire.ts";

/** How often a running job checks the store for a cancellation (the API writes it there). */
const CANCEL_POLL_MS = 250;

let opened: Promise<Store> | undefined;
/** The store this worker process shares with the API (MIXCAST_STORE: a folder or a postgres:// URL), opened once per sandbox process. */
function store(): Promise<Store> {
  // one job at a time in this process: two connections (its progress and cancellation polls) are enough
  opened ??= openStore(process.env.MIXCAST_STORE ?? "./var", { connections: 2 }).then((o) => o.store);
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
  const s = await store();
  return inWorkspace(workspace, async () => {
    const jobs = s.jobs;
    const now = await jobs.get(jobId);
    // cancelled (or ended) while it waited: nothing to do
    if (!now || (now.status !== "queued" && now.status !== "running")) return { skipped: now?.status ?? "missing" };
    if (!isJobKind(kind)) throw new UnrecoverableError(`unknown job kind ${kind}`);
    // a shard runs its part and hands the result to the parent (through the queue, not the store)
    const attempt = shard === undefined ? await jobs.claim(jobId) : (await jobs.markRunning(jobId), 0);
    if (attempt === null) return { skipped: "ended" };
    const refuse = async (error: JobError) => {
      await jobs.fail(jobId, error);
      return new UnrecoverableError(error.detail);
    };
    let start: Awaited<ReturnType<typeof startJob>>;
    try {
      start = await startJob(s, kind, input, (process.env.MIXCAST_TF_BACKEND as TfBackendPreference | undefined) ?? "auto");
    } catch (e) {
      if (e instanceof AppError) throw await refuse({ title: e.name, detail: e.message, code: e.code, issues: e.issues });
      throw e;
    }
    // the answer is ready without work (a forecast's model was stored meanwhile): the parent saves it, shards do nothing
    if ("ready" in start) return shard === undefined ? { [await saveResult(s, jobId, start.ready, undefined, attempt)]: true } : { shard, ready: true };
    if (shards !== undefined && shard === undefined) {
      // the parent of a split job: its shards are done; merge their results, in shard order, and save once
      const values = Object.values(await job.getChildrenValues()) as { shard: number; result: unknown }[];
      const merged = mergeShards(
        kind,
        values.sort((a, b) => a.shard - b.shard).map((v) => fromWire(v.result)),
      );
      return { [await saveResult(s, jobId, merged, start.onSuccess, attempt)]: true };
    }
    // a shard's progress is its share of the whole; the store keeps the largest, so progress never goes back
    const share = (f: number) => (shard === undefined ? f : f / (shards ?? 1));
    const run = runInThread(kind, shard === undefined ? start.payload : shardPayload(kind, start.payload, shard, shards ?? 1), (fraction, message) => {
      jobs.setProgress(jobId, share(fraction), shard === undefined ? message : `shard ${shard + 1}: ${message}`).catch(() => {}); // the next report tries again
      job.updateProgress(Math.round(fraction * 100)).catch(() => {});
    });
    let cancelled = false;
    const poll = setInterval(() => {
      jobs
        .get(jobId)
        .then((j) => {
          if (j?.status !== "cancelled") return;
          cancelled = true;
          void run.terminate();
        })
        .catch(() => {}); // the store did not answer: the next poll asks again
    }, CANCEL_POLL_MS);
    const timeoutS = Number(process.env.MIXCAST_JOB_TIMEOUT_S ?? 0);
    let timedOut = false;
    const timer = timeoutS > 0 ? setTimeout(() => ((timedOut = true), void run.terminate()), timeoutS * 1000) : undefined;
    try {
      const outcome = await run.done;
      if (cancelled) return { cancelled: true };
      if (timedOut)
        throw await refuse({ title: "Timed out", detail: `The job ran longer than MIXCAST_JOB_TIMEOUT_S (${timeoutS} s) and was stopped.`, code: "timeout" });
      if (outcome.type === "error") {
        // the user's to fix: not retried; a crash: thrown, so BullMQ retries it
        if (outcome.error.code !== "internal") throw await refuse(outcome.error);
        await jobs.setProgress(jobId, 0, `attempt ${attempt} failed: ${outcome.error.detail}`);
        throw new Error(outcome.error.detail);
      }
      if (shard !== undefined) return { shard, result: toWire(outcome.result) };
      return { [await saveResult(s, jobId, outcome.result, start.onSuccess, attempt)]: true };
    } finally {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      void run.terminate();
    }
  });
}
