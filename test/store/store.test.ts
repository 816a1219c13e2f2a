import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import { loadSamplesOnce, SAMPLES } from "../../src/store/samples.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { inWorkspace } from "../../src/store/workspace.ts";
import { postgresAvailable, startPostgres, type TestPostgres } from "../helpers/postgres.ts";
import { testStore } from "../helpers/store.ts";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "mixcast-store-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CSV = "date,seg,sales\n2024-01-01,A,1.5\n2024-01-02,A,\n";

describe("store on SQLite", () => {
  it("When opened on disk, then it is in WAL mode with every migration applied", async () => {
    const { store } = await openStore(tempDir());
    expect(store.kind).toBe("sqlite");
    expect(store.sqlite!.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.sqlite!.pragma("synchronous", { simple: true })).toBe(2); // FULL
    expect(store.sqlite!.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    await store.close();
  });
});

let pg: TestPostgres | undefined;
const withPostgres = postgresAvailable();
beforeAll(async () => {
  if (withPostgres) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.close();
});

/** The same suite on both stores: a SQLite folder, and a fresh PostgreSQL database per test. */
const KINDS = [
  { kind: "sqlite", location: async () => tempDir() },
  ...(withPostgres ? [{ kind: "postgres", location: () => pg!.freshDatabase() }] : []),
] as const;

describe.each(KINDS)("store on $kind", ({ kind, location }) => {
  const open: Store[] = [];
  const opened = async (where: string, opts: { recoverJobs?: boolean } = {}) => {
    const o = await openStore(where, opts);
    open.push(o.store);
    return o;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it("When a dataset is stored and the store reopened, then its values come back identical", async () => {
    const where = await location();
    const ds = csvToDataset(CSV, { name: "t", minRows: 1 });
    const first = (await opened(where)).store;
    expect(first.kind).toBe(kind);
    const rec = await first.datasets.add(ds, CSV);
    await first.close();
    open.length = 0;
    const again = (await opened(where)).store;
    expect(await again.datasets.get(rec.id)).toEqual(rec);
    expect((await again.datasets.list()).total).toBe(1);
    const loaded = (await again.datasets.load(rec.id))!;
    expect(loaded.columns).toEqual(ds.columns);
    expect(await again.datasets.delete(rec.id)).toBe(true);
    expect(await again.datasets.get(rec.id)).toBeUndefined();
  });

  it("When a model save fails part-way, then neither the model nor any artefact is left; a good one keeps its bytes", async () => {
    const { store } = await opened(await location());
    const artifact = { name: "weights.bin", contentType: "application/octet-stream", bytes: new Uint8Array([1, 2, 3, 0, 255]) };
    await expect(store.models.save({ kind: "lstm", datasetId: null, schemaVersion: 1, spec: {}, result: {}, artifacts: [artifact, artifact] })).rejects.toThrow(
      /UNIQUE|duplicate key/,
    );
    expect(await store.models.list()).toEqual([]);
    const saved = await store.models.save({
      kind: "lstm",
      datasetId: null,
      schemaVersion: 1,
      spec: { trainingKey: "k1" },
      result: { b: 2 },
      artifacts: [artifact, { ...artifact, name: "a.json" }],
    });
    expect(saved.artifactNames).toEqual(["a.json", "weights.bin"]);
    expect(await store.models.get(saved.id)).toEqual(saved);
    expect((await store.models.artifacts(saved.id))[1]!.bytes).toEqual(artifact.bytes);
    expect((await store.models.findByTrainingKey("lstm", "k1"))?.id).toBe(saved.id);
    expect(await store.models.findByTrainingKey("lstm", "k2")).toBeUndefined();
    expect((await store.models.list("lstm")).map((m) => m.id)).toEqual([saved.id]);
    expect(await store.models.list("ols")).toEqual([]);
  });

  it("When a transaction throws, then none of its writes is kept", async () => {
    const { store } = await opened(await location());
    const ds = csvToDataset(CSV, { name: "t", minRows: 1 });
    await expect(
      store.transaction(async (tx) => {
        await tx.datasets.add(ds, CSV);
        await tx.models.save({ kind: "ols", datasetId: null, schemaVersion: 1, spec: {}, result: {} });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await store.datasets.list()).total).toBe(0);
    expect(await store.models.list()).toEqual([]);
  });

  it("When the service reopens the store after a crash, then jobs left queued or running are failed with a reason", async () => {
    const where = await location();
    const first = (await opened(where)).store;
    const running = await first.jobs.create("diagnostic-sleep", { seconds: 5 });
    await first.jobs.markRunning(running.jobId);
    const queued = await first.jobs.create("diagnostic-sleep", { seconds: 5 });
    const done = await first.jobs.create("diagnostic-sleep", { seconds: 0 });
    await first.jobs.markRunning(done.jobId);
    await first.jobs.succeed(done.jobId, { ok: true });
    // the CLI opens the store beside a running service: it leaves the service's jobs alone
    const cli = await opened(where);
    expect(cli.interruptedJobs).toBe(0);
    expect((await cli.store.jobs.get(running.jobId))?.status).toBe("running");
    const { store, interruptedJobs } = await opened(where, { recoverJobs: true });
    expect(interruptedJobs).toBe(2);
    for (const id of [running.jobId, queued.jobId]) {
      expect(await store.jobs.get(id)).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    }
    expect(await store.jobs.get(done.jobId)).toMatchObject({ status: "succeeded", result: { ok: true } });
  });

  it("When a job is finished, then later transitions do not apply; progress never goes back; a dataset's active jobs are found", async () => {
    const { store } = await opened(await location());
    const j = await store.jobs.create("x", { datasetId: "ds_1" });
    expect(await store.jobs.succeed(j.jobId, 1)).toBe(false); // not running yet
    expect((await store.jobs.activeOn("ds_1")).map((x) => x.jobId)).toEqual([j.jobId]);
    expect(await store.jobs.markRunning(j.jobId)).toBe(true);
    expect(await store.jobs.setProgress(j.jobId, 0.5, "half")).toBe(true);
    await store.jobs.setProgress(j.jobId, 0.25, "a shard behind");
    expect((await store.jobs.get(j.jobId))?.progress).toEqual({ fraction: 0.5, message: "a shard behind" });
    expect(await store.jobs.cancel(j.jobId)).toBe(true);
    expect(await store.jobs.succeed(j.jobId, 1)).toBe(false);
    expect((await store.jobs.get(j.jobId))?.status).toBe("cancelled");
    expect(await store.jobs.activeOn("ds_1")).toEqual([]);
  });

  it("When a queue worker claims a job twice, then the second run has the next attempt and only it may succeed", async () => {
    const { store } = await opened(await location());
    const j = await store.jobs.create("x", {});
    expect(await store.jobs.claim(j.jobId)).toBe(1);
    expect(await store.jobs.claim(j.jobId)).toBe(2);
    expect(await store.jobs.succeed(j.jobId, "late", 1)).toBe(false);
    expect(await store.jobs.succeed(j.jobId, "latest", 2)).toBe(true);
    expect(await store.jobs.claim(j.jobId)).toBeNull();
    expect((await store.jobs.get(j.jobId))?.result).toBe("latest");
  });

  it("When rows are written in one workspace, then another workspace sees none of them", async () => {
    const { store } = await opened(await location());
    const ds = csvToDataset(CSV, { name: "t", minRows: 1 });
    const rec = await inWorkspace("team-a", () => store.datasets.add(ds, CSV));
    const job = await inWorkspace("team-a", () => store.jobs.create("x", {}));
    await inWorkspace("team-b", async () => {
      expect(await store.datasets.get(rec.id)).toBeUndefined();
      expect(await store.datasets.delete(rec.id)).toBe(false);
      expect(await store.jobs.get(job.jobId)).toBeUndefined();
      expect((await store.datasets.list()).total).toBe(0);
    });
    expect(await inWorkspace("team-a", () => store.datasets.get(rec.id))).toEqual(rec);
  });

  it("When a key is created, then its token verifies until it is revoked; only a hash of the secret is stored", async () => {
    const { store } = await opened(await location());
    const { key, token } = await store.keys.create("team-a", "etl", ["write", "write", "read"]);
    expect(key.scopes).toEqual(["write", "read"]);
    expect(await store.keys.activeCount()).toBe(1);
    expect(await store.keys.verify(token)).toEqual(key);
    expect(await store.keys.verify(`${token.slice(0, -1)}x`)).toBeNull();
    // the secret is everything after mxk_<id>_ (base64url, so it may hold "_" itself)
    const secret = token.slice(`mxk_${key.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(await store.keys.list())).not.toContain(secret);
    expect(await store.keys.revoke(key.id)).toBe(true);
    expect(await store.keys.revoke(key.id)).toBe(false);
    expect(await store.keys.verify(token)).toBeNull();
    expect(await store.keys.activeCount()).toBe(0);
  });

  it("When two processes open a new store at once and load the samples, then it is migrated once and the samples are loaded once", async () => {
    const where = await location();
    const [a, b] = await Promise.all([opened(where), opened(where)]);
    // on SQLite the two are one process here, whose connections would wait on each other's transaction: in turn
    const loaded =
      kind === "postgres"
        ? await Promise.all([loadSamplesOnce(a.store), loadSamplesOnce(b.store)])
        : [await loadSamplesOnce(a.store), await loadSamplesOnce(b.store)];
    expect(loaded.flat().sort()).toEqual(SAMPLES.map((s) => s.options.name).sort());
    expect((await a.store.datasets.list()).total).toBe(SAMPLES.length);
    expect(await loadSamplesOnce(b.store)).toEqual([]);
  }, 60_000);
});

describe.runIf(withPostgres)("store on PostgreSQL, crashed", () => {
  it("When the server is killed right after a write was acknowledged, then the write is there when it comes back", async () => {
    const where = await pg!.freshDatabase();
    const { store } = await openStore(where);
    const ds = csvToDataset(CSV, { name: "t", minRows: 1 });
    const rec = await store.datasets.add(ds, CSV);
    const job = await store.jobs.create("x", {});
    await store.jobs.markRunning(job.jobId);
    await store.jobs.succeed(job.jobId, { ok: 1 });
    await pg!.crashAndRestart();
    // the pool's connections died with the server: the store reconnects on the next query
    const again = (await openStore(where)).store;
    expect(await again.datasets.get(rec.id)).toEqual(rec);
    expect(await again.jobs.get(job.jobId)).toMatchObject({ status: "succeeded", result: { ok: 1 } });
    await again.close();
    await store.close();
  }, 60_000);
});

describe("the test stores", () => {
  it("When the run asks for PostgreSQL (MIXCAST_TEST_STORE=postgres), then the API and job tests get PostgreSQL stores, else in-memory SQLite", async () => {
    const store = await testStore();
    expect(store.kind).toBe(process.env.MIXCAST_TEST_STORE === "postgres" ? "postgres" : "sqlite");
    await store.close();
  });
});
