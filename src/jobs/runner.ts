import type { Logger } from "pino";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { JobRecord, JobRepo } from "../store/jobs.ts";
import type { Store } from "../store/store.ts";
import { currentWorkspace, inWorkspace } from "../store/workspace.ts";
import type { JobKind } from "./handlers.ts";
import { runInThread, type ThreadRun } from "./thread.ts";

export interface QueueStats {
  readonly completed: number;
  /** Attempts that failed (a job retried twice and then failed counts 3). */
  readonly failedAttempts: number;
  /** Jobs whose worker stopped renewing their lock (died or hung): they run again elsewhere. */
  readonly stalled: number;
  /** Jobs failed for good after their last attempt. */
  readonly exhausted: number;
  /** Running jobs per worker name (host:pid). */
  readonly activeByWorker: Readonly<Record<string, number>>;
}

/** A job's end, for metrics: its kind, outcome and seconds it ran. */
export type FinishedListener = (e: { kind: JobKind; status: "succeeded" | "failed"; seconds: number }) => void;

/**
 * Where long work runs. Two implementations: ThreadJobRunner (worker threads of this process, the default) and
 * QueueJobRunner (BullMQ over Redis, run by `mixcast worker` processes anywhere). Both keep every job's state in
 * the store, so GET/DELETE /v1/jobs/:id answer the same either way.
 */
export interface JobRunner {
  /** Called when a job ends in this process (the queue's jobs end in workers and are not seen here). */
  readonly finishedListeners: FinishedListener[];
  /** Jobs waiting to start, and running (across every worker, for a queue). */
  readonly queueDepth: number;
  readonly runningCount: number;
  /** Where jobs run: "threads" of this process, or the "bullmq" queue; for a queue, the workers connected to it. */
  readonly runner: "threads" | "bullmq";
  /** For a queue: its Redis URL without the password. */
  readonly queueUrl?: string;
  readonly workers?: number;
  /** For a queue: what its events said since this process started, and the jobs running per worker now. */
  readonly queueStats?: QueueStats;
  /**
   * Queue a job. `input` is what the client asked for and is stored with the job; `payload` is what the handler
   * gets (e.g. the loaded dataset) and `onSuccess` saves its result (e.g. a fitted model), its return value the
   * job's stored result. A runner whose workers are other processes rebuilds both from `input` (app/job-starts.ts).
   */
  submit(kind: JobKind, input: unknown, payload?: unknown, onSuccess?: OnSuccess): Promise<JobRecord>;
  /** Record work that needed no worker (e.g. a forecast from a stored model) as a job already succeeded. */
  completed(kind: JobKind, input: unknown, result: unknown): Promise<JobRecord>;
  /** Cancel a queued or running job. */
  cancel(id: string): Promise<JobRecord>;
  /** Stop accepting work (and, in process, stop running jobs). */
  close(reason?: string): Promise<void>;
}

/**
 * Saves a job's result (e.g. a fitted model) with the store it is given (the transaction that also marks the job
 * succeeded); its return value is the job's stored result.
 */
export type OnSuccess = (result: unknown, jobId: string, store: Store) => Promise<unknown>;

export interface ThreadJobRunnerOptions {
  readonly store: Store;
  /** Jobs running at once, each in its own worker thread. */
  readonly concurrency: number;
  readonly logger: Logger;
}

interface Queued {
  readonly id: string;
  /** The submitter's workspace: the job's results are saved there, whatever context its worker's events arrive in. */
  readonly workspace: string;
  readonly kind: JobKind;
  readonly payload: unknown;
  readonly onSuccess?: OnSuccess;
}

/**
 * Record a job's result: `onSuccess` and the success in one transaction, unless it was cancelled meanwhile or, for
 * a queue run (`attempt`), a later run has taken the job over (a worker thought dead that finished after all):
 * nothing is stored twice.
 */
export async function saveResult(
  store: Store,
  id: string,
  result: unknown,
  onSuccess: OnSuccess | undefined,
  attempt?: number,
): Promise<"saved" | "ended" | "superseded"> {
  try {
    return await store.transaction(async (tx) => {
      if ((await tx.jobs.get(id))?.status !== "running") return "ended"; // cancelled (or failed) meanwhile: keep nothing
      if (attempt !== undefined && (await tx.jobs.attempt(id)) !== attempt) return "superseded";
      const value = onSuccess ? await onSuccess(result, id, tx) : result;
      // the job changed between the check and now (another process's write): undo the saved model too
      if (!(await tx.jobs.succeed(id, value, attempt))) throw LOST_RACE;
      return "saved";
    });
  } catch (e) {
    if (e === LOST_RACE) return "ended";
    throw e;
  }
}

const LOST_RACE = new Error("the job was ended or taken over while its result was saved");

/**
 * Runs long work in worker threads so the HTTP event loop never blocks on it. A FIFO queue feeds at most
 * `concurrency` workers; every state change is written to the store first, so a restart finds each job's last
 * known state (and the store marks any job left running as failed).
 */
export class ThreadJobRunner implements JobRunner {
  readonly finishedListeners: FinishedListener[] = [];
  readonly runner = "threads" as const;
  private readonly queue: Queued[] = [];
  /** Jobs holding a slot: their thread, or undefined while they are being started. */
  private readonly running = new Map<string, ThreadRun | undefined>();
  private closed = false;

  private readonly jobs: JobRepo;

  constructor(private readonly opts: ThreadJobRunnerOptions) {
    this.jobs = opts.store.jobs;
  }

