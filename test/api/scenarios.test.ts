import { readFileSync } from "node:fs";
import Papa from "papaparse";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleWithMmm, testApp } from "../helpers/app.ts";

const t = await testApp();
let mmmId = "";

beforeAll(async () => {
  mmmId = (await sampleWithMmm(t.app, 20)).mmmId;
}, 120_000);
afterAll(() => t.close());

describe("scenarios", () => {
  it("When two plans are compared, then each has per-line incremental sales with intervals and the difference from the current plan, and the current plan differs by 0", async () => {
    const res = await request(t.app)
      .post("/v1/scenarios")
      .send({
        mmmId,
        plans: [
          { name: "current", spend: [] },
          { name: "more tv", spend: [{ channel: "spend_tv", amount: 8000 }] },
        ],
      });
    expect(res.status).toBe(200);
    const [current, moreTv] = res.body.plans;
    expect(current.totals.difference).toEqual({ spend: 0, incremental: 0, totalSales: 0 });
    const tv = moreTv.lines.filter((l: { channel: string }) => l.channel === "spend_tv");
    expect(tv).toHaveLength(3); // one per segment
    for (const l of tv) {
      expect(l.spend).toBe(8000);
      expect(l.incrementalInterval.lower).toBeLessThanOrEqual(l.incremental);
      expect(l.difference.incremental).toBeCloseTo(l.incremental - l.current.incremental, 6);
    }
    expect(moreTv.totals.totalSales).toBeCloseTo(
      moreTv.totals.baseline + moreTv.lines.reduce((a: number, l: { incremental: number }) => a + l.incremental, 0),
      3,
    );
  });

  it("When a plan leaves the spend the model's data show, then the answer warns per line, above or below, and a plan inside says nothing of it", async () => {
    const curves = (await request(t.app).get(`/v1/mmm/${mmmId}/curves`)).body.curves as {
      segment: string;
      channel: string;
      observedSpend: { min: number; max: number };
    }[];
    const tv = curves.find((c) => c.channel === "spend_tv")!;
    const search = curves.find((c) => c.channel === "spend_search" && c.segment === tv.segment)!;
    expect(tv.observedSpend.max).toBeGreaterThan(tv.observedSpend.min);
    const res = await request(t.app)
      .post("/v1/scenarios")
      .send({
        mmmId,
        plans: [
          { name: "current", spend: [] },
          { name: "inside", spend: [{ channel: "spend_tv", segment: tv.segment, amount: (tv.observedSpend.min + tv.observedSpend.max) / 2 }] },
          { name: "double", spend: [{ channel: "spend_tv", segment: tv.segment, amount: 2 * tv.observedSpend.max }] },
          { name: "half", spend: [{ channel: "spend_search", segment: search.segment, amount: search.observedSpend.min / 2 }] },
        ],
      });
    expect(res.status).toBe(200);
    const planned = (res.body.warnings as string[]).filter((w) => w.startsWith("Plan "));
    expect(planned).toHaveLength(search.observedSpend.min > 0 ? 2 : 1);
    expect(planned[0]).toMatch(
      new RegExp(`^Plan "double", spend_tv \\(${tv.segment}\\): the plan spends [0-9,.]+ in a period, above the most the model's data show`),
    );
    if (search.observedSpend.min > 0) expect(planned[1]).toMatch(/^Plan "half", spend_search \(.+\): the plan spends .* below the least the model's data show/);
  });

  it("When a spreadsheet asks by GET with format=csv, then the CSV has a header row, a row per line and a TOTAL row, the same numbers as POST", async () => {
    const url = `/v1/scenarios?mmmId=${mmmId}&spend.spend_tv=8000&spend.spend_search.SMB=1500&format=csv`;
    const csv = await request(t.app).get(url);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const rows = Papa.parse<string[]>(csv.text.trim()).data;
    expect(rows[0]).toEqual([
      "plan",
      "channel",
      "segment",
      "spend",
      "incremental",
      "incremental_lower",
      "incremental_upper",
      "roi",
      "current_spend",
      "current_incremental",
      "difference_incremental",
      "total_sales",
    ]);
    expect(rows).toHaveLength(1 + 15 + 1);
    expect(rows[16]![1]).toBe("TOTAL");
    const post = await request(t.app)
      .post("/v1/scenarios")
      .send({
        mmmId,
        plans: [
          {
            name: "plan",
            spend: [
              { channel: "spend_tv", amount: 8000 },
              { channel: "spend_search", segment: "SMB", amount: 1500 },
            ],
          },
        ],
      });
    expect(Number(rows[16]![4])).toBeCloseTo(post.body.plans[0].totals.incremental, 6);
    const smbSearch = rows.find((r) => r[1] === "spend_search" && r[2] === "SMB")!;
    expect(Number(smbSearch[3])).toBe(1500);
  });

  it("When a weekly plan over 13 periods is asked of a daily model, then a one-week burst changes only that week's spend and the rest stays current", async () => {
    const res = await request(t.app)
      .post("/v1/scenarios")
      .send({
        mmmId,
        periods: 13,
        periodLength: 7,
        plans: [{ name: "burst", spend: [{ channel: "spend_tv", segment: "SMB", period: 1, amount: 100_000 }] }],
      });
    expect(res.status).toBe(200);
    const smbTv = res.body.plans[0].lines.find((l: { channel: string; segment: string }) => l.channel === "spend_tv" && l.segment === "SMB");
    expect(smbTv.difference.spend).toBeCloseTo(100_000 - smbTv.current.spend / 13, 3);
  });

  it("When the query or plan is wrong, then 400/404 name the parameter", async () => {
    const unknown = await request(t.app).get(`/v1/scenarios?mmmId=${mmmId}&tv=5`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toBe("Unknown query parameter tv: use spend.<channel>=amount or spend.<channel>.<segment>=amount.");
    const notNumber = await request(t.app).get(`/v1/scenarios?mmmId=${mmmId}&spend.spend_tv=lots`);
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.issues[0].path).toEqual(["query", "spend.spend_tv"]);
    const noChannel = await request(t.app).get(`/v1/scenarios?mmmId=${mmmId}&spend.radio=5`);
    expect(noChannel.status).toBe(400);
    expect(noChannel.body.detail).toContain("the model has no radio");
    expect((await request(t.app).get("/v1/scenarios?mmmId=mdl_nope")).status).toBe(404);
  });
});

describe("MMM tables as CSV", () => {
  it("When a model's channels and curves are asked for as CSV, then there is a row per segment and channel, and per spend level", async () => {
    const channels = Papa.parse<string[]>((await request(t.app).get(`/v1/mmm/${mmmId}?format=csv`)).text.trim()).data;
    expect(channels[0]!.slice(0, 7)).toEqual(["segment", "channel", "spend", "contribution", "share_of_spend", "share_of_effect", "roi"]);
    expect(channels).toHaveLength(1 + 15);
    const curves = Papa.parse<string[]>((await request(t.app).get(`/v1/mmm/${mmmId}/curves`).set("Accept", "text/csv")).text.trim()).data;
    expect(curves[0]).toEqual(["segment", "channel", "spend", "response", "marginal", "response_lower", "response_upper", "within_data"]);
    expect(curves.length - 1).toBe(15 * 101);
    // within_data marks the spend levels inside the curve's observed range, as GET /curves gives it
    const json = (await request(t.app).get(`/v1/mmm/${mmmId}/curves`)).body.curves as {
      segment: string;
      channel: string;
      observedSpend: { min: number; max: number };
    }[];
    for (const row of curves.slice(1)) {
      const c = json.find((x) => x.segment === row[0] && x.channel === row[1])!;
      expect(row[7]).toBe(String(Number(row[2]) >= c.observedSpend.min && Number(row[2]) <= c.observedSpend.max));
    }
    expect(curves.slice(1).some((r) => r[7] === "false") && curves.slice(1).some((r) => r[7] === "true")).toBe(true);
  });
});

describe("the README's spreadsheet formulas", () => {
  it("When the URL in the README's =IMPORTDATA formula is fetched (model id and key filled in), then it answers the CSV a sheet shows", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const sheets = /=IMPORTDATA\("([^"]+)"\)/.exec(readme)![1]!;
    const excel = /=WEBSERVICE\("([^"]+)"\)/.exec(readme)![1]!;
    expect(excel).toBe(sheets);
    const { token } = await t.store.keys.create("default", "sheet", ["read"]);
    const url = new URL(sheets.replace("<mmmId>", mmmId).replace("<read key>", token));
    expect(url.origin).toBe("http://127.0.0.1:8080");
    const res = await request(t.app).get(`${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    const rows = Papa.parse<string[]>(res.text.trim()).data;
    expect(rows[0]!.slice(0, 5)).toEqual(["plan", "channel", "segment", "spend", "incremental"]);
    expect(rows.find((r) => r[1] === "spend_tv" && r[2] === "SMB")![3]).toBe("8000");
    expect(rows.at(-1)![1]).toBe("TOTAL");
  });
});
