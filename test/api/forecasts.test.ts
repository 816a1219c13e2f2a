import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Papa from "papaparse";
import { readFileSync } from "node:fs";
import { mae, maseScale } from "../../src/forecast/metrics.ts";
import { selectTfBackend } from "../../src/forecast/tf-backend.ts";
import { finishedJob, sampleWithMmm, testApp, waitFor } from "../helpers/app.ts";

// the worker trains on wasm (what the service picks here); the main thread restores stored models on the same backend
const t = await testApp({}, { backend: "wasm", notes: [] });
let datasetId = "";
let mmmId = "";
// small and quick: the engine's accuracy is tested in test/forecast; here the API's contract is
const BODY = { date: "date", target: "sales", segment: "segment", horizon: 21, folds: 1, network: { maxEpochs: 2, units: 4 } };

const finished = (jobId: string) => finishedJob(t.app, jobId);

beforeAll(async () => {
  await selectTfBackend("wasm");
  ({ datasetId, mmmId } = await sampleWithMmm(t.app, 0));
}, 120_000);
afterAll(() => t.close());

describe("POST /v1/forecasts", () => {
  // the first forecast trains; every test below reads it (set up here, so no test depends on another's run)
  let first: { forecastId: string; modelId: string };
  let progressSeen = "";
  let accepted: request.Response;
  let job: Record<string, any>; // the job as JSON
  beforeAll(async () => {
    accepted = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId, ...BODY });
    await waitFor(
      async () => {
        const r = await request(t.app).get(`/v1/jobs/${accepted.body.jobId}`);
        if (/epoch \d+, loss [\d.]+, validation loss [\d.]+/.test(r.body.progress?.message ?? "")) progressSeen = r.body.progress.message;
        return progressSeen || r.body.status === "succeeded" || undefined;
      },
      120_000,
      5,
    );
    job = await finished(accepted.body.jobId);
    first = job.result;
  }, 180_000);

  it("When a forecast is asked for, then a job trains with epoch progress and the forecast has every series, day and quantile", async () => {
    expect(accepted.status).toBe(202);
    expect(job.status).toBe("succeeded");
    expect(job.result).toMatchObject({ reusedModel: false, plan: null });
    const f = await request(t.app).get(job.result.forecastUrl);
    expect(f.status).toBe(200);
    expect(f.body.forecasts.map((s: { key: string }) => s.key)).toEqual(["Consumer", "Enterprise", "SMB"]);
    for (const s of f.body.forecasts) {
      expect(s.dates).toHaveLength(21);
      expect(s.dates[0]).toBe("2026-01-01"); // the sample ends on 2025-12-31
      for (let h = 0; h < 21; h++) expect(s.quantiles[0][h]).toBeLessThanOrEqual(s.quantiles[2][h]);
    }
    expect(f.body.backtest.scores.map((s: { method: string }) => s.method)).toEqual([
      "lstm",
      "seasonal_naive",
      "last_year",
      "theta",
      "mstl_ets",
      "mstl_ets_yearly",
      "combination",
    ]);
    expect(f.body.reason).toMatch(/lowest (mean|backtest) MASE/);
    // each series uses the member with its own lowest backtest MASE, and says so
    expect(f.body.choices.map((c: { key: string }) => c.key)).toEqual(["Consumer", "Enterprise", "SMB"]);
    for (const c of f.body.choices) {
      expect(c.scores).toHaveLength(7);
      expect(c.method).toBe(c.scores[0].method);
      for (const s of c.scores) expect(s.mase).toBeGreaterThanOrEqual(c.scores[0].mase);
      // one fold: a statistical member's band has no other fold to be checked on, so its coverage is unknown
      for (const s of c.scores) expect(s.coverage === null).toBe(s.method !== "lstm");
    }
  }, 180_000);

  it("When a forecast's choices are read, then each carries its backtest fold's held-out days and the chosen member's forecast of them, which score as the choice says", async () => {
    const f = (await request(t.app).get(`/v1/forecasts/${first.forecastId}`)).body;
    const rows = Papa.parse<Record<string, string>>(readFileSync("data/sample-daily-sales.csv", "utf8"), { header: true, skipEmptyLines: true }).data;
    for (const c of f.choices) {
      const sales = rows.filter((r) => r.segment === c.key).map((r) => Number(r.sales));
      expect(c.heldOut).toHaveLength(1);
      const [fold] = c.heldOut;
      expect(fold.start).toBe("2025-12-11"); // 21 days before the sample's end
      expect(fold.actual).toEqual(sales.slice(-21));
      expect(fold.point).toHaveLength(21);
      const chosen = c.scores.find((s: { method: string }) => s.method === c.method);
      expect(mae(fold.actual, fold.point) / maseScale(sales.slice(0, -21))).toBeCloseTo(chosen.mase, 9);
    }
  });

  it("When the job ran, then its progress showed epochs with training and validation loss", () => {
    // polled every 5 ms; a 2-epoch run on 3 series reports several epochs, so one is seen unless the poller starved
    expect(progressSeen).toMatch(/epoch \d+, loss/);
  });

  it("When the forecast is asked for as CSV, then rows are segment,date,mean,p10,p50,p90, one per day and series", async () => {
    const csv = await request(t.app).get(`/v1/forecasts/${first.forecastId}`).set("Accept", "text/csv");
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const parsed = Papa.parse<string[]>(csv.text.trim());
    expect(parsed.data[0]).toEqual(["segment", "date", "mean", "p10", "p50", "p90"]);
    expect(parsed.data).toHaveLength(1 + 3 * 21);
    const json = (await request(t.app).get(`/v1/forecasts/${first.forecastId}`)).body;
    expect(Number(parsed.data[1]![4])).toBeCloseTo(json.forecasts[0].quantiles[1][0], 6);
  });

  it("When the same data and options come again, then the stored model is reused (no training) and forecasts the same to 1e-6", async () => {
    const accepted = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId, ...BODY });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe("succeeded");
    const job = (await request(t.app).get(`/v1/jobs/${accepted.body.jobId}`)).body;
    expect(job.result).toMatchObject({ reusedModel: true, modelId: first.modelId });
    const a = (await request(t.app).get(`/v1/forecasts/${first.forecastId}`)).body;
    const b = (await request(t.app).get(job.result.forecastUrl)).body;
    a.forecasts.forEach((s: { quantiles: number[][] }, i: number) =>
      s.quantiles.forEach((q, k) => q.forEach((v, h) => expect(Math.abs(v - b.forecasts[i].quantiles[k][h])).toBeLessThan(1e-6))),
    );
  });

  it("When a plan adds TV spend under an MMM, then each series rises by exactly the MMM's incremental response, and the model is reused", async () => {
    const plan = { lines: [{ channel: "spend_tv", segment: "Consumer", total: 200_000 }] };
    const accepted = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId, ...BODY, mmmId, plan });
    const job = (await request(t.app).get(`/v1/jobs/${accepted.body.jobId}`)).body;
    expect(job.result.reusedModel).toBe(true);
    const bau = (await request(t.app).get(`/v1/forecasts/${first.forecastId}`)).body;
    const planned = (await request(t.app).get(job.result.forecastUrl)).body;
    const consumer = planned.plan.effects.find((e: { key: string }) => e.key === "Consumer");
    expect(consumer.incremental).toBeGreaterThan(0);
    const rise = planned.forecasts[0].mean.reduce((a: number, v: number, h: number) => a + v - bau.forecasts[0].mean[h], 0);
    expect(Math.abs(rise - consumer.incremental) / consumer.incremental).toBeLessThan(0.01);
    expect(planned.plan.effects.find((e: { key: string }) => e.key === "SMB").incremental).toBe(0);
    expect(planned.forecasts[2].mean).toEqual(bau.forecasts[2].mean);
    // the plan's TV days against the daily spend the MMM's data show: warned exactly when they leave it
    const tv = (await request(t.app).get(`/v1/mmm/${mmmId}/curves`)).body.curves.find(
      (c: { segment: string; channel: string }) => c.segment === "Consumer" && c.channel === "spend_tv",
    );
    const beyond = (answer: { warnings: string[] }) => answer.warnings.filter((w) => w.includes("the model's data show"));
    expect(200_000 / 21).toBeLessThan(tv.observedSpend.max);
    expect(beyond(planned)).toEqual([]);
    const heavy = { lines: [{ channel: "spend_tv", segment: "Consumer", total: 2 * 21 * tv.observedSpend.max }] };
    const again = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId, ...BODY, mmmId, plan: heavy });
    const heavyJob = (await request(t.app).get(`/v1/jobs/${again.body.jobId}`)).body;
    expect(beyond((await request(t.app).get(heavyJob.result.forecastUrl)).body)).toEqual([
      `Plan: spend_tv (Consumer): the plan spends ${Math.round(2 * tv.observedSpend.max).toLocaleString("en-US")} in a period, above the most the model's data show (${Math.round(tv.observedSpend.max).toLocaleString("en-US")}); the return there is the curve's form extrapolated, not measured.`,
    ]);
  });

  it("When the request is wrong, then a clear 4xx names the field before any training", async () => {
    const post = (extra: object) =>
      request(t.app)
        .post("/v1/forecasts")
        .send({ datasetId, ...BODY, ...extra });
    const noMmm = await post({ mmmId: "mdl_nope" });
    expect(noMmm.status).toBe(404);
    expect(noMmm.body.issues[0].path).toEqual(["body", "mmmId"]);
    const badChannel = await post({ mmmId, plan: { lines: [{ channel: "radio", total: 5 }] } });
    expect(badChannel.status).toBe(400);
    expect(badChannel.body.detail).toContain("plan line 1: the MMM has no channel radio");
    const noSegment = await post({ segment: undefined });
    expect(noSegment.status).toBe(400);
    expect(noSegment.body.detail).toBe("date 2023-01-01 appears twice; name a segment column or aggregate first.");
    const tooLong = await post({ horizon: 366, folds: 3 });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.detail).toMatch(/^The shortest series has 1096 days; a 366-day forecast with 3 backtest folds needs \d+/);
    const badTarget = await post({ target: "segment" });
    expect(badTarget.status).toBe(400);
    const jobsBefore = (await request(t.app).get("/v1/jobs")).body;
    const badCountry = await post({ country: "Atlantis" });
    expect(badCountry.status).toBe(400);
    expect(badCountry.body.issues[0].path).toEqual(["body", "country"]);
    expect(badCountry.body.issues[0].message).toContain('no holiday calendar for "Atlantis"');
    // the members' holidays are chosen on the backtest: without one they would not act
    const holidaysNoFolds = await post({ memberHolidays: true, folds: 0 });
    expect(holidaysNoFolds.status).toBe(400);
    expect(holidaysNoFolds.body.issues[0].path).toEqual(["body", "memberHolidays"]);
    expect(holidaysNoFolds.body.detail).toMatch(/^memberHolidays needs a backtest/);
    expect((await request(t.app).get("/v1/jobs")).body).toEqual(jobsBefore);
  });

  it("When a plan comes without an MMM, then a 400 says a plan needs mmmId (it would not act) and no job starts", async () => {
    const jobsBefore = (await request(t.app).get("/v1/jobs")).body;
    const refused = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId, ...BODY, plan: { lines: [{ channel: "spend_tv", total: 1 }] } });
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].path).toEqual(["body", "plan"]);
    expect(refused.body.detail).toMatch(/^A plan needs mmmId/);
    expect((await request(t.app).get("/v1/jobs")).body).toEqual(jobsBefore);
  });
});

