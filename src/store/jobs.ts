import type { Selectable } from "kysely";
import { randomUUID } from "node:crypto";
import { jsonText, larger } from "./dialect.ts";
import type { Conn, JobStatus, Tables } from "./schema.ts";
import { currentWorkspace } from "./workspace.ts";

export type { JobStatus };

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

type Row = Omit<Selectable<Tables["jobs"]>, "workspace" | "attempt">;

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

export function jobRepo({ db, kind: dialect }: Conn, fixedWorkspace?: string) {
  const workspace = () => fixedWorkspace ?? currentWorkspace();
  const now = () => new Date().toISOString();
  const byId = (id: string) => db.selectFrom("jobs").selectAll().where("workspace", "=", workspace()).where("id", "=", id);
  const changed = (r: { numUpdatedRows: bigint }) => r.numUpdatedRows > 0n;
  const setProgress = async (id: string, fraction: number, message: string) =>
    changed(
      await db
        .updateTable("jobs")
        // progress never goes back (a job's shards report at once, each its share); a new run starts from 0 (claim)
        .set({ progress: larger(dialect, "progress", fraction), message })
        .where("id", "=", id)
        .where("status", "=", "running")
        .executeTakeFirst(),
    );

  return {
    async create(kind: string, input: unknown): Promise<JobRecord> {
      const id = `job_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
      await db
        .insertInto("jobs")
        .values({ id, workspace: workspace(), kind, status: "queued", input_json: JSON.stringify(input), created_at: now() })
        .execute();
      return toRecord((await byId(id).executeTakeFirstOrThrow()) as Row);
    },
    async get(id: string): Promise<JobRecord | undefined> {
      const r = await byId(id).executeTakeFirst();
      return r && toRecord(r as Row);
    },
    async list(limit = 100): Promise<JobRecord[]> {
      const rows = await db
        .selectFrom("jobs")
        .selectAll()
        .where("workspace", "=", workspace())
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((r) => toRecord(r as Row));
    },
    /** Jobs queued or running on a dataset (every job that reads one names it as datasetId in its input, the request body). */
    async activeOn(datasetId: string): Promise<JobRecord[]> {
      const rows = await db
        .selectFrom("jobs")
        .selectAll()
        .where("workspace", "=", workspace())
        .where("status", "in", ["queued", "running"])
        .where(jsonText(dialect, "input_json", "datasetId"), "=", datasetId)
        .orderBy("created_at")
        .orderBy("id")
        .execute();
      return rows.map((r) => toRecord(r as Row));
    },
    /** Each transition applies only from the states it may come from; returns whether it applied. */
    markRunning: async (id: string) =>
      changed(
        await db
          .updateTable("jobs")
          .set({ status: "running", started_at: now(), message: "started" })
          .where("id", "=", id)
          .where("status", "=", "queued")
          .executeTakeFirst(),
      ),
    /**
     * A queue worker takes the job; returns this run's attempt number (2 and later: an earlier run died, crashed or
     * stalled), or null when the job is no longer queued or running. Only the latest run may save a result.
     */
    async claim(id: string): Promise<number | null> {
      const row = await db
        .updateTable("jobs")
        .set((eb) => ({
          status: "running",
          started_at: eb.fn.coalesce("started_at", eb.val(now())),
          progress: 0,
          message: "started",
          attempt: eb("attempt", "+", 1),
        }))
        .where("id", "=", id)
        .where("status", "in", ["queued", "running"])
        .returning("attempt")
        .executeTakeFirst();
      if (!row) return null;
      if (row.attempt > 1) await setProgress(id, 0, `started again (attempt ${row.attempt})`);
      return row.attempt;
    },
    /** The latest run's attempt number (0 before any queue worker took it). */
    attempt: async (id: string) =>
      (await db.selectFrom("jobs").select("attempt").where("workspace", "=", workspace()).where("id", "=", id).executeTakeFirst())?.attempt ?? 0,
    setProgress,
    /** Succeed a running job; with `attempt`, only if that run is still the latest (a run taken over saves nothing). */
    succeed: async (id: string, result: unknown, attempt?: number) => {
      let q = db
        .updateTable("jobs")
        .set({ status: "succeeded", progress: 1, message: "done", result_json: JSON.stringify(result), finished_at: now() })
        .where("id", "=", id)
        .where("status", "=", "running");
      if (attempt !== undefined) q = q.where("attempt", "=", attempt);
      return changed(await q.executeTakeFirst());
    },
    fail: async (id: string, error: JobError) =>
      changed(
        await db
          .updateTable("jobs")
          .set({ status: "failed", error_json: JSON.stringify(error), finished_at: now() })
          .where("id", "=", id)
          .where("status", "in", ["queued", "running"])
          .executeTakeFirst(),
      ),
    cancel: async (id: string) =>
      changed(
        await db
          .updateTable("jobs")
          .set({ status: "cancelled", message: "cancelled", finished_at: now() })
          .where("id", "=", id)
          .where("status", "in", ["queued", "running"])
          .executeTakeFirst(),
      ),
  };
}

/**
 * At start-up, jobs left queued or running by a stopped process can never finish: mark them failed with the
 * reason (across every workspace), so no client waits on a job that is not running.
 */
export async function failInterruptedJobs({ db }: Conn): Promise<number> {
  const error: JobError = {
    title: "Interrupted",
    detail: "The service stopped (restart or crash) before this job finished. Submit it again.",
    code: "interrupted",
  };
  const r = await db
    .updateTable("jobs")
    .set({ status: "failed", error_json: JSON.stringify(error), finished_at: new Date().toISOString() })
    .where("status", "in", ["queued", "running"])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export type JobRepo = ReturnType<typeof jobRepo>;
