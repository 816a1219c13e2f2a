import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selectTfBackend } from "../../src/forecast/tf-backend.ts";
import { finishedJob, testApp } from "../helpers/app.ts";

// Every route's real answer, validated against the OpenAPI document the service itself publishes.
const t = await testApp({}, { backend: "wasm", notes: [] });
type Answer = { method: string; path: string; status: number; body: unknown };
const answers: Answer[] = [];

async function call(method: "get" | "post" | "delete", template: string, url: string, body?: object): Promise<request.Response> {
  const r = body ? await request(t.app)[method](url).send(body) : await request(t.app)[method](url);
  answers.push({ method, path: template, status: r.status, body: r.body });
  return r;
}
const upload = async (file: string, name: string) => {
  const r = await request(t.app)
    .post(`/v1/datasets?name=${name}`)
    .type("text/csv")
    .send(readFileSync(new URL(`../../data/${file}`, import.meta.url)));
  answers.push({ method: "post", path: "/v1/datasets", status: r.status, body: r.body });
  return r.body.id as string;
};

beforeAll(async () => {
  await selectTfBackend("wasm");
  const sample = await upload("sample-daily-sales.csv", "sample");
  const robyn = await upload("robyn-simulated-weekly/dt_simulated_weekly.csv", "robyn");
  const hospital = await upload("hospital-campaign/Campaign-Data.raw.csv", "hospital");
  const tv = await upload("marketing-promotion-tv-radio/marketing_sales_data.csv", "tv");
  await call("get", "/healthz", "/healthz");
  await call("get", "/v1/session", "/v1/session");
  await call("get", "/v1/datasets", "/v1/datasets");
  await call("get", "/v1/datasets/{id}", `/v1/datasets/${sample}`);
  await call("get", "/v1/datasets/{id}/rows", `/v1/datasets/${sample}/rows?limit=3`);
  const profile = await call("post", "/v1/datasets/{id}/profile", `/v1/datasets/${hospital}/profile`, { segment: "Client_Type" });
  await finishedJob(t.app, profile.body.jobId);
  await call("get", "/v1/jobs", "/v1/jobs");
  await call("get", "/v1/jobs/{id}", `/v1/jobs/${profile.body.jobId}`);
  await call("get", "/v1/jobs/{id}/result", `/v1/jobs/${profile.body.jobId}/result`);
  const sleep = await call("post", "/v1/diagnostics/sleep", "/v1/diagnostics/sleep", { seconds: 60 });
  await call("delete", "/v1/jobs/{id}", `/v1/jobs/${sleep.body.jobId}`);
  const ols = await call("post", "/v1/regressions", "/v1/regressions", {
    datasetId: hospital,
    formula: "Amount_Collected ~ Campaign_Email + Campaign_Flyer",
    by: "Client_Type",
  });
  await call("get", "/v1/regressions/{id}", `/v1/regressions/${ols.body.id}`);
  await call("post", "/v1/regressions/{id}/predict", `/v1/regressions/${ols.body.id}/predict`, {
    rows: [{ Campaign_Email: 1, Campaign_Flyer: 2 }],
    segment: "Large Facility",
  });
  await call("post", "/v1/roi", "/v1/roi", {
    datasetId: hospital,
    target: "Amount_Collected",
    tactics: ["Campaign_Email", "Campaign_Flyer", "Sales_Contact_1"],
    by: "Client_Type",
  });
  await call("post", "/v1/analyses/anova", "/v1/analyses/anova", { datasetId: hospital, value: "Amount_Collected", group: "Client_Type" });
  await call("post", "/v1/analyses/tukey", "/v1/analyses/tukey", { datasetId: hospital, value: "Amount_Collected", group: "Client_Type" });
  await call("post", "/v1/analyses/ttest", "/v1/analyses/ttest", {
    kind: "welch",
    datasetId: hospital,
    value: "Amount_Collected",
    group: "Client_Type",
    a: "Large Facility",
    b: "Small Facility",
  });
  await call("post", "/v1/analyses/chisquare", "/v1/analyses/chisquare", {
    table: [
      [120, 880],
      [150, 850],
    ],
  });
  await call("post", "/v1/analyses/proportions", "/v1/analyses/proportions", { successes: [120, 150], trials: [1000, 1000] });
  await call("post", "/v1/analyses/correlation", "/v1/analyses/correlation", { datasetId: tv, columns: ["Radio", "Sales"] });
  await call("post", "/v1/analyses/logit", "/v1/analyses/logit", { datasetId: tv, formula: "TV ~ Radio", positive: "High" });
  await call("post", "/v1/analyses/kmeans", "/v1/analyses/kmeans", { datasetId: tv, columns: ["Radio", "Social Media"], kMax: 3 });
  const mmm = await call("post", "/v1/mmm", "/v1/mmm", {
    datasetId: robyn,
    date: "DATE",
    target: "revenue",
    channels: ["tv_S", "search_S"],
    method: "fast",
    searchSize: 10,
    refineRounds: 0,
    bootstrap: 0,
  });
  const mmmJob = await finishedJob(t.app, mmm.body.jobId);
  const mmmId = mmmJob.result.modelId as string;
  await call("get", "/v1/mmm/{id}", `/v1/mmm/${mmmId}`);
  await call("get", "/v1/mmm/{id}/curves", `/v1/mmm/${mmmId}/curves`);
  const forecast = await call("post", "/v1/forecasts", "/v1/forecasts", {
    datasetId: sample,
    date: "date",
    target: "sales",
    segment: "segment",
    horizon: 14,
    folds: 1,
    network: { maxEpochs: 1, units: 4 },
  });
  const fJob = await finishedJob(t.app, forecast.body.jobId);
  await call("get", "/v1/forecasts", "/v1/forecasts");
  await call("get", "/v1/forecasts/{id}", `/v1/forecasts/${fJob.result.forecastId}`);
  const allocation = await call("post", "/v1/allocations", "/v1/allocations", { mmmId, budget: { total: 500_000 } });
  await call("get", "/v1/allocations/{id}", `/v1/allocations/${allocation.body.id}`);
  await call("get", "/v1/scenarios", `/v1/scenarios?mmmId=${mmmId}&spend.tv_S=1000`);
  await call("post", "/v1/scenarios", "/v1/scenarios", { mmmId, plans: [{ name: "more tv", spend: [{ channel: "tv_S", amount: 2000 }] }] });
}, 240_000);
afterAll(() => t.close());

