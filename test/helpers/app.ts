import { readFileSync } from "node:fs";
import request from "supertest";
import { pino } from "pino";
import { createApp } from "../../src/api/app.ts";
import type { AppDeps } from "../../src/api/deps.ts";
import { ThreadJobRunner } from "../../src/jobs/runner.ts";
import type { Store } from "../../src/store/store.ts";
import { testStore } from "./store.ts";

export const silentLogger = pino({ level: "silent" });

/** An in-process app over a test store (in-memory SQLite, or a fresh PostgreSQL database: helpers/store.ts): no network, no disk. */
export async function testApp(overrides: Partial<AppDeps["config"]> = {}, tf: AppDeps["tf"] = { backend: "cpu", notes: [] }) {
  const store = await testStore();
  const jobs = new ThreadJobRunner({ store, concurrency: 1, logger: silentLogger });
  const config = {
    MIXCAST_MAX_UPLOAD_MB: 50,
    MIXCAST_MAX_JSON_MB: 50,
    MIXCAST_JOB_CONCURRENCY: 1,
    MIXCAST_DIAGNOSTIC_JOBS: true,
    MIXCAST_KEY_CACHE_MS: 0,
    ...overrides,
  };
  const app = createApp({ config, store, jobs, logger: silentLogger, tf });
  return {
    app,
    store,
    jobs,
    close: async () => {
      await jobs.close();
      await store.close();
    },
  };
}

/** Poll a predicate until it holds or the time runs out. */
export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Poll a job in the store until it has ended (succeeded, failed or cancelled); returns its record. */
export function endedJob(store: Store, jobId: string, timeoutMs = 20_000) {
  return waitFor(async () => {
    const j = (await store.jobs.get(jobId))!;
    return j.status === "queued" || j.status === "running" ? undefined : j;
  }, timeoutMs);
}

/** Poll a job until it has succeeded or failed; returns its final view. */
export async function finishedJob(app: Parameters<typeof request>[0], jobId: string, timeoutMs = 120_000) {
  return waitFor(async () => {
    const r = await request(app).get(`/v1/jobs/${jobId}`);
    return ["succeeded", "failed"].includes(r.body.status) ? (r.body as Record<string, any>) : undefined;
  }, timeoutMs);
}

export const SAMPLE_CHANNELS = ["spend_tv", "spend_search", "spend_social", "spend_email", "spend_flyer"];

/**
 * Upload the bundled sample and fit a quick marketing-mix model on it (per segment, a small search): what the
 * forecast, allocation and scenario API tests build on. `bootstrap` 0 skips the intervals.
 */
export async function sampleWithMmm(app: Parameters<typeof request>[0], bootstrap: number): Promise<{ datasetId: string; mmmId: string }> {
  const csv = readFileSync(new URL("../../data/sample-daily-sales.csv", import.meta.url));
  const datasetId = (await request(app).post("/v1/datasets?name=sample").type("text/csv").send(csv)).body.id as string;
  const mmm = await request(app)
    .post("/v1/mmm")
    .send({
      datasetId,
      date: "date",
      target: "sales",
      segment: "segment",
      channels: SAMPLE_CHANNELS,
      controls: ["holiday"],
      method: "fast",
      searchSize: 10,
      refineRounds: 0,
      bootstrap,
    });
  const job = await finishedJob(app, mmm.body.jobId);
  if (job.status !== "succeeded") throw new Error(`the sample MMM failed: ${JSON.stringify(job.error)}`);
  return { datasetId, mmmId: job.result.modelId as string };
}
