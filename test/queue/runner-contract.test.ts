import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { saveResult, ThreadJobRunner, type JobRunner } from "../../src/jobs/runner.ts";
import { QueueJobRunner } from "../../src/queue/runner.ts";
import { startQueueWorker } from "../../src/queue/worker.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { sharedStoreLocation } from "../helpers/store.ts";
import { endedJob, silentLogger, waitFor } from "../helpers/app.ts";
import { redisAvailable, startRedis } from "../helpers/redis.ts";

// One job test-suite, run against both runners: worker threads of this process, and BullMQ over Redis with a
// queue worker (its jobs in sandbox processes) sharing the store (a SQLite file, or PostgreSQL in the PostgreSQL run). The answers must not differ.
interface Harness {
  store: Store;
  runner: JobRunner;
  datasetId: string;
  close(): Promise<void>;
}

/** A store of the test's own holding one dataset, which worker processes can open too; `dispose` closes and removes it. */
async function newStore() {
  const shared = await sharedStoreLocation();
  const { store } = await openStore(shared.location);
  const csv = readFileSync("data/islr-advertising/Advertising.csv");
  const datasetId = (await store.datasets.add(csvToDataset(csv, { name: "ads" }), csv)).id;
  const dispose = async () => {
    await store.close();
    shared.remove();
  };
  return { location: shared.location, store, datasetId, dispose };
}

const harnesses: [string, () => Promise<Harness>][] = [
  [
    "threads",
    async () => {
      const { store, datasetId, dispose } = await newStore();
      const runner = new ThreadJobRunner({ store, concurrency: 1, logger: silentLogger });
      return {
        store,
        runner,
        datasetId,
        close: async () => {
          await runner.close();
          await dispose();
        },
      };
    },
  ],
  [
    "BullMQ queue",
    async () => {
      const { location, store, datasetId, dispose } = await newStore();
      const redis = await startRedis();
      const runner = new QueueJobRunner({ jobs: store.jobs, url: redis.url, logger: silentLogger });
      const worker = await startQueueWorker({ url: redis.url, concurrency: 1, storeLocation: location, store, logger: silentLogger, lockMs: 5_000 });
      return {
        store,
        runner,
        datasetId,
        close: async () => {
          await runner.close();
          await worker.close();
          await redis.close();
          await dispose();
        },
      };
    },
  ],
];

for (const [name, make] of harnesses) {
  describe.skipIf(name !== "threads" && !redisAvailable())(`the job runner contract: ${name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await make();
    }, 30_000);
    afterAll(() => h?.close(), 30_000);

    it("When a job runs, then it reports progress and its result is stored", async () => {
      const job = await h.runner.submit("diagnostic-sleep", { seconds: 2 });
      expect(job.status).toBe("queued");
      const seen = await waitFor(async () => {
        const j = (await h.store.jobs.get(job.jobId))!;
        return j.status === "running" && j.progress.fraction > 0 && j.progress.fraction < 1 ? j.progress : undefined;
      });
      expect(seen.message).toMatch(/slept/);
      expect(await endedJob(h.store, job.jobId, 30_000)).toMatchObject({ status: "succeeded", result: { slept: 2 }, progress: { fraction: 1 } });
    }, 40_000);

    it("When a job fails on its input, then it is failed with the domain error's words, once", async () => {
      const input = { datasetId: h.datasetId, segment: "nope" };
      const job = await h.runner.submit("dataset-profile", input, { dataset: await h.store.datasets.load(h.datasetId), segment: "nope" });
      const done = await endedJob(h.store, job.jobId, 30_000);
      expect(done).toMatchObject({ status: "failed", error: { code: "validation_failed" } });
      expect(done.error!.detail).toContain('"nope"');
      expect(done.progress.message).not.toMatch(/attempt 2/);
    }, 40_000);

    it("When a running job is cancelled, then it stops and stays cancelled; a second cancel is a conflict", async () => {
      const job = await h.runner.submit("diagnostic-sleep", { seconds: 30 });
      await waitFor(async () => (await h.store.jobs.get(job.jobId))!.status === "running" || undefined, 30_000);
      expect((await h.runner.cancel(job.jobId)).status).toBe("cancelled");
      await expect(h.runner.cancel(job.jobId)).rejects.toThrow(/already cancelled/);
      // the next job runs: the cancelled one no longer holds the only slot
      const next = await h.runner.submit("diagnostic-sleep", { seconds: 0 });
      expect(await endedJob(h.store, next.jobId, 30_000)).toMatchObject({ status: "succeeded" });
      expect((await h.store.jobs.get(job.jobId))!.status).toBe("cancelled");
    }, 60_000);

    it("When a queued job is cancelled before it starts, then it never runs", async () => {
      const first = await h.runner.submit("diagnostic-sleep", { seconds: 2 });
      const second = await h.runner.submit("diagnostic-sleep", { seconds: 0 });
      await h.runner.cancel(second.jobId);
      await endedJob(h.store, first.jobId, 30_000);
      await new Promise((r) => setTimeout(r, 500));
      const never = (await h.store.jobs.get(second.jobId))!;
      expect(never.status).toBe("cancelled");
      expect(never.startedAt ?? null).toBeNull();
    }, 40_000);
  });
}

describe.skipIf(!redisAvailable())("a queued job's time limit", () => {
  it("When a job runs past MIXCAST_JOB_TIMEOUT_S, then it is stopped and failed as timed out, not retried", async () => {
    const { location, store, dispose } = await newStore();
    const redis = await startRedis();
    const runner = new QueueJobRunner({ jobs: store.jobs, url: redis.url, logger: silentLogger });
    const worker = await startQueueWorker({ url: redis.url, concurrency: 1, storeLocation: location, store, logger: silentLogger, timeoutS: 1 });
    try {
      const job = await runner.submit("diagnostic-sleep", { seconds: 20 });
      const done = await endedJob(store, job.jobId, 30_000);
      expect(done).toMatchObject({ status: "failed", error: { code: "timeout" } });
      expect(done.error!.detail).toContain("MIXCAST_JOB_TIMEOUT_S (1 s)");
    } finally {
      await runner.close();
      await worker.close();
      await redis.close();
      await dispose();
    }
  }, 40_000);
});

describe("which run of a queued job may save its result", () => {
  it("When a second run takes a job over (its worker was thought dead), then the first run's late result is not saved and the second's is, once", async () => {
    const { store, dispose } = await newStore();
    try {
      const job = await store.jobs.create("diagnostic-sleep", { seconds: 0 });
      const first = await store.jobs.claim(job.jobId);
      const second = await store.jobs.claim(job.jobId);
      expect([first, second]).toEqual([1, 2]);
      expect((await store.jobs.get(job.jobId))!.progress.message).toBe("started again (attempt 2)");
      const saves: string[] = [];
      const onSuccess = async (r: unknown) => (saves.push(JSON.stringify(r)), r);
      expect(await saveResult(store, job.jobId, { run: 1 }, onSuccess, first!)).toBe("superseded");
      expect(await saveResult(store, job.jobId, { run: 2 }, onSuccess, second!)).toBe("saved");
      expect(await saveResult(store, job.jobId, { run: 2 }, onSuccess, second!)).toBe("ended"); // no longer running
      expect(saves).toEqual(['{"run":2}']);
      expect(await store.jobs.get(job.jobId)).toMatchObject({ status: "succeeded", result: { run: 2 } });
      expect(await store.jobs.claim(job.jobId)).toBeNull();
    } finally {
      await dispose();
    }
  });
});
