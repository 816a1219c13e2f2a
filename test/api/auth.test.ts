import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pino } from "pino";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app.ts";
import { ThreadJobRunner } from "../../src/jobs/runner.ts";
import { testStore } from "../helpers/store.ts";
import { testApp, waitFor } from "../helpers/app.ts";

const ADVERTISING = readFileSync(new URL("../../data/islr-advertising/Advertising.csv", import.meta.url));

describe("API keys beyond loopback", async () => {
  const lines: string[] = [];
  const store = await testStore();
  const logger = pino({ level: "info" }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }));
  const jobs = new ThreadJobRunner({ store, concurrency: 1, logger });
  const config = {
    MIXCAST_MAX_UPLOAD_MB: 50,
    MIXCAST_MAX_JSON_MB: 50,
    MIXCAST_JOB_CONCURRENCY: 1,
    MIXCAST_DIAGNOSTIC_JOBS: false,
    HOST: "0.0.0.0",
    MIXCAST_AUTH: "auto" as const,
    MIXCAST_KEY_CACHE_MS: 0,
  };
  const app = createApp({ config, store, jobs, logger, tf: { backend: "cpu", notes: [] } });
  afterAll(async () => {
    await jobs.close();
    await store.close();
  });

  it("When the dashboard asks GET /v1/session, then it learns that a key is needed and what each key may do; its static files need no key", async () => {
    expect((await request(app).get("/v1/session")).status).toBe(401);
    const viewer = (await store.keys.create("default", "viewer", ["read"])).token;
    const planner = (await store.keys.create("default", "planner", ["write"])).token;
    expect((await request(app).get("/v1/session").set("Authorization", `Bearer ${viewer}`)).body).toEqual({ authRequired: true, scopes: ["read"] });
    expect((await request(app).get("/v1/session").set("Authorization", `Bearer ${planner}`)).body).toEqual({ authRequired: true, scopes: ["write"] });
    for (const path of ["/", "/app/main.js", "/style.css", "/vendor/vega.min.js"]) expect((await request(app).get(path)).status, path).toBe(200);
    expect((await request(app).get("/vendor/anything.js")).status).toBe(401); // only the three chart builds are served there
    await store.keys.revoke((await store.keys.list()).find((k) => k.name === "viewer")!.id);
    await store.keys.revoke((await store.keys.list()).find((k) => k.name === "planner")!.id);
  });

  it("When no key is sent, then every route but /healthz answers 401 problem+json, even before any key exists", async () => {
    expect(await store.keys.activeCount()).toBe(0);
    const res = await request(app).get("/v1/datasets");
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toContain("Bearer");
    expect((await request(app).get("/openapi.json")).status).toBe(401);
    expect((await request(app).get("/healthz")).status).toBe(200);
  });

  it("When two workspaces have keys, then each sees only its own data: a foreign id is 404, not 403, jobs and models included", async () => {
    const a = (await store.keys.create("team-a", "a", ["write"])).token;
    const b = (await store.keys.create("team-b", "b", ["write"])).token;
    const up = await request(app).post("/v1/datasets?name=ads").set("Authorization", `Bearer ${a}`).type("text/csv").send(ADVERTISING);
    expect(up.status).toBe(201);
    expect((await request(app).get(`/v1/datasets/${up.body.id}`).set("Authorization", `Bearer ${a}`)).status).toBe(200);
    const foreign = await request(app).get(`/v1/datasets/${up.body.id}`).set("Authorization", `Bearer ${b}`);
    expect(foreign.status).toBe(404);
    expect((await request(app).get("/v1/datasets").set("Authorization", `Bearer ${b}`)).body.items).toEqual([]);
    const fit = await request(app).post("/v1/regressions").set("Authorization", `Bearer ${a}`).send({ datasetId: up.body.id, formula: "Sales ~ TV" });
    expect((await request(app).get(`/v1/regressions/${fit.body.id}`).set("Authorization", `Bearer ${b}`)).status).toBe(404);
    // a job's result is saved in its submitter's workspace, though the worker's answer arrives outside the request
    const job = await request(app).post(`/v1/datasets/${up.body.id}/profile`).set("Authorization", `Bearer ${a}`).send({});
    const done = await waitFor(async () => {
      const r = await request(app).get(`/v1/jobs/${job.body.jobId}`).set("Authorization", `Bearer ${a}`);
      return r.body.status === "succeeded" ? r.body : undefined;
    }, 30_000);
    expect(done.result.numeric.length).toBeGreaterThan(0);
    expect((await request(app).get(`/v1/jobs/${job.body.jobId}`).set("Authorization", `Bearer ${b}`)).status).toBe(404);
  }, 60_000);

  it("When a key lacks the scope, then 403 says which scope is needed; read keys may query, scenarios included", async () => {
    const read = (await store.keys.create("team-a", "sheet", ["read"])).token;
    const res = await request(app).post("/v1/datasets?name=x").set("Authorization", `Bearer ${read}`).type("text/csv").send(ADVERTISING);
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe("This key has scope read; POST /v1/datasets needs write.");
    expect((await request(app).get("/v1/datasets").set("Authorization", `Bearer ${read}`)).status).toBe(200);
    expect(
      (
        await request(app)
          .post("/v1/scenarios")
          .set("Authorization", `Bearer ${read}`)
          .send({ mmmId: "mdl_none", plans: [{ name: "p", spend: [] }] })
      ).status,
    ).toBe(404);
    expect((await request(app).get("/metrics").set("Authorization", `Bearer ${read}`)).status).toBe(403);
  });

  it("When a read key comes as ?key= on a GET, then it works and never reaches the logs; a write key or a POST that way is refused", async () => {
    const read = (await store.keys.create("team-a", "sheet2", ["read"])).token;
    const write = (await store.keys.create("team-a", "etl", ["write"])).token;
    const ok = await request(app).get(`/v1/datasets?format=csv&key=${read}`);
    expect(ok.status).toBe(200);
    expect(ok.text.split("\r\n")[0]).toBe("id,name,rows,columns,warnings,created_at");
    expect((await request(app).get(`/v1/datasets?key=${write}`)).status).toBe(401);
    expect((await request(app).post(`/v1/scenarios?key=${read}`).send({})).status).toBe(401);
    const wrong = await request(app).get(`/v1/datasets?key=${read}x`);
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(read);
    expect(lines.join("")).not.toContain(read.slice(17));
  });

  it("When a key is revoked, then it is refused", async () => {
    const { key, token } = await store.keys.create("team-a", "temp", ["read"]);
    expect((await request(app).get("/v1/datasets").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    await store.keys.revoke(key.id);
    expect((await request(app).get("/v1/datasets").set("Authorization", `Bearer ${token}`)).status).toBe(401);
  });
});

