import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { JobRecord, JobRepo } from "../store/jobs.ts";
import { currentWorkspace, inWorkspace } from "../store/workspace.ts";
import type { JobKind } from "./handlers.ts";
import type { WorkerMessage } from "./worker.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
const ENTRY = new URL("./worker.ts", import.meta.url).href;

export interface JobRunnerOptions {
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
 * Runs long work in worker threads so the HTTP event loop never blocks on it. A FIFO queue feeds at most
 * `concurrency` workers; every state change is written to the store first, so a restart finds each job's last
 * known state (and the store marks any job left running as failed).
 */
export class JobRunner {
  /** Called when a job ends (for metrics): its kind, outcome and seconds in its worker. */
  readonly finishedListeners: ((e: { kind: JobKind; status: "succeeded" | "failed"; seconds: number }) => void)[] = [];
  private readonly queue: Queued[] = [];
  private readonly running = new Map<string, Worker>();
  private closed = false;

  constructor(private readonly opts: JobRunnerOptions) {}

  get queueDepth(): number {
    return this.queue.length;
  }
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Queue a job. `input` is what the client asked for and is stored with the job; `payload` is what the worker
   * gets (e.g. the loaded dataset), passed by structured clone and not stored. `onSuccess` runs on this thread with
   * the worker's result (e.g. to save a fitted model) and its return value becomes the job's stored result.
   */
  submit(kind: JobKind, input: unknown, payload: unknown = input, onSuccess?: (result: unknown, jobId: string) => unknown): JobRecord {
    if (this.closed) throw new ConflictError("The service is shutting down; no new jobs are accepted.");
    const job = this.opts.jobs.create(kind, input);
    this.queue.push({ id: job.jobId, workspace: currentWorkspace(), kind, payload, ...(onSuccess && { onSuccess }) });
    this.pump();
    return job;
  }

  /**
   * Record work that needed no worker (e.g. a forecast from a stored model) as a job already succeeded, so the
   * client follows the same job URL either way.
   */
  completed(kind: JobKind, input: unknown, result: unknown): JobRecord {
    const job = this.opts.jobs.create(kind, input);
    this.opts.jobs.markRunning(job.jobId);
    this.opts.jobs.succeed(job.jobId, result);
    return this.opts.jobs.get(job.jobId)!;
  }

  /** Cancel a queued or running job (its worker is terminated). */
  cancel(id: string): JobRecord {
    const job = this.opts.jobs.get(id);
    if (!job) throw new NotFoundError(`No job ${id}.`);
    if (job.status !== "queued" && job.status !== "running") {
      throw new ConflictError(`Job ${id} is already ${job.status}; only queued or running jobs can be cancelled.`);
    }
    const i = this.queue.findIndex((q) => q.id === id);
    if (i >= 0) this.queue.splice(i, 1);
    this.opts.jobs.cancel(id);
    const worker = this.running.get(id);
    if (worker) {
      this.running.delete(id);
      void worker.terminate();
      this.pump();
    }
    this.opts.logger.info({ jobId: id }, "job cancelled");
    return this.opts.jobs.get(id)!;
  }

  /** Stop accepting work, terminate running workers and mark their jobs failed with the reason. */
  async close(reason = "The service shut down before this job finished. Submit it again."): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) this.opts.jobs.fail(q.id, { title: "Interrupted", detail: reason, code: "interrupted" });
    const workers = [...this.running];
    this.running.clear();
    for (const [id] of workers) this.opts.jobs.fail(id, { title: "Interrupted", detail: reason, code: "interrupted" });
    await Promise.all(workers.map(([, w]) => w.terminate()));
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
    const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, kind: q.kind, payload: q.payload } });
    this.running.set(q.id, worker);
    logger.info({ jobId: q.id, kind: q.kind }, "job started");
    let settled = false;
    const finish = () => {
      settled = true;
      if (this.running.get(q.id) === worker) this.running.delete(q.id);
      void worker.terminate();
      this.pump();
    };
    worker.on("message", (m: WorkerMessage) =>
      inWorkspace(q.workspace, () => {
        if (m.type === "progress") jobs.setProgress(q.id, m.fraction, m.message);
        else if (m.type === "result") {
          const transaction = this.opts.transaction ?? (<T>(fn: () => T) => fn());
          try {
            transaction(() => {
              if (jobs.get(q.id)?.status !== "running") return; // cancelled meanwhile: keep nothing
              jobs.succeed(q.id, q.onSuccess ? q.onSuccess(m.result, q.id) : m.result);
            });
          } catch (err) {
            jobs.fail(q.id, { title: "Saving the result failed", detail: err instanceof Error ? err.message : String(err), code: "internal" });
            logger.error({ jobId: q.id, err }, "job result could not be saved");
            return finish();
          }
          logger.info({ jobId: q.id, kind: q.kind, ms: Math.round(performance.now() - t0) }, "job succeeded");
          for (const l of this.finishedListeners) l({ kind: q.kind, status: "succeeded", seconds: (performance.now() - t0) / 1000 });
          finish();
        } else {
          jobs.fail(q.id, m.error);
          logger.warn({ jobId: q.id, kind: q.kind, error: m.error }, "job failed");
          for (const l of this.finishedListeners) l({ kind: q.kind, status: "failed", seconds: (performance.now() - t0) / 1000 });
          finish();
        }
      }),
    );
    worker.on("error", (err) => {
      if (settled) return;
      jobs.fail(q.id, { title: "Job crashed", detail: err.message, code: "internal" });
      logger.error({ jobId: q.id, err }, "job worker crashed");
      finish();
    });
    worker.on("exit", (code) => {
      if (settled || this.running.get(q.id) !== worker) return;
      jobs.fail(q.id, { title: "Job crashed", detail: `The worker stopped (exit code ${code}) without a result.`, code: "internal" });
      finish();
    });
  }
}
