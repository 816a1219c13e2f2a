import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SAMPLE_SEED } from "../../data/sample-truth.ts";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { SAMPLE_SPEC, simulateSales, simulationToCsv } from "../../src/regression/mmm/simulate.ts";

const file = (name: string) => readFileSync(new URL(`../../data/${name}`, import.meta.url), "utf8");

describe("bundled sample data", () => {
  const sim = simulateSales(SAMPLE_SPEC, SAMPLE_SEED);

  it("When regenerated from its seed, then the committed CSV and truth are reproduced byte for byte", () => {
    expect(simulationToCsv(sim)).toBe(file("sample-daily-sales.csv"));
    expect(JSON.parse(file("sample-truth.json")).truth).toEqual(JSON.parse(JSON.stringify(sim.truth)));
  });

  it("When ingested, then it is 3 years daily for 3 segments with no gaps and 5 spend channels", () => {
    const ds = csvToDataset(file("sample-daily-sales.csv"), { name: "s", dateColumn: "date", seriesColumns: ["segment"] });
    expect(ds.rows).toBe(3 * 1096);
    expect(ds.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      "date:date",
      "segment:category",
      "spend_tv:number",
      "spend_search:number",
      "spend_social:number",
      "spend_email:number",
      "spend_flyer:number",
      "holiday:integer",
      "sales:number",
    ]);
    expect(ds.warnings).toEqual([]);
  });

  it("When the truth is recomputed by hand for one channel, then ROI = Σ beta·hill(adstock) / Σ spend", () => {
    const seg = SAMPLE_SPEC.segments[0]!;
    const p = seg.channels.search!;
    const x = sim.rows.filter((r) => r.segment === seg.name).map((r) => r.spend.search!);
    // explicit recurrence of normalised geometric adstock with window lMax
    const w = Array.from({ length: p.lMax }, (_, l) => p.alpha ** l);
    const wsum = w.reduce((a, b) => a + b, 0);
    let contribution = 0;
    x.forEach((_, t) => {
      let a = 0;
      for (let l = 0; l < p.lMax && l <= t; l++) a += (w[l]! * x[t - l]!) / wsum;
      contribution += a > 0 ? (p.beta * a ** p.slope) / (a ** p.slope + p.kappa ** p.slope) : 0;
    });
    const truth = sim.truth.find((t) => t.segment === seg.name && t.channel === "search")!;
    expect(Math.abs(truth.roi - contribution / x.reduce((a, b) => a + b, 0))).toBeLessThanOrEqual(1e-12 * truth.roi);
    expect(truth.roi).toBeGreaterThan(1); // search pays in this sample
  });

  it("When the same seed is used twice, then the data is identical; another seed differs", () => {
    expect(simulateSales(SAMPLE_SPEC, SAMPLE_SEED).rows).toEqual(sim.rows);
    expect(simulateSales(SAMPLE_SPEC, SAMPLE_SEED + 1).rows[0]!.sales).not.toBe(sim.rows[0]!.sales);
  });
});
