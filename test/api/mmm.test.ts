import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishedJob, testApp, waitFor } from "../helpers/app.ts";

const t = await testApp();
let robynId = "";
beforeAll(async () => {
  const csv = readFileSync(new URL("../../data/robyn-simulated-weekly/dt_simulated_weekly.csv", import.meta.url));
  robynId = (await request(t.app).post("/v1/datasets?name=robyn").type("text/csv").send(csv)).body.id;
});
afterAll(() => t.close());

const BODY = {
  date: "DATE",
  target: "revenue",
  channels: ["tv_S", "ooh_S", "print_S", "facebook_S", "search_S"],
  controls: ["competitor_sales_B", "events"],
  method: "fast",
  searchSize: 20,
  refineRounds: 1,
};

describe("POST /v1/mmm", () => {
  it("When a model is fitted, then the job gives a modelId whose model and curves can be read", async () => {
    const accepted = await request(t.app)
      .post("/v1/mmm")
      .send({ datasetId: robynId, ...BODY });
    expect(accepted.status).toBe(202);
    const job = await waitFor(async () => {
      const r = await request(t.app).get(`/v1/jobs/${accepted.body.jobId}`);
      return ["succeeded", "failed"].includes(r.body.status) ? r.body : undefined;
    }, 60_000);
    expect(job.status).toBe("succeeded");
    expect(job.result.segments[0].channels.map((c: { channel: string }) => c.channel)).toEqual(BODY.channels);
    const model = await request(t.app).get(job.result.modelUrl);
    expect(model.status).toBe(200);
    // the stored model answers with the numbers the job summarised, and its holdout fit is its decomposition's
    const stored = model.body.segments[0].model;
    expect(stored.channels.map((c: { roi: number }) => c.roi)).toEqual(job.result.segments[0].channels.map((c: { roi: number }) => c.roi));
    const d = stored.decomposition;
    const k = d.actual.length - stored.holdoutPeriods;
    const a = d.actual.slice(k) as number[];
    const rmse = Math.sqrt(a.reduce((s, v, i) => s + (v - d.fitted[k + i]) ** 2, 0) / a.length);
    expect(stored.holdout.nrmse).toBeCloseTo(rmse / (Math.max(...a) - Math.min(...a)), 12);
    const curves = await request(t.app).get(`/v1/mmm/${job.result.modelId}/curves`);
    expect(curves.body.curves).toHaveLength(5);
    expect(curves.body.curves[0]).toMatchObject({ segment: null, channel: "tv_S", form: "hill" });
    // the spreadsheet's channel table carries the same numbers, each channel's forms and its unseen share
    const sheet = await request(t.app).get(job.result.modelUrl).set("Accept", "text/csv");
    const rows = sheet.text
      .trim()
      .split("\r\n")
      .map((r) => r.split(","));
    const col = (name: string) => rows[0]!.indexOf(name);
    expect(rows).toHaveLength(6);
    stored.channels.forEach((c: { channel: string; roi: number; unseenShare: number; form: { saturation: string; adstock: string } }, i: number) => {
      const row = rows[i + 1]!;
      expect([row[col("channel")], row[col("saturation")], row[col("adstock")]]).toEqual([c.channel, c.form.saturation, c.form.adstock]);
      expect(Number(row[col("roi")])).toBe(c.roi);
      expect(Number(row[col("unseen_share")])).toBe(c.unseenShare);
    });
  }, 90_000);

  it("When a column is wrong, then 400 now, not a failed job later", async () => {
    const res = await request(t.app)
      .post("/v1/mmm")
      .send({ datasetId: robynId, ...BODY, channels: ["tv_S", "events"] });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe("channels.1: events is text; expected number or integer.");
    expect(res.body.issues[0].path).toEqual(["channels", 1]);
  });

  it("When the model id is unknown, then 404", async () => {
    expect((await request(t.app).get("/v1/mmm/mdl_nope/curves")).status).toBe(404);
  });
});

