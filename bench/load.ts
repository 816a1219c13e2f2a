// Load benchmark (issue 7): autocannon against a real `mixcast serve` process on loopback. GET /v1/scenarios as a
// spreadsheet calls it, at a fixed 300 requests/s, alone and while an LSTM training job runs on the worker thread.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";

/**
 * `mixcast serve` in its own process, logging (at info, one line per request, as in production) to a file rather
 * than to a pipe this process would have to read while it generates the load.
 */
async function startServer(dir: string) {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const log = openSync(join(dir, "server.log"), "a");
  const child = spawn(process.execPath, ["--import", "tsx", new URL("../src/cli/main.ts", import.meta.url).pathname, "serve"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
      MIXCAST_DATA_DIR: join(dir, "store"),
      MIXCAST_JOB_CONCURRENCY: "1",
      // the bench measures latency, not the per-client limit (all its requests come from one address)
      MIXCAST_RATE_LIMIT_PER_MIN: "10000000",
    },
    stdio: ["ignore", log, log],
  });
  const exited = new Promise((r) => child.once("exit", r));
  const url = `http://127.0.0.1:${port}`;
  await until(async () => ((await fetch(`${url}/healthz`).catch(() => null))?.ok ? true : undefined), 60_000);
  return { child, url, exited };
}

async function post(url: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, any>;
}

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A fixed overall rate over `connections` (autocannon paces them together: N connections send N requests at once). */
function run(url: string, rate: number | undefined, seconds: number, connections = 10): Promise<autocannon.Result> {
  return new Promise((resolve, reject) =>
    autocannon({ url, connections, ...(rate && { overallRate: rate }), duration: seconds }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

function line(label: string, r: autocannon.Result): void {
  console.log(
    `${label.padEnd(50)} p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  max ${String(r.latency.max).padStart(4)} ms  ${r.requests.average.toFixed(0)} req/s  errors ${r.errors + r.timeouts}  non-2xx ${r.non2xx}`,
  );
}

export async function benchLoad(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mixcast-load-"));
  const server = await startServer(dir);
  try {
    const sample = ((await (await fetch(`${server.url}/v1/datasets`)).json()) as { items: { id: string; name: string }[] }).items.find(
      (d) => d.name === "sample-daily-sales",
    )!;
    const channels = ["spend_tv", "spend_search", "spend_social", "spend_email", "spend_flyer"];
    const fit = await post(`${server.url}/v1/mmm`, {
      datasetId: sample.id,
      date: "date",
      target: "sales",
      segment: "segment",
      channels,
      controls: ["holiday"],
      // what is measured is the scenario endpoint under load, not the fit: the fast fit is enough and takes seconds
      // (the Bayesian default on three daily segments takes minutes)
      method: "fast",
    });
    const job = await until(async () => {
      const j = (await (await fetch(`${server.url}/v1/jobs/${fit.jobId}`)).json()) as Record<string, any>;
      return j.status === "succeeded" ? j : j.status === "failed" ? Promise.reject(new Error(JSON.stringify(j.error))) : undefined;
    }, 120_000);
    const url = `${server.url}/v1/scenarios?modelId=${job.result.modelId}&spend.spend_tv=8000&spend.spend_search.SMB=1500&format=csv`;
    // the first call loads the model into memory; the unthrottled run measures throughput and warms the JIT
    line("GET scenario (CSV), as fast as it goes, 10 conns", await run(url, undefined, 5));
    line("GET scenario (CSV), 300 req/s, 1 connection", await run(url, 300, 10, 1));
    line("GET scenario (CSV), 300 req/s, 10 connections", await run(url, 300, 10));
    const training = await post(`${server.url}/v1/forecasts`, { datasetId: sample.id, date: "date", target: "sales", segment: "segment" });
    await until(
      async () =>
        ((await (await fetch(`${server.url}/v1/jobs/${training.jobId}`)).json()) as Record<string, any>).progress?.message?.includes("epoch")
          ? true
          : undefined,
      60_000,
    );
    line("while an LSTM trains: 300 req/s, 1 connection", await run(url, 300, 10, 1));
    line("while an LSTM trains: 300 req/s, 10 connections", await run(url, 300, 10));
    const status = ((await (await fetch(`${server.url}/v1/jobs/${training.jobId}`)).json()) as Record<string, any>).status;
    console.log(`  (training job still ${status} at the end of the run)`);
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("load.ts")) await benchLoad();