describe("the OpenAPI document describes every answer", () => {
  it("When every route has been called, then each gave a 2xx, and every operation in the document was exercised", async () => {
    const doc = (await request(t.app).get("/openapi.json")).body;
    const operations = Object.entries<Record<string, unknown>>(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const called = new Set(answers.map((a) => `${a.method} ${a.path}`));
    // DELETE /v1/datasets/{id} answers 204 with no body: nothing to validate
    expect(operations.filter((o) => !called.has(o) && o !== "delete /v1/datasets/{id}")).toEqual([]);
    for (const a of answers) expect(a.status, `${a.method} ${a.path}: ${JSON.stringify(a.body).slice(0, 300)}`).toBeLessThan(300);
  });

  it("When each answer is checked against its operation's 2xx JSON schema in /openapi.json, then all validate (and a broken answer does not)", async () => {
    const doc = (await request(t.app).get("/openapi.json")).body;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: "openapi.json" });
    const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
    const failures: string[] = [];
    for (const a of answers) {
      const op = doc.paths[a.path][a.method];
      const content = op.responses[String(a.status)]?.content?.["application/json"];
      if (!content?.schema) {
        failures.push(`${a.method} ${a.path} ${a.status}: no JSON schema in the document`);
        continue;
      }
      const validate = ajv.compile({
        $ref: `openapi.json#/${pointer("paths", a.path, a.method, "responses", String(a.status), "content", "application/json", "schema")}`,
      });
      if (!validate(a.body)) failures.push(`${a.method} ${a.path}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
    // the check can fail: a forecast without its forecasts is refused
    const forecast = answers.find((a) => a.path === "/v1/forecasts/{id}")!;
    const validate = ajv.compile({
      $ref: `openapi.json#/${pointer("paths", "/v1/forecasts/{id}", "get", "responses", "200", "content", "application/json", "schema")}`,
    });
    expect(validate({ ...(forecast.body as object), forecasts: "none" })).toBe(false);
  });
});
