import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { datasetRepo } from "./datasets.ts";
import { openDb, shownLocation } from "./db.ts";
import { failInterruptedJobs, jobRepo } from "./jobs.ts";
import { keyRepo } from "./keys.ts";
import { modelRepo } from "./models.ts";
import type { Conn, StoreKind, Tables } from "./schema.ts";

/**
 * The persistence facade the API, CLI and job runners use: one SQLite file (the default) or a PostgreSQL database
 * shared by several processes and machines, behind the same repositories. Every write is a transaction.
 */
export interface Store {
  readonly kind: StoreKind;
  /** Where it is, fit to show (a URL without its password). */
  readonly location: string;
  readonly datasets: ReturnType<typeof datasetRepo>;
  readonly models: ReturnType<typeof modelRepo>;
  readonly jobs: ReturnType<typeof jobRepo>;
  readonly keys: ReturnType<typeof keyRepo>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Set `key` unless it is set already; true when this call set it (of two processes racing, exactly one). */
  claimMeta(key: string, value: string): Promise<boolean>;
  /**
   * Run `fn` in one transaction: all its writes land or none. `fn` must use the store it is given (on SQLite the
   * one connection is held by the transaction). Inside a transaction, `transaction` runs `fn` in the same one.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** SQLite's own handle (undefined on PostgreSQL): for tests that check pragmas. */
  readonly sqlite?: Database.Database;
}

export interface OpenedStore {
  readonly store: Store;
  /** Jobs found queued or running at open (left by a process that stopped) and now marked failed. */
  readonly interruptedJobs: number;
}

function storeOn(conn: Conn, location: string, root: Kysely<Tables>, sqlite?: Database.Database): Store {
  const { db } = conn;
  const store: Store = {
    kind: conn.kind,
    location,
    datasets: datasetRepo(conn),
    models: modelRepo(conn),
    jobs: jobRepo(conn),
    keys: keyRepo(conn),
    getMeta: async (key) => (await db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst())?.value,
    setMeta: async (key, value) =>
      void (await db
        .insertInto("meta")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
        .execute()),
    claimMeta: async (key, value) => {
      const r = await db
        .insertInto("meta")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doNothing())
        .executeTakeFirst();
      return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },
    transaction: (fn) => (db.isTransaction ? fn(store) : db.transaction().execute((tx) => fn(storeOn({ db: tx, kind: conn.kind }, location, root, sqlite)))),
    ping: async () => void (await db.selectFrom("meta").select("key").limit(1).execute()),
    close: () => root.destroy(),
    ...(sqlite && { sqlite }),
  };
  return store;
}

/**
 * Open the store at `location` (a folder for SQLite, ":memory:" for a throwaway one, or a postgres:// URL; see
 * storeLocation). `recoverJobs` (the service with in-process jobs, at start-up) marks jobs left queued or running
 * by a stopped process as failed; the CLI opens the same store beside a running service and must not touch that
 * service's jobs, nor may anyone when queue workers run them. `connections`: the PostgreSQL pool's size (default 10).
 */
export async function openStore(location: string, opts: { recoverJobs?: boolean; connections?: number } = {}): Promise<OpenedStore> {
  const opened = await openDb(location, opts.connections);
  const interruptedJobs = opts.recoverJobs ? await failInterruptedJobs(opened) : 0;
  return { store: storeOn(opened, shownLocation(location), opened.db, opened.sqlite), interruptedJobs };
}