describe("POST /v1/forecasts with known future inputs", () => {
  // 600 observed days, then 21 future days with the promotion flag filled and sales left empty
  const n = 600;
  const rows = (futureDays: number, gapOn?: number) =>
    [
      "date,sales,promo",
      ...Array.from({ length: n + futureDays }, (_, t) => {
        const day = new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10);
        const promo = t % 17 === 3 ? 1 : 0;
        if (t >= n) return `${day},,${t === gapOn ? "" : promo}`;
        return `${day},${(100 + 20 * Math.sin((2 * Math.PI * t) / 7) + 40 * promo + ((t * 7919) % 13)).toFixed(2)},${promo}`;
      }),
    ].join("\n");
  const upload = async (csv: string) => (await request(t.app).post("/v1/datasets?name=promo").type("text/csv").send(csv)).body.id as string;
  const body = { date: "date", target: "sales", horizon: 21, folds: 1, network: { maxEpochs: 2, units: 4 } };

  it("When the promotion's future days are given, then the forecast starts the day after the last observed sales and every member scored on them", async () => {
    const id = await upload(rows(21));
    const accepted = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId: id, ...body, events: ["promo"] });
    expect(accepted.status).toBe(202);
    const job = await finished(accepted.body.jobId);
    expect(job.status).toBe("succeeded");
    const f = (await request(t.app).get(job.result.forecastUrl)).body;
    expect(f.forecasts[0].dates[0]).toBe("2025-08-23"); // day 600 after 2024-01-01
    expect(f.choices[0].scores.length).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it("When a future day lacks the input, or future rows come without events, then a 400 names the field and the day, and no job starts", async () => {
    const jobsBefore = (await request(t.app).get("/v1/jobs")).body;
    const gap = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId: await upload(rows(21, n + 9)), ...body, events: ["promo"] });
    expect(gap.status).toBe(400);
    expect(gap.body.issues[0].path).toEqual(["body", "events", 0]);
    expect(gap.body.detail).toContain("promo is a known future input but has no value on 2025-09-01, day 10 of the 21-day horizon");
    const short = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId: await upload(rows(14)), ...body, events: ["promo"] });
    expect(short.status).toBe(400);
    expect(short.body.detail).toContain("no value on 2025-09-06, day 15 of the 21-day horizon");
    const unnamed = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId: await upload(rows(21)), ...body });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.detail).toBe(
      "row 601: sales is missing (rows after the last observed day are read as the future only when `events` names the inputs they carry).",
    );
    const text = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId: await upload(rows(21)), ...body, events: ["date"] });
    expect(text.status).toBe(400);
    expect(text.body.issues[0].path).toEqual(["events", 0]);
    expect((await request(t.app).get("/v1/jobs")).body).toEqual(jobsBefore);
  });
});

