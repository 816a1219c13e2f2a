import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { MIGRATIONS } from "../../src/store/migrations.ts";
import { openStore } from "../../src/store/store.ts";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "mixcast-store-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const CSV = "date,seg,sales\n2024-01-01,A,1.5\n2024-01-02,A,\n";

describe("store", () => {
  it("When opened on disk, then it is in WAL mode with every migration applied", () => {
    const { store } = openStore(tempDir());
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    store.close();
  });

  it("When a dataset is stored and the store reopened, then its values come back identical", () => {
    const dir = tempDir();
    const ds = csvToDataset(CSV, { name: "t", minRows: 1 });
    const first = openStore(dir).store;
    const rec = first.datasets.add(ds, CSV);
    first.close();
    const again = openStore(dir).store;
    expect(again.datasets.get(rec.id)).toEqual(rec);
    const loaded = again.datasets.load(rec.id)!;
    expect(loaded.columns).toEqual(ds.columns);
    expect(again.datasets.delete(rec.id)).toBe(true);
    expect(again.datasets.get(rec.id)).toBeUndefined();
    again.close();
  });

  it("When a model save fails part-way, then neither the model nor any artefact is left", () => {
    const { store } = openStore(":memory:");
    const artifact = { name: "weights.bin", contentType: "application/octet-stream", bytes: new Uint8Array([1, 2, 3]) };
    expect(() => store.models.save({ kind: "lstm", datasetId: null, schemaVersion: 1, spec: {}, result: {}, artifacts: [artifact, artifact] })).toThrow(
      /UNIQUE/,
    );
    expect(store.models.list()).toEqual([]);
    expect(store.db.prepare("SELECT count(*) AS n FROM model_artifacts").get()).toEqual({ n: 0 });
    const saved = store.models.save({ kind: "lstm", datasetId: null, schemaVersion: 1, spec: { a: 1 }, result: { b: 2 }, artifacts: [artifact] });
    expect(saved.artifactNames).toEqual(["weights.bin"]);
    expect(store.models.artifacts(saved.id)[0]!.bytes).toEqual(artifact.bytes);
    store.close();
  });

  it("When the service reopens the store after a crash, then jobs left queued or running are failed with a reason", () => {
    const dir = tempDir();
    const first = openStore(dir).store;
    const running = first.jobs.create("diagnostic-sleep", { seconds: 5 });
    first.jobs.markRunning(running.jobId);
    const queued = first.jobs.create("diagnostic-sleep", { seconds: 5 });
    const done = first.jobs.create("diagnostic-sleep", { seconds: 0 });
    first.jobs.markRunning(done.jobId);
    first.jobs.succeed(done.jobId, { ok: true });
    first.close();
    // the CLI opens the store beside a running service: it leaves the service's jobs alone
    const cli = openStore(dir);
    expect(cli.interruptedJobs).toBe(0);
    expect(cli.store.jobs.get(running.jobId)?.status).toBe("running");
    cli.store.close();
    const { store, interruptedJobs } = openStore(dir, { recoverJobs: true });
    expect(interruptedJobs).toBe(2);
    for (const id of [running.jobId, queued.jobId]) {
      expect(store.jobs.get(id)).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    }
    expect(store.jobs.get(done.jobId)).toMatchObject({ status: "succeeded", result: { ok: true } });
    store.close();
  });

  it("When a job is finished, then later transitions do not apply", () => {
    const { store } = openStore(":memory:");
    const j = store.jobs.create("x", {});
    expect(store.jobs.succeed(j.jobId, 1)).toBe(false); // not running yet
    expect(store.jobs.markRunning(j.jobId)).toBe(true);
    expect(store.jobs.cancel(j.jobId)).toBe(true);
    expect(store.jobs.succeed(j.jobId, 1)).toBe(false);
    expect(store.jobs.get(j.jobId)?.status).toBe("cancelled");
    store.close();
  });
});
