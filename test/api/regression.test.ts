import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "../helpers/all-close.ts";
import { testApp } from "../helpers/app.ts";

const t = await testApp();
let hospitalId = "";
let islrId = "";
beforeAll(async () => {
  const up = (file: string) =>
    request(t.app)
      .post("/v1/datasets?name=x")
      .type("text/csv")
      .send(readFileSync(new URL(`../../data/${file}`, import.meta.url)));
  hospitalId = (await up("hospital-campaign/Campaign-Data.raw.csv")).body.id;
  islrId = (await up("islr-advertising/Advertising.csv")).body.id;
});
afterAll(() => t.close());

const HF =
  "Amount_Collected ~ Campaign_Email + Campaign_Flyer + Campaign_Phone + Sales_Contact_1 + Sales_Contact_2 + Sales_Contact_3 + Sales_Contact_4 + Sales_Contact_5";

describe("POST /v1/regressions", () => {
  it("When a formula is fitted by segment, then 201 gives one model per segment, stored and readable again", async () => {
    const res = await request(t.app).post("/v1/regressions").send({ datasetId: hospitalId, formula: HF, segment: "Client_Type" });
    expect(res.status).toBe(201);
    expect(res.body.models.map((m: { group: string }) => m.group)).toEqual(["Large Facility", "Medium Facility", "Private Facility", "Small Facility"]);
    expect(res.body.models[1].rsquared.toFixed(3)).toBe("0.437");
    expect(res.body.models[0].covParams).toBeUndefined();
    const again = await request(t.app).get(`/v1/regressions/${res.body.id}`);
    expect(again.body).toEqual(res.body);
  });

  it("When predicting from a stored model, then means and intervals come back per row", async () => {
    const fit = await request(t.app).post("/v1/regressions").send({ datasetId: islrId, formula: "Sales ~ TV + Radio" });
    const res = await request(t.app)
      .post(`/v1/regressions/${fit.body.id}/predict`)
      .send({
        rows: [
          { TV: 100, Radio: 20 },
          { TV: 0, Radio: 0 },
        ],
      });
    expect(res.status).toBe(200);
    const [a, b] = res.body.predictions;
    expectClose(b.mean, fit.body.models[0].params[0].coef, { rtol: 1e-12 });
    expect(a.obsCiLower).toBeLessThan(a.meanCiLower);
    expect(a.meanCiUpper).toBeLessThan(a.obsCiUpper);
  });

  const bad: [string, Record<string, unknown>, number, RegExp, unknown[]][] = [
    ["an unknown column", { formula: "Sales ~ TV + Nope" }, 400, /No column "Nope"/, ["formula"]],
    ["a formula syntax error", { formula: "Sales ~ TV +" }, 400, /Formula syntax error at position 13: the formula ends after an operator/, ["formula"]],
    ["an unknown covType", { formula: "Sales ~ TV", covType: "HC9" }, 400, /covType/, ["body", "covType"]],
    // a field that cannot act is refused, not ignored
    ["hacLags without covType HAC", { formula: "Sales ~ TV", covType: "HC3", hacLags: 4 }, 400, /hacLags applies only with covType "HAC"/, ["body", "hacLags"]],
  ];
  it.each(bad)("When the request has %s, then 4xx problem+json says what is wrong", async (_n, body, status, detail, path) => {
    const res = await request(t.app)
      .post("/v1/regressions")
      .send({ ...body, datasetId: islrId });
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.body.detail).toMatch(detail);
    expect(res.body.issues[0].path).toEqual(path);
  });

  it("When the target is text, then 400 says it must be numeric", async () => {
    const res = await request(t.app).post("/v1/regressions").send({ datasetId: hospitalId, formula: "Client_Type ~ Campaign_Email" });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("The target Client_Type is text; it must be numeric.");
  });

  it("When there are fewer rows than parameters, then 422 gives the counts", async () => {
    const up = await request(t.app).post("/v1/datasets?name=tiny").type("text/csv").send("y,a,b\n1,2,3\n2,3,5\n");
    const res = await request(t.app).post("/v1/regressions").send({ datasetId: up.body.id, formula: "y ~ a + b" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toBe("Need more rows than parameters: got 2 complete rows for 3 parameters (Intercept, a, b).");
  });

  it("When the dataset does not exist, then 404 names it", async () => {
    const res = await request(t.app).post("/v1/regressions").send({ datasetId: "ds_nope", formula: "y ~ x" });
    expect(res.status).toBe(404);
    expect(res.body.issues[0].path).toEqual(["body", "datasetId"]);
  });
});

describe("POST /v1/roi", () => {
  it("When asked for the hospital ROI table, then each segment has its best tactic and a recommendation", async () => {
    const res = await request(t.app)
      .post("/v1/roi")
      .send({
        datasetId: hospitalId,
        target: "Amount Collected",
        tactics: [
          "Campaign (Email)",
          "Campaign (Flyer)",
          "Campaign (Phone)",
          "Sales Contact 1",
          "Sales Contact 2",
          "Sales Contact 3",
          "Sales Contact 4",
          "Sales Contact 5",
        ],
        by: "Client Type",
      });
    expect(res.status).toBe(200);
    expect(res.body.segments.map((s: { segment: string; best: { tactic: string } }) => [s.segment, s.best.tactic])).toEqual([
      ["Large Facility", "Sales_Contact_1"],
      ["Medium Facility", "Campaign_Flyer"],
      ["Private Facility", "Sales_Contact_2"],
      ["Small Facility", "Sales_Contact_2"],
    ]);
    expect(res.body.segments[0].stop[0].tactic).toBe("Campaign_Phone");
  });

  it("When tactics are missing, then 400 names the field", async () => {
    const res = await request(t.app).post("/v1/roi").send({ datasetId: hospitalId, target: "Amount_Collected", tactics: [] });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toEqual(["body", "tactics"]);
  });
});