describe("POST /v1/forecasts with a hierarchy", () => {
  it("When the sample's segments must add up to a total, then every level is forecast and each day's total is the sum of its parts", async () => {
    const accepted = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId, ...BODY, hierarchy: { total: ["Consumer", "Enterprise", "SMB"] } });
    expect(accepted.status).toBe(202);
    const job = await finished(accepted.body.jobId);
    expect(job.status).toBe("succeeded");
    const f = (await request(t.app).get(job.result.forecastUrl)).body;
    expect(f.forecasts.map((s: { key: string }) => s.key)).toEqual(["Consumer", "Enterprise", "SMB", "total"]);
    expect(f.reconciliation).toMatchObject({ method: "mint_shrink", nodes: ["total", "Consumer", "Enterprise", "SMB"] });
    expect(f.reconciliation.reason).toMatch(/^mint_shrink: the nodes' backtest error covariance \(21 backtest days\) shrunk toward its diagonal/);
    const [c, e, s, total] = f.forecasts;
    for (let h = 0; h < 21; h++) expect(total.mean[h]).toBeCloseTo(c.mean[h] + e.mean[h] + s.mean[h], 6);
    for (const choice of f.choices) expect(choice.reconciled.after).toBeGreaterThan(0);
  }, 120_000);

  it("When a hierarchy is wrong or cannot apply, then a 400 names the field and no job starts", async () => {
    const jobsBefore = (await request(t.app).get("/v1/jobs")).body;
    const post = (extra: object) =>
      request(t.app)
        .post("/v1/forecasts")
        .send({ datasetId, ...BODY, ...extra });
    const unknown = await post({ hierarchy: { total: ["Consumer", "Retail"] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues[0].path).toEqual(["body", "hierarchy", "total"]);
    expect(unknown.body.detail).toBe("hierarchy.total: part Retail is neither a series in the data nor a parent in the hierarchy");
    const noSegment = await post({ segment: undefined, hierarchy: { total: ["Consumer"] } });
    expect(noSegment.status).toBe(400);
    expect(noSegment.body.issues[0].path).toEqual(["body", "hierarchy"]);
    const alone = await post({ reconciliation: "ols" });
    expect(alone.status).toBe(400);
    expect(alone.body.issues[0].path).toEqual(["body", "reconciliation"]);
    // the data's own total that is not the sum of its parts
    const csv = [
      "date,store,sales",
      ...Array.from({ length: 400 }, (_, t) => {
        const day = new Date(Date.UTC(2024, 0, 1 + t)).toISOString().slice(0, 10);
        const a = 10 + (t % 7);
        const b = 20 + (t % 5);
        return [`${day},a,${a}`, `${day},b,${b}`, `${day},all,${t === 37 ? a + b + 1 : a + b}`].join("\n");
      }),
    ].join("\n");
    const id = (await request(t.app).post("/v1/datasets?name=stores").type("text/csv").send(csv)).body.id;
    const incoherent = await request(t.app)
      .post("/v1/forecasts")
      .send({ datasetId: id, date: "date", target: "sales", segment: "store", horizon: 21, folds: 1, hierarchy: { all: ["a", "b"] } });
    expect(incoherent.status).toBe(400);
    expect(incoherent.body.detail).toBe("hierarchy.all: does not add up on 2024-02-07: the data give 35, its parts (a, b) sum to 34");
    expect((await request(t.app).get("/v1/jobs")).body).toEqual(jobsBefore);
  });
});
