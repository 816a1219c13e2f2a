import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { weightedQuantile } from "../../src/data/quantile.ts";

describe("weighted quantiles (draws of a mixture)", () => {
  it("When every weight is equal, then it is numpy's Hazen quantile (numpy 1.24.2, method='hazen')", () => {
    const x = [3, 1, 4, 1.5, 9, 2.6, 5, 3.5];
    const w = x.map(() => 0.3);
    // np.quantile(x, p, method="hazen")
    const want = [1.0, 2.05, 3.25, 7.8, 9.0];
    [0.05, 0.25, 0.5, 0.9, 0.97].forEach((p, i) => expect(weightedQuantile(x, w, p)).toBeCloseTo(want[i]!, 10));
  });

  it("When two components are weighted 0.8 and 0.2 over unequal draw counts, then the quantiles are the mixture's, not the pooled draws'", () => {
    const r = seededRng(3);
    // component A: U(0, 1), 4,000 draws; B: U(10, 11), 500 draws; mixture weights 0.8 / 0.2
    const a = Array.from({ length: 4000 }, () => r.uniform());
    const b = Array.from({ length: 500 }, () => 10 + r.uniform());
    const values = [...a, ...b];
    const weights = [...a.map(() => 0.8 / 4000), ...b.map(() => 0.2 / 500)];
    expect(weightedQuantile(values, weights, 0.4)).toBeCloseTo(0.5, 1); // 0.4 / 0.8 of A
    expect(weightedQuantile(values, weights, 0.9)).toBeCloseTo(10.5, 1); // half-way through B
    // at 0.85 the mixture is a quarter into B; the pooled draws, weighted equally, are still in A (4,000 of 4,500)
    expect(weightedQuantile(values, weights, 0.85)).toBeCloseTo(10.25, 1);
    expect(
      weightedQuantile(
        values,
        values.map(() => 1),
        0.85,
      ),
    ).toBeLessThan(1);
  });
});
