import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REDIS_SERVER = "/usr/bin/redis-server";
/**
 * Whether the queue tests can run: Debian's redis-server is installed (.ci/run installs it and sets
 * MIXCAST_EXPECT_REDIS=1, so on CI a missing server fails the suite rather than skipping it).
 */
export function redisAvailable(): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  if (process.env.MIXCAST_EXPECT_REDIS === "1") throw new Error(`${REDIS_SERVER} is missing: .ci/run installs redis-server`);
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * A Redis server of the test's own on loopback, with its append-only file fsynced on every write (as a deployment
 * that must not lose acknowledged jobs runs it), so it can be stopped and started again mid-test.
 */
export async function startRedis(): Promise<{ url: string; stop(): Promise<void>; restart(): Promise<void>; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "mixcast-redis-"));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const up = async () => {
    proc = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""], {
      stdio: "ignore",
    });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const c = new Socket();
        c.once("connect", () => (c.destroy(), resolve(true)));
        c.once("error", () => resolve(false));
        c.connect(port, "127.0.0.1");
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("redis-server did not start");
  };
  const stop = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    await new Promise((resolve) => {
      p.once("exit", resolve);
      p.kill("SIGTERM");
    });
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: async () => {
      await stop();
      await up();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
