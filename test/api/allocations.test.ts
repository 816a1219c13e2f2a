import Papa from "papaparse";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleWithMmm, testApp } from "../helpers/app.ts";

const t = await testApp();
let mmmId = "";
const hill = (coefficient: number, kappa: number) => ({ form: "hill", coefficient, slope: 0.8, kappa });

beforeAll(async () => {
  mmmId = (await sampleWithMmm(t.app, 20)).mmmId;
}, 120_000);
afterAll(() => t.close());

type Curve = { segment: string; channel: string; observedSpend: { min: number; max: number } };
const observed = async (): Promise<Curve[]> => (await request(t.app).get(`/v1/mmm/${mmmId}/curves`)).body.curves;

/** Lines (as "channel (segment)") whose weekly plan leaves 7 days of the daily spend the model's data show. */
async function beyond(answer: { periods: { channel: string; segment: string; spend: number }[] }): Promise<string[]> {
  return (await observed()).flatMap((c) => {
    const weeks = answer.periods.filter((p) => p.channel === c.channel && p.segment === c.segment).map((p) => p.spend);
    const out = Math.max(...weeks) > 7 * c.observedSpend.max * (1 + 1e-6) + 1e-9 || Math.min(...weeks) < 7 * c.observedSpend.min * (1 - 1e-6) - 1e-9;
    return out ? [`${c.channel} (${c.segment})`] : [];
  });
}
const warnedBeyond = async (answer: { warnings: string[] }) =>
  answer.warnings.filter((w) => w.includes("the model's data show")).map((w) => w.slice(0, w.indexOf(":")));

