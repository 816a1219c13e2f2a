import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { pseudoBmaPlusWeights, stackingObjective, stackingWeights } from "../../src/mcmc/stacking.ts";

// scipy BFGS on the same objective, as R's loo::stacking_weights solves it (test/fixtures/make_golden_stacking.py)
const golden = JSON.parse(readFileSync(new URL("../fixtures/golden/stacking.json", import.meta.url), "utf8")) as {
  cases: Record<string, { pointwise: number[][]; weights: number[]; objective: number; pseudoBmaPlus: number[] }>;
};

describe("stacking weights (Yao et al. 2018)", () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(`When the pointwise elpd is the "${name}" case, then the weights match scipy's optimum within 1e-4 and the objective within 1e-8 relative`, () => {
      const w = stackingWeights(c.pointwise);
      expect(w.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 12);
      w.forEach((v, k) => expect(Math.abs(v - c.weights[k]!)).toBeLessThan(1e-4));
      expect(Math.abs(stackingObjective(c.pointwise, w) / c.objective - 1)).toBeLessThan(1e-8);
    });
  }

  for (const [name, c] of Object.entries(golden.cases)) {
    it(`When the pointwise elpd is the "${name}" case, then pseudo-BMA+ weights match ArviZ's computation (numpy, 200,000 bootstrap draws) within 0.01`, () => {
      const w = pseudoBmaPlusWeights(c.pointwise, seededRng(1), 20_000);
      expect(w.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 10);
      w.forEach((v, k) => expect(Math.abs(v - c.pseudoBmaPlus[k]!)).toBeLessThan(0.01));
    });
  }

  it("When two candidates predict identically, then they share the weight equally, and a far worse one gets none", () => {
    const a = Array.from({ length: 50 }, (_, i) => -1 - 0.01 * i);
    const w = stackingWeights([a, a, a.map((v) => v - 5)]);
    expect(w[0]).toBeCloseTo(0.5, 6);
    expect(w[1]).toBeCloseTo(0.5, 6);
    expect(w[2]).toBeLessThan(1e-6);
  });
});
