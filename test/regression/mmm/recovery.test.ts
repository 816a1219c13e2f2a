import { describe, expect, it } from "vitest";
import { parallelChains } from "../../../src/jobs/parallel-chains.ts";
import { fitMmm } from "../../../src/regression/mmm/fit-mmm.ts";
import { fitBayesMmm } from "../../../src/regression/mmm/fit-bayes.ts";
import { FAMILIES, simulateFamily } from "../../../src/regression/mmm/simulate-families.ts";

// A small, representative subset of the recovery matrix (bench/mmm-matrix.ts; BENCHMARKS.md has all of it).
const pymcLike = FAMILIES.find((f) => f.name.startsWith("logistic-geometric-always+sparse"))!;
const runChains = parallelChains(2);

describe("recovery of true ROIs (a subset of the matrix)", () => {
  it("When PyMC-Marketing's structure is simulated 6 times (always-on + sparse channel, logistic, events, concave trend), then the median ROI error is at most 10% and at least 10 of 12 90% intervals cover the truth", async () => {
    const errors: number[] = [];
    let covered = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const sim = simulateFamily(pymcLike, seed);
      const forms = Object.fromEntries(sim.truth.map((t) => [t.channel, { adstock: "geometric", saturation: "logistic" }] as const));
      const m = (await fitBayesMmm(sim.input, { forms, runChains })).segments[0]!.model;
      for (const t of sim.truth) {
        const c = m.channels.find((x) => x.channel === t.channel)!;
        errors.push(Math.abs(c.roi / t.roi - 1));
        if (c.roiInterval!.lower <= t.roi && t.roi <= c.roiInterval!.upper) covered++;
      }
    }
    errors.sort((a, b) => a - b);
    // measured: median 4%, 11 of 12 covered (seed 1's sparse channel is 17% low and missed)
    expect((errors[5]! + errors[6]!) / 2).toBeLessThan(0.1);
    expect(covered).toBeGreaterThanOrEqual(10);
  }, 240_000);

  it("When the forms are left to auto, then a one-parameter saturation and geometric carry-over are chosen on that data, with the evidence, and ROIs land within 15%", async () => {
    const sim = simulateFamily(pymcLike, 3);
    // the default averages ROI over the forms by pseudo-BMA+ weights
    const m = (await fitBayesMmm(sim.input, { runChains })).segments[0]!.model;
    const sel = m.formSelection!;
    expect(sel.candidates.length).toBe(4); // three saturations with geometric, then Weibull PDF
    expect(sel.candidates.find((c) => c.adstock === "geometric" && c.saturation === "hill")!.elpdDiff).toBe(0);
    for (const c of m.channels) {
      expect(["logistic", "michaelis-menten"]).toContain(c.form.saturation);
      expect(c.form.adstock).toBe("geometric");
      const t = sim.truth.find((x) => x.channel === c.channel)!;
      expect(Math.abs(c.roi / t.roi - 1)).toBeLessThan(0.15);
    }
    expect(sel.decision).toMatch(/saturation with geometric adstock/);
    // the share of each channel's contribution below the carried-over spend seen: some for the channel on every
    // week (measured 6.7%), none for the one on a fifth of the weeks (its carry-over runs out between bursts)
    const always = m.channels.find((c) => sim.input.channels[c.channel]!.every((x) => x > 0))!;
    const sparse = m.channels.find((c) => c !== always)!;
    expect(always.unseenShare!).toBeGreaterThan(0.01);
    expect(sparse.unseenShare).toBe(0);
    // the fast fit reports it too: n · min / Σ of the channel's contribution over the fitting periods
    const fast = fitMmm(sim.input, { seed: 1 });
    for (const c of fast.channels) {
      const part = fast.decomposition.channels[c.channel]!.slice(0, fast.fitPeriods);
      const byHand = (part.length * Math.min(...part)) / part.reduce((a, v) => a + v, 0);
      expect(c.unseenShare!).toBeCloseTo(byHand, 9);
    }
    expect(fast.channels.find((c) => c.channel === sparse.channel)!.unseenShare).toBe(0);
    // ROI averaged over the forms by pseudo-BMA+ weights: weights on the simplex, each candidate's own ROI shown, and
    // the mixture's median and interval ends inside the span of the candidates' (weighted ones') own
    expect(sel.candidates.reduce((a, c) => a + c.weight, 0)).toBeCloseTo(1, 9);
    expect(sel.averaging).toMatch(/pseudo-BMA\+/);
    for (const c of m.channels) {
      const own = sel.candidates.filter((k) => k.weight >= 0.01).map((k) => k.roi!.find((r) => r.channel === c.channel)!);
      expect(own.length).toBeGreaterThan(0);
      // Hazen (mixture) and linear (each candidate's own) quantiles of a few hundred draws differ by a draw's gap
      const within = (v: number, xs: number[]) => {
        const slack = 0.01 * Math.max(...own.map((r) => r.upper - r.lower));
        return v >= Math.min(...xs) - slack && v <= Math.max(...xs) + slack;
      };
      expect(
        within(
          c.roi,
          own.map((r) => r.roi),
        ),
        `${c.channel} median ${c.roi} vs ${own.map((r) => r.roi)}`,
      ).toBe(true);
      expect(
        within(
          c.roiInterval!.lower,
          own.map((r) => r.lower),
        ),
        `${c.channel} lower ${c.roiInterval!.lower} vs ${own.map((r) => r.lower)}`,
      ).toBe(true);
      expect(
        within(
          c.roiInterval!.upper,
          own.map((r) => r.upper),
        ),
        `${c.channel} upper ${c.roiInterval!.upper} vs ${own.map((r) => r.upper)}`,
      ).toBe(true);
    }
  }, 240_000);

  it("When the truth's carry-over peaks after a delay, then auto picks the lagged peak, compares the saturations again under it, and ROIs of channels with at least 10% of spend land within 15% at the median, every 90% interval covering the truth", async () => {
    // measured on this dataset with sampler seeds 1-4 (2026-12-07): Weibull PDF chosen, ROI errors 6-7% (52% of
    // spend), 13-17% (17%), 2-7% (31%); before the second comparison the saturations chosen under geometric gave 8%,
    // 26%, 18%. The 17% channel's interval runs from -16% to +60%: its point moves 13-17% with nothing but the
    // floating-point rounding of the gradient, so a bar on each channel's point tested sampler noise (it failed at
    // 17.6% after a change that left the density and gradient equal to the printed digits); the issue's own bars
    // are the median error and the intervals' coverage
    const delayed = FAMILIES.find((f) => f.name.startsWith("hill-delayed-bursts"))!;
    const sim = simulateFamily(delayed, 1);
    const m = (await fitBayesMmm(sim.input, { runChains })).segments[0]!.model;
    const sel = m.formSelection!;
    expect(m.channels[0]!.form.adstock).toBe("weibull-pdf");
    expect(
      sel.candidates
        .filter((c) => c.adstock === "weibull-pdf")
        .map((c) => c.saturation)
        .sort(),
    ).toEqual(["hill", "logistic", "michaelis-menten"]);
    expect(sel.decision).toMatch(/compared again/);
    const big = sim.truth.filter((x) => x.shareOfSpend >= 0.1);
    const errors = big.map((t) => {
      const c = m.channels.find((x) => x.channel === t.channel)!;
      expect(c.roiInterval!.lower, t.channel).toBeLessThanOrEqual(t.roi);
      expect(c.roiInterval!.upper, t.channel).toBeGreaterThanOrEqual(t.roi);
      return Math.abs(c.roi / t.roi - 1);
    });
    expect(errors.sort((a, b) => a - b)[Math.floor(errors.length / 2)]).toBeLessThan(0.15);
    // the channel with the most spend, which the data pin down, on its own
    const top = big.reduce((a, b) => (b.shareOfSpend > a.shareOfSpend ? b : a));
    expect(Math.abs(m.channels.find((x) => x.channel === top.channel)!.roi / top.roi - 1)).toBeLessThan(0.15);
  }, 240_000);

  it("When formAveraging is none, then each ROI is the chosen forms' own, as the candidate list shows it, beside the pseudo-BMA+ weights", async () => {
    const sim = simulateFamily(pymcLike, 3);
    const m = (await fitBayesMmm(sim.input, { runChains, formAveraging: "none" })).segments[0]!.model;
    const sel = m.formSelection!;
    expect(sel.averaging).toMatch(/chosen forms' own/);
    expect(sel.candidates.reduce((a, c) => a + c.weight, 0)).toBeCloseTo(1, 9);
    const chosen = sel.candidates.find((k) => k.adstock === m.channels[0]!.form.adstock && k.saturation === m.channels[0]!.form.saturation)!;
    for (const c of m.channels) {
      const own = chosen.roi!.find((r) => r.channel === c.channel)!;
      expect(c.roi).toBeCloseTo(own.roi, 9);
      expect(c.roiInterval!.lower).toBeCloseTo(own.lower, 9);
      expect(c.roiInterval!.upper).toBeCloseTo(own.upper, 9);
    }
  }, 240_000);
});
