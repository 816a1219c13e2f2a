import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renameDeprecated, VOCABULARY } from "../../src/app/vocabulary.ts";
import { testApp } from "../helpers/app.ts";

const t = await testApp();
let hospital = "";
beforeAll(async () => {
  hospital = (
    await request(t.app)
      .post("/v1/datasets?name=h")
      .type("text/csv")
      .send(readFileSync(new URL("../../data/hospital-campaign/Campaign-Data.raw.csv", import.meta.url)))
  ).body.id;
});
afterAll(() => t.close());

const FORMULA = "Amount_Collected ~ Campaign_Email + Campaign_Flyer";
const hill = { form: "hill", coefficient: 50_000, slope: 0.8, kappa: 20_000 };

describe("one vocabulary, old names deprecated", () => {
  it("When a regression is asked with the old `by`, then it fits exactly as with `segment`, and the answer says the name is deprecated", async () => {
    const now = await request(t.app).post("/v1/regressions").send({ datasetId: hospital, formula: FORMULA, segment: "Client_Type" });
    const old = await request(t.app).post("/v1/regressions").send({ datasetId: hospital, formula: FORMULA, by: "Client_Type" });
    expect(old.status).toBe(201);
    expect(now.headers.deprecation).toBeUndefined();
    expect(old.headers.deprecation).toBe(`@${Date.UTC(2026, 10, 30) / 1000}`);
    expect(old.headers["x-mixcast-deprecated"]).toBe("by -> segment");
    expect(old.body.models.map((m: { rsquared: number }) => m.rsquared)).toEqual(now.body.models.map((m: { rsquared: number }) => m.rsquared));
    expect(old.body.segment).toBe("Client_Type");
    expect(old.body.by).toBe("Client_Type"); // the old answer field, for one release
    const both = await request(t.app).post("/v1/regressions").send({ datasetId: hospital, formula: FORMULA, segment: "Client_Type", by: "Client_Type" });
    expect(both.status).toBe(400);
    expect(both.body.detail).toBe("body.by is the old name of segment; give only segment.");
  });

  it("When an allocation uses `current` and `adstock.normalized` on its lines, then they act as `currentSpend` and `normalize` (a locked line keeps its spend)", async () => {
    const body = (line: object) => ({
      lines: [
        { channel: "tv", curve: hill, locked: true, ...line },
        { channel: "search", curve: hill },
      ],
      budget: { total: 60_000 },
    });
    const now = await request(t.app)
      .post("/v1/allocations")
      .send(body({ currentSpend: 25_000, adstock: { alpha: 0.5, normalize: true } }));
    const old = await request(t.app)
      .post("/v1/allocations")
      .send(body({ current: 25_000, adstock: { alpha: 0.5, normalized: true } }));
    expect(old.status).toBe(201);
    expect(old.headers["x-mixcast-deprecated"]).toBe("lines[].current -> lines[].currentSpend, lines[].adstock.normalized -> lines[].adstock.normalize");
    expect(old.body.lines[0].spend).toBeCloseTo(25_000, 6);
    expect(old.body.totals).toEqual(now.body.totals);
  });

  it("When the renamer meets nested arrays, a converted value or no alias, then it renames exactly those", () => {
    const r = renameDeprecated({ level: 0.9, x: 1 }, VOCABULARY.alpha, "body");
    expect(r).toEqual({ value: { alpha: 0.1, x: 1 }, used: ["level -> alpha"] });
    expect(renameDeprecated({ lines: [{ current: 1 }, { currentSpend: 2 }, 5] }, VOCABULARY.allocationLine, "body").value).toEqual({
      lines: [{ currentSpend: 1 }, { currentSpend: 2 }, 5],
    });
    const untouched = { a: 1 };
    expect(renameDeprecated(untouched, [], "body").value).toBe(untouched);
  });
});
