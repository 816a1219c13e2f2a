import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForecastRequestSchema } from "../../src/app/schemas.ts";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { QueueJobRunner } from "../../src/queue/runner.ts";
import { isPostgresUrl } from "../../src/store/db.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { sharedStoreLocation } from "../helpers/store.ts";
import { endedJob, silentLogger, waitFor } from "../helpers/app.ts";
import { freePort, redisAvailable, startRedis } from "../helpers/redis.ts";

// Processes killed while they work: `mixcast worker` processes and `mixcast serve`, each a real process on a
// shared store (a SQLite file, or PostgreSQL in the PostgreSQL run) and a test-owned redis-server, killed with SIGKILL (no chance to clean up).
const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const SAMPLE = readFileSync("data/sample-daily-sales.csv");

interface Proc {
  readonly child: ChildProcess;
  /** Everything it logged so far. */
  log(): string;
}

function mixcast(args: string[], env: Record<string, string>): Proc {
  let out = "";
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, log: () => out };
}

const kill = (p: Proc) =>
  new Promise<void>((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once("exit", () => resolve());
    p.child.kill("SIGKILL");
  });

describe.skipIf(!redisAvailable())("queue workers and the API killed mid-job", () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let shared: Awaited<ReturnType<typeof sharedStoreLocation>>;
  let store: Store;
  let datasetId: string;
  const procs: Proc[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await startRedis();
    shared = await sharedStoreLocation();
    store = (await openStore(shared.location)).store;
    datasetId = (await store.datasets.add(csvToDataset(SAMPLE, { name: "sample", dateColumn: "date", seriesColumns: ["segment"] }), SAMPLE)).id;
    // a dead worker's job is noticed within about 2 s of its lock lapsing
    const where: Record<string, string> = isPostgresUrl(shared.location) ? { MIXCAST_DATABASE_URL: shared.location } : { MIXCAST_DATA_DIR: shared.location };
    env = { MIXCAST_QUEUE_URL: redis.url, ...where, MIXCAST_JOB_LOCK_MS: "2000", MIXCAST_LOAD_SAMPLES: "false", MIXCAST_DIAGNOSTIC_JOBS: "true" };
  }, 30_000);
  afterAll(async () => {
    await Promise.all(procs.map(kill));
    await store?.close();
    await redis?.close();
    shared?.remove();
  });

  it("When one of three workers is SIGKILLed in the middle of a training job, then the job runs again on another worker and succeeds, its forecast stored once", async () => {
    const workers = [0, 1, 2].map(() => mixcast(["worker", "--concurrency", "1"], env));
    procs.push(...workers);
    await waitFor(async () => workers.every((w) => w.log().includes("mixcast worker running queued jobs")) || undefined, 30_000);
    const runner = new QueueJobRunner({ jobs: store.jobs, url: redis.url, logger: silentLogger });
    const input = ForecastRequestSchema.parse({
      datasetId,
      date: "date",
      target: "sales",
      segment: "segment",
      horizon: 21,
      folds: 1,
      network: { maxEpochs: 6, units: 4 },
    });
    const job = await runner.submit("forecast-train", input);
    // in the middle: the network is training
    await waitFor(async () => /epoch/.test((await store.jobs.get(job.jobId))!.progress.message) || undefined, 90_000, 20);
    // the queue says which worker runs it (host:pid), as /metrics shows per worker
    const running = await waitFor(async () => Object.keys(runner.queueStats.activeByWorker)[0], 10_000);
    expect(running).toMatch(/:\d+$/);
    const first = workers.find((w) => w.log().includes(job.jobId))!;
    await kill(first);
    const done = await endedJob(store, job.jobId, 120_000);
    expect(done.status).toBe("succeeded");
    const second = workers.filter((w) => w !== first && w.log().includes(job.jobId));
    expect(second).toHaveLength(1);
    // the store says succeeded a moment before the worker's log line reaches this process's pipe
    const finished = new RegExp(`"jobId":"${job.jobId}".*"msg":"job finished"`);
    await waitFor(async () => finished.test(second[0]!.log()) || undefined, 10_000);
    // nothing stored twice: one forecast, the one the job's result names
    const forecasts = await store.models.list("forecast");
    expect(forecasts.map((f) => f.id)).toEqual([(done.result as { forecastId: string }).forecastId]);
    // the queue's events told of the stall, and of no failed attempt
    expect(runner.queueStats.stalled).toBeGreaterThanOrEqual(1);
    expect(runner.queueStats.failedAttempts).toBe(0);
    await runner.close();
  }, 240_000);

  it("When the API process is SIGKILLed and started again while a job runs on a worker, then the job keeps running and its result arrives", async () => {
    const port = await freePort();
    const api = { ...env, PORT: String(port), MIXCAST_JOB_CONCURRENCY: "0" };
    let serve = mixcast(["serve"], api);
    procs.push(serve);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined), 30_000);
    const accepted = (await (
      await fetch(`${url}/v1/diagnostics/sleep`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ seconds: 5 }) })
    ).json()) as {
      jobId: string;
    };
    await waitFor(async () => (await store.jobs.get(accepted.jobId))?.status === "running" || undefined, 30_000);
    await kill(serve);
    serve = mixcast(["serve"], api);
    procs.push(serve);
    await waitFor(async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined), 30_000);
    const job = await waitFor(async () => {
      const j = (await (await fetch(`${url}/v1/jobs/${accepted.jobId}`)).json()) as { status: string; result?: unknown };
      return j.status === "running" || j.status === "queued" ? undefined : j;
    }, 30_000);
    expect(job).toMatchObject({ status: "succeeded", result: { slept: 5 } });
    // the restarted API says where jobs run and sees the two workers still alive
    await waitFor(async () => {
      const h = (await (await fetch(`${url}/healthz`)).json()) as {
        store: { kind: string };
        jobs: { runner: string; queue?: string; workers?: number; concurrency: number };
      };
      return h.jobs.runner === "bullmq" && h.jobs.queue === redis.url && h.store.kind === store.kind && h.jobs.workers === 2 && h.jobs.concurrency === 0
        ? true
        : undefined;
    }, 10_000);
  }, 90_000);

  it("When two API processes share the store and queue, then a model fitted through one is answered by the other, the same scenario to the byte", async () => {
    procs.push(mixcast(["worker"], env)); // its own worker: the test does not lean on the others'
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      procs.push(mixcast(["serve"], { ...env, PORT: String(port), MIXCAST_JOB_CONCURRENCY: "0" }));
      urls.push(`http://127.0.0.1:${port}`);
    }
    for (const url of urls) await waitFor(async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined), 30_000);
    const post = (url: string, path: string, body: unknown) =>
      fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<any>,
      );
    const fit = await post(urls[0]!, "/v1/mmm", {
      datasetId,
      date: "date",
      target: "sales",
      segment: "segment",
      channels: ["spend_tv", "spend_search"],
      method: "fast",
    });
    const job = await waitFor(async () => {
      const j = (await (await fetch(`${urls[1]}/v1/jobs/${fit.jobId}`)).json()) as any;
      return j.status === "succeeded" || j.status === "failed" ? j : undefined;
    }, 60_000);
    expect(job.status).toBe("succeeded");
    const path = `/v1/scenarios?mmmId=${job.result.modelId}&spend.spend_tv=9000&format=csv`;
    const first = await (await fetch(`${urls[0]}${path}`)).text(); // cached in the first process from here on
    const again = await (await fetch(`${urls[0]}${path}`)).text();
    const other = await (await fetch(`${urls[1]}${path}`)).text();
    expect(first).toMatch(/^plan,channel,segment,spend,incremental/);
    expect(again).toBe(first);
    expect(other).toBe(first);
    // both API processes heard the queue's events and see its workers
    for (const url of urls) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(Number(metrics.match(/^mixcast_queue_jobs_completed_total (\d+)/m)?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(metrics.match(/^mixcast_queue_workers (\d+)/m)?.[1])).toBeGreaterThanOrEqual(1);
    }
  }, 120_000);

  it("When Redis is restarted while a job runs and another waits, then the workers reconnect and both acknowledged jobs finish", async () => {
    const runner = new QueueJobRunner({ jobs: store.jobs, url: redis.url, logger: silentLogger });
    const running = await runner.submit("diagnostic-sleep", { seconds: 4 });
    await waitFor(async () => (await store.jobs.get(running.jobId))?.status === "running" || undefined, 30_000);
    const waiting = await runner.submit("diagnostic-sleep", { seconds: 1 });
    await runner.close();
    await redis.restart();
    for (const id of [running.jobId, waiting.jobId]) expect(await endedJob(store, id, 60_000)).toMatchObject({ status: "succeeded" });
  }, 90_000);
});
