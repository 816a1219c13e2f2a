import { readFileSync } from "node:fs";
import Papa from "papaparse";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCsv } from "../../src/app/csv-out.ts";
import { testApp } from "../helpers/app.ts";

const t = await testApp();
let id = "";
beforeAll(async () => {
  const csv = readFileSync(new URL("../../data/islr-advertising/Advertising.csv", import.meta.url));
  id = (await request(t.app).post("/v1/datasets?name=%3DHYPERLINK(%22http%3A%2F%2Fevil%22)").type("text/csv").send(csv)).body.id;
});
afterAll(() => t.close());

describe("CSV out", () => {
  it("When text would run as a spreadsheet formula, then it gets a leading apostrophe; numbers, negatives included, stay numbers", () => {
    const out = toCsv(
      ["a", "b", "c"],
      [
        ["=1+2", -3.5, "+cmd"],
        ["@SUM(A1)", 0, "\tx"],
        ["-x", null, "plain"],
      ],
    );
    expect(out).toBe(`a,b,c\r\n"'=1+2",-3.5,"'+cmd"\r\n"'@SUM(A1)",0,"'\tx"\r\n"'-x",,plain\r\n`);
  });

  it("When the dataset listing is asked for as CSV, then a hostile name is escaped and the columns are stable", async () => {
    const res = await request(t.app).get("/v1/datasets?format=csv");
    expect(res.status).toBe(200);
    const rows = Papa.parse<string[]>(res.text.trim()).data;
    expect(rows[0]).toEqual(["id", "name", "rows", "columns", "warnings", "created_at"]);
    expect(rows[1]!.slice(0, 3)).toEqual([id, `'=HYPERLINK("http://evil")`, "200"]);
  });

  it("When the ROI table and a regression are asked for as CSV, then there is one row per tactic or term", async () => {
    const roi = await request(t.app)
      .post("/v1/roi")
      .set("Accept", "text/csv")
      .send({ datasetId: id, target: "Sales", tactics: ["TV", "Radio", "Newspaper"] });
    const roiRows = Papa.parse<string[]>(roi.text.trim()).data;
    expect(roiRows[0]).toEqual(["segment", "tactic", "roi", "std_err", "p_value", "ci_lower", "ci_upper", "significant", "estimable"]);
    expect(
      roiRows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(["Newspaper", "Radio", "TV"]);
    const fit = await request(t.app).post("/v1/regressions").send({ datasetId: id, formula: "Sales ~ TV + Radio" });
    const csv = await request(t.app).get(`/v1/regressions/${fit.body.id}?format=csv`);
    const rows = Papa.parse<string[]>(csv.text.trim()).data;
    expect(rows.map((r) => r[1])).toEqual(["term", "Intercept", "TV", "Radio"]);
    expect(Number(rows[2]![2])).toBeCloseTo(0.04575482, 6); // ISLR: TV coefficient in Sales ~ TV + Radio
  });

  it("When Tukey HSD is asked for as CSV, then there is one row per pair of groups", async () => {
    const hospital = readFileSync(new URL("../../data/hospital-campaign/Campaign-Data.raw.csv", import.meta.url));
    const hid = (await request(t.app).post("/v1/datasets?name=h").type("text/csv").send(hospital)).body.id;
    const res = await request(t.app).post("/v1/analyses/tukey?format=csv").send({ datasetId: hid, value: "Amount_Collected", group: "Client_Type" });
    const rows = Papa.parse<string[]>(res.text.trim()).data;
    expect(rows[0]).toEqual(["group1", "group2", "meandiff", "std_err", "p_adj", "lower", "upper", "reject"]);
    const groups = new Set(rows.slice(1).flatMap((r) => [r[0], r[1]])).size;
    expect(rows.length - 1).toBe((groups * (groups - 1)) / 2);
  });

  it("When a correlation matrix is asked for as CSV, then it comes in long form, one row per pair", async () => {
    const res = await request(t.app)
      .post("/v1/analyses/correlation")
      .set("Accept", "text/csv")
      .send({ datasetId: id, columns: ["TV", "Radio", "Sales"] });
    const rows = Papa.parse<string[]>(res.text.trim()).data;
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ["column1", "column2"],
      ["TV", "Radio"],
      ["TV", "Sales"],
      ["Radio", "Sales"],
    ]);
    expect(Number(rows[2]![2])).toBeCloseTo(0.7822, 4); // ISLR: cor(TV, Sales)
  });
});
