import { Worker } from "node:worker_threads";
import { csvToDataset } from "../data/to-dataset.ts";
import type { Dataset, IngestOptions } from "../data/types.ts";
import { ValidationError, type Issue } from "../errors.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
const ENTRY = new URL("./ingest-worker.ts", import.meta.url).href;

/** Below this size a CSV is parsed on the calling thread: a worker's start-up (~0.3 s) would cost more. */
export const INLINE_PARSE_BYTES = 1 << 20;

/**
 * Parse a CSV into a Dataset without blocking the event loop: small files inline, large ones (tens of MB take
 * seconds) in a one-off worker thread. Same result and same ValidationError either way.
 */
export async function ingestCsv(source: Uint8Array | string, options: IngestOptions): Promise<Dataset> {
  const bytes = typeof source === "string" ? Buffer.from(source, "utf8") : source;
  if (bytes.length < INLINE_PARSE_BYTES) return csvToDataset(bytes, options);
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, bytes, options } });
  try {
    const reply = await new Promise<{ ok: true; dataset: Dataset } | { ok: false; code: string; message: string; issues?: Issue[] }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`CSV worker exited (${code}) without a result`)));
    });
    if (reply.ok) return reply.dataset;
    if (reply.code === "validation_failed") throw new ValidationError(reply.message, reply.issues ?? []);
    throw new Error(reply.message);
  } finally {
    void worker.terminate();
  }
}
