import { afterEach, describe, expect, it } from "vitest";
import { ThreadJobRunner } from "../../src/jobs/runner.ts";
import type { Store } from "../../src/store/store.ts";
import { testStore } from "../helpers/store.ts";
import { endedJob, silentLogger, waitFor } from "../helpers/app.ts";

let store: Store;
let runner: ThreadJobRunner;
async function setup(concurrency: number) {
  store = await testStore();
  runner = new ThreadJobRunner({ store, concurrency, logger: silentLogger });
}
afterEach(async () => {
  await runner.close();
  await store.close();
});

describe("JobRunner", () => {
  it("When a job runs, then it runs in a worker thread, reports progress and stores its result", async () => {
    await setup(1);
    // 2 s in 20 steps: progress stays between 0 and 1 long enough to be seen even on a loaded machine
    const job = await runner.submit("diagnostic-sleep", { seconds: 2 });
    expect(job.status).toBe("queued");
    const progressSeen = await waitFor(async () => {
      const j = (await store.jobs.get(job.jobId))!;
      return j.status === "running" && j.progress.fraction > 0 && j.progress.fraction < 1 ? j.progress : undefined;
    });
    expect(progressSeen.message).toMatch(/slept/);
    const done = await endedJob(store, job.jobId);
    expect(done).toMatchObject({ status: "succeeded", result: { slept: 2 }, progress: { fraction: 1 } });
  });

  it("When concurrency is 1, then a second job waits in the queue", async () => {
    await setup(1);
    const a = await runner.submit("diagnostic-sleep", { seconds: 0.5 });
    const b = await runner.submit("diagnostic-sleep", { seconds: 0 });
    await waitFor(async () => (await store.jobs.get(a.jobId))!.status === "running" || undefined);
    expect((await store.jobs.get(b.jobId))!.status).toBe("queued");
    expect(runner.queueDepth).toBe(1);
    await endedJob(store, b.jobId);
    expect((await store.jobs.get(a.jobId))!.finishedAt! <= (await store.jobs.get(b.jobId))!.startedAt!).toBe(true);
  });

  it("When a running job is cancelled, then its worker stops and it stays cancelled", async () => {
    await setup(1);
    const job = await runner.submit("diagnostic-sleep", { seconds: 30 });
    await waitFor(async () => (await store.jobs.get(job.jobId))!.status === "running" || undefined);
    expect((await runner.cancel(job.jobId)).status).toBe("cancelled");
    expect(runner.runningCount).toBe(0);
    await expect(runner.cancel(job.jobId)).rejects.toThrow(/already cancelled/);
  });

  it("When a handler throws a domain error, then the job fails with that message", async () => {
    await setup(1);
    const dataset = { name: "d", rows: 1, columns: [{ name: "x", original: "x", type: "integer", missing: 0, values: [1] }], warnings: [] };
    const job = await runner.submit("dataset-profile", {}, { dataset, segment: "nope" });
    const done = await endedJob(store, job.jobId);
    expect(done).toMatchObject({ status: "failed", error: { code: "validation_failed" } });
    expect(done.error!.detail).toContain('"nope"');
  });

  it("When the runner closes, then running and queued jobs are failed as interrupted", async () => {
    await setup(1);
    const a = await runner.submit("diagnostic-sleep", { seconds: 30 });
    const b = await runner.submit("diagnostic-sleep", { seconds: 30 });
    await waitFor(async () => (await store.jobs.get(a.jobId))!.status === "running" || undefined);
    await runner.close();
    for (const id of [a.jobId, b.jobId]) expect(await store.jobs.get(id)).toMatchObject({ status: "failed", error: { code: "interrupted" } });
  });
});
