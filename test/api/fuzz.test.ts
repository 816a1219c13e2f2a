import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";

/**
 * 10,000 generated bad requests across every endpoint in the OpenAPI document: hostile path ids, query strings,
 * JSON bodies (valid bodies with one field replaced, random JSON, prototype keys, huge numbers), malformed JSON and
 * wrong content types. No answer may be a 5xx; every error is problem+json with its status, and a 400 names the
 * field at fault.
 */
const t = await testApp({ MIXCAST_DIAGNOSTIC_JOBS: false });
let base = "";
let server: ReturnType<typeof t.app.listen>;
let datasetId = "";
let endpoints: { method: string; path: string }[] = [];

beforeAll(async () => {
  datasetId = (
    await request(t.app)
      .post("/v1/datasets?name=ads")
      .type("text/csv")
      .send(readFileSync(new URL("../../data/islr-advertising/Advertising.csv", import.meta.url)))
  ).body.id;
  const doc = (await request(t.app).get("/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
  endpoints = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
  await new Promise<void>((resolve) => (server = t.app.listen(0, "127.0.0.1", () => resolve())));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await t.close();
});

const hostile = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "=cmd|' /C calc'!A0",
    "../../etc/passwd",
    "'; DROP TABLE datasets; --",
    "\u0000",
    "NaN",
    "Infinity",
    "-1",
    "1e309",
    "0x10",
    "[]",
    "{}",
    "%00",
    "😀",
    "a".repeat(5000),
  ),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(null, true, false, -1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.constantFrom("__proto__", "constructor", "x", "datasetId"), fc.string({ maxLength: 5 })),
);
const plausible = {
  datasetId: "ds_x",
  date: "date",
  target: "Sales",
  formula: "Sales ~ TV",
  tactics: ["TV"],
  channels: ["TV"],
  lines: [{ channel: "tv", curve: { form: "hill", coefficient: 1, slope: 1, kappa: 1 } }],
  plans: [{ name: "p", spend: [{ channel: "tv", amount: 1 }] }],
  modelId: "mdl_x",
  rows: [{ TV: 1 }],
  budget: { total: 10 },
};

const requestArb = fc.record({
  endpoint: fc.nat(),
  id: fc.oneof(fc.constant("REAL"), fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom("..", "%2e%2e", "ds_' OR 1=1", "a".repeat(300))),
  query: fc.dictionary(
    fc.oneof(
      fc.constantFrom("limit", "offset", "format", "name", "types", "dateFormats", "modelId", "spend.tv", "key", "periods"),
      fc.string({ maxLength: 8 }),
    ),
    fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("-1", "csv", "0", "1e9", "abc")),
    { maxKeys: 4 },
  ),
  body: fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ field: fc.constantFrom(...Object.keys(plausible)), value: hostile })
        .map(({ field, value }) => JSON.stringify({ ...plausible, [field]: value })),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constantFrom("{", '{"a":', "null", "[]", '{"__proto__": {"polluted": 1}}', "x".repeat(100)) },
  ),
  contentType: fc.constantFrom("application/json", "application/json", "application/json", "text/csv", "application/xml", "text/plain; charset=latin1", ""),
});

describe("fuzzing every endpoint", () => {
  it("When 10,000 generated bad requests arrive, then none gets a 5xx and every error is problem+json naming what is wrong", async () => {
    const seen = new Map<number, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const e = endpoints[r.endpoint % endpoints.length]!;
        // the real id is never sent to DELETE: the dataset must still be whole at the end
        const id = r.id === "REAL" && e.method !== "DELETE" ? datasetId : encodeURIComponent(r.id === "REAL" ? "ds_missing" : r.id);
        const path = e.path.replace(/\{\w+\}/g, id);
        const qs = new URLSearchParams(r.query as Record<string, string>).toString();
        const hasBody = e.method === "POST" || e.method === "PUT";
        const res = await fetch(`${base}${path}${qs ? `?${qs}` : ""}`, {
          method: e.method,
          ...(hasBody && { body: r.body, headers: r.contentType ? { "content-type": r.contentType } : {} }),
        });
        const text = await res.text();
        sent++;
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(res.status, `${e.method} ${path}?${qs} ${r.body.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get("content-type"), `${e.method} ${path}`).toMatch(/^application\/problem\+json/);
          const problem = JSON.parse(text) as { status: number; detail: string; issues?: { path: unknown[] }[] };
          expect(problem.status).toBe(res.status);
          expect(problem.detail.length).toBeGreaterThan(0);
          if (res.status === 400 && !/JSON body could not be parsed|Request aborted/.test(problem.detail)) {
            expect(problem.issues?.[0]?.path, `${e.method} ${path}: ${problem.detail}`).toBeDefined();
          }
        }
      }),
      { numRuns: 10_000 },
    );
    expect(sent).toBe(10_000);
    // the requests reach every layer: schema checks (400), lookups (404), content negotiation (415), handlers (200)
    for (const status of [200, 400, 404, 415]) expect(seen.get(status) ?? 0, `status ${status}`).toBeGreaterThan(100);
    // the store took no damage: the dataset is whole and no prototype was polluted
    expect((await request(t.app).get(`/v1/datasets/${datasetId}`)).body.rows).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 300_000);
});