describe("POST /v1/mmm with lift tests", () => {
  it("When a lift test is malformed or names a non-channel, then 400 names the field", async () => {
    const bad = await request(t.app)
      .post("/v1/mmm")
      .send({ datasetId: robynId, ...BODY, lifts: [{ channel: "tv_S", start: "2019-02-30", end: "2019-03-31", liftAbs: 1, liftSe: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["body", "lifts", 0, "start"]);
    const notChannel = await request(t.app)
      .post("/v1/mmm")
      .send({ datasetId: robynId, ...BODY, lifts: [{ channel: "newsletter", start: "2019-03-01", end: "2019-03-31", liftAbs: 1, liftSe: 1 }] });
    expect(notChannel.status).toBe(400);
    expect(notChannel.body.detail).toBe("lifts[0]: newsletter is not one of the channels");
  });
});

describe("POST /v1/mmm with method bayes", () => {
  const BAYES = {
    date: "DATE",
    target: "revenue",
    channels: ["tv_S", "search_S"],
    controls: ["events"],
    adstock: "geometric",
    saturation: { tv_S: "logistic", search_S: "hill" },
    roiPriors: { tv_S: { median: 1, spread: 1 } },
    chains: 2,
    warmup: 60,
    draws: 60,
  };

  it("When a Bayesian model is fitted, then it is stored with its forms, diagnostics and posterior draws, and its curves read back", async () => {
    const accepted = await request(t.app)
      .post("/v1/mmm")
      .send({ datasetId: robynId, ...BAYES });
    expect(accepted.status).toBe(202);
    const job = await finishedJob(t.app, accepted.body.jobId);
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const model = (await request(t.app).get(job.result.modelUrl)).body.segments[0].model;
    expect(model.method).toBe("bayes");
    expect(model.channels.map((c: { form: unknown }) => c.form)).toEqual([
      { adstock: "geometric", saturation: "logistic" },
      { adstock: "geometric", saturation: "hill" },
    ]);
    expect(model.diagnostics.parameters.map((p: { name: string }) => p.name)).toContain("tv_S.log_roi");
    expect(model.posterior[0].roi.length).toBe(120);
    const curves = await request(t.app).get(`/v1/mmm/${job.result.modelId}/curves`);
    expect(curves.body.curves.map((c: { form: string }) => c.form)).toEqual(["logistic", "hill"]);
  }, 150_000);

  it("When a field cannot act or a prior cannot hold, then 400 names the field and no job starts", async () => {
    const cases: [Record<string, unknown>, (string | number)[], RegExp][] = [
      [{ adstock: "exponential" }, ["body", "adstock"], /./],
      [{ saturation: { radio_S: "hill" } }, ["saturation", "radio_S"], /radio_S is not one of the channels/],
      [{ roiPriors: { tv_S: { median: -1, spread: 1 } } }, ["roiPriors", "tv_S", "median"], /median must be > 0/],
      [{ roiPriors: { tv_S: { median: 1, spread: 0 } } }, ["roiPriors", "tv_S", "spread"], /spread must be > 0/],
      [{ searchSize: 10 }, ["searchSize"], /applies to method "fast" only/],
      [{ method: "fast", chains: 2, roiPriors: undefined, saturation: undefined }, ["chains"], /applies to method "bayes" only/],
      [
        { method: "fast", saturation: "logistic", roiPriors: undefined, chains: undefined, warmup: undefined, draws: undefined },
        ["saturation"],
        /method "fast" fits hill only/,
      ],
      [{ pooled: "partial" }, ["pooled"], /name the segment column/],
      // BAYES fixes every channel's forms: nothing to average
      [{ formAveraging: "stacking" }, ["formAveraging"], /no candidate forms to average/],
      [{ formAveraging: "bma" }, ["body", "formAveraging"], /./],
      [{ geoEffects: "normal" }, ["geoEffects"], /applies to pooled "partial" only/],
      [
        { lifts: [{ channel: "tv_S", start: "2030-01-01", end: "2030-02-01", liftAbs: 100, liftSe: 10 }] },
        ["lifts", 0, "start"],
        /holds no period of the data/,
      ],
    ];
    for (const [patch, path, message] of cases) {
      const res = await request(t.app)
        .post("/v1/mmm")
        .send({ datasetId: robynId, ...BAYES, ...patch });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
      expect(res.body.issues[0].path, JSON.stringify(res.body)).toEqual(path);
      expect(res.body.detail).toMatch(message);
      expect(res.body.jobId).toBeUndefined();
    }
  });
});
