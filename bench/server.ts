// A real `mixcast serve` process for the benchmarks that measure it from outside (load.ts, whatif-browser.ts).
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/**
 * `mixcast serve` in its own process, logging (at info, one line per request, as in production) to a file rather
 * than to a pipe this process would have to read while it generates the load.
 */
export async function startServer(dir: string) {
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

export async function post(url: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, any>;
}

export async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The benchmarks' MMM on the bundled sample (add its datasetId): the fast method, as what they measure is the
 * scenario endpoint or the queue, not the fit (the Bayesian default on three daily segments takes minutes).
 */
export const SAMPLE_FAST_MMM = {
  date: "date",
  target: "sales",
  segment: "segment",
  channels: ["spend_tv", "spend_search", "spend_social", "spend_email", "spend_flyer"],
  controls: ["holiday"],
  method: "fast",
} as const;

/** The bundled sample's dataset and a fast MMM fitted on it (what the scenario benchmarks query). */
export async function sampleWithFastMmm(url: string): Promise<{ sample: { id: string; name: string }; modelId: string }> {
  const sample = ((await (await fetch(`${url}/v1/datasets`)).json()) as { items: { id: string; name: string }[] }).items.find(
    (d) => d.name === "sample-daily-sales",
  )!;
  const fit = await post(`${url}/v1/mmm`, { datasetId: sample.id, ...SAMPLE_FAST_MMM });
  const job = await until(async () => {
    const j = (await (await fetch(`${url}/v1/jobs/${fit.jobId}`)).json()) as Record<string, any>;
    return j.status === "succeeded" ? j : j.status === "failed" ? Promise.reject(new Error(JSON.stringify(j.error))) : undefined;
  }, 120_000);
  return { sample, modelId: job.result.modelId };
}
