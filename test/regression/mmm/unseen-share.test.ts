import { describe, expect, it } from "vitest";
import { saturate } from "../../../src/regression/mmm/saturation.ts";
import { unseenShare } from "../../../src/regression/mmm/unseen-share.ts";

describe("the share of a channel's contribution below the spend the data show", () => {
  it("When carried-over spend runs 1–3, then a concave curve credits 78% of the contribution to the level below 1 and an S-curve 24%, by hand", () => {
    const a = [1, 2, 3];
    // f = s / (1 + s): 0.5, 0.667, 0.75 → 3 · 0.5 / 1.9167
    const mm = a.map((s) => saturate(s, { kind: "michaelis-menten", alpha: 1, lam: 1 }));
    expect(unseenShare(mm)).toBeCloseTo(1.5 / (0.5 + 2 / 3 + 0.75), 12);
    // f = 1 / (1 + (2/s)³): 1/9, 1/2, 27/35 → 3 · (1/9) / (1/9 + 1/2 + 27/35)
    const hill = a.map((s) => saturate(s, { kind: "hill", kappa: 2, slope: 3 }));
    expect(unseenShare(hill)).toBeCloseTo(3 / 9 / (1 / 9 + 1 / 2 + 27 / 35), 12);
  });

  it("When the spend is off in some period, then nothing of the contribution lies below it; with no contribution the share is 0", () => {
    expect(unseenShare([0, 0.4, 0.9])).toBe(0);
    expect(unseenShare([0, 0])).toBe(0);
    expect(unseenShare([])).toBe(0);
  });
});
