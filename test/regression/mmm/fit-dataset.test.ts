import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../../src/data/to-dataset.ts";
import { fitMmmDataset, prepareMmm } from "../../../src/regression/mmm/fit-dataset.ts";
import { CURVE_POINTS } from "../../../src/regression/mmm/report.ts";
import { expectAllClose } from "../../helpers/all-close.ts";

const robyn = csvToDataset(readFileSync(new URL("../../../data/robyn-simulated-weekly/dt_simulated_weekly.csv", import.meta.url)), { name: "robyn" });
const ROBYN = {
  date: "DATE",
  target: "revenue",
  channels: ["tv_S", "ooh_S", "print_S", "facebook_S", "search_S"],
  controls: ["competitor_sales_B", "events", "newsletter"],
};

const r = await fitMmmDataset(robyn, { ...ROBYN, method: "fast", seed: 1, searchSize: 60, refineRounds: 2 });

describe("marketing-mix model on Robyn's demo data (208 weeks)", () => {
  const m = "model" in r.segments[0]! ? r.segments[0].model : undefined;

  it("When fitted with defaults, then weekly frequency, a holdout NRMSE and β ≥ 0 are reported, and 'na' events are a level", () => {
    expect(m!.frequency).toBe("W");
    expect(m!.holdoutPeriods).toBe(20);
    // the reported fit is the fit of the reported decomposition: NRMSE = RMSE / range, R² over the fitting rows
    const d = m!.decomposition;
    const k = d.actual.length - 20;
    const nrmse = (a: readonly number[], f: readonly number[]) =>
      Math.sqrt(a.reduce((s, v, i) => s + (v - f[i]!) ** 2, 0) / a.length) / (Math.max(...a) - Math.min(...a));
    expect(m!.inSample.nrmse).toBeCloseTo(nrmse(d.actual.slice(0, k), d.fitted.slice(0, k)), 12);
    expect(m!.holdout!.nrmse).toBeCloseTo(nrmse(d.actual.slice(k), d.fitted.slice(k)), 12);
    // Robyn's demo fits well out of sample (seed 1: 0.052; Robyn's own demo reports NRMSE around 0.05-0.10)
    expect(m!.holdout!.nrmse).toBeLessThan(0.1);
    expect(m!.inSample.rsquared).toBeGreaterThan(0.85);
    expect(m!.channels.every((c) => c.coefficient >= 0 && c.transform.lMax === 8)).toBe(true);
    expect(r.warnings.join(" ")).toContain('treated as their own level "(none)"');
    expect(Object.keys(m!.baseline)).toContain("events[T.event1]");
  });

  it("When decomposed, then baseline + trend + seasonality + controls + channels add up to the fitted values", () => {
    const d = m!.decomposition;
    const sum = d.fitted.map(
      (_, i) => d.baseline[i]! + d.trend[i]! + d.seasonality[i]! + d.controls[i]! + Object.values(d.channels).reduce((s, c) => s + c[i]!, 0),
    );
    expectAllClose(sum, d.fitted, { rtol: 1e-9 });
    expect(d.dates).toHaveLength(208);
  });

  it("When curves are drawn, then they start at 0, rise, and their slope at current spend is the channel's mROI", () => {
    for (const c of m!.curves) {
      expect(c.spend).toHaveLength(CURVE_POINTS);
      expect(c.response[0]).toBe(0);
      c.response.forEach((v, i) => i > 0 && expect(v).toBeGreaterThanOrEqual(c.response[i - 1]!));
      const ch = m!.channels.find((x) => x.channel === c.channel)!;
      const h = c.currentSpend * 1e-6;
      const sat = (s: number) => c.coefficient / (1 + (c.kappa / s) ** c.slope);
      expectAllClose([ch.mroi], [(sat(c.currentSpend + h) - sat(c.currentSpend - h)) / (2 * h)], { rtol: 1e-4 });
    }
  });
});

describe("marketing-mix data checks", () => {
  const csv = (rows: string[]) => csvToDataset(["date,seg,sales,tv,radio,promo", ...rows].join("\n"), { name: "t", minRows: 1 });
  const ok = Array.from({ length: 10 }, (_, i) => `2024-01-${String(i + 1).padStart(2, "0")},A,${100 + i},${i},${i % 3},x`);

  it("When spend is negative, missing, a date repeats or a column has the wrong type, then a 400 names the place", () => {
    expect(() => prepareMmm(csv([...ok.slice(0, 9), "2024-01-10,A,5,-3,1,x"]), { date: "date", target: "sales", channels: ["tv"] })).toThrow(
      "row 10: tv is negative (-3)",
    );
    expect(() => prepareMmm(csv([...ok.slice(0, 9), "2024-01-10,A,5,,1,x"]), { date: "date", target: "sales", channels: ["tv"] })).toThrow(
      "row 10: tv is missing",
    );
    expect(() => prepareMmm(csv([...ok.slice(0, 9), "2024-01-09,A,5,3,1,x"]), { date: "date", target: "sales", channels: ["tv"] })).toThrow(
      "date 2024-01-09 appears twice",
    );
    expect(() => prepareMmm(csv(ok), { date: "date", target: "seg", channels: ["tv"] })).toThrow("target: seg is text; expected number or integer.");
    expect(() => prepareMmm(csv(ok), { date: "sales", target: "sales", channels: ["tv"] })).toThrow("date: sales is an integer column; expected date.");
  });

  it("When two channels move together, then the check warns that their effects cannot be told apart", () => {
    const rows = Array.from(
      { length: 90 },
      (_, i) => `${new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)},A,${100 + i},${i},${2 * i + (i % 2) * 0.01},x`,
    );
    expect(prepareMmm(csv(rows), { date: "date", target: "sales", channels: ["tv", "radio"] }).warnings.join(" ")).toMatch(/strongly collinear/);
  });

  it("When there are too few periods for the parameters, then the request is refused with the counts before any fit", () => {
    expect(() => prepareMmm(csv(ok), { date: "date", target: "sales", channels: ["tv", "radio"] })).toThrow(
      /periods to fit \(after the holdout\) are too few for about \d+ parameters; need at least \d+/,
    );
  });
});
