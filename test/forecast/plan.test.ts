import { describe, expect, it } from "vitest";
import { addDays } from "../../src/forecast/calendar.ts";
import { applyPlan, BAU_DAYS, channelResponse, resolvePlan } from "../../src/forecast/plan.ts";
import type { SeriesForecast } from "../../src/forecast/types.ts";
import { fitMmm } from "../../src/regression/mmm/fit-mmm.ts";
import { SAMPLE_SPEC, simulatedMmmInput, simulateSales } from "../../src/regression/mmm/simulate.ts";
import { expectAllClose } from "../helpers/all-close.ts";

const sim = simulateSales(SAMPLE_SPEC, 20240601);
const rows = sim.rows.filter((r) => r.segment === "Enterprise");
const input = simulatedMmmInput(rows);
// transforms fixed near the truth: the plan arithmetic is under test here, not the search (fit-mmm.test.ts)
const mmm = fitMmm(input, {
  bootstrap: 30,
  transforms: Object.fromEntries(Object.keys(input.channels).map((c) => [c, { alpha: 0.5, slope: 1.5, kappa: 2000 }])),
});
const history = input.channels;
const horizon = 30;
const lastDate = input.dates[input.dates.length - 1]!;
const dates = Array.from({ length: horizon }, (_, h) => addDays(lastDate, h + 1));
const flat: SeriesForecast = {
  key: "all",
  dates,
  mean: new Array(horizon).fill(1000),
  quantiles: [new Array(horizon).fill(900), new Array(horizon).fill(1000), new Array(horizon).fill(1100)],
};

/** The MMM's response written out independently: normalised geometric adstock as a double loop, then Hill. */
function response(beta: number, t: { alpha: number; lMax: number; slope: number; kappa: number }, spend: readonly number[]): number[] {
  let norm = 0;
  for (let l = 0; l < t.lMax; l++) norm += t.alpha ** l;
  return spend.map((_, i) => {
    let a = 0;
    for (let l = 0; l < t.lMax && l <= i; l++) a += t.alpha ** l * spend[i - l]!;
    a /= norm;
    return beta * (a ** t.slope / (a ** t.slope + t.kappa ** t.slope));
  });
}

describe("spend plans through the MMM's curves", () => {
  it("When a channel's response is computed over the fitting window, then it equals the MMM's own decomposition", () => {
    for (const c of mmm.channels) {
      const n = mmm.decomposition.dates.length;
      expectAllClose(channelResponse(c, [], history[c.channel]!.slice(0, n)), mmm.decomposition.channels[c.channel]!, { rtol: 1e-9, atol: 1e-9 });
    }
  });

  it("When a plan adds $1,500 a day of TV, then the forecast rises by the MMM's incremental response (carry-over included) to 1e-9", () => {
    const tvHist = history.tv!;
    const bau = tvHist.slice(-BAU_DAYS).reduce((a, b) => a + b, 0) / BAU_DAYS;
    const planned = new Array(horizon).fill(bau + 1500);
    const { forecast, effect } = applyPlan(flat, mmm.channels, history, { lines: [{ channel: "tv", daily: planned }] });
    const tv = mmm.channels.find((c) => c.channel === "tv")!;
    const full = (future: number[]) => response(tv.coefficient, tv.transform, [...tvHist, ...future]).slice(tvHist.length);
    const a = full(planned);
    const b = full(new Array(horizon).fill(bau));
    const expected = a.map((v, t) => v - b[t]!);
    expect(expected.reduce((s, v) => s + v, 0)).toBeGreaterThan(1000); // a real effect, not a vacuous 0 = 0
    expectAllClose(
      forecast.mean.map((v) => v - 1000),
      expected,
      { rtol: 1e-9, atol: 1e-9 },
    );
    for (const [k, base] of [900, 1000, 1100].entries())
      expectAllClose(
        forecast.quantiles[k]!.map((v) => v - base),
        expected,
        { rtol: 1e-9, atol: 1e-9 },
      );
    const line = effect.channels.find((c) => c.channel === "tv")!;
    expect(line.planSpend - line.bauSpend).toBeCloseTo(1500 * horizon, 6);
    expect(line.incremental).toBeCloseTo(
      expected.reduce((s, v) => s + v, 0),
      6,
    );
    expect(line.incrementalInterval!.lower).toBeLessThanOrEqual(line.incremental);
    expect(line.incrementalInterval!.upper).toBeGreaterThanOrEqual(line.incremental);
    expect(effect.channels.filter((c) => c.channel !== "tv").every((c) => c.incremental === 0)).toBe(true);
  });

  it("When extra spend falls on the first day only, then later days still rise (adstock carry-over) and fade", () => {
    const bau = history.search!.slice(-BAU_DAYS).reduce((a, b) => a + b, 0) / BAU_DAYS;
    const daily = new Array(horizon).fill(bau);
    daily[0] = bau + 20_000;
    const { effect } = applyPlan(flat, mmm.channels, history, { lines: [{ channel: "search", daily }] });
    expect(effect.daily[1]).toBeGreaterThan(0);
    expect(effect.daily[5]!).toBeLessThan(effect.daily[1]!);
    expect(effect.daily[20]).toBeCloseTo(0, 9); // beyond lMax (14 days) the spend is forgotten
  });

  it("When the plan is business-as-usual or empty, then the forecast is unchanged", () => {
    expect(applyPlan(flat, mmm.channels, history, { lines: [] }).forecast).toEqual(flat);
  });

  it("When totals are spread by weekday, then the days sum to the total and follow the history's weekday shares", () => {
    const hist = { tv: Array.from({ length: 56 }, (_, i) => (i % 7 === 6 ? 700 : 100)) }; // the last day is the heavy weekday
    const days = Array.from({ length: 14 }, (_, h) => addDays("2024-01-07", h + 1)); // history ends on 2024-01-07
    const out = resolvePlan({ lines: [{ channel: "tv", total: 1400 }], spread: "weekday" }, "all", ["tv"], hist, days).tv!;
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1400, 9);
    expect(out[6]).toBeCloseTo(7 * out[0]!, 9); // 2024-01-14 has the last history day's weekday
    const even = resolvePlan({ lines: [{ channel: "tv", total: 1400 }] }, "all", ["tv"], hist, days).tv!;
    expect(even).toEqual(new Array(14).fill(100));
  });

  it("When a plan line is wrong, then the error names the line and what is wrong", () => {
    const bad = (line: object) => () => resolvePlan({ lines: [line as never] }, "all", ["tv"], { tv: [1] }, dates);
    expect(bad({ channel: "radio", total: 1 })).toThrow("plan line 1: the MMM has no channel radio (it has tv).");
    expect(bad({ channel: "tv" })).toThrow("plan line 1 (tv): give either daily or total spend.");
    expect(bad({ channel: "tv", daily: [1, 2] })).toThrow(`plan line 1 (tv): daily has 2 values; the horizon has ${horizon} days.`);
    expect(bad({ channel: "tv", total: -5 })).toThrow("plan line 1 (tv): spend must be a finite amount ≥ 0; got -5.");
  });
});
