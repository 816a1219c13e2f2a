import { randomUUID } from "node:crypto";
import type { Db } from "./db.ts";
import { currentWorkspace } from "./workspace.ts";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface JobError {
  readonly title: string;
  readonly detail: string;
  readonly code?: string;
  readonly issues?: readonly unknown[];
}

export interface JobRecord {
  readonly jobId: string;
  readonly kind: string;
  readonly status: JobStatus;
  readonly progress: { readonly fraction: number; readonly message: string };
  readonly input: unknown;
  readonly result?: unknown;
  readonly error?: JobError;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

interface Row {
  id: string;
  kind: string;
  status: JobStatus;
  progress: number;
  message: string;
  input_json: string;
  result_json: string | null;
  error_json: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function toRecord(r: Row): JobRecord {
  return {
    jobId: r.id,
    kind: r.kind,
    status: r.status,
    progress: { fraction: r.progress, message: r.message },
    input: JSON.parse(r.input_json),
    ...(r.result_json !== null && { result: JSON.parse(r.result_json) }),
    ...(r.error_json !== null && { error: JSON.parse(r.error_json) as JobError }),
    createdAt: r.created_at,
    ...(r.started_at !== null && { startedAt: r.started_at }),
    ...(r.finished_at !== null && { finishedAt: r.finished_at }),
  };
}

export function jobRepo(db: Db, fixedWorkspace?: string) {
  const workspace = () => fixedWorkspace ?? currentWorkspace();
  const now = () => new Date().toISOString();
  const insert = db.prepare(`INSERT INTO jobs (id, workspace, kind, status, input_json, created_at) VALUES (?, ?, ?, 'queued', ?, ?)`);
  const get = db.prepare(`SELECT * FROM jobs WHERE workspace = ? AND id = ?`);
  const list = db.prepare(`SELECT * FROM jobs WHERE workspace = ? ORDER BY created_at DESC, id LIMIT ?`);
  // every job that reads a dataset names it as datasetId in its input (the request body)
  const using = db.prepare(
    `SELECT * FROM jobs WHERE workspace = ? AND status IN ('queued', 'running') AND json_extract(input_json, '$.datasetId') = ? ORDER BY created_at, id`,
  );
  const start = db.prepare(`UPDATE jobs SET status = 'running', started_at = ?, message = 'started' WHERE id = ? AND status = 'queued'`);
  // a queue worker starts a job, or starts it again after its previous worker died or stalled: each run gets the next
  // attempt number, and only the latest run may save a result
  const claim = db.prepare(
    `UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, ?), progress = 0, message = 'started', attempt = attempt + 1
     WHERE id = ? AND status IN ('queued', 'running') RETURNING attempt`,
  );
  const attempt = db.prepare(`SELECT attempt FROM jobs WHERE workspace = ? AND id = ?`);
  // progress never goes back (a job's shards report at once, each its share); a new run starts from 0 (claim)
  const progress = db.prepare(`UPDATE jobs SET progress = MAX(progress, ?), message = ? WHERE id = ? AND status = 'running'`);
  const succeed = db.prepare(
    `UPDATE jobs SET status = 'succeeded', progress = 1, message = 'done', result_json = ?, finished_at = ? WHERE id = ? AND status = 'running'`,
  );
  const fail = db.prepare(`UPDATE jobs SET status = 'failed', error_json = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`);
  const cancel = db.prepare(`UPDATE jobs SET status = 'cancelled', message = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('queued', 'running')`);

  return {
    create(kind: string, input: unknown): JobRecord {
      const id = `job_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
      insert.run(id, workspace(), kind, JSON.stringify(input), now());
      return toRecord(get.get(workspace(), id) as Row);
    },
    get(id: string): JobRecord | undefined {
      const r = get.get(workspace(), id) as Row | undefined;
      return r && toRecord(r);
    },
    list(limit = 100): JobRecord[] {
      return (list.all(workspace(), limit) as Row[]).map(toRecord);
    },
    /** Jobs queued or running on a dataset. */
    activeOn(datasetId: string): JobRecord[] {
      return (using.all(workspace(), datasetId) as Row[]).map(toRecord);
    },
    /** Each transition applies only from the states it may come from; returns whether it applied. */
    markRunning: (id: string) => start.run(now(), id).changes > 0,
    /**
     * A queue worker takes the job; returns this run's attempt number (2 and later: an earlier run died, crashed or
     * stalled), or null when the job is no longer queued or running.
     */
    claim(id: string): number | null {
      const row = claim.get(now(), id) as { attempt: number } | undefined;
      if (!row) return null;
      if (row.attempt > 1) progress.run(0, `started again (attempt ${row.attempt})`, id);
      return row.attempt;
    },
    /** The latest run's attempt number (0 before any queue worker took it). */
    attempt: (id: string) => (attempt.get(workspace(), id) as { attempt: number } | undefined)?.attempt ?? 0,
    setProgress: (id: string, fraction: number, message: string) => progress.run(fraction, message, id).changes > 0,
    succeed: (id: string, result: unknown) => succeed.run(JSON.stringify(result), now(), id).changes > 0,
    fail: (id: string, error: JobError) => fail.run(JSON.stringify(error), now(), id).changes > 0,
    cancel: (id: string) => cancel.run(now(), id).changes > 0,
  };
}

/**
 * At start-up, jobs left queued or running by a stopped process can never finish: mark them failed with the
 * reason (across every workspace), so no client waits on a job that is not running.
 */
export function failInterruptedJobs(db: Db): number {
  const error: JobError = {
    title: "Interrupted",
    detail: "The service stopped (restart or crash) before this job finished. Submit it again.",
    code: "interrupted",
  };
  return db
    .prepare(`UPDATE jobs SET status = 'failed', error_json = ?, finished_at = ? WHERE status IN ('queued', 'running')`)
    .run(JSON.stringify(error), new Date().toISOString()).changes;
}

export type JobRepo = ReturnType<typeof jobRepo>;
