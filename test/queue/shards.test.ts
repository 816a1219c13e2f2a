import { readFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startForecast } from "../../src/app/forecasts.ts";
import { startMmm } from "../../src/app/mmm.ts";
import { ForecastRequestSchema, MmmRequestSchema } from "../../src/app/schemas.ts";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { redis, QUEUE_NAME } from "../../src/queue/connection.ts";
import { QueueJobRunner } from "../../src/queue/runner.ts";
import { startQueueWorker } from "../../src/queue/worker.ts";
import { runInThread } from "../../src/jobs/thread.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { sharedStoreLocation } from "../helpers/store.ts";
import { endedJob, silentLogger } from "../helpers/app.ts";
import { redisAvailable, startRedis } from "../helpers/redis.ts";

// Work that splits: an MMM fitted one model per segment is cut into a shard per segment, run by whichever
// workers are free, and merged into one answer; segments share nothing, so the answer is the one a single fit gives.
const SAMPLE = readFileSync("data/sample-daily-sales.csv");

describe.skipIf(!redisAvailable())("work split into shards", () => {
  let r: Awaited<ReturnType<typeof startRedis>>;
  let shared: Awaited<ReturnType<typeof sharedStoreLocation>>;
  let store: Store;
  let workers: Awaited<ReturnType<typeof startQueueWorker>>[];
  beforeAll(async () => {
    r = await startRedis();
    shared = await sharedStoreLocation();
    store = (await openStore(shared.location)).store;
    // two workers, one job each at a time: the three segments go to whichever is free
    workers = await Promise.all(
      [0, 1].map(() => startQueueWorker({ url: r.url, concurrency: 1, storeLocation: shared.location, store, logger: silentLogger })),
    );
  }, 30_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await store.close();
    await r.close();
    shared.remove();
  });

  it("When a per-segment MMM is queued, then each segment runs as its own shard, and the merged model is byte for byte the single fit's", async () => {
    const ds = csvToDataset(SAMPLE, { name: "sample", dateColumn: "date", seriesColumns: ["segment"] });
    const datasetId = (await store.datasets.add(ds, SAMPLE)).id;
    const req = MmmRequestSchema.parse({
      datasetId,
      date: "date",
      target: "sales",
      segment: "segment",
      channels: ["spend_tv", "spend_search", "spend_social"],
      method: "fast",
    });
    const start = startMmm(ds, req);
    const runner = new QueueJobRunner({ jobs: store.jobs, url: r.url, logger: silentLogger });
    const job = await runner.submit("mmm-fit", req, start.payload);
    const done = await endedJob(store, job.jobId, 120_000);
    await runner.close();
    expect(done.status).toBe("succeeded");
    // three shards ran, one per segment, each handing back its segment
    const conn = redis(r.url);
    const queue = new Queue(QUEUE_NAME, { connection: conn });
    const shards = await Promise.all([0, 1, 2].map((i) => queue.getJob(`${job.jobId}-shard-${i}`)));
    expect(shards.map((s) => (s!.returnvalue as { result: { segments: { segment: string }[] } }).result.segments.map((g) => g.segment))).toEqual([
      ["Consumer"],
      ["Enterprise"],
      ["SMB"],
    ]);
    await queue.close();
    conn.disconnect();
    const saved = (await store.models.get((done.result as { modelId: string }).modelId))!;
    // the whole fit in one worker thread, as the in-process runner runs it
    const outcome = await runInThread("mmm-fit", start.payload, () => {}).done;
    const single = outcome.type === "result" ? outcome.result : outcome.error;
    expect(JSON.stringify(saved.result)).toBe(JSON.stringify(single));
  }, 180_000);

  it("When a forecast of many series is queued, then runs of series train as shards on the workers, the merged forecast has every series, and its stored model forecasts the same again", async () => {
    const ds = csvToDataset(SAMPLE, { name: "sample", dateColumn: "date", seriesColumns: ["segment"] });
    const datasetId = (await store.datasets.add(ds, SAMPLE)).id;
    const req = ForecastRequestSchema.parse({
      datasetId,
      date: "date",
      target: "sales",
      segment: "segment",
      horizon: 14,
      folds: 1,
      network: { maxEpochs: 2, units: 4 },
    });
    const start = await startForecast(store, ds, req, "cpu");
    if (start.kind !== "train") throw new Error("expected a training");
    // one series a shard: the sample's three segments are three shards
    const runner = new QueueJobRunner({ jobs: store.jobs, url: r.url, logger: silentLogger, forecastShardSeries: 1 });
    const job = await runner.submit("forecast-train", req, start.payload);
    const done = await endedJob(store, job.jobId, 180_000);
    await runner.close();
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    const summary = done.result as { forecastId: string; modelId: string; reusedModel: boolean };
    expect(summary.reusedModel).toBe(false);
    const model = (await store.models.get<unknown, { shards: { series: number }[] }>(summary.modelId))!;
    expect(model.result.shards.map((p) => p.series)).toEqual([1, 1, 1]);
    expect(model.artifactNames).toEqual(["weights-0.bin", "weights-1.bin", "weights-2.bin"]);
    const forecast = (await store.models.get<unknown, { forecasts: { key: string; mean: number[] }[]; choices: unknown[] }>(summary.forecastId))!;
    expect(forecast.result.forecasts.map((f) => f.key)).toEqual(["Consumer", "Enterprise", "SMB"]);
    expect(forecast.result.choices).toHaveLength(3);
    // asked again: the stored shards' networks forecast their own series, no training
    const again = await startForecast(store, ds, req, "cpu");
    if (again.kind !== "ready") throw new Error("expected the stored model to be reused");
    expect(again.summary.modelId).toBe(summary.modelId);
    const reused = (await store.models.get<unknown, { forecasts: { mean: number[] }[] }>(again.summary.forecastId))!;
    reused.result.forecasts.forEach((f, i) => f.mean.forEach((v, h) => expect(v).toBeCloseTo(forecast.result.forecasts[i]!.mean[h]!, 6)));
  }, 240_000);
});
