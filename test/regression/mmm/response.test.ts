import { describe, expect, it } from "vitest";
import { mmmLines } from "../../../src/app/mmm-lines.ts";
import { channelResponse } from "../../../src/forecast/plan.ts";
import { allocate } from "../../../src/optimize/allocate.ts";
import { makeCurve } from "../../../src/optimize/curves.ts";
import { carryOf, evaluateLine } from "../../../src/optimize/evaluate.ts";
import { highsSolver } from "../../../src/optimize/solvers.ts";
import { fitBayesMmm } from "../../../src/regression/mmm/fit-bayes.ts";
import { fitMmm } from "../../../src/regression/mmm/fit-mmm.ts";
import { planCarryIn, planWeights, responseToPlan } from "../../../src/regression/mmm/response.ts";
import { SAMPLE_SPEC, simulatedMmmInput, simulateSales } from "../../../src/regression/mmm/simulate.ts";
import { FAMILIES, simulateFamily } from "../../../src/regression/mmm/simulate-families.ts";
import type { FittedMmm } from "../../../src/regression/mmm/types.ts";
import { openStore } from "../../../src/store/store.ts";

/** A daily model saved in a fresh store, as the API would keep it. */
async function saved(model: FittedMmm) {
  const { store } = await openStore(":memory:");
  const rec = await store.models.save({
    kind: "mmm",
    datasetId: null,
    schemaVersion: 2,
    spec: {},
    result: { request: {}, segments: [{ segment: null, model }], warnings: [] },
  });
  return { store, id: rec.id };
}

describe("one response engine for decomposition, forecast plans, scenarios and allocations", () => {
  const sim = simulateSales(SAMPLE_SPEC, 1);
  const input = simulatedMmmInput(sim.rows.filter((r) => r.segment === "Enterprise"));
  const model = fitMmm(input, { bootstrap: 0, searchSize: 20, refineRounds: 1 });

  it("When the engine is run over the data, then it gives the fit's own decomposition (to 1e-9)", () => {
    for (const c of model.channels) {
      const r = responseToPlan(c, [], input.channels[c.channel]!);
      r.forEach((v, t) => expect(Math.abs(v - model.decomposition.channels[c.channel]![t]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(v))));
    }
  });

  it("When one 28-day plan goes through a forecast plan, a scenario and a locked multi-period allocation, then each channel's incremental sales agree to 1e-9", async () => {
    const { store, id } = await saved(model);
    const periods = 28;
    const { lines } = await mmmLines(store, id, 1, periods, []);
    const highs = await highsSolver();
    const allocation = allocate({ lines: lines.map((l) => ({ ...l, locked: true })), periods }, highs);
    for (const line of lines) {
      const c = model.channels.find((x) => x.channel === line.channel)!;
      const plan = new Array<number>(periods).fill(line.currentSpend!);
      const history = model.spendHistory![c.channel]!;
      // the forecast plan's way: response with the plan minus response without it, history carried in both
      const withPlan = channelResponse(c, history, plan);
      const without = channelResponse(
        c,
        history,
        plan.map(() => 0),
      );
      const forecast = withPlan.reduce((a, v, t) => a + v - without[t]!, 0);
      // the scenario's way: the same line the allocator builds, on its true curve
      const scenario = evaluateLine(makeCurve(line.curve), carryOf(line, periods), plan).reduce((a, e) => a + e.ret, 0);
      const allocated = allocation.lines.find((x) => x.channel === line.channel)!.expectedReturn;
      expect(Math.abs(scenario - forecast)).toBeLessThan(1e-9 * Math.abs(forecast));
      expect(Math.abs(allocated - forecast)).toBeLessThan(1e-9 * Math.abs(forecast));
    }
    // and the history stored with the model, not the dataset, feeds the carry-over
    expect(lines.some((l) => l.adstock && "carryIn" in l.adstock && (l.adstock.carryIn?.[0] ?? 0) > 0)).toBe(true);
  });

  it("When a plan runs in weeks of a daily model, then the plan-period weights carry exactly the window's spend (mean adstock), and a steady week gives back its spend", () => {
    const ad = { kind: "geometric" as const, alpha: 0.6, lMax: 14, normalize: true };
    const w = planWeights(ad, 7);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // against a day-by-day computation: weekly spend X spread evenly, summed daily adstock per week
    const weekly = [700, 0, 1400, 350];
    const daily = weekly.flatMap((x) => new Array<number>(7).fill(x / 7));
    const wd = planWeights({ ...ad }, 1);
    const dailyAd = daily.map((_, d) => wd.reduce((a, wl, l) => a + (d - l >= 0 ? wl * daily[d - l]! : 0), 0));
    weekly.forEach((_, p) => {
      const direct = dailyAd.slice(7 * p, 7 * p + 7).reduce((a, b) => a + b, 0);
      const viaWeights = w.reduce((a, wm, m) => a + (p - m >= 0 ? wm * weekly[p - m]! : 0), 0);
      expect(viaWeights).toBeCloseTo(direct, 9);
    });
    // history: carry-in equals the window applied to the history alone
    const history = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140];
    const carry = planCarryIn(ad, history, 7, 3);
    const both = [...history, ...new Array<number>(21).fill(0)];
    const adBoth = both.map((_, d) => wd.reduce((a, wl, l) => a + (d - l >= 0 ? wl * both[d - l]! : 0), 0));
    carry.forEach((c, p) =>
      expect(c).toBeCloseTo(
        adBoth.slice(14 + 7 * p, 21 + 7 * p).reduce((a, b) => a + b, 0),
        9,
      ),
    );
  });

  it("When a Bayesian model with another carry-over form is planned, then the scenario and forecast agree as well", async () => {
    const fam = FAMILIES.find((f) => f.name.startsWith("hill-delayed"))!;
    const s = simulateFamily(fam, 1);
    const forms = {
      ch1: { adstock: "delayed", saturation: "logistic" },
      ch2: { adstock: "weibull-pdf", saturation: "michaelis-menten" },
      ch3: { adstock: "geometric", saturation: "hill" },
    } as const;
    const m = (await fitBayesMmm(s.input, { chains: 1, warmup: 60, draws: 40, forms })).segments[0]!.model;
    const { store, id } = await saved(m);
    const periods = 6;
    const { lines } = await mmmLines(store, id, 1, periods, []);
    for (const line of lines) {
      const c = m.channels.find((x) => x.channel === line.channel)!;
      const plan = [100, 0, 250, 80, 0, 300];
      const h = m.spendHistory![c.channel]!;
      const forecast = channelResponse(c, h, plan).reduce(
        (a, v, t) =>
          a +
          v -
          channelResponse(
            c,
            h,
            plan.map(() => 0),
          )[t]!,
        0,
      );
      const scenario = evaluateLine(makeCurve(line.curve), carryOf(line, periods), plan).reduce((a, e) => a + e.ret, 0);
      expect(Math.abs(scenario - forecast)).toBeLessThan(1e-9 * Math.max(1, Math.abs(forecast)));
    }
  }, 60_000);
});
