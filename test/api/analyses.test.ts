import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";

const t = await testApp();
let tvId = "";
let groupsId = "";
beforeAll(async () => {
  const up = (path: URL) => request(t.app).post("/v1/datasets?name=x").type("text/csv").send(readFileSync(path));
  tvId = (await up(new URL("../../data/marketing-promotion-tv-radio/marketing_sales_data.csv", import.meta.url))).body.id;
  groupsId = (await up(new URL("../fixtures/groups_small.csv", import.meta.url))).body.id;
});
afterAll(() => t.close());
const post = (path: string, body: unknown) =>
  request(t.app)
    .post(path)
    .send(body as object);

describe("POST /v1/analyses/*", () => {
  it("When ANOVA and Tukey run on a stored dataset, then groups, F and pairs come back", async () => {
    const a = await post("/v1/analyses/anova", { datasetId: groupsId, value: "value", group: "group" });
    expect(a.status).toBe(200);
    expect(a.body.groups.map((g: { group: string }) => g.group)).toEqual(["ctrl", "t1", "t2", "t3"]);
    expect(a.body.f.toFixed(4)).toBe("10.2505");
    const tk = await post("/v1/analyses/tukey", { datasetId: groupsId, value: "value", group: "group" });
    expect(tk.body.pairs).toHaveLength(6);
    expect(tk.body.anova.dfWithin).toBe(71);
  });

  it("When a Welch t-test names group levels, then it compares them; an unknown level is a 400 naming it", async () => {
    const ok = await post("/v1/analyses/ttest", { kind: "welch", datasetId: groupsId, value: "value", group: "group", a: "ctrl", b: "t2" });
    expect(ok.status).toBe(200);
    expect(ok.body.n).toEqual([20, 22]);
    const bad = await post("/v1/analyses/ttest", { kind: "welch", datasetId: groupsId, value: "value", group: "group", a: "ctrl", b: "t9" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["body", "b"]);
  });

  it("When chi-square is asked of two columns or of a table, then both forms work", async () => {
    const cols = await post("/v1/analyses/chisquare", { datasetId: tvId, rows: "TV", cols: "Influencer" });
    expect(cols.status).toBe(200);
    expect(cols.body.dof).toBe(6);
    const table = await post("/v1/analyses/chisquare", {
      table: [
        [120, 880],
        [150, 850],
      ],
      rowLabels: ["A", "B"],
      colLabels: ["converted", "not"],
    });
    expect(table.body).toMatchObject({ yates: true, dof: 1 });
    const ragged = await post("/v1/analyses/chisquare", {
      table: [
        [1, 2],
        [3, 4, 5],
      ],
    });
    expect(ragged.status).toBe(400);
  });

  it("When an A/B test is asked, then the rates, p-value and power come back", async () => {
    const r = await post("/v1/analyses/proportions", { successes: [120, 150], trials: [1000, 1000] });
    expect(r.body.rates).toEqual([0.12, 0.15]);
    expect(r.body.power).toBeGreaterThan(0.5);
    const bad = await post("/v1/analyses/proportions", { successes: [1200, 150], trials: [1000, 1000] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["successes", 0]);
  });

  it("When a logit is asked with a text target, then positive= is required and odds ratios come back", async () => {
    const bad = await post("/v1/analyses/logit", { datasetId: tvId, formula: "TV ~ Radio" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["positive"]);
    const ok = await post("/v1/analyses/logit", { datasetId: tvId, formula: "TV ~ Radio", positive: "High" });
    expect(ok.status).toBe(200);
    expect(ok.body.params[1]).toMatchObject({ name: "Radio", oddsRatio: expect.any(Number) });
    expect(ok.body.holdout.n).toBe(143); // round(0.25 × 572 rows)
    expect(ok.body.nobs).toBe(572 - 143);
    // a 0/1 target: positive cannot act, so it is refused rather than ignored
    const binary = (
      await request(t.app)
        .post("/v1/datasets?name=binary")
        .type("text/csv")
        .send(["y,x", ...Array.from({ length: 40 }, (_, i) => `${i % 3 === 0 ? 1 : 0},${i}`)].join("\n"))
    ).body.id;
    const numeric = await post("/v1/analyses/logit", { datasetId: binary, formula: "y ~ x", positive: "1" });
    expect(numeric.status).toBe(400);
    expect(numeric.body.issues[0].path).toEqual(["positive"]);
    expect(numeric.body.detail).toBe("positive applies to a text target; y is already 0/1 (success is 1). Leave positive out.");
  });

  it("When k-means is asked on spend columns, then the chosen k and profiles (with sales) come back", async () => {
    const r = await post("/v1/analyses/kmeans", { datasetId: tvId, columns: ["Radio", "Social Media"], profile: ["Sales"], kMax: 4 });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { k: number }) => x.k)).toEqual([2, 3, 4]);
    expect(r.body.clusters[0].means).toHaveProperty("Sales");
    const bad = await post("/v1/analyses/kmeans", { datasetId: tvId, columns: ["TV"] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["columns.0"]);
  });

  it("When correlations are asked without columns, then every numeric column is used", async () => {
    const r = await post("/v1/analyses/correlation", { datasetId: tvId, method: "spearman" });
    expect(r.body.columns).toEqual(["Radio", "Social_Media", "Sales"]);
    const bad = await post("/v1/analyses/correlation", { datasetId: tvId, columns: ["Radio", "TV"] });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toBe("columns.1: TV is text; it must be numeric.");
  });
});
