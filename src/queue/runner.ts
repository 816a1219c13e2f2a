import { FlowProducer, Queue, QueueEvents } from "bullmq";
import { shardsOf } from "../app/job-starts.ts";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { withoutPassword } from "../config.ts";
import type { JobKind } from "../jobs/handlers.ts";
import { cancellable, completedJob, type FinishedListener, type JobRunner, type QueueStats } from "../jobs/runner.ts";
import type { JobRecord, JobRepo } from "../store/jobs.ts";
import { currentWorkspace } from "../store/workspace.ts";
import { JOB_OPTIONS, QUEUE_NAME, redis, type QueuedJobData } from "./connection.ts";

export interface QueueJobRunnerOptions {
  readonly jobs: JobRepo;
  readonly url: string;
  readonly logger: Logger;
  /** Series per forecast shard (MIXCAST_FORECAST_SHARD_SERIES): a forecast of at least twice as many is split. */
  readonly forecastShardSeries?: number;
}

/**
 * Jobs on BullMQ over Redis (MIXCAST_QUEUE_URL): the API records the job in the store and enqueues it; `mixcast
 * worker` processes run it and write its progress and result to the store (PostgreSQL, MIXCAST_DATABASE_URL, when
 * they are on other machines; the SQLite file when all share one), so GET /v1/jobs/:id answers as with the
 * in-process runner. The payload and result saver are not sent: a worker rebuilds
 * them from the job's input (app/job-starts.ts).
 */
export class QueueJobRunner implements JobRunner {
  readonly finishedListeners: FinishedListener[] = [];
  readonly runner = "bullmq" as const;
  /** Queue workers connected to Redis (refreshed every second). */
  workers = 0;
  readonly queueUrl: string;
  private readonly connection: Redis;
  private readonly eventsConnection: Redis;
  private readonly queue: Queue;
  private readonly flows: FlowProducer;
  private readonly events: QueueEvents;
  private stats = { completed: 0, failedAttempts: 0, stalled: 0, exhausted: 0, activeByWorker: {} as Record<string, number> };
  private counts = { waiting: 0, active: 0 };
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: QueueJobRunnerOptions) {
    this.queueUrl = withoutPassword(opts.url);
    this.connection = redis(opts.url);
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection });
    this.flows = new FlowProducer({ connection: this.connection });
    // the queue's events reach every API process, for /metrics
    this.eventsConnection = redis(opts.url);
    this.events = new QueueEvents(QUEUE_NAME, { connection: this.eventsConnection });
    this.events.on("completed", () => this.stats.completed++);
    this.events.on("failed", () => this.stats.failedAttempts++);
    this.events.on("stalled", () => this.stats.stalled++);
    this.events.on("retries-exhausted", () => this.stats.exhausted++);
    // the queue's depth for /healthz and /metrics, refreshed in the background (the getters stay synchronous)
    const refresh = () =>
      Promise.all([this.queue.getJobCounts("waiting", "delayed", "prioritized", "active"), this.queue.getWorkersCount(), this.queue.getActive(0, 999)])
        .then(([c, workers, active]) => {
          this.counts = { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0 };
          this.workers = workers;
          const byWorker: Record<string, number> = {};
          for (const j of active) if (j) byWorker[j.processedBy ?? "unknown"] = (byWorker[j.processedBy ?? "unknown"] ?? 0) + 1;
          this.stats.activeByWorker = byWorker;
        })
        .catch(() => {});
    void refresh();
    this.timer = setInterval(refresh, 1_000);
    this.timer.unref();
  }

  get queueDepth(): number {
    return this.counts.waiting;
  }
  get runningCount(): number {
    return this.counts.active;
  }
  get queueStats(): QueueStats {
    return this.stats;
  }

  /**
   * Record the job, then enqueue it; answered only once Redis has it (else the job is failed and the error thrown).
   * A job that splits (an MMM per segment) goes as a BullMQ flow: a child per shard, which any workers run at once,
   * and the parent, which runs after them and merges their results.
   */
  async submit(kind: JobKind, input: unknown, payload?: unknown): Promise<JobRecord> {
    if (this.closed) throw new Error("The job queue is closed.");
    const job = await this.opts.jobs.create(kind, input);
    const data: QueuedJobData = { jobId: job.jobId, kind, input, workspace: currentWorkspace() };
    const shards = payload === undefined ? 1 : shardsOf(kind, payload, this.opts.forecastShardSeries);
    try {
      if (shards > 1)
        await this.flows.add({
          name: kind,
          queueName: QUEUE_NAME,
          data: { ...data, shards },
          opts: { ...JOB_OPTIONS, jobId: job.jobId },
          children: Array.from({ length: shards }, (_, shard) => ({
            name: `${kind}-shard`,
            queueName: QUEUE_NAME,
            data: { ...data, shards, shard },
            // a shard that fails for good fails the job
            opts: { ...JOB_OPTIONS, jobId: `${job.jobId}-shard-${shard}`, failParentOnFailure: true },
          })),
        });
      else await this.queue.add(kind, data, { ...JOB_OPTIONS, jobId: job.jobId });
    } catch (err) {
      await this.opts.jobs.fail(job.jobId, {
        title: "Not queued",
        detail: `The job queue did not take the job: ${err instanceof Error ? err.message : err}`,
        code: "internal",
      });
      throw err;
    }
    this.opts.logger.info({ jobId: job.jobId, kind }, "job queued");
    return job;
  }

  completed(kind: JobKind, input: unknown, result: unknown): Promise<JobRecord> {
    return completedJob(this.opts.jobs, kind, input, result);
  }

  /** Cancel: the store says so at once; a waiting job leaves the queue, a running one is stopped by its worker. */
  async cancel(id: string): Promise<JobRecord> {
    await cancellable(this.opts.jobs, id);
    await this.opts.jobs.cancel(id);
    // a waiting job is removed; an active one is locked by its worker, which sees the cancellation and stops
    await this.queue.remove(id).catch(() => 0);
    this.opts.logger.info({ jobId: id }, "job cancelled");
    return (await this.opts.jobs.get(id))!;
  }

  /** Stop enqueueing; queued and running jobs carry on in the workers. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.events.close();
    await this.flows.close();
    await this.queue.close();
    this.eventsConnection.disconnect();
    this.connection.disconnect();
  }
}
