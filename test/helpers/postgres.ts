import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./redis.ts";

/** Debian's PostgreSQL server binaries (postgresql-15 puts them here, not on PATH). */
function binDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], "bin");
}

/**
 * Whether the PostgreSQL tests can run: Debian's server is installed (.ci/run installs postgresql and sets
 * MIXCAST_EXPECT_POSTGRES=1, so on CI a missing server fails the suite rather than skipping it).
 */
export function postgresAvailable(): boolean {
  if (binDir()) return true;
  if (process.env.MIXCAST_EXPECT_POSTGRES === "1") throw new Error("PostgreSQL's server is missing: .ci/run installs postgresql");
  return false;
}

export interface TestPostgres {
  /** The server's URL, for its `postgres` database. */
  readonly url: string;
  /** A new empty database on the server: a store test's own. */
  freshDatabase(): Promise<string>;
  /** Kill the server as a crash would (no shutdown checkpoint: recovery replays the WAL) and start it again. */
  crashAndRestart(): Promise<void>;
  close(): Promise<void>;
}

let made = 0;
/** A new empty database on the server at `serverUrl`; returns its URL. */
export async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `t${process.pid}_${++made}_${Date.now().toString(36)}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A PostgreSQL server of the test's own: a new cluster in a temporary directory, on a free loopback port, trust
 * authentication (loopback only), stopped and deleted by close(). Run as the `postgres` user when the tests run
 * as root (initdb refuses root). fsync stays on: the store's promise is that an acknowledged write survives.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = binDir();
  if (!bin) throw new Error("PostgreSQL's server is not installed");
  const dir = mkdtempSync(join(tmpdir(), "mixcast-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]] : [join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const data = join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "mixcast", "-E", "UTF8", "--no-instructions"]);
  const start = () => run("pg_ctl", ["start", "-w", "-D", data, "-l", join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`]);
  start();
  const url = `postgres://mixcast@127.0.0.1:${port}/postgres`;
  return {
    url,
    freshDatabase: () => freshDatabase(url),
    async crashAndRestart() {
      run("pg_ctl", ["stop", "-D", data, "-m", "immediate", "-w"]);
      start();
    },
    async close() {
      run("pg_ctl", ["stop", "-D", data, "-m", "fast", "-w"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