describe("API keys on loopback", async () => {
  const t = await testApp();
  afterAll(() => t.close());
  it("When no key exists, then the service runs open; once one exists, keys are required", async () => {
    expect((await request(t.app).get("/v1/datasets")).status).toBe(200);
    const { token } = await t.store.keys.create("default", "admin", ["admin"]);
    expect((await request(t.app).get("/v1/datasets")).status).toBe(401);
    expect((await request(t.app).get("/v1/datasets").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    const metrics = await request(t.app).get("/metrics").set("Authorization", `Bearer ${token}`);
    expect(metrics.text).toMatch(/mixcast_http_requests_total\{method="GET",route="\/v1\/datasets",status="200"\} \d+/);
    expect(metrics.text).toContain("mixcast_jobs_queued 0");
  });
});

describe("rate limits", async () => {
  const t = await testApp({ MIXCAST_RATE_LIMIT_PER_MIN: 3 });
  afterAll(() => t.close());
  it("When a client goes over its requests a minute, then 429 problem+json says when to retry", async () => {
    for (let i = 0; i < 3; i++) expect((await request(t.app).get("/v1/datasets")).status).toBe(200);
    const res = await request(t.app).get("/v1/datasets");
    expect(res.status).toBe(429);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["ratelimit-policy"] ?? res.headers.ratelimit).toBeDefined();
    expect(res.body.detail).toContain("More than 3 requests a minute");
  });
});

describe("scenarios across workspaces", async () => {
  it("When one workspace has loaded a model into memory, then another workspace's key still gets 404 for it", async () => {
    const store = await testStore();
    const logger = pino({ level: "silent" });
    const jobs = new ThreadJobRunner({ store, concurrency: 1, logger });
    const app = createApp({
      config: {
        MIXCAST_MAX_UPLOAD_MB: 50,
        MIXCAST_MAX_JSON_MB: 50,
        MIXCAST_JOB_CONCURRENCY: 1,
        MIXCAST_DIAGNOSTIC_JOBS: false,
        HOST: "0.0.0.0",
        MIXCAST_KEY_CACHE_MS: 0,
      },
      store,
      jobs,
      logger,
      tf: { backend: "cpu", notes: [] },
    });
    const a = (await store.keys.create("team-a", "a", ["write"])).token;
    const b = (await store.keys.create("team-b", "b", ["write"])).token;
    const robyn = readFileSync(new URL("../../data/robyn-simulated-weekly/dt_simulated_weekly.csv", import.meta.url));
    const ds = await request(app).post("/v1/datasets?name=robyn").set("Authorization", `Bearer ${a}`).type("text/csv").send(robyn);
    const fit = await request(app)
      .post("/v1/mmm")
      .set("Authorization", `Bearer ${a}`)
      .send({
        datasetId: ds.body.id,
        date: "DATE",
        target: "revenue",
        channels: ["tv_S", "search_S"],
        method: "fast",
        searchSize: 5,
        refineRounds: 0,
        bootstrap: 0,
      });
    const done = await waitFor(async () => {
      const r = await request(app).get(`/v1/jobs/${fit.body.jobId}`).set("Authorization", `Bearer ${a}`);
      return r.body.status === "succeeded" ? r.body : undefined;
    }, 60_000);
    const url = `/v1/scenarios?modelId=${done.result.modelId}&spend.tv_S=1000`;
    expect((await request(app).get(url).set("Authorization", `Bearer ${a}`)).status).toBe(200);
    expect((await request(app).get(url).set("Authorization", `Bearer ${b}`)).status).toBe(404);
    await jobs.close();
    await store.close();
  }, 90_000);
});

describe("key checks from memory", async () => {
  it("When a key was checked a moment ago, then the next requests do not ask the store again until the cache expires", async () => {
    const t = await testApp({ MIXCAST_KEY_CACHE_MS: 60_000 });
    const { key, token } = await t.store.keys.create("default", "k", ["read"]);
    let lookups = 0;
    const verify = t.store.keys.verify.bind(t.store.keys);
    t.store.keys.verify = (tok: string) => (lookups++, verify(tok));
    for (let i = 0; i < 5; i++) expect((await request(t.app).get("/v1/datasets").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    expect(lookups).toBe(1);
    await t.store.keys.revoke(key.id);
    // revoked in the store (as the CLI does from another process): trusted from memory until the cache expires
    expect((await request(t.app).get("/v1/datasets").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    await t.close();
  });
});
