import { describe, expect, it } from "vitest";
import { unseenShare } from "../../../src/regression/mmm/posterior-report.ts";

describe("the share of a channel's contribution below the spend the data show", () => {
  it("When carried-over spend runs 1–3, then a concave curve credits 78% of the contribution to the level below 1 and an S-curve 24%, by hand", () => {
    const a = [1, 2, 3];
    // f = s / (1 + s): 0.5, 0.667, 0.75 → 3 · 0.5 / 1.9167
    expect(unseenShare(a, { kind: "michaelis-menten", alpha: 1, lam: 1 })).toBeCloseTo(1.5 / (0.5 + 2 / 3 + 0.75), 12);
    // f = 1 / (1 + (2/s)³): 1/9, 1/2, 27/35 → 3 · (1/9) / (1/9 + 1/2 + 27/35)
    expect(unseenShare(a, { kind: "hill", kappa: 2, slope: 3 })).toBeCloseTo(3 / 9 / (1 / 9 + 1 / 2 + 27 / 35), 12);
  });

  it("When the spend is off in some period, then nothing of the contribution lies below it; with no contribution the share is 0", () => {
    expect(unseenShare([0, 2, 5], { kind: "logistic", lam: 0.5 })).toBe(0);
    expect(unseenShare([0, 0], { kind: "logistic", lam: 0.5 })).toBe(0);
    expect(unseenShare([], { kind: "logistic", lam: 0.5 })).toBe(0);
  });
});