  get queueDepth(): number {
    return this.queue.length;
  }
  get runningCount(): number {
    return this.running.size;
  }

  async submit(kind: JobKind, input: unknown, payload: unknown = input, onSuccess?: OnSuccess): Promise<JobRecord> {
    if (this.closed) throw new ConflictError("The service is shutting down; no new jobs are accepted.");
    const job = await this.jobs.create(kind, input);
    this.queue.push({ id: job.jobId, workspace: currentWorkspace(), kind, payload, ...(onSuccess && { onSuccess }) });
    this.pump();
    return job;
  }

  completed(kind: JobKind, input: unknown, result: unknown): Promise<JobRecord> {
    return completedJob(this.jobs, kind, input, result);
  }

  /** Cancel a queued or running job (its worker is terminated). */
  async cancel(id: string): Promise<JobRecord> {
    const job = await cancellable(this.jobs, id);
    const i = this.queue.findIndex((q) => q.id === id);
    if (i >= 0) this.queue.splice(i, 1);
    await this.jobs.cancel(id);
    if (this.running.has(id)) {
      const run = this.running.get(id);
      this.running.delete(id);
      if (run) void run.terminate();
      this.pump();
    }
    this.opts.logger.info({ jobId: id }, "job cancelled");
    return (await this.jobs.get(job.jobId))!;
  }

  /** Stop accepting work, terminate running workers and mark their jobs failed with the reason. */
  async close(reason = "The service shut down before this job finished. Submit it again."): Promise<void> {
    this.closed = true;
    const interrupted = { title: "Interrupted", detail: reason, code: "interrupted" };
    const queued = this.queue.splice(0);
    const runs = [...this.running];
    this.running.clear();
    await Promise.all([...queued.map((q) => this.jobs.fail(q.id, interrupted)), ...runs.map(([id]) => this.jobs.fail(id, interrupted))]);
    await Promise.all(runs.map(([, r]) => r?.terminate()));
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.queue.length > 0) {
      const q = this.queue.shift()!;
      // the slot is taken now (the store's answer comes later), so no more than `concurrency` jobs start
      this.running.set(q.id, undefined);
      this.start(q).catch((err: unknown) => {
        this.opts.logger.error({ jobId: q.id, err }, "job could not be started");
        this.release(q.id, undefined);
      });
    }
  }

  /** Free a job's slot, if it still holds `run` there (a cancel or close took it already otherwise). */
  private release(id: string, run: ThreadRun | undefined): boolean {
    if (!this.running.has(id) || this.running.get(id) !== run) return false;
    this.running.delete(id);
    this.pump();
    return true;
  }

  private async start(q: Queued): Promise<void> {
    const { logger, store } = this.opts;
    const jobs = this.jobs;
    if (!(await jobs.markRunning(q.id))) {
      this.release(q.id, undefined); // cancelled between queueing and starting
      return;
    }
    if (!this.running.has(q.id)) return; // cancelled or closed while it was marked
    const t0 = performance.now();
    const report = (fraction: number, message: string) =>
      inWorkspace(q.workspace, () => jobs.setProgress(q.id, fraction, message)).catch((err: unknown) =>
        logger.warn({ jobId: q.id, err }, "progress not saved"),
      );
    const run = runInThread(q.kind, q.payload, (fraction, message) => void report(fraction, message));
    this.running.set(q.id, run);
    logger.info({ jobId: q.id, kind: q.kind }, "job started");
    const outcome = await run.done;
    await inWorkspace(q.workspace, async () => {
      if (this.running.get(q.id) !== run) return; // cancelled or closed: the store already says so
      void run.terminate();
      const seconds = (performance.now() - t0) / 1000;
      try {
        if (outcome.type === "result") {
          try {
            await saveResult(store, q.id, outcome.result, q.onSuccess);
            logger.info({ jobId: q.id, kind: q.kind, ms: Math.round(seconds * 1000) }, "job succeeded");
            for (const l of this.finishedListeners) l({ kind: q.kind, status: "succeeded", seconds });
          } catch (err) {
            await jobs.fail(q.id, { title: "Saving the result failed", detail: err instanceof Error ? err.message : String(err), code: "internal" });
            logger.error({ jobId: q.id, err }, "job result could not be saved");
          }
        } else {
          await jobs.fail(q.id, outcome.error);
          logger.warn({ jobId: q.id, kind: q.kind, error: outcome.error }, "job failed");
          for (const l of this.finishedListeners) l({ kind: q.kind, status: "failed", seconds });
        }
      } finally {
        this.release(q.id, run);
      }
    });
  }
}

/** A job recorded as already succeeded (work done without a worker). */
export async function completedJob(jobs: JobRepo, kind: JobKind, input: unknown, result: unknown): Promise<JobRecord> {
  const job = await jobs.create(kind, input);
  await jobs.markRunning(job.jobId);
  await jobs.succeed(job.jobId, result);
  return (await jobs.get(job.jobId))!;
}

/** The job, if it can still be cancelled; 404 or 409 otherwise. */
export async function cancellable(jobs: JobRepo, id: string): Promise<JobRecord> {
  const job = await jobs.get(id);
  if (!job) throw new NotFoundError(`No job ${id}.`);
  if (job.status !== "queued" && job.status !== "running") {
    throw new ConflictError(`Job ${id} is already ${job.status}; only queued or running jobs can be cancelled.`);
  }
  return job;
}
