import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { thetaForecast } from "../../../src/forecast/members/theta.ts";

// statsmodels' ThetaModel with its defaults, on five series (test/fixtures/make_golden_theta.py)
const golden = JSON.parse(readFileSync(new URL("../../fixtures/golden/theta.json", import.meta.url), "utf8")) as {
  cases: { name: string; y: number[]; forecast: number[] }[];
};

describe("Theta, against statsmodels' ThetaModel", () => {
  for (const c of golden.cases) {
    it(`When forecasting ${c.name} 30 days ahead, then each day agrees with statsmodels to 1e-4 relative`, () => {
      const f = thetaForecast(c.y, 30);
      const scale = Math.max(...c.y.map(Math.abs));
      f.forEach((v, h) => expect(Math.abs(v - c.forecast[h]!), `day ${h + 1}: ${v} vs ${c.forecast[h]}`).toBeLessThan(1e-4 * scale));
    });
  }
});
