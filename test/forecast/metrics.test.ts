import { describe, expect, it } from "vitest";
import { baselineForecast } from "../../src/forecast/baselines.ts";
import { coverage, mae, maseScale, pinball, smape, wmape } from "../../src/forecast/metrics.ts";
import { expectClose } from "../helpers/all-close.ts";

describe("forecast accuracy measures (worked by hand)", () => {
  const actual = [10, 20, 30, 40];
  const point = [12, 18, 33, 40];
  it("When errors are 2, 2, 3, 0, then MAE, sMAPE and wMAPE are what their formulas give", () => {
    expectClose(mae(actual, point), 7 / 4, { rtol: 1e-12 });
    expectClose(smape(actual, point), (4 / 22 + 4 / 38 + 6 / 63 + 0) / 4, { rtol: 1e-12 });
    expectClose(wmape(actual, point), 7 / 100, { rtol: 1e-12 });
  });
  it("When a history alternates by weekday, then the MASE scale is the mean absolute weekly difference", () => {
    const history = Array.from({ length: 21 }, (_, i) => (i % 7) * 10 + Math.floor(i / 7));
    expectClose(maseScale(history, 7), 1, { rtol: 1e-12 });
  });
  it("When a quantile is above or below the actual, then the pinball loss weighs it by tau or 1 − tau", () => {
    // tau 0.1: actual 10 vs q 12 → 0.9·2 = 1.8; tau 0.9: actual 10 vs q 8 → 0.9·2 = 1.8
    expectClose(pinball([10], [0.1, 0.9], [[12], [8]]), 1.8, { rtol: 1e-12 });
    expect(coverage(actual, [9, 21, 29, 39], [11, 22, 31, 41])).toBe(0.75);
  });
});

describe("baseline forecasts", () => {
  const target = Array.from({ length: 70 }, (_, i) => 100 + 10 * (i % 7) + (i % 3));
  it("When a series repeats weekly, then seasonal naive repeats last week and naive repeats the last day", () => {
    const s = { key: "a", start: "2024-01-01", target };
    const sn = baselineForecast(s, 14, [0.1, 0.5, 0.9], 7);
    expect(sn.mean).toEqual([...target.slice(63), ...target.slice(63)]);
    expect(sn.dates[0]).toBe("2024-03-11");
    const nv = baselineForecast(s, 3, [0.5], 1);
    expect(nv.mean).toEqual([target[69], target[69], target[69]]);
    sn.quantiles[0]!.forEach((lo, h) => expect(lo).toBeLessThanOrEqual(sn.quantiles[2]![h]!));
  });
});
