// Issue 17: what the shared store carries when many workers write to it at once. 20 "workers", each with its own
// connection pool as a worker process on another machine would have, run job lifecycles against one PostgreSQL as
// fast as they can for 5 s: create, claim, 10 progress updates, succeed with a 2 kB result, read back (the queue path's
// store traffic, with a job's progress reports bunched together). The same on one SQLite file from one process beside.
// Run: npx tsx bench/store-load.ts   (PostgreSQL from Debian's postgresql package, started by the bench on loopback)
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../src/store/store.ts";
import { startPostgres } from "../test/helpers/postgres.ts";

const SECONDS = 5;
const RESULT = { forecastId: "x".repeat(2_000) };

async function lifecycles(stores: readonly Store[]): Promise<{ jobs: number; writes: number }> {
  const end = performance.now() + SECONDS * 1000;
  let jobs = 0;
  await Promise.all(
    stores.map(async (s) => {
      while (performance.now() < end) {
        const job = await s.jobs.create("diagnostic-sleep", { seconds: 0 });
        const attempt = await s.jobs.claim(job.jobId);
        for (let i = 1; i <= 10; i++) await s.jobs.setProgress(job.jobId, i / 10, `step ${i}`);
        await s.jobs.succeed(job.jobId, RESULT, attempt ?? undefined);
        await s.jobs.get(job.jobId);
        jobs++;
      }
    }),
  );
  return { jobs, writes: jobs * 13 }; // create, claim, 10 progress, succeed
}

const line = (label: string, r: { jobs: number; writes: number }) =>
  console.log(`${label.padEnd(64)} ${(r.jobs / SECONDS).toFixed(0).padStart(6)} job lifecycles/s  (${(r.writes / SECONDS).toFixed(0)} writes/s)`);

const dir = mkdtempSync(join(tmpdir(), "mixcast-store-load-"));
try {
  const sqlite = (await openStore(dir)).store;
  line("SQLite file, one process (synchronous=FULL)", await lifecycles([sqlite]));
  await sqlite.close();
  if (existsSync("/usr/lib/postgresql")) {
    const pg = await startPostgres();
    try {
      const url = await pg.freshDatabase();
      for (const n of [1, 20]) {
        const stores = await Promise.all(Array.from({ length: n }, async () => (await openStore(url)).store));
        line(`PostgreSQL on loopback, ${n} worker${n > 1 ? "s" : ""} (a pool each)`, await lifecycles(stores));
        await Promise.all(stores.map((s) => s.close()));
      }
    } finally {
      await pg.close();
    }
  } else console.log("PostgreSQL: skipped (apt-get install postgresql)");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
