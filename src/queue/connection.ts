import { Redis } from "ioredis";

/** The BullMQ queue every mixcast process shares (one per Redis database). */
export const QUEUE_NAME = "mixcast-jobs";

/**
 * How a queued job is retried: work that died with its worker (a crash, a kill, a stall) runs again, up to
 * ATTEMPTS times with exponential backoff; a job that failed on its input is not retried (the processor throws
 * BullMQ's UnrecoverableError for those).
 */
export const ATTEMPTS = 3;
export const JOB_OPTIONS = {
  attempts: ATTEMPTS,
  backoff: { type: "exponential", delay: 1_000 },
  // the store keeps every job's state and result; Redis keeps only recent ones, for its own bookkeeping
  removeOnComplete: { count: 1_000 },
  removeOnFail: { count: 5_000 },
} as const;

/** What a queued job carries: enough for any worker to rebuild it from the store (app/job-starts.ts). */
export interface QueuedJobData {
  readonly jobId: string;
  readonly kind: string;
  readonly input: unknown;
  readonly workspace: string;
  /** A job split into shards (app/job-starts.ts shardsOf): how many, and, on a child, which one it is. */
  readonly shards?: number;
  readonly shard?: number;
}

/** A Redis connection as BullMQ wants it (no per-command retry limit: blocking commands wait for Redis to return). */
export function redis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}
