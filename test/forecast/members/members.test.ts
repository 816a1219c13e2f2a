import { describe, expect, it } from "vitest";
import { bandAround, errorQuantiles, zeroRows } from "../../../src/forecast/bands.ts";
import { memberForecasts } from "../../../src/forecast/members/index.ts";
import { lastYearForecast } from "../../../src/forecast/members/last-year.ts";
import { mstlEtsForecast } from "../../../src/forecast/members/mstl-ets.ts";
import { seededRng } from "../../../src/data/random.ts";

describe("statistical members", () => {
  const weekly = Array.from({ length: 70 }, (_, i) => 100 + 10 * (i % 7) + (i % 3));

  it("When a series repeats weekly, then seasonal naive repeats its last week", () => {
    expect(memberForecasts(weekly, 14).seasonal_naive).toEqual([...weekly.slice(63), ...weekly.slice(63)]);
  });

  it("When a series grew 10% on last year, then same-weekday-last-year gives last year's day 364 back times 1.1", () => {
    const y = Array.from({ length: 500 }, (_, t) => (t >= 400 ? 1.1 : 1) * (50 + (t % 7) + ((t % 364) % 11)));
    const f = lastYearForecast(y, 30)!;
    // the level ratio: the last 28 days (t 472..499, all ×1.1) over t 108..135
    f.forEach((v, h) => expect(v).toBeCloseTo(1.1 * y[500 + h - 364]!, 9));
    expect(lastYearForecast(y.slice(0, 391), 30)).toBeNull();
  });

  it("When the series is a trend plus a weekly and a yearly season with little noise, then MSTL + ETS with both seasons forecasts 60 days within 3% of the truth, and the weekly-only one misses the yearly swing by more", () => {
    const r = seededRng(4);
    const truth = (t: number) => 200 + 0.05 * t + 15 * Math.sin((2 * Math.PI * t) / 7) + 40 * Math.sin((2 * Math.PI * t) / 365);
    // the origin at the yearly peak, where carrying the recent slope on goes wrong
    const n = 1186;
    const y = Array.from({ length: n }, (_, t) => truth(t) + r.normal());
    const both = mstlEtsForecast(y, 60, [7, 365])!;
    const weekly = mstlEtsForecast(y, 60, [7])!;
    const err = (f: number[]) => f.reduce((a, v, h) => a + Math.abs(v - truth(n + h)), 0) / f.length;
    both.forEach((v, h) => expect(Math.abs(v / truth(n + h) - 1)).toBeLessThan(0.03));
    expect(err(weekly)).toBeGreaterThan(2 * err(both));
    expect(mstlEtsForecast(y.slice(0, 700), 60, [7, 365])).toBeNull();
  });

  it("When the members are combined, then the combination is the mean of Theta, MSTL + ETS and last year", () => {
    const r = seededRng(5);
    const y = Array.from({ length: 800 }, (_, t) => 100 + 5 * (t % 7) + r.normal());
    const m = memberForecasts(y, 10);
    m.combination!.forEach((v, h) => expect(v).toBeCloseTo((m.theta![h]! + m.mstl_ets![h]! + m.last_year![h]!) / 3, 9));
  });
});

describe("bands from backtest errors", () => {
  it("When every lead's errors are -22..22 (over 15), then the 10% and 90% quantiles are ∓18/15, and a point gets them scaled, ordered, and floored at zero", () => {
    const list = Array.from({ length: 45 }, (_, i) => (i - 22) / 15);
    const errors = Array.from({ length: 15 }, () => list);
    const q = errorQuantiles(errors, [0.1, 0.5, 0.9]);
    // lead 7 pools leads 0..14: 15 copies of each value, 675 in all; the 10% quantile sits at 0.1 · 674 = 67.4,
    // inside the fifth value's copies (-18/15)
    expect(q[1]![7]).toBeCloseTo(0, 12);
    expect(q[0]![7]!).toBeCloseTo(-18 / 15, 12);
    expect(q[2]![7]!).toBeCloseTo(18 / 15, 12);
    const band = bandAround(new Array(15).fill(1), q, 1, true);
    band[0]!.forEach((v) => expect(v).toBe(0));
    expect(band[2]![0]).toBeCloseTo(1 + 18 / 15, 12);
  });
});

describe("bands of count series with many zero days", () => {
  it("When 78% of last year's days were zero, then the 10% and 50% quantiles are 0 (P(y = 0) ≥ τ) while the 90% one is the point plus its error; 5% zeros or a negative day change nothing", () => {
    const history = Array.from({ length: 400 }, (_, t) => (t % 50 < 39 ? 0 : 3));
    const levels = [0.1, 0.5, 0.9];
    expect(zeroRows(levels, history)).toBe(2);
    const q = levels.map((_, k) => new Array(5).fill([-0.5, -0.1, 1][k]));
    const band = bandAround(new Array(5).fill(0.6), q, 2, true, zeroRows(levels, history));
    expect(band[0]).toEqual([0, 0, 0, 0, 0]);
    expect(band[1]).toEqual([0, 0, 0, 0, 0]);
    band[2]!.forEach((v) => expect(v).toBeCloseTo(2.6, 12));
    // without the rule the lower end sat above zero (0.6 − 0.5·2 → 0 only by the floor; 0.6 − 0.1·2 = 0.4 for p50)
    expect(bandAround(new Array(5).fill(0.6), q, 2, true)[1]![0]).toBeCloseTo(0.4, 12);
    expect(
      zeroRows(
        levels,
        Array.from({ length: 400 }, (_, t) => (t % 20 === 0 ? 0 : 5)),
      ),
    ).toBe(0);
    expect(zeroRows(levels, [...history.slice(1), -1])).toBe(0);
  });
});

