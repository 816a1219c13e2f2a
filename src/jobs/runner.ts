import type { Logger } from "pino";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { JobRecord, JobRepo } from "../store/jobs.ts";
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
  readonly workers?: number;
  /** For a queue: what its events said since this process started, and the jobs running per worker now. */
  readonly queueStats?: QueueStats;
  /**
   * Queue a job. `input` is what the client asked for and is stored with the job; `payload` is what the handler
   * gets (e.g. the loaded dataset) and `onSuccess` saves its result (e.g. a fitted model), its return value the
   * job's stored result. A runner whose workers are other processes rebuilds both from `input` (app/job-starts.ts).
   */
  submit(kind: JobKind, input: unknown, payload?: unknown, onSuccess?: (result: unknown, jobId: string) => unknown): Promise<JobRecord>;
  /** Record work that needed no worker (e.g. a forecast from a stored model) as a job already succeeded. */
  completed(kind: JobKind, input: unknown, result: unknown): JobRecord;
  /** Cancel a queued or running job. */
  cancel(id: string): Promise<JobRecord>;
  /** Stop accepting work (and, in process, stop running jobs). */
  close(reason?: string): Promise<void>;
}

export interface ThreadJobRunnerOptions {
  readonly jobs: JobRepo;
  /** Jobs running at once, each in its own worker thread. */
  readonly concurrency: number;
  readonly logger: Logger;
  /** Runs a function in one store transaction, so a saved model and its job's success land together. */
  readonly transaction?: <T>(fn: () => T) => T;
}

interface Queued {
  readonly id: string;
  /** The submitter's workspace: the job's results are saved there, whatever context its worker's events arrive in. */
  readonly workspace: string;
  readonly kind: JobKind;
  readonly payload: unknown;
  readonly onSuccess?: (result: unknown, jobId: string) => unknown;
}

/**
 * Record a job's result: `onSuccess` and the success in one transaction, unless it was cancelled meanwhile or, for
 * a queue run (`attempt`), a later run has taken the job over (a worker thought dead that finished after all):
 * nothing is stored twice.
 */
export function saveResult(
  jobs: JobRepo,
  id: string,
  result: unknown,
  onSuccess: ((result: unknown, jobId: string) => unknown) | undefined,
  transaction: <T>(fn: () => T) => T = (fn) => fn(),
  attempt?: number,
): "saved" | "ended" | "superseded" {
  return transaction(() => {
    if (jobs.get(id)?.status !== "running") return "ended"; // cancelled (or failed) meanwhile: keep nothing
    if (attempt !== undefined && jobs.attempt(id) !== attempt) return "superseded";
    jobs.succeed(id, onSuccess ? onSuccess(result, id) : result);
    return "saved";
  });
}

/**
 * Runs long work in worker threads so the HTTP event loop never blocks on it. A FIFO queue feeds at most
 * `concurrency` workers; every state change is written to the store first, so a restart finds each job's last
 * known state (and the store marks any job left running as failed).
 */
export class ThreadJobRunner implements JobRunner {
  readonly finishedListeners: FinishedListener[] = [];
  readonly runner = "threads" as const;
  private readonly queue: Queued[] = [];
  private readonly running = new Map<string, ThreadRun>();
  private closed = false;

  constructor(private readonly opts: ThreadJobRunnerOptions) {}

  get queueDepth(): number {
    return this.queue.length;
  }
  get runningCount(): number {
    return this.running.size;
  }

  async submit(kind: JobKind, input: unknown, payload: unknown = input, onSuccess?: (result: unknown, jobId: string) => unknown): Promise<JobRecord> {
    if (this.closed) throw new ConflictError("The service is shutting down; no new jobs are accepted.");
    const job = this.opts.jobs.create(kind, input);
    this.queue.push({ id: job.jobId, workspace: currentWorkspace(), kind, payload, ...(onSuccess && { onSuccess }) });
    this.pump();
    return job;
  }

  completed(kind: JobKind, input: unknown, result: unknown): JobRecord {
    return completedJob(this.opts.jobs, kind, input, result);
  }

  /** Cancel a queued or running job (its worker is terminated). */
  async cancel(id: string): Promise<JobRecord> {
    const job = cancellable(this.opts.jobs, id);
    const i = this.queue.findIndex((q) => q.id === id);
    if (i >= 0) this.queue.splice(i, 1);
    this.opts.jobs.cancel(id);
    const run = this.running.get(id);
    if (run) {
      this.running.delete(id);
      void run.terminate();
      this.pump();
    }
    this.opts.logger.info({ jobId: id }, "job cancelled");
    return this.opts.jobs.get(job.jobId)!;
  }

  /** Stop accepting work, terminate running workers and mark their jobs failed with the reason. */
  async close(reason = "The service shut down before this job finished. Submit it again."): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) this.opts.jobs.fail(q.id, { title: "Interrupted", detail: reason, code: "interrupted" });
    const runs = [...this.running];
    this.running.clear();
    for (const [id] of runs) this.opts.jobs.fail(id, { title: "Interrupted", detail: reason, code: "interrupted" });
    await Promise.all(runs.map(([, r]) => r.terminate()));
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.queue.length > 0) {
      this.start(this.queue.shift()!);
    }
  }

  private start(q: Queued): void {
    const { jobs, logger } = this.opts;
    if (!jobs.markRunning(q.id)) return; // cancelled between queueing and starting
    const t0 = performance.now();
    const run = runInThread(q.kind, q.payload, (fraction, message) => inWorkspace(q.workspace, () => jobs.setProgress(q.id, fraction, message)));
    this.running.set(q.id, run);
    logger.info({ jobId: q.id, kind: q.kind }, "job started");
    void run.done.then((outcome) =>
      inWorkspace(q.workspace, () => {
        if (this.running.get(q.id) !== run) return; // cancelled or closed: the store already says so
        this.running.delete(q.id);
        void run.terminate();
        const seconds = (performance.now() - t0) / 1000;
        if (outcome.type === "result") {
          try {
            saveResult(jobs, q.id, outcome.result, q.onSuccess, this.opts.transaction);
            logger.info({ jobId: q.id, kind: q.kind, ms: Math.round(seconds * 1000) }, "job succeeded");
            for (const l of this.finishedListeners) l({ kind: q.kind, status: "succeeded", seconds });
          } catch (err) {
            jobs.fail(q.id, { title: "Saving the result failed", detail: err instanceof Error ? err.message : String(err), code: "internal" });
            logger.error({ jobId: q.id, err }, "job result could not be saved");
          }
        } else {
          jobs.fail(q.id, outcome.error);
          logger.warn({ jobId: q.id, kind: q.kind, error: outcome.error }, "job failed");
          for (const l of this.finishedListeners) l({ kind: q.kind, status: "failed", seconds });
        }
        this.pump();
      }),
    );
  }
}

/** A job recorded as already succeeded (work done without a worker). */
export function completedJob(jobs: JobRepo, kind: JobKind, input: unknown, result: unknown): JobRecord {
  const job = jobs.create(kind, input);
  jobs.markRunning(job.jobId);
  jobs.succeed(job.jobId, result);
  return jobs.get(job.jobId)!;
}

/** The job, if it can still be cancelled; 404 or 409 otherwise. */
export function cancellable(jobs: JobRepo, id: string): JobRecord {
  const job = jobs.get(id);
  if (!job) throw new NotFoundError(`No job ${id}.`);
  if (job.status !== "queued" && job.status !== "running") {
    throw new ConflictError(`Job ${id} is already ${job.status}; only queued or running jobs can be cancelled.`);
  }
  return job;
}
