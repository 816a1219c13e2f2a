import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mstlEtsForecast } from "../../../src/forecast/members/mstl-ets.ts";

// augurs' MSTL + AutoETS (the mstl_ets and mstl_ets_yearly members) against statsforecast's MSTL algorithm run on
// statsmodels' STL and ETSModel (test/fixtures/make_golden_mstl.py; statsforecast itself cannot be installed here).
// Measured: with the weekly season alone every forecast day agrees within 0.11% of the series' mean level; with the
// yearly season too within 0.7–2.4%, a nearly constant shift: the STL implementations (augurs' stlrs, statsmodels'
// Cython) split trend and yearly season differently near the series' end, which moves the ETS level the forecast
// starts from (with R's default loess jumps, which stlrs follows, the shift shrinks only to 0.5–2.4%).
const golden = JSON.parse(readFileSync(new URL("../../fixtures/golden/mstl.json", import.meta.url), "utf8")) as {
  horizon: number;
  cases: { name: string; periods: number[]; y: number[]; ets: string; forecast: number[] }[];
};
const TOLERANCE: Record<string, number> = { "7": 0.002, "7,365": 0.03 };

describe("MSTL + ETS, against statsforecast's MSTL on statsmodels", () => {
  for (const c of golden.cases) {
    const tol = TOLERANCE[c.periods.join(",")]!;
    it(`When ${c.name} is forecast ${golden.horizon} days with seasons ${c.periods.join(" and ")} (reference ETS ${c.ets}), then every day is within ${tol * 100}% of the series' mean level of the reference`, () => {
      const f = mstlEtsForecast(c.y, golden.horizon, c.periods)!;
      const level = c.y.reduce((a, v) => a + Math.abs(v), 0) / c.y.length;
      expect(f).toHaveLength(golden.horizon);
      f.forEach((v, h) => expect(Math.abs(v - c.forecast[h]!) / level, `day ${h + 1}: ${v} vs ${c.forecast[h]}`).toBeLessThan(tol));
    });
  }
});
