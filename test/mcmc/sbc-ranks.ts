import gammainc from "@stdlib/math-base-special-gammainc";
import { expect } from "vitest";

/**
 * Simulation-based calibration's check (Talts et al. 2018): per parameter, the ranks of the true values among L
 * thinned draws over N simulations, binned into 10, must be uniform (χ² p > 0.01).
 */
export function expectUniformRanks(ranks: readonly (readonly number[])[], N: number, L: number, names: readonly string[]): void {
  ranks.forEach((r, k) => {
    const bins = new Array<number>(10).fill(0);
    r.forEach((c, rank) => (bins[Math.floor((rank * 10) / (L + 1))]! += c));
    const expected = N / 10;
    const chi2 = bins.reduce((a, b) => a + (b - expected) ** 2 / expected, 0);
    const p = gammainc(chi2 / 2, 9 / 2, true, true);
    expect(p, `${names[k]}: rank histogram ${bins.join(" ")} (χ² ${chi2.toFixed(1)})`).toBeGreaterThan(0.01);
  });
}
