import express from "express";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { STATUS, errorHandler } from "../../src/api/error-handler.ts";
import {
  type AppError,
  ConflictError,
  InfeasibleError,
  ModelFitError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../../src/errors.ts";
import { silentLogger, testApp } from "../helpers/app.ts";

const t = await testApp();
afterAll(() => t.close());

describe("meta endpoints", () => {
  it("When /healthz is asked, then it names the version, tfjs backend and store", async () => {
    const res = await request(t.app).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", version: expect.any(String), tfBackend: "cpu", store: { kind: t.store.kind, location: t.store.location } });
  });

  it("When /openapi.json is asked, then every route and its problem responses are documented", async () => {
    const doc = (await request(t.app).get("/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    for (const p of ["/v1/datasets", "/v1/datasets/{id}", "/v1/datasets/{id}/rows", "/v1/datasets/{id}/profile", "/v1/jobs/{id}", "/healthz"]) {
      expect(Object.keys(doc.paths)).toContain(p);
    }
    expect(Object.keys(doc.paths["/v1/datasets"].post.requestBody.content)).toEqual(["application/json", "text/csv"]);
    expect(doc.paths["/v1/datasets"].post.responses["400"].content["application/problem+json"]).toBeDefined();
  });

  it("When /docs is opened, then Swagger UI is served from the installed package, with no inline script (the CSP forbids them)", async () => {
    const page = await request(t.app).get("/docs");
    expect(page.text).toContain('<script src="/docs/init.js"></script>');
    expect(page.headers["content-security-policy"]).toContain("script-src 'self'");
    expect((await request(t.app).get("/docs/init.js")).text).toContain("/openapi.json");
    expect((await request(t.app).get("/docs/assets/swagger-ui-bundle.js")).status).toBe(200);
  });

  it("When a route does not exist, then 404 problem+json", async () => {
    const res = await request(t.app).get("/v1/nothing");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
  });

  it("When a job id is unknown or finished, then GET 404s and DELETE 404s or 409s", async () => {
    expect((await request(t.app).get("/v1/jobs/job_nope")).status).toBe(404);
    expect((await request(t.app).delete("/v1/jobs/job_nope")).status).toBe(404);
    const job = await t.store.jobs.create("diagnostic-sleep", {});
    await t.store.jobs.markRunning(job.jobId);
    await t.store.jobs.succeed(job.jobId, { ok: 1 });
    expect((await request(t.app).delete(`/v1/jobs/${job.jobId}`)).status).toBe(409);
  });
});

describe("error handler", () => {
  const cases: [AppError, number][] = [
    [new ValidationError("v"), 400],
    [new NotFoundError("n"), 404],
    [new ConflictError("c"), 409],
    [new PayloadTooLargeError("p"), 413],
    [new UnsupportedMediaTypeError("u"), 415],
    [new ModelFitError("m"), 422],
    [new InfeasibleError("i"), 422],
  ];
  it.each(cases)("When a %s is thrown, then the status is %i with problem+json", async (err, status) => {
    expect(STATUS[err.code]).toBe(status);
    const app = express();
    app.get("/", () => {
      throw err;
    });
    app.use(errorHandler(silentLogger));
    const res = await request(app).get("/");
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ type: `https://mixcast.dev/problems/${err.code}`, status, detail: err.message });
  });

  it("When a bug throws, then 500 says nothing of its internals", async () => {
    const app = express();
    app.get("/", () => {
      throw new TypeError("secret internal detail at /src/x.ts:12");
    });
    app.use(errorHandler(silentLogger));
    const res = await request(app).get("/");
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain("secret");
  });
});
