import { datasetRepo } from "./datasets.ts";
import { openDb, type Db } from "./db.ts";
import { failInterruptedJobs, jobRepo } from "./jobs.ts";
import { keyRepo } from "./keys.ts";
import { modelRepo } from "./models.ts";

/** The persistence facade the API, CLI and job runner use. One SQLite file; every write is a transaction. */
export interface Store {
  readonly path: string;
  readonly db: Db;
  readonly datasets: ReturnType<typeof datasetRepo>;
  readonly models: ReturnType<typeof modelRepo>;
  readonly jobs: ReturnType<typeof jobRepo>;
  readonly keys: ReturnType<typeof keyRepo>;
  getMeta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
  close(): void;
}

export interface OpenedStore {
  readonly store: Store;
  /** Jobs found queued or running at open (left by a process that stopped) and now marked failed. */
  readonly interruptedJobs: number;
}

/**
 * Open the store. `recoverJobs` (the service, at start-up) marks jobs left queued or running by a stopped process
 * as failed; the CLI opens the same store beside a running service and must not touch that service's jobs.
 */
export function openStore(dataDir: string, opts: { recoverJobs?: boolean } = {}): OpenedStore {
  const db = openDb(dataDir);
  const interruptedJobs = opts.recoverJobs ? failInterruptedJobs(db) : 0;
  const getMeta = db.prepare(`SELECT value FROM meta WHERE key = ?`);
  const setMeta = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  const store: Store = {
    path: dataDir,
    db,
    datasets: datasetRepo(db),
    models: modelRepo(db),
    jobs: jobRepo(db),
    keys: keyRepo(db),
    getMeta: (key) => (getMeta.get(key) as { value: string } | undefined)?.value,
    setMeta: (key, value) => void setMeta.run(key, value),
    close: () => db.close(),
  };
  return { store, interruptedJobs };
}
