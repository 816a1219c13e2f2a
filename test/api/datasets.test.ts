import { readFileSync } from "node:fs";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { testApp, waitFor } from "../helpers/app.ts";

const t = await testApp({ MIXCAST_MAX_UPLOAD_MB: 50 });
afterAll(() => t.close());
const HOSPITAL = readFileSync(new URL("../../data/hospital-campaign/Campaign-Data.raw.csv", import.meta.url));

function expectProblem(res: request.Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
}

const storedCount = async () => (await t.store.datasets.list()).total;

describe("POST /v1/datasets", () => {
  it("When the hospital CSV is uploaded as text/csv, then 2,976 typed rows are stored and the warnings name the trailing spaces", async () => {
    const res = await request(t.app).post("/v1/datasets?name=hospital").type("text/csv").send(HOSPITAL);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/datasets/${res.body.id}`);
    expect(res.body.rows).toBe(2976);
    const names = res.body.columns.map((c: { name: string }) => c.name);
    expect(names).toContain("Amount_Collected");
    expect(names).toContain("Campaign_Email");
    expect(res.body.columns.find((c: { name: string }) => c.name === "Calendardate")).toMatchObject({ type: "date", format: "dd-mm-yyyy" });
    const trimmed = res.body.warnings.find((w: { code: string }) => w.code === "trimmed_values");
    expect(trimmed.message).toContain('"Large Facility "');

    const rows = await request(t.app).get(`/v1/datasets/${res.body.id}/rows?limit=1`);
    expect(rows.body.rows[0][names.indexOf("Calendardate")]).toBe("2014-01-16");
    expect(rows.body.rows[0][names.indexOf("Client_Type")]).toBe("Medium Facility");
  });

  it("When uploaded as JSON with declared types, then the options apply", async () => {
    const res = await request(t.app)
      .post("/v1/datasets")
      .send({ name: "j", csv: "day,spend\n01/02/2024,5\n03/04/2024,6\n", dateFormats: { day: "dd/mm/yyyy" }, types: { spend: "number" } });
    expect(res.status).toBe(201);
    expect(res.body.columns).toEqual([
      { name: "day", original: "day", missing: 0, type: "date", format: "dd/mm/yyyy" },
      { name: "spend", original: "spend", missing: 0, type: "number" },
    ]);
  });

  const malformed: [string, string | Buffer, string, number, unknown[]][] = [
    ["empty", "", "text/csv", 400, ["body"]],
    ["header only", "a,b,c\n", "text/csv", 400, ["body"]],
    ["ragged", "a,b\n1,2\n3,4,5\n", "text/csv", 400, ["rows", 2]],
    ["duplicate headers", "a,b,a\n1,2,3\n", "text/csv", 400, ["header", "a"]],
    ["headers equal once standardised", "Amount Collected,Amount_Collected\n1,2\n", "text/csv", 400, ["header", "Amount_Collected"]],
    ["binary junk", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff]), "text/csv", 400, ["body"]],
    ["bad date", "date,y\n2024-01-01,1\n2024-02-30,2\n", "text/csv", 400, ["rows", 2, "date"]],
    ["ambiguous dates", "date,y\n01/02/2024,1\n03/04/2024,2\n", "text/csv", 400, ["columns", "date"]],
    ["text in a declared numeric column", "a,Amount Collected\n1,100\n2,lots\n", "text/csv", 400, ["rows", 2, "Amount_Collected"]],
  ];
  it.each(malformed)("When the CSV is %s, then 4xx problem+json names the place and nothing is stored", async (_n, body, type, status, path) => {
    const before = await storedCount();
    const url = _n.startsWith("text in") ? "/v1/datasets?types=Amount_Collected:number" : "/v1/datasets";
    const res = await request(t.app).post(url).type(type).send(body);
    expectProblem(res, status);
    expect(res.body.issues[0].path).toEqual(path);
    expect(await storedCount()).toBe(before);
  });

  it("When the text cell is in a declared numeric column, then the row, column and value are all named", async () => {
    const res = await request(t.app).post("/v1/datasets?types=Amount%20Collected:number").type("text/csv").send("a,Amount Collected\n1,100\n2,lots\n");
    expect(res.body.issues[0]).toMatchObject({ path: ["rows", 2, "Amount_Collected"], value: "lots", line: 3 });
    expect(res.body.detail).toBe('row 2, column Amount_Collected: "lots" is not a number');
  });

  it("When a large CSV (parsed off the request thread) is valid or has one bad cell, then the answer is the same as inline", async () => {
    const rows = Array.from({ length: 120_000 }, (_, i) => `${i},${(i * 0.5).toFixed(1)}`);
    const good = `id,spend\n${rows.join("\n")}\n`;
    expect(good.length).toBeGreaterThan(1 << 20);
    const ok = await request(t.app).post("/v1/datasets?name=large").type("text/csv").send(good);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      rows: 120_000,
      columns: [
        { name: "id", type: "integer" },
        { name: "spend", type: "number" },
      ],
    });
    const before = await storedCount();
    rows[99_998] = "99998,lots";
    const bad = await request(t.app)
      .post("/v1/datasets?types=spend:number")
      .type("text/csv")
      .send(`id,spend\n${rows.join("\n")}\n`);
    expectProblem(bad, 400);
    expect(bad.body.issues[0]).toMatchObject({ path: ["rows", 99_999, "spend"], value: "lots", line: 100_000 });
    expect(await storedCount()).toBe(before);
  });

  it("When the body is over the size limit (50 MB), then 413 problem+json says the limit and nothing is stored", async () => {
    const before = await storedCount();
    const big = Buffer.alloc(51 * 1024 * 1024, "1,2\n");
    const res = await request(t.app)
      .post("/v1/datasets")
      .type("text/csv")
      .send(Buffer.concat([Buffer.from("a,b\n"), big]));
    expectProblem(res, 413);
    expect(res.body.detail).toContain("MIXCAST_MAX_UPLOAD_MB");
    expect(await storedCount()).toBe(before);
  });

  it("When the content type is neither CSV nor JSON, then 415", async () => {
    expectProblem(
      await request(t.app)
        .post("/v1/datasets")
        .type("image/png")
        .send(Buffer.from([1, 2, 3])),
      415,
    );
  });

  it("When the JSON is malformed or misses fields, then 400 names the field", async () => {
    expectProblem(await request(t.app).post("/v1/datasets").type("json").send("{oops"), 400);
    const res = await request(t.app).post("/v1/datasets").send({ csv: "a\n1\n" });
    expectProblem(res, 400);
    expect(res.body.issues[0].path).toEqual(["body", "name"]);
  });

  it("When options name a column that does not exist, then 400 names the option", async () => {
    const res = await request(t.app).post("/v1/datasets?types=nope:number").type("text/csv").send("a\n1\n");
    expectProblem(res, 400);
    expect(res.body.issues[0].path).toEqual(["types", "nope"]);
  });

  it("When an unknown query parameter is sent, then 400 names it", async () => {
    const res = await request(t.app).post("/v1/datasets?nmae=x").type("text/csv").send("a\n1\n");
    expectProblem(res, 400);
    expect(res.body.issues[0].path).toEqual(["query"]);
  });
});

describe("GET/DELETE /v1/datasets", () => {
  it("When listing, getting and deleting, then the dataset appears and then 404s", async () => {
    const created = await request(t.app).post("/v1/datasets?name=tmp").type("text/csv").send("a,b\n1,2\n");
    const list = await request(t.app).get("/v1/datasets?limit=1000");
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(created.body.id);
    expect((await request(t.app).get(`/v1/datasets/${created.body.id}`)).body).toEqual(created.body);
    expect((await request(t.app).delete(`/v1/datasets/${created.body.id}`)).status).toBe(204);
    expectProblem(await request(t.app).get(`/v1/datasets/${created.body.id}`), 404);
    expectProblem(await request(t.app).delete(`/v1/datasets/${created.body.id}`), 404);
  });

  it("When paging with a bad limit, then 400 names the query field", async () => {
    const res = await request(t.app).get("/v1/datasets?limit=0");
    expectProblem(res, 400);
    expect(res.body.issues[0].path).toEqual(["query", "limit"]);
  });
});

describe("POST /v1/datasets/:id/profile", () => {
  it("When profiled by segment, then a job returns per-segment means equal to a direct computation", async () => {
    const created = await request(t.app).post("/v1/datasets?name=p").type("text/csv").send("seg,x\nA,1\nA,3\nB,10\nB,\n");
    const accepted = await request(t.app).post(`/v1/datasets/${created.body.id}/profile`).send({ segment: "seg" });
    expect(accepted.status).toBe(202);
    expect(accepted.headers.location).toBe(`/v1/jobs/${accepted.body.jobId}`);
    const job = await waitFor(async () => {
      const r = await request(t.app).get(`/v1/jobs/${accepted.body.jobId}`);
      return r.body.status === "succeeded" || r.body.status === "failed" ? r.body : undefined;
    });
    expect(job.status).toBe("succeeded");
    expect(job.result.segments).toEqual([
      { segment: "A", rows: 2, columns: { x: { mean: 2, sum: 4, count: 2 } } },
      { segment: "B", rows: 2, columns: { x: { mean: 10, sum: 10, count: 1 } } },
    ]);
    expect(job.result.numeric[0]).toMatchObject({ name: "x", count: 3, missing: 1, mean: 14 / 3, min: 1, median: 3, max: 10 });
    expect((await request(t.app).get(job.resultUrl)).body).toEqual(job.result);
  });
});

describe("DELETE /v1/datasets/:id while jobs use it", () => {
  it("When an MMM fit runs and a profile and a forecast wait on the dataset, then the delete is refused with 409 naming all three; once they are cancelled, it is deleted", async () => {
    const sample = readFileSync(new URL("../../data/sample-daily-sales.csv", import.meta.url));
    const id = (await request(t.app).post("/v1/datasets?name=busy").type("text/csv").send(sample)).body.id as string;
    // one job at a time here: the MMM runs (a Bayesian fit takes minutes), the other two wait behind it
    const mmm = (
      await request(t.app)
        .post("/v1/mmm")
        .send({ datasetId: id, date: "date", target: "sales", channels: ["spend_tv"], segment: "segment" })
    ).body.jobId;
    await waitFor(async () => ((await request(t.app).get(`/v1/jobs/${mmm}`)).body.status === "running" ? true : undefined));
    const profile = (await request(t.app).post(`/v1/datasets/${id}/profile`).send({})).body.jobId;
    const forecast = (
      await request(t.app).post("/v1/forecasts").send({ datasetId: id, date: "date", target: "sales", segment: "segment", horizon: 14, folds: 1 })
    ).body.jobId;
    const refused = await request(t.app).delete(`/v1/datasets/${id}`);
    expectProblem(refused, 409);
    expect(refused.body.detail).toBe(
      `Dataset ${id} is in use by 3 jobs still running: ${mmm} (mmm-fit, running), ${profile} (dataset-profile, queued), ${forecast} (forecast-train, queued). Cancel them (DELETE /v1/jobs/{id}) or wait for them to finish, then delete again.`,
    );
    expect((await request(t.app).get(`/v1/datasets/${id}`)).status).toBe(200); // nothing lost
    for (const job of [mmm, profile]) expect((await request(t.app).delete(`/v1/jobs/${job}`)).status).toBe(200);
    const stillOne = await request(t.app).delete(`/v1/datasets/${id}`);
    expectProblem(stillOne, 409);
    expect(stillOne.body.issues[0].value).toEqual([forecast]);
    expect((await request(t.app).delete(`/v1/jobs/${forecast}`)).status).toBe(200);
    expect((await request(t.app).delete(`/v1/datasets/${id}`)).status).toBe(204);
    expect((await request(t.app).get(`/v1/datasets/${id}`)).status).toBe(404);
  }, 60_000);
});

describe("POST /v1/datasets with spreadsheet number formats", () => {
  it("When a European Excel export (;-separated, 1.234,5) is uploaded, then its columns are numbers, a warning says so, and a regression runs on them", async () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) =>
        `${i + 1};${(1000 + 37.5 * i).toLocaleString("de-DE", { minimumFractionDigits: 2 })};${(250 + 3 * i + (i % 5)).toLocaleString("de-DE", { minimumFractionDigits: 1 })}`,
    );
    const up = await request(t.app)
      .post("/v1/datasets?name=eu")
      .type("text/csv")
      .send(["woche;umsatz;werbung", ...rows].join("\n"));
    expect(up.status).toBe(201);
    expect(up.body.columns.map((c: { type: string }) => c.type)).toEqual(["integer", "number", "integer"]); // werbung: "250,0" and the like, whole numbers
    expect(up.body.warnings.filter((w: { code: string }) => w.code === "formatted_numbers").map((w: { column: string }) => w.column)).toEqual([
      "umsatz",
      "werbung",
    ]);
    const fit = await request(t.app).post("/v1/regressions").send({ datasetId: up.body.id, formula: "umsatz ~ werbung" });
    expect(fit.status).toBe(201);
  });

  it("When a ;-separated column reads as different numbers either way, then the upload is refused with the fix; decimal in the query settles it", async () => {
    const csv = "day;units\n1;1.234\n2;2.500\n3;17\n";
    const before = await storedCount();
    const refused = await request(t.app).post("/v1/datasets?name=amb").type("text/csv").send(csv);
    expectProblem(refused, 400);
    expect(refused.body.issues[0].path).toEqual(["columns", "units"]);
    expect(await storedCount()).toBe(before);
    const settled = await request(t.app).post("/v1/datasets?name=amb&decimal=,").type("text/csv").send(csv);
    expect(settled.status).toBe(201);
    const rows = await request(t.app).get(`/v1/datasets/${settled.body.id}/rows`);
    expect(rows.body.rows.map((r: number[]) => r[1])).toEqual([1234, 2500, 17]);
    const json = await request(t.app).post("/v1/datasets").send({ name: "amb", csv, decimal: ".", thousands: "none" });
    expect(json.status).toBe(201);
  });
});
