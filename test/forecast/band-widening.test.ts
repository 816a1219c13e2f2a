import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { outsideBy, widenQuantiles, wideningFor } from "../../src/forecast/band-widening.ts";
import { bandAround, errorQuantiles } from "../../src/forecast/bands.ts";

const levels = [0.1, 0.5, 0.9];

describe("band widening", () => {
  it("When days fall inside, on and outside a band, then each is scored by how far outside it is (negative inside), in units of the scale", () => {
    const band = [
      [0, 0, 0],
      [5, 5, 5],
      [10, 10, 10],
    ];
    expect(outsideBy(band, [4, 10, 13], 2)).toEqual([[-2, 0, 1.5]]);
  });

  it("When the widening is applied, then the pooled days' share inside the band is its nominal coverage, for every pair", () => {
    const r = seededRng(1);
    const five = [0.05, 0.25, 0.5, 0.75, 0.95];
    const days = Array.from({ length: 2_000 }, () => 3 * r.normal());
    // a band for N(0, 1) errors around 0, on days whose errors are N(0, 9): three times too narrow
    const z = [-1.6449, -0.6745, 0, 0.6745, 1.6449];
    const band = z.map((v) => days.map(() => v));
    const w = wideningFor(outsideBy(band, days, 1), five);
    const wide = widenQuantiles(band, w);
    const inside = (k: number) => days.filter((a, h) => wide[k]![h]! <= a && a <= wide[4 - k]![h]!).length / days.length;
    expect(inside(0)).toBeCloseTo(0.9, 2);
    expect(inside(1)).toBeCloseTo(0.5, 2);
    expect(wide[2]).toEqual(band[2]); // the median does not move
  });

  it("When each fold's errors share a bias of their own, then bands from three folds cover too little of a fourth and the widened bands about nominal; without fold biases, the widening stays near nominal too (2,000 simulated backtests each)", () => {
    // errors = fold bias (sd τ) + noise (sd 1), 3 folds × 30 leads: the forecast's band from all three folds, widened by
    // the leave-one-fold-out rule, scored on a fresh fold
    const H = 30;
    const trials = 2_000;
    const run = (tau: number) => {
      const r = seededRng(7);
      let plain = 0;
      let widened = 0;
      for (let trial = 0; trial < trials; trial++) {
        const fold = () => {
          const b = tau * r.normal();
          return Array.from({ length: H }, () => b + r.normal());
        };
        const folds = [fold(), fold(), fold()];
        const byLead = (fs: number[][]) => Array.from({ length: H }, (_, h) => fs.map((f) => f[h]!));
        const zero = new Array<number>(H).fill(0);
        const outside = [[] as number[]];
        folds.forEach((actual, f) => {
          const band = bandAround(zero, errorQuantiles(byLead(folds.filter((_, g) => g !== f)), levels), 1, false);
          outside[0]!.push(...outsideBy(band, actual, 1)[0]!);
        });
        const q = errorQuantiles(byLead(folds), levels);
        const band = bandAround(zero, q, 1, false);
        const wide = bandAround(zero, widenQuantiles(q, wideningFor(outside, levels)), 1, false);
        const next = fold();
        plain += next.filter((a, h) => band[0]![h]! <= a && a <= band[2]![h]!).length / H;
        widened += next.filter((a, h) => wide[0]![h]! <= a && a <= wide[2]![h]!).length / H;
      }
      return { plain: plain / trials, widened: widened / trials };
    };
    // measured (4,000 trials): τ = 0: 0.76 plain, 0.81 widened; 0.5: 0.73, 0.81; 1.5: 0.63, 0.80; 3: 0.57, 0.79
    const biased = run(1.5);
    expect(biased.plain).toBeLessThan(0.67);
    expect(biased.widened).toBeGreaterThan(0.77);
    expect(biased.widened).toBeLessThan(0.84);
    const unbiased = run(0);
    expect(unbiased.widened).toBeGreaterThan(0.78);
    expect(unbiased.widened).toBeLessThan(0.85);
  });
});
