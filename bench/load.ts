// Load benchmark (issue 7): autocannon against a real `mixcast serve` process on loopback. GET /v1/scenarios as a
// spreadsheet calls it, at a fixed 300 requests/s, alone and while an LSTM training job runs on the worker thread.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { post, sampleWithFastMmm, startServer, until } from "./server.ts";

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
    const { sample, modelId } = await sampleWithFastMmm(server.url);
    const url = `${server.url}/v1/scenarios?modelId=${modelId}&spend.spend_tv=8000&spend.spend_search.SMB=1500&format=csv`;
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
