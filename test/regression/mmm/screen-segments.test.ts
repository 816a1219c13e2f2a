import { describe, expect, it } from "vitest";
import { fitBayesMmm, SCREEN_SEGMENTS, screenSegments } from "../../../src/regression/mmm/fit-bayes.ts";
import { FAMILIES, simulatePanel } from "../../../src/regression/mmm/simulate-families.ts";
import type { SegmentData } from "../../../src/regression/mmm/posterior-model.ts";

const seg = (name: string, total: number[]) => ({ name, total }) as unknown as SegmentData;

describe("which segments a large panel screens its forms on", () => {
  it("When a pooled panel has at most SCREEN_SEGMENTS segments, then every segment is screened (null)", () => {
    expect(screenSegments(Array.from({ length: SCREEN_SEGMENTS }, (_, i) => seg(`g${i}`, [i])))).toBeNull();
  });

  it("When it has more (SCREEN_SEGMENTS is 4), then the ones with the most media spend over all channels, in their own order, ties to the first", () => {
    const totals = [
      [1, 1],
      [10, 0],
      [3, 3],
      [0, 2],
      [5, 5],
      [4, 2],
      [6, 0],
    ];
    expect(SCREEN_SEGMENTS).toBe(4);
    expect(screenSegments(totals.map((t, i) => seg(`g${i}`, t)))).toEqual([1, 2, 4, 5]); // totals 10 and 10, then 6, 6 and 6: g2 and g5 before g6;
  });
});

describe("forms chosen on a large pooled panel", () => {
  it("When 6 geos are fitted with forms auto and partial pooling, then the screens run on the 4 with the most spend, the answer says which, and only they carry candidate ROIs", async () => {
    const panel = simulatePanel(FAMILIES.find((f) => f.name.startsWith("hill-geometric-mixed-W104"))!, 6, 3, 0.25);
    // the saturation left to the data (three screens); the carry-over given, to keep the test short
    const forms = { ch1: { adstock: "geometric", saturation: "auto" }, ch2: { adstock: "geometric", saturation: "auto" } } as const;
    const fit = await fitBayesMmm(panel.input, { chains: 2, warmup: 100, draws: 100, pooling: "partial", forms });
    const screened = fit.segments.filter((s) => s.model.formSelection?.candidates.every((c) => c.roi));
    expect(screened).toHaveLength(4);
    const criterion = fit.segments[0]!.model.formSelection!.criterion;
    expect(criterion).toContain(`the short runs used the 4 of 6 segments with the most media spend (${screened.map((s) => s.name).join(", ")})`);
    // one choice for all: every geo reports the same forms
    expect(new Set(fit.segments.map((s) => JSON.stringify(s.model.channels.map((c) => c.form))))).toHaveProperty("size", 1);
  }, 180_000);
});
