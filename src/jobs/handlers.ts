import type { JobContext } from "./context.ts";

/**
 * The kinds of long work mixcast runs off the HTTP event loop. Each handler is a pure function of its payload;
 * it reports progress through `ctx` and returns a JSON-ready result. Handlers are loaded lazily inside the worker
 * thread so the main thread never pays for their imports (danfo.js, tfjs).
 */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<unknown> | unknown;

export const JOB_HANDLERS = {
  "dataset-profile": async (): Promise<JobHandler> => (await import("./kinds/dataset-profile.ts")).runDatasetProfile,
  "forecast-train": async (): Promise<JobHandler> => (await import("./kinds/forecast-train.ts")).runForecastTrain,
  "mmm-fit": async (): Promise<JobHandler> => (await import("./kinds/mmm-fit.ts")).runMmmFit,
  /** Waits, reporting progress: lets operators and tests check the job machinery (enabled by configuration). */
  "diagnostic-sleep": async (): Promise<JobHandler> => (await import("./kinds/diagnostic-sleep.ts")).runDiagnosticSleep,
} satisfies Record<string, () => Promise<JobHandler>>;

export type JobKind = keyof typeof JOB_HANDLERS;

export function isJobKind(kind: string): kind is JobKind {
  return Object.hasOwn(JOB_HANDLERS, kind);
}
