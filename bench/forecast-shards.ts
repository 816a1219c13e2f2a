// Issue 17: a many-series forecast through the queue with one worker process and with two, on this machine, and
// what cutting it into shards costs in accuracy. 200 daily series x 3 years (the generator of forecast-scale.ts),
// the default backtest; the 90 days after them are held out and scored. Three runs, each from submit to the stored
// forecast, each with its trained model deleted first (else the next run would reuse it):
//   whole     one job, one `mixcast worker` process
//   sharded   two shards of 100 series, the same single worker (they run one after the other)
//   sharded   two shards, two worker processes (one each)
// Run: npx tsx bench/forecast-shards.ts [series]   (needs redis-server)
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { pino } from "pino";
import { startForecast } from "../src/app/forecasts.ts";
import { ForecastRequestSchema } from "../src/app/schemas.ts";
import { seededRng } from "../src/data/random.ts";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { addDays } from "../src/forecast/calendar.ts";
import { coverage, mae, maseScale } from "../src/forecast/metrics.ts";
import { QUEUE_NAME, redis as redisClient } from "../src/queue/connection.ts";
import { QueueJobRunner } from "../src/queue/runner.ts";
import { openStore } from "../src/store/store.ts";
import { startRedis } from "../test/helpers/redis.ts";

const count = Number(process.argv[2] ?? 200);
const DAYS = 1095;
const H = 90;
if (!existsSync("/usr/bin/redis-server")) {
  console.log("forecast shards: skipped (apt-get install redis-server)");
  process.exit(0);
}

// the series of forecast-scale.ts, 90 days longer: the last 90 are held out
const r = seededRng(5);
const START = "2023-01-02";
const full = Array.from({ length: count }, () => {
  const level = 50 + 500 * r.uniform();
  const weekly = Array.from({ length: 7 }, () => 0.7 + 0.6 * r.uniform());
  const yearly = 0.3 * r.uniform();
  const trend = 0.0005 * r.normal();
  return Array.from({ length: DAYS + H }, (_, t) =>
    Math.max(0, level * (1 + trend * t) * weekly[t % 7]! * (1 + yearly * Math.sin((2 * Math.PI * t) / 365)) * (1 + 0.1 * r.normal())),
  );
});
const keys = full.map((_, k) => `s${String(k + 1).padStart(3, "0")}`);
const rows = ["date,series,sales"];
for (let t = 0; t < DAYS; t++) for (let k = 0; k < count; k++) rows.push(`${addDays(START, t)},${keys[k]},${full[k]![t]!.toFixed(3)}`);
const csv = rows.join("\n");

const dir = mkdtempSync(join(tmpdir(), "mixcast-shards-bench-"));
const redis = await startRedis();
const { store } = await openStore(dir);
const ds = csvToDataset(csv, { name: "many", dateColumn: "date", seriesColumns: ["series"] });
const datasetId = (await store.datasets.add(ds, csv)).id;
const req = ForecastRequestSchema.parse({ datasetId, date: "date", target: "sales", segment: "series", horizon: H });
const workers: ChildProcess[] = [];
const main = new URL("../src/cli/main.ts", import.meta.url).pathname;
const startWorker = () => {
  const w = spawn(process.execPath, ["--import", "tsx", main, "worker", "--concurrency", "1"], {
    env: { ...process.env, MIXCAST_QUEUE_URL: redis.url, MIXCAST_DATA_DIR: dir, LOG_LEVEL: "warn" },
    stdio: "ignore",
  });
  workers.push(w);
};
const stopWorkers = async () => {
  await Promise.all(workers.splice(0).map((w) => new Promise((done) => (w.once("exit", done), w.kill("SIGTERM")))));
};

interface Run {
  readonly label: string;
  readonly seconds: number;
  /** Each shard's run on its worker (BullMQ's processedOn → finishedOn), s. */
  readonly shards: readonly number[];
  readonly mase: number;
  readonly coverage: number;
}

