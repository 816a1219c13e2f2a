import { parentPort, workerData } from "node:worker_threads";
import { AppError } from "../errors.ts";
import { JOB_HANDLERS, isJobKind } from "./handlers.ts";

/** Messages a job worker sends to the runner. */
export type WorkerMessage =
  | { readonly type: "progress"; readonly fraction: number; readonly message: string }
  | { readonly type: "result"; readonly result: unknown }
  | { readonly type: "error"; readonly error: { title: string; detail: string; code?: string; issues?: readonly unknown[] } };

const { kind, payload } = workerData as { kind: string; payload: unknown };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

try {
  if (!isJobKind(kind)) throw new Error(`unknown job kind ${kind}`);
  const handler = await JOB_HANDLERS[kind]();
  const result = await handler(payload, {
    progress: (fraction, message) => post({ type: "progress", fraction: Math.min(1, Math.max(0, fraction)), message }),
  });
  post({ type: "result", result });
} catch (e) {
  // A domain error is the user's to fix and is shown as is; anything else is a bug, reported without internals.
  if (e instanceof AppError) post({ type: "error", error: { title: e.name, detail: e.message, code: e.code, issues: e.issues } });
  else post({ type: "error", error: { title: "Job failed", detail: e instanceof Error ? e.message : String(e), code: "internal" } });
}