describe("POST /v1/allocations", () => {
  it("When explicit lines come with limits (tv at least 100,000, print at most 50,000), then the plan keeps both; periodLength, which only converts an MMM's curves, is refused with lines", async () => {
    // unconstrained, print's curve wins most of the budget and tv gets little
    const lines = [
      { channel: "tv", curve: hill(50_000, 200_000) },
      { channel: "print", curve: hill(400_000, 30_000) },
    ];
    const free = await request(t.app)
      .post("/v1/allocations")
      .send({ lines, budget: { total: 300_000 } });
    expect(free.status).toBe(201);
    const spendOf = (body: { lines: { channel: string; spend: number }[] }, c: string) => body.lines.find((l) => l.channel === c)!.spend;
    expect(spendOf(free.body, "tv")).toBeLessThan(100_000);
    expect(spendOf(free.body, "print")).toBeGreaterThan(50_000);
    const limited = await request(t.app)
      .post("/v1/allocations")
      .send({
        lines,
        budget: { total: 300_000 },
        limits: [
          { channel: "tv", min: 100_000 },
          { channel: "print", max: 50_000 },
        ],
      });
    expect(limited.status).toBe(201);
    expect(spendOf(limited.body, "tv")).toBeGreaterThanOrEqual(100_000 - 1e-6);
    expect(spendOf(limited.body, "print")).toBeLessThanOrEqual(50_000 + 1e-6);
    const unknown = await request(t.app)
      .post("/v1/allocations")
      .send({ lines, budget: { total: 300_000 }, limits: [{ channel: "radio", min: 1 }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].path).toEqual(["body", "limits", 0]);
    const period = await request(t.app)
      .post("/v1/allocations")
      .send({ lines, budget: { total: 300_000 }, periodLength: 7 });
    expect(period.status).toBe(400);
    expect(period.body.issues[0].path).toEqual(["body", "periodLength"]);
  });

  it("When explicit curves and a budget are given, then 201 gives lines, totals, uplift, the binding budget and a summary, and GET reads it back as CSV", async () => {
    const body = {
      lines: [
        { channel: "tv", curve: hill(50_000, 20_000), currentSpend: 20_000, min: 5_000 },
        { channel: "search", curve: hill(30_000, 8_000), currentSpend: 20_000 },
        { channel: "flyer", curve: { form: "points", spend: [5000, 10_000, 20_000], response: [9000, 14_000, 17_000] }, currentSpend: 10_000, maxShare: 0.3 },
      ],
      budget: { total: 50_000 },
    };
    const res = await request(t.app).post("/v1/allocations").send(body);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/allocations/${res.body.id}`);
    expect(res.body.totals.spend).toBeCloseTo(50_000, 3);
    expect(res.body.uplift.expectedReturn).toBeGreaterThan(0);
    expect(res.body.binding.map((b: { constraint: string }) => b.constraint)).toContain("budget");
    expect(res.body.summary).toMatch(/^Spend \$50,000 of the \$50,000 budget for an expected return of \$[\d,]+/);
    const csv = await request(t.app).get(res.headers.location!).set("Accept", "text/csv");
    const rows = Papa.parse<string[]>(csv.text.trim()).data;
    expect(rows[0]).toEqual(["channel", "segment", "period", "spend", "expectedReturn", "roi", "mroi"]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(["tv", "search", "flyer"]);
    expect(Number(rows[3]![3])).toBeLessThanOrEqual(0.3 * 50_000 + 1e-6);
  });

  it("When a fitted MMM gives the curves for a 13-week plan, then every channel and segment is planned per week with carry-over, within the budget", async () => {
    const res = await request(t.app)
      .post("/v1/allocations")
      .send({
        mmmId,
        periodLength: 7,
        periods: 13,
        budget: { total: 1_500_000 },
        limits: [{ channel: "spend_tv", minShare: 0.1 }],
        groups: [{ name: "digital", channels: ["spend_search", "spend_social", "spend_email"], minShare: 0.3 }],
      });
    expect(res.status).toBe(201);
    expect(res.body.lines).toHaveLength(15);
    expect(res.body.periods).toHaveLength(15 * 13);
    expect(res.body.totals.spend).toBeLessThanOrEqual(1_500_000 * (1 + 1e-9));
    expect(res.body.totals.expectedReturnInterval.lower).toBeLessThan(res.body.totals.expectedReturn);
    const digital = res.body.lines
      .filter((l: { channel: string }) => ["spend_search", "spend_social", "spend_email"].includes(l.channel))
      .reduce((a: number, l: { spend: number }) => a + l.spend, 0);
    expect(digital / res.body.totals.spend).toBeGreaterThanOrEqual(0.3 - 1e-9);
    // the lines the plan takes outside the weekly spend the model's data show are the ones warned about, and only those
    expect(await warnedBeyond(res.body)).toEqual(await beyond(res.body));
    // a budget twice what every line's busiest week would cost over the 13 weeks: some line must go above its data
    const curves = await observed();
    const big = await request(t.app)
      .post("/v1/allocations")
      .send({ mmmId, periodLength: 7, periods: 13, budget: { total: 2 * curves.reduce((a, c) => a + 7 * 13 * c.observedSpend.max, 0) } });
    expect(big.status).toBe(201);
    const above = await beyond(big.body);
    expect(above.length).toBeGreaterThan(0);
    expect(await warnedBeyond(big.body)).toEqual(above);
    // withinData keeps every week within the data, so nothing is warned; a line's own withinData: false lets it out
    const most = curves.reduce((a, c) => a + 7 * 13 * c.observedSpend.max, 0);
    const within = { mmmId, periodLength: 7, periods: 13, withinData: true, budget: { total: 2 * most } };
    const kept = await request(t.app).post("/v1/allocations").send(within);
    expect(kept.status).toBe(201);
    expect(await beyond(kept.body)).toEqual([]);
    expect(await warnedBeyond(kept.body)).toEqual([]);
    expect(kept.body.totals.spend).toBeLessThanOrEqual(most * (1 + 1e-9));
    const [channel, segment] = above[0]!.slice(0, -1).split(" (");
    const freed = await request(t.app)
      .post("/v1/allocations")
      .send({ ...within, limits: [{ channel, segment, withinData: false }] });
    expect(freed.status).toBe(201);
    expect(await warnedBeyond(freed.body)).toEqual([above[0]]);
  }, 60_000);

  it("When the minimums exceed the budget, then 422 problem+json names them and nothing is saved", async () => {
    const before = (await t.store.models.list("allocation")).length;
    const res = await request(t.app)
      .post("/v1/allocations")
      .send({
        lines: [
          { channel: "tv", curve: hill(1000, 100), min: 700 },
          { channel: "radio", curve: hill(1000, 100), min: 600 },
        ],
        budget: { total: 1000 },
      });
    expect(res.status).toBe(422);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe(
      "These constraints cannot all hold: total budget of at most $1,000; tv at least $700; radio at least $600 (together the minimums need $1,300). Relax one of them.",
    );
    expect((await t.store.models.list("allocation")).length).toBe(before);
  });

  it("When the request is malformed or unbounded, then the answer says which field or why", async () => {
    const both = await request(t.app).post("/v1/allocations").send({ mmmId: "x", lines: [] });
    expect(both.status).toBe(400);
    const unbounded = await request(t.app)
      .post("/v1/allocations")
      .send({ lines: [{ channel: "tv", curve: hill(1000, 100) }] });
    expect(unbounded.status).toBe(422);
    expect(unbounded.body.detail).toContain("unbounded");
    const noModel = await request(t.app)
      .post("/v1/allocations")
      .send({ mmmId: "mdl_nope", budget: { total: 1 } });
    expect(noModel.status).toBe(404);
    const badPoints = await request(t.app)
      .post("/v1/allocations")
      .send({ lines: [{ channel: "tv", curve: { form: "points", spend: [5, 3], response: [1, 2] } }], budget: { total: 10 } });
    expect(badPoints.status).toBe(400);
    expect(badPoints.body.detail).toBe("lines[0] (tv): curve spend must increase from above 0; point 2 is 3.");
    // withinData needs each line's observed range: refused, naming the field and the line, and nothing saved
    const before = (await t.store.models.list("allocation")).length;
    const unmeasured = await request(t.app)
      .post("/v1/allocations")
      .send({
        lines: [
          { channel: "tv", curve: hill(1000, 100), observedSpend: { min: 10, max: 90 } },
          { channel: "radio", curve: hill(1000, 100) },
        ],
        withinData: true,
        budget: { total: 100 },
      });
    expect(unmeasured.status).toBe(400);
    expect(unmeasured.body.issues[0]).toMatchObject({ path: ["body", "withinData"], value: "radio" });
    expect(unmeasured.body.detail).toContain("radio has no observedSpend");
    expect((await t.store.models.list("allocation")).length).toBe(before);
  });

  it("When javascript-lp-solver is asked for, then it gives the same allocation as HiGHS on a small problem", async () => {
    const body = {
      lines: [
        { channel: "tv", curve: hill(5000, 1500), currentSpend: 1000 },
        { channel: "search", curve: hill(3000, 800), currentSpend: 1000 },
      ],
      budget: { total: 2000 },
      refine: 0,
    };
    const a = await request(t.app).post("/v1/allocations").send(body);
    const b = await request(t.app)
      .post("/v1/allocations")
      .send({ ...body, solver: "javascript-lp-solver" });
    expect(b.body.solver.name).toBe("javascript-lp-solver");
    expect(Math.abs(b.body.solver.lpObjective - a.body.solver.lpObjective) / a.body.solver.lpObjective).toBeLessThan(1e-7);
  });
});