async function run(label: string, workerCount: number, shardSeries: number): Promise<Run> {
  for (let i = 0; i < workerCount; i++) startWorker();
  const runner = new QueueJobRunner({ jobs: store.jobs, url: redis.url, logger: pino({ level: "silent" }), forecastShardSeries: shardSeries });
  // the workers are up when the queue sees them
  for (let i = 0; i < 600 && runner.workers < workerCount; i++) await new Promise((done) => setTimeout(done, 100));
  const start = await startForecast(store, ds, req, "auto");
  if (start.kind !== "train") throw new Error("a stored model was reused: delete it first");
  const t0 = performance.now();
  const job = await runner.submit("forecast-train", req, start.payload);
  for (;;) {
    const j = (await store.jobs.get(job.jobId))!;
    if (j.status === "failed" || j.status === "cancelled") throw new Error(`${label}: ${JSON.stringify(j.error)}`);
    if (j.status === "succeeded") break;
    await new Promise((done) => setTimeout(done, 250));
  }
  const seconds = (performance.now() - t0) / 1000;
  const conn = redisClient(redis.url);
  const queue = new Queue(QUEUE_NAME, { connection: conn });
  const shardTimes: number[] = [];
  for (let k = 0; ; k++) {
    const s = await queue.getJob(`${job.jobId}-shard-${k}`);
    if (!s) break;
    shardTimes.push(((s.finishedOn ?? 0) - (s.processedOn ?? 0)) / 1000);
  }
  await queue.close();
  conn.disconnect();
  await runner.close();
  await stopWorkers();
  const summary = (await store.jobs.get(job.jobId))!.result as { forecastId: string; modelId: string };
  const out = (await store.models.get<unknown, { forecasts: { key: string; mean: number[]; quantiles: number[][] }[] }>(summary.forecastId))!.result;
  // scored on the held-out 90 days: MASE (in-sample weekly-naive scale), geometric mean over series; the p10–p90 band's coverage
  // a few series trend down to zero and stay there (clipped at 0): forecast exactly, MASE 0, they are left out of
  // the geometric mean (and counted)
  let logMase = 0;
  let scored = 0;
  let covered = 0;
  out.forecasts.forEach((f) => {
    const k = keys.indexOf(f.key);
    if (k < 0) throw new Error(`${label}: a forecast for an unknown series ${f.key}`);
    const actual = full[k]!.slice(DAYS);
    const mase = mae(actual, f.mean) / maseScale(full[k]!.slice(0, DAYS));
    if (!Number.isFinite(mase)) throw new Error(`${label}: ${f.key} scored MASE ${mase}`);
    if (mase > 0) {
      logMase += Math.log(mase);
      scored++;
    }
    covered += coverage(actual, f.quantiles[0]!, f.quantiles[f.quantiles.length - 1]!);
  });
  if (scored < out.forecasts.length) console.log(`  (${out.forecasts.length - scored} series all zero after their trend: MASE 0, left out of the mean)`);
  await store.models.delete(summary.modelId); // the next run trains again
  return { label, seconds, shards: shardTimes, mase: Math.exp(logMase / scored), coverage: covered / out.forecasts.length };
}

try {
  const results = [
    await run("whole: one job, 1 worker process", 1, 1_000_000),
    await run(`2 shards of ${count / 2} series, 1 worker process`, 1, Math.floor(count / 2)),
    await run(`2 shards of ${count / 2} series, 2 worker processes`, 2, Math.floor(count / 2)),
  ];
  console.log(`forecast through the queue: ${count} series x ${DAYS} days, 90-day horizon, default backtest; held-out 90 days scored`);
  for (const x of results)
    console.log(
      `  ${x.label.padEnd(46)} ${x.seconds.toFixed(0).padStart(5)} s${x.shards.length ? ` (shards ${x.shards.map((t) => t.toFixed(0)).join(" + ")} s)` : ""}   held-out MASE (geo. mean) ${x.mase.toFixed(3)}   p10–p90 coverage ${(100 * x.coverage).toFixed(1)}%`,
    );
  console.log(`  speed-up, two workers against the whole job on one: ${(results[0]!.seconds / results[2]!.seconds).toFixed(2)}x`);
} finally {
  await stopWorkers();
  await store.close();
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
}
