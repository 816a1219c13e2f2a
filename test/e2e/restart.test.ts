import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startServerProcess, type ServerProcess } from "../helpers/server-process.ts";
import { waitFor } from "../helpers/app.ts";

const dataDir = mkdtempSync(join(tmpdir(), "mixcast-e2e-"));
const env = { MIXCAST_DATA_DIR: dataDir, MIXCAST_DIAGNOSTIC_JOBS: "true", MIXCAST_JOB_CONCURRENCY: "1" };
const started: ServerProcess[] = [];
afterAll(() => {
  for (const s of started) s.child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe("a real server process killed and restarted", () => {
  it("When SIGKILLed mid-upload and mid-job, then acknowledged data survives, the partial upload leaves nothing and the job is failed", async () => {
    const a = await startServerProcess(env);
    started.push(a);
    // first start loads the bundled samples
    const samples = await json(`${a.url}/v1/datasets`);
    expect(samples.body.items.map((d: { name: string }) => d.name)).toEqual([
      "sample-daily-sales",
      "hospital-campaign",
      "marketing-promotion",
      "islr-advertising",
    ]);

    // the service answers statistics in a real process (module loading as in production, not under vitest)
    const hospitalId = samples.body.items[1].id;
    const tukey = await json(`${a.url}/v1/analyses/tukey`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ datasetId: hospitalId, value: "Amount_Collected", group: "Client_Type" }),
    });
    expect(tukey.status).toBe(200);
    const roi = await json(`${a.url}/v1/roi`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ datasetId: hospitalId, target: "Amount_Collected", tactics: ["Sales_Contact_2"], segment: "Client_Type" }),
    });
    expect(roi.status).toBe(200);

    const acked = await json(`${a.url}/v1/datasets?name=acked`, { method: "POST", headers: { "content-type": "text/csv" }, body: "x,y\n1,2\n3,4\n" });
    expect(acked.status).toBe(201);
    const job = await json(`${a.url}/v1/diagnostics/sleep`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect(job.status).toBe(202);
    await waitFor(async () => (await json(`${a.url}/v1/jobs/${job.body.jobId}`)).body.status === "running" || undefined);

    // an upload that has sent half its body when the server dies
    const { hostname, port } = new URL(a.url);
    const req = httpRequest({
      hostname,
      port,
      path: "/v1/datasets?name=partial",
      method: "POST",
      headers: { "content-type": "text/csv", "content-length": 2_000_000 },
    });
    req.on("error", () => {}); // the connection dies with the server
    req.write(`x,y\n${"5,6\n".repeat(200_000)}`);
    await new Promise((r) => setTimeout(r, 200));

    a.child.kill("SIGKILL");
    expect(await a.exited).toBe("SIGKILL");

    const b = await startServerProcess(env);
    started.push(b);
    const list = await json(`${b.url}/v1/datasets`);
    const names = list.body.items.map((d: { name: string }) => d.name);
    expect(names).toContain("acked");
    expect(names).not.toContain("partial");
    expect(list.body.total).toBe(5); // samples are not loaded twice
    const after = await json(`${b.url}/v1/datasets/${acked.body.id}/rows`);
    expect(after.body.rows).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const failed = await json(`${b.url}/v1/jobs/${job.body.jobId}`);
    expect(failed.body).toMatchObject({ status: "failed", error: { code: "interrupted" } });

    // a graceful stop (SIGTERM) ends a running job as failed too, and exits cleanly
    const job2 = await json(`${b.url}/v1/diagnostics/sleep`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seconds: 60 }),
    });
    await waitFor(async () => (await json(`${b.url}/v1/jobs/${job2.body.jobId}`)).body.status === "running" || undefined);
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
    const c = await startServerProcess(env);
    started.push(c);
    expect((await json(`${c.url}/v1/jobs/${job2.body.jobId}`)).body).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    const health = await json(`${c.url}/healthz`);
    expect(health.body).toMatchObject({ status: "ok", store: { kind: "sqlite", location: dataDir } });
    c.child.kill("SIGTERM");
    expect(await c.exited).toBe(0);
  }, 90_000);

  it("When killed during LSTM training, then after a restart the job is failed, no half-trained model or forecast is stored, and the same request trains again", async () => {
    const a = await startServerProcess(env);
    started.push(a);
    const sample = (await json(`${a.url}/v1/datasets`)).body.items.find((d: { name: string }) => d.name === "sample-daily-sales");
    const body = JSON.stringify({
      datasetId: sample.id,
      date: "date",
      target: "sales",
      segment: "segment",
      horizon: 14,
      folds: 1,
      network: { maxEpochs: 3, units: 4 },
    });
    const post = (url: string) => json(`${url}/v1/forecasts`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const job = await post(a.url);
    expect(job.status).toBe(202);
    await waitFor(async () => /epoch/.test((await json(`${a.url}/v1/jobs/${job.body.jobId}`)).body.progress?.message ?? "") || undefined, 60_000, 20);
    a.child.kill("SIGKILL");
    expect(await a.exited).toBe("SIGKILL");

    const b = await startServerProcess(env);
    started.push(b);
    expect((await json(`${b.url}/v1/jobs/${job.body.jobId}`)).body).toMatchObject({ status: "failed", error: { code: "interrupted" } });
    expect((await json(`${b.url}/v1/forecasts`)).body.items).toEqual([]);
    const again = await post(b.url);
    const done = await waitFor(
      async () => {
        const j = (await json(`${b.url}/v1/jobs/${again.body.jobId}`)).body;
        return ["succeeded", "failed"].includes(j.status) ? j : undefined;
      },
      120_000,
      200,
    );
    expect(done.status).toBe("succeeded");
    expect(done.result.reusedModel).toBe(false); // nothing half-trained was kept to reuse
    b.child.kill("SIGTERM");
    expect(await b.exited).toBe(0);
  }, 180_000);
});
