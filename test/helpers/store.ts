import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { openStore, type Store } from "../../src/store/store.ts";
import { freshDatabase } from "./postgres.ts";

/**
 * Where a test's store lives: a new database on the run's PostgreSQL server (MIXCAST_TEST_STORE=postgres), or else
 * a throwaway in-memory SQLite store.
 */
export async function testStoreLocation(): Promise<string> {
  const url = inject("postgresUrl");
  return url ? freshDatabase(url) : ":memory:";
}

export async function testStore(): Promise<Store> {
  return (await openStore(await testStoreLocation())).store;
}

/**
 * A store that other processes (queue workers, a second API) can open too: a fresh PostgreSQL database in the
 * PostgreSQL run, else a SQLite file in a new folder. `remove` deletes the folder (a database goes with its server).
 */
export async function sharedStoreLocation(): Promise<{ location: string; remove(): void }> {
  const url = inject("postgresUrl");
  if (url) return { location: await freshDatabase(url), remove: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "mixcast-shared-"));
  return { location: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
