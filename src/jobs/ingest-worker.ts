import { parentPort, workerData } from "node:worker_threads";
import { csvToDataset } from "../data/to-dataset.ts";
import type { IngestOptions } from "../data/types.ts";
import { AppError } from "../errors.ts";

const { bytes, options } = workerData as { bytes: Uint8Array; options: IngestOptions };
try {
  parentPort!.postMessage({ ok: true, dataset: csvToDataset(bytes, options) });
} catch (e) {
  if (e instanceof AppError) parentPort!.postMessage({ ok: false, code: e.code, message: e.message, issues: e.issues });
  else parentPort!.postMessage({ ok: false, code: "internal", message: e instanceof Error ? e.message : String(e) });
}
