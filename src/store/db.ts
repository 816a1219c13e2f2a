import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS } from "./migrations.ts";

export type Db = Database.Database;

export const DB_FILE = "mixcast.sqlite";

/**
 * Open (creating if needed) the store in `dataDir`: WAL so readers never block the writer, synchronous=FULL so
 * an acknowledged write survives a crash or power cut, foreign keys on, migrations applied.
 * `dataDir = ":memory:"` gives a throwaway in-memory store (tests).
 */
export function openDb(dataDir: string): Db {
  let db: Db;
  if (dataDir === ":memory:") db = new Database(":memory:");
  else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DB_FILE));
    db.pragma("journal_mode = WAL");
  }
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

export function migrate(db: Db): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The store's schema version ${current} is newer than this mixcast knows (${MIGRATIONS.length}); upgrade mixcast.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
