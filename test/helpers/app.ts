import { pino } from "pino";
import { createApp } from "../../src/api/app.ts";
import type { AppDeps } from "../../src/api/deps.ts";
import { JobRunner } from "../../src/jobs/runner.ts";
import { openStore } from "../../src/store/store.ts";

export const silentLogger = pino({ level: "silent" });

/** An in-process app over an in-memory store: no network, no disk. */
export function testApp(overrides: Partial<AppDeps["config"]> = {}, tf: AppDeps["tf"] = { backend: "cpu", notes: [] }) {
  const { store } = openStore(":memory:");
  const jobs = new JobRunner({ jobs: store.jobs, concurrency: 1, logger: silentLogger, transaction: (fn) => store.db.transaction(fn)() });
  const config = { MIXCAST_MAX_UPLOAD_MB: 50, MIXCAST_MAX_JSON_MB: 50, MIXCAST_JOB_CONCURRENCY: 1, MIXCAST_DIAGNOSTIC_JOBS: true, MIXCAST_KEY_CACHE_MS: 0, ...overrides };
  const app = createApp({ config, store, jobs, logger: silentLogger, tf });
  return { app, store, jobs, close: async () => { await jobs.close(); store.close(); } };
}

/** Poll a predicate until it holds or the time runs out. */
export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
