import Database from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, type SqliteDriver, type DatabaseConnection, type Driver } from "kysely";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { POSTGRES_URL, withoutPassword } from "../config.ts";
import { MIGRATIONS, postgresSql } from "./migrations.ts";
import type { Conn, Tables } from "./schema.ts";

export const DB_FILE = "mixcast.sqlite";

/** Where the store is: a PostgreSQL URL (MIXCAST_DATABASE_URL), or else a folder for the SQLite file (MIXCAST_DATA_DIR). */
export function storeLocation(config: { MIXCAST_DATABASE_URL?: string | undefined; MIXCAST_DATA_DIR: string }): string {
  return config.MIXCAST_DATABASE_URL ?? config.MIXCAST_DATA_DIR;
}

export const isPostgresUrl = (location: string) => POSTGRES_URL.test(location);

/** A location fit for logs and /healthz: a URL without its password. */
export function shownLocation(location: string): string {
  return isPostgresUrl(location) ? withoutPassword(location) : location;
}

export interface OpenedDb extends Conn {
  /** For SQLite, the file's own handle (pragmas in tests); undefined on PostgreSQL. */
  readonly sqlite?: Database.Database;
}

/**
 * Open the store's database at `location` (see storeLocation), migrated to this version's schema. `connections`:
 * the most a PostgreSQL pool opens (an API process serves many requests at once; a job's process needs one or two).
 */
export async function openDb(location: string, connections = 10): Promise<OpenedDb> {
  if (isPostgresUrl(location)) return openPostgres(location, connections);
  const sqlite = openSqlite(location);
  return { db: new Kysely<Tables>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) }), kind: "sqlite", sqlite };
}

/**
 * SQLite transactions that take the write lock when they begin (BEGIN IMMEDIATE): two processes on one file (the
 * API and a CLI command, or queue workers) then wait for each other (busy_timeout) instead of one failing at once
 * with SQLITE_BUSY when both read and then both want to write.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver() as SqliteDriver;
    driver.beginTransaction = async (connection: DatabaseConnection) => void (await connection.executeQuery(CompiledQuery.raw("begin immediate")));
    return driver;
  }
}

/**
 * SQLite in `dataDir`: WAL so readers never block the writer, synchronous=FULL so an acknowledged write survives a
 * crash or power cut, foreign keys on, a busy timeout for the queue workers that share the file, migrations
 * applied. `dataDir = ":memory:"` gives a throwaway in-memory store (tests).
 */
function openSqlite(dataDir: string): Database.Database {
  let db: Database.Database;
  if (dataDir === ":memory:") db = new Database(":memory:");
  else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DB_FILE));
    db.pragma("journal_mode = WAL");
  }
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const current = db.pragma("user_version", { simple: true }) as number;
  checkVersion(current);
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return db;
}

function checkVersion(current: number): void {
  if (current > MIGRATIONS.length)
    throw new Error(`The store's schema version ${current} is newer than this mixcast knows (${MIGRATIONS.length}); upgrade mixcast.`);
}

/** Any number locking the migration: two API processes starting together migrate one after the other. */
const MIGRATION_LOCK = 7_246_100_311;

/**
 * PostgreSQL: a connection pool, migrations applied in one transaction under an advisory lock. PostgreSQL commits
 * durably by default (fsync, synchronous_commit on): an acknowledged write survives a crash.
 */
async function openPostgres(url: string, connections: number): Promise<OpenedDb> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  // a dropped idle connection is replaced on the next query; without a listener its error would end the process
  pool.on("error", () => {});
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS mixcast_schema (version INTEGER NOT NULL)");
    const { rows } = await client.query<{ version: number }>("SELECT version FROM mixcast_schema");
    const current = rows[0]?.version ?? 0;
    checkVersion(current);
    for (let v = current; v < MIGRATIONS.length; v++) await client.query(postgresSql(MIGRATIONS[v]!));
    if (rows.length === 0) await client.query("INSERT INTO mixcast_schema (version) VALUES ($1)", [MIGRATIONS.length]);
    else await client.query("UPDATE mixcast_schema SET version = $1", [Math.max(current, MIGRATIONS.length)]);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
    await pool.end();
    throw e;
  }
  client.release();
  return { db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }), kind: "postgres" };
}