describe("intermittent demand", () => {
  it("When TSB smooths the days 0, 3, 0, 0, 5, 0, 2, 0 (worked by hand as statsforecast's TSB computes it: two simple exponential smoothings, each started at its first value), then it forecasts 0.2160441 × 3.08 every day", async () => {
    const { tsbForecast } = await import("../../../src/forecast/members/tsb.ts");
    // p over the indicators 0,1,0,0,1,0,1,0 from 0: 0, .1, .09, .081, .1729, .15561, .240049, .2160441
    // z over the sizes 3, 5, 2 from 3: 3, 3.2, 3.08
    const f = tsbForecast([0, 3, 0, 0, 5, 0, 2, 0], 3)!;
    f.forEach((v) => expect(v).toBeCloseTo(0.2160441 * 3.08, 12));
  });

  it("When a product sells on 1 day in 5, 4 units at a time, then it is intermittent and TSB forecasts about 0.8 a day; a daily seller is not intermittent", async () => {
    const { isIntermittent, tsbForecast } = await import("../../../src/forecast/members/tsb.ts");
    const r = seededRng(6);
    const y = Array.from({ length: 2000 }, () => (r.uniform() < 0.2 ? 4 : 0));
    expect(isIntermittent(y)).toBe(true);
    const f = tsbForecast(y, 5)!;
    // p and z smoothed with 0.1: about 10 days' memory, so the last stretch moves the level; within ±0.5 of 0.8
    f.forEach((v) => expect(Math.abs(v - 0.8)).toBeLessThan(0.5));
    expect(isIntermittent(Array.from({ length: 100 }, (_, t) => 1 + (t % 3)))).toBe(false);
    expect(
      memberForecasts(
        Array.from({ length: 100 }, (_, t) => 1 + (t % 3)),
        5,
      ).tsb,
    ).toBeNull();
  });

  it("When Croston SBA smooths sizes 3, 5, 2 at intervals 3, 2, 4 (worked by hand as statsforecast's CrostonSBA computes it), then it forecasts 0.95 × 3.08 / 3.01 every day", async () => {
    const { crostonSbaForecast } = await import("../../../src/forecast/members/croston.ts");
    // sizes: 3 → 3 → 0.1·5 + 0.9·3 = 3.2 → 0.1·2 + 0.9·3.2 = 3.08; intervals 3 → 3 → 2.9 → 3.01
    const f = crostonSbaForecast([0, 0, 3, 0, 5, 0, 0, 0, 2], 4);
    f.forEach((v) => expect(v).toBeCloseTo((0.95 * 3.08) / 3.01, 12));
    expect(crostonSbaForecast([0, 0, 0], 2)).toEqual([0, 0]);
    // a steady seller of 4 units every 5th day: about 0.95 × 4 / 5
    const steady = Array.from({ length: 500 }, (_, t) => (t % 5 === 4 ? 4 : 0));
    expect(crostonSbaForecast(steady, 1)[0]).toBeCloseTo(0.76, 9);
    expect(
      memberForecasts(
        Array.from({ length: 100 }, (_, t) => 1 + (t % 3)),
        5,
      ).croston_sba,
    ).toBeNull();
  });
});

describe("a stored forecast with a statistical member", () => {
  it("When the fit kept the member's point forecast, then forecastWith returns it (no refit); without it, the member is refitted to the same numbers", async () => {
    const { forecastWith } = await import("../../../src/forecast/forecast.ts");
    const { thetaForecast } = await import("../../../src/forecast/members/theta.ts");
    const r = seededRng(8);
    const s = { key: "a", start: "2024-01-01", target: Array.from({ length: 120 }, (_, t) => 50 + 5 * (t % 7) + r.normal()) };
    const fit = {
      horizon: 3,
      levels: [0.1, 0.5, 0.9],
      conformalMargins: [],
      choices: [{ key: "a", method: "theta" as const, reason: "", intermittent: false, scores: [] }],
      memberBands: [
        [
          [-1, -1, -1],
          [0, 0, 0],
          [1, 1, 1],
        ],
      ],
    };
    const kept = forecastWith({ members: [] }, [s], { ...fit, memberPoints: [[1, 2, 3]] })[0]!;
    expect(kept.mean).toEqual([1, 2, 3]);
    expect(kept.dates).toEqual(["2024-04-30", "2024-05-01", "2024-05-02"]);
    const refit = forecastWith({ members: [] }, [s], fit)[0]!;
    expect(refit.mean).toEqual(thetaForecast(s.target, 3));
  });
});
