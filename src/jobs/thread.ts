import { Worker } from "node:worker_threads";
import type { JobError } from "../store/jobs.ts";
import type { JobKind } from "./handlers.ts";
import type { WorkerMessage } from "./worker.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
const ENTRY = new URL("./worker.ts", import.meta.url).href;

/** How a job's thread ended: its result, or an error (a domain error as thrown, anything else as internal). */
export type ThreadOutcome = { readonly type: "result"; readonly result: unknown } | { readonly type: "error"; readonly error: JobError };

export interface ThreadRun {
  /** Settles once: with the handler's result or error, or an internal error when the thread died without one. */
  readonly done: Promise<ThreadOutcome>;
  terminate(): Promise<number>;
}

/**
 * Run one job's handler in a worker thread (so the caller's event loop never blocks on it), reporting progress.
 * Used by the in-process runner and by a queue worker's processor alike.
 */
export function runInThread(kind: JobKind, payload: unknown, onProgress: (fraction: number, message: string) => void): ThreadRun {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, kind, payload } });
  const done = new Promise<ThreadOutcome>((resolve) => {
    let settled = false;
    const settle = (o: ThreadOutcome) => {
      if (settled) return;
      settled = true;
      resolve(o);
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.type === "progress") onProgress(m.fraction, m.message);
      else if (m.type === "result") settle({ type: "result", result: m.result });
      else settle({ type: "error", error: m.error });
    });
    worker.on("error", (err) => settle({ type: "error", error: { title: "Job crashed", detail: err.message, code: "internal" } }));
    worker.on("exit", (code) =>
      settle({ type: "error", error: { title: "Job crashed", detail: `The worker stopped (exit code ${code}) without a result.`, code: "internal" } }),
    );
  });
  return { done, terminate: () => worker.terminate() };
}
