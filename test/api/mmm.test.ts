import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, waitFor } from "../helpers/app.ts";

const t = testApp();
let robynId = "";
beforeAll(async () => {
  const csv = readFileSync(new URL("../../data/robyn-simulated-weekly/dt_simulated_weekly.csv", import.meta.url));
  robynId = (await request(t.app).post("/v1/datasets?name=robyn").type("text/csv").send(csv)).body.id;
});
afterAll(() => t.close());

const BODY = { date: "DATE", target: "revenue", channels: ["tv_S", "ooh_S", "print_S", "facebook_S", "search_S"], controls: ["competitor_sales_B", "events"], method: "fast", searchSize: 20, refineRounds: 1 };

describe("POST /v1/mmm", () => {
  it("When a model is fitted, then the job gives a modelId whose model and curves can be read", async () => {
    const accepted = await request(t.app).post("/v1/mmm").send({ datasetId: robynId, ...BODY });
    expect(accepted.status).toBe(202);
    const job = await waitFor(async () => {
      const r = await request(t.app).get(`/v1/jobs/${accepted.body.jobId}`);
      return ["succeeded", "failed"].includes(r.body.status) ? r.body : undefined;
    }, 60_000);
    expect(job.status).toBe("succeeded");
    expect(job.result.segments[0].channels.map((c: { channel: string }) => c.channel)).toEqual(BODY.channels);
    const model = await request(t.app).get(job.result.modelUrl);
    expect(model.status).toBe(200);
    expect(model.body.segments[0].model.holdout.nrmse).toBeGreaterThan(0);
    const curves = await request(t.app).get(`/v1/mmm/${job.result.modelId}/curves`);
    expect(curves.body.curves).toHaveLength(5);
    expect(curves.body.curves[0]).toMatchObject({ segment: null, channel: "tv_S", form: "hill" });
  }, 90_000);

  it("When a column is wrong, then 400 now, not a failed job later", async () => {
    const res = await request(t.app).post("/v1/mmm").send({ datasetId: robynId, ...BODY, channels: ["tv_S", "events"] });
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
    const bad = await request(t.app).post("/v1/mmm").send({ datasetId: robynId, ...BODY, lifts: [{ channel: "tv_S", start: "2019-02-30", end: "2019-03-31", liftAbs: 1, liftSe: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toEqual(["body", "lifts", 0, "start"]);
    const notChannel = await request(t.app).post("/v1/mmm").send({ datasetId: robynId, ...BODY, lifts: [{ channel: "newsletter", start: "2019-03-01", end: "2019-03-31", liftAbs: 1, liftSe: 1 }] });
    expect(notChannel.status).toBe(400);
    expect(notChannel.body.detail).toBe("lifts[0]: newsletter is not one of the channels");
  });
});
