import { describe, expect, it } from "vitest";
import { coverage, mae, maseScale, pinball, rmsse, smape, wmape } from "../../src/forecast/metrics.ts";
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

describe("RMSSE (M5)", () => {
  it("When the history steps by 0, 2, 0, 2 and the errors are 1, 3, then RMSSE is √(5 / 2)", () => {
    // one-step differences 0, 2, 0, 2 → mean square 2; errors 1, 3 → mean square 5
    expectClose(rmsse([1, 3], [0, 0], [0, 0, 2, 2, 4]), Math.sqrt(5 / 2), { rtol: 1e-12 });
  });
});
