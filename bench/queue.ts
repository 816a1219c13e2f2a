// The job queue's throughput (issue 17): no-op jobs through BullMQ alone, beside the same number of mixcast jobs
// (a job record in the store, a sandbox process per worker slot, the handler in a thread, the result saved),
// both over a redis-server of the bench's own on loopback.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { pino } from "pino";
import { startMmm } from "../src/app/mmm.ts";
import { MmmRequestSchema } from "../src/app/schemas.ts";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { QueueJobRunner } from "../src/queue/runner.ts";
import { redis } from "../src/queue/connection.ts";
import { startQueueWorker } from "../src/queue/worker.ts";
import { openStore } from "../src/store/store.ts";
import { SAMPLE_FAST_MMM } from "./server.ts";

const REDIS = "/usr/bin/redis-server";
const logger = pino({ level: "silent" });

async function until(fn: () => boolean | Promise<boolean>, ms = 300_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function benchQueue(): Promise<void> {
  if (!existsSync(REDIS)) return console.log("queue throughput: skipped (apt-get install redis-server)");
  const dir = mkdtempSync(join(tmpdir(), "mixcast-queue-"));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = spawn(REDIS, ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  try {
    await until(async () => {
      const ping = redis(url);
      ping.on("error", () => {}); // refused until the server listens
      const ok = (await ping.ping().catch(() => "")) === "PONG";
      ping.disconnect();
      return ok;
    }, 10_000);

    // BullMQ alone: a no-op processor in this process
    const N = 5_000;
    for (const concurrency of [1, 10]) {
      const name = `noop-${concurrency}`;
      // connections given to BullMQ are the caller's to close
      const [qc, wc] = [redis(url), redis(url)];
      const queue = new Queue(name, { connection: qc });
      let done = 0;
      const worker = new Worker(name, async () => null, { connection: wc, concurrency });
      worker.on("completed", () => done++);
      const t0 = performance.now();
      await queue.addBulk(Array.from({ length: N }, (_, i) => ({ name: "noop", data: { i }, opts: { removeOnComplete: true } })));
      await until(() => done === N);
      const s = (performance.now() - t0) / 1000;
      console.log(`${`BullMQ alone: ${N} no-op jobs, one worker, concurrency ${concurrency}`.padEnd(64)} ${(N / s).toFixed(0).padStart(6)} jobs/s`);
      await worker.close();
      await queue.close();
      qc.disconnect();
      wc.disconnect();
    }

    // mixcast's job path: record, enqueue, sandbox process, thread, result saved in the store
    const { store } = await openStore(dir);
    const M = 200;
    for (const concurrency of [1, 2]) {
      const runner = new QueueJobRunner({ jobs: store.jobs, url, logger });
      const w = await startQueueWorker({ url, concurrency, storeLocation: dir, store, logger });
      // warm the sandbox processes (their first job loads the TypeScript loader and the store)
      const warm = await Promise.all(Array.from({ length: concurrency }, () => runner.submit("diagnostic-sleep", { seconds: 0 })));
      await until(async () => (await Promise.all(warm.map((j) => store.jobs.get(j.jobId)))).every((j) => j?.status === "succeeded"), 60_000);
      const t0 = performance.now();
      const jobs: { jobId: string }[] = [];
      for (let i = 0; i < M; i++) jobs.push(await runner.submit("diagnostic-sleep", { seconds: 0 }));
      await until(async () => (await store.jobs.list(M)).filter((j) => jobs.some((x) => x.jobId === j.jobId)).every((j) => j.status === "succeeded"));
      const s = (performance.now() - t0) / 1000;
      console.log(
        `${`mixcast jobs (no-op diagnostic-sleep 0 s), one worker, concurrency ${concurrency}`.padEnd(64)} ${(M / s).toFixed(1).padStart(6)} jobs/s (${((1000 * s) / M).toFixed(0)} ms a job)`,
      );
      await runner.close();
      await w.close();
    }
    // work that splits: the sample's MMM per segment (3 segments, fast method), one worker against two
    const sample = readFileSync(new URL("../data/sample-daily-sales.csv", import.meta.url));
    const ds = csvToDataset(sample, { name: "sample", dateColumn: "date", seriesColumns: ["segment"] });
    const datasetId = (await store.datasets.add(ds, sample)).id;
    const req = MmmRequestSchema.parse({ datasetId, ...SAMPLE_FAST_MMM });
    const payload = startMmm(ds, req).payload;
    for (const workers of [1, 2]) {
      const runner = new QueueJobRunner({ jobs: store.jobs, url, logger });
      const ws = await Promise.all(Array.from({ length: workers }, () => startQueueWorker({ url, concurrency: 1, storeLocation: dir, store, logger })));
      const warm = await runner.submit("diagnostic-sleep", { seconds: 0 });
      await until(async () => (await store.jobs.get(warm.jobId))?.status === "succeeded", 60_000);
      const times: number[] = [];
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        const job = await runner.submit("mmm-fit", req, payload);
        await until(async () => (await store.jobs.get(job.jobId))?.status === "succeeded");
        times.push((performance.now() - t0) / 1000);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${`MMM on the sample, 3 segments as 3 shards (fast method), ${workers} worker(s)`.padEnd(64)} ${times[1]!.toFixed(1).padStart(6)} s (median of 3)`,
      );
      await runner.close();
      await Promise.all(ws.map((w) => w.close()));
    }
    await store.close();
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("queue.ts")) await benchQueue();
