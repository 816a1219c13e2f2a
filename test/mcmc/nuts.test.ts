import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { WindowedAdaptation } from "../../src/mcmc/adapt.ts";
import { convergence } from "../../src/mcmc/diagnostics.ts";
import { nuts, type LogDensity } from "../../src/mcmc/nuts.ts";
import { conjugateLinear } from "./conjugate.ts";

/** Draws of coordinate i, one array per chain. */
const coord = (r: ReturnType<typeof nuts>, i: number) => r.chains.map((c) => Float64Array.from(c.draws, (d) => d[i]!));
const meanOf = (chains: Float64Array[]) => chains.reduce((a, c) => a + c.reduce((s, v) => s + v, 0), 0) / chains.reduce((a, c) => a + c.length, 0);
const varOf = (chains: Float64Array[]) => {
  const m = meanOf(chains);
  const n = chains.reduce((a, c) => a + c.length, 0);
  return chains.reduce((a, c) => a + c.reduce((s, v) => s + (v - m) ** 2, 0), 0) / (n - 1);
};

describe("NUTS against closed-form posteriors", () => {
  it("When the posterior is a conjugate Bayesian linear regression, then means are within 4 Monte Carlo SEs and variances within 15%", () => {
    const { target, mean, cov } = conjugateLinear(3, 60, 11);
    const r = nuts(target, { chains: 4, warmup: 500, draws: 500, seed: 3 });
    for (let i = 0; i < target.dim; i++) {
      const d = coord(r, i);
      const c = convergence(d);
      const mcse = Math.sqrt(cov[i]![i]! / c.essBulk);
      expect(Math.abs(meanOf(d) - mean[i]!)).toBeLessThan(4 * mcse);
      expect(varOf(d) / cov[i]![i]!).toBeGreaterThan(0.85);
      expect(varOf(d) / cov[i]![i]!).toBeLessThan(1.15);
      expect(c.rhat).toBeLessThan(1.01);
      expect(c.essBulk).toBeGreaterThan(400);
    }
    expect(r.chains.every((c) => c.divergent.every((v) => v === 0))).toBe(true);
    // the posterior covariance, not only the marginals: the correlation of the first two coefficients
    const a = coord(r, 0).flatMap((c) => Array.from(c));
    const b = coord(r, 1).flatMap((c) => Array.from(c));
    const ma = meanOf(coord(r, 0));
    const mb = meanOf(coord(r, 1));
    const cab = a.reduce((s, v, k) => s + (v - ma) * (b[k]! - mb), 0) / (a.length - 1);
    expect(cab / Math.sqrt(varOf(coord(r, 0)) * varOf(coord(r, 1)))).toBeCloseTo(cov[0]![1]! / Math.sqrt(cov[0]![0]! * cov[1]![1]!), 1);
  }, 60_000);

  it("When scales differ by 1000x, then the adapted metric matches the posterior variances (within 30%)", () => {
    const sd = [0.01, 1, 10];
    const target: LogDensity = {
      dim: 3,
      logDensityGrad(q, g) {
        let lp = 0;
        for (let i = 0; i < 3; i++) {
          lp -= (0.5 * q[i]! ** 2) / sd[i]! ** 2;
          g[i] = -q[i]! / sd[i]! ** 2;
        }
        return lp;
      },
    };
    const r = nuts(target, { chains: 2, warmup: 1000, draws: 200, seed: 5 });
    for (const c of r.chains) sd.forEach((s, i) => expect(Math.abs(c.inverseMetric[i]! / s ** 2 - 1)).toBeLessThan(0.3));
    // with the metric right, trajectories are short
    expect(Math.max(...r.chains.flatMap((c) => Array.from(c.treeDepth)))).toBeLessThanOrEqual(4);
  });

  it("When a density has a region the trajectory cannot follow (Neal's funnel), then divergences are counted", () => {
    const target: LogDensity = {
      dim: 2,
      logDensityGrad(q, g) {
        const [v, x] = [q[0]!, q[1]!];
        // v ~ N(0, 3), x | v ~ N(0, e^{v/2})
        g[0] = -v / 9 - 0.5 + (x * x * Math.exp(-v)) / 2;
        g[1] = -x * Math.exp(-v);
        return (-v * v) / 18 - v / 2 - (x * x * Math.exp(-v)) / 2;
      },
    };
    const r = nuts(target, { chains: 2, warmup: 300, draws: 300, seed: 1 });
    expect(r.chains.reduce((a, c) => a + c.divergent.reduce((s, v) => s + v, 0), 0)).toBeGreaterThan(0);
  });

  it("When the density throws a RangeError outside its domain, then those proposals are rejected (as Stan does) and the draws follow the rest; any other error stops the chain", () => {
    // a standard normal restricted to x > 0 by throwing below it: the half-normal, mean √(2/π), variance 1 − 2/π
    const halfNormal: LogDensity = {
      dim: 1,
      logDensityGrad(q, g) {
        if (!(q[0]! > 0)) throw new RangeError(`x must be > 0; got ${q[0]}`);
        g[0] = -q[0]!;
        return -0.5 * q[0]! ** 2;
      },
    };
    const r = nuts(halfNormal, { chains: 4, warmup: 500, draws: 1000, seed: 3, start: Float64Array.of(1) });
    const x = coord(r, 0);
    expect(x.every((c) => c.every((v) => v > 0))).toBe(true);
    const { essBulk } = convergence(x);
    expect(Math.abs(meanOf(x) - Math.sqrt(2 / Math.PI))).toBeLessThan(4 * Math.sqrt((1 - 2 / Math.PI) / essBulk));
    expect(varOf(x) / (1 - 2 / Math.PI)).toBeGreaterThan(0.85);
    expect(varOf(x) / (1 - 2 / Math.PI)).toBeLessThan(1.15);
    const buggy: LogDensity = {
      dim: 1,
      logDensityGrad(q) {
        if (q[0]! > 0.5) throw new TypeError("a bug, not a domain");
        return -0.5 * q[0]! ** 2;
      },
    };
    expect(() => nuts(buggy, { chains: 1, warmup: 50, draws: 50, seed: 1, start: Float64Array.of(0) })).toThrow(TypeError);
  });

  it("When run twice with one seed, then the draws are identical; another seed gives others", () => {
    const { target } = conjugateLinear(2, 30, 4);
    const a = nuts(target, { chains: 2, warmup: 100, draws: 50, seed: 9 });
    const b = nuts(target, { chains: 2, warmup: 100, draws: 50, seed: 9 });
    const c = nuts(target, { chains: 2, warmup: 100, draws: 50, seed: 10 });
    expect(a.chains.map((x) => x.draws.map((d) => Array.from(d)))).toEqual(b.chains.map((x) => x.draws.map((d) => Array.from(d))));
    expect(a.chains[0]!.draws[0]).not.toEqual(c.chains[0]!.draws[0]);
  });
});

describe("warm-up's metric windows", () => {
  it("When asked for two draws a dimension and a window holds fewer, then its dense metric keeps only the variances; the 100- and 200-draw windows set the full covariance", () => {
    const dim = 40;
    const adapt = new WindowedAdaptation(dim, 500, 0.8, true, 2);
    const rng = seededRng(5);
    const set: { size: number; offDiagonal: number }[] = [];
    let drawn = 0;
    const metric = {
      set(sigma: Float64Array) {
        let off = 0;
        for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) if (i !== j) off = Math.max(off, Math.abs(sigma[i * dim + j]!));
        set.push({ size: drawn, offDiagonal: off });
      },
    };
    for (let it = 0; it < 500; it++) {
      // correlated draws: every coordinate shares one factor, so a full covariance has off-diagonals near 1
      const z = rng.normal();
      const q = Float64Array.from({ length: dim }, () => z + 0.5 * rng.normal());
      drawn = it + 1;
      adapt.learnMetric(it, q, metric);
    }
    // Stan's windows after a 75-draw start: 25, 50, 100, then 200 to iteration 450
    expect(set.map((s) => s.size)).toEqual([100, 150, 250, 450]);
    expect(set.slice(0, 2).map((s) => s.offDiagonal)).toEqual([0, 0]);
    expect(set[2]!.offDiagonal).toBeGreaterThan(0.5); // 100 draws ≥ 2 · 40
    expect(set[3]!.offDiagonal).toBeGreaterThan(0.5);
  });
});

describe("convergence diagnostics (Vehtari et al. 2021)", () => {
  const ar1 = (phi: number, n: number, seed: number, shift = 0) => {
    const rng = seededRng(seed);
    const x = new Float64Array(n);
    let v = rng.normal() / Math.sqrt(1 - phi * phi);
    for (let i = 0; i < n; i++) x[i] = (v = phi * v + rng.normal()) + shift;
    return x;
  };
  it("When chains are AR(1) with φ = 0.8, then bulk ESS is near N·(1−φ)/(1+φ) (within 25%) and R-hat near 1", () => {
    const chains = [1, 2, 3, 4].map((s) => ar1(0.8, 4000, s));
    const c = convergence(chains);
    const expected = (16000 * 0.2) / 1.8;
    expect(Math.abs(c.essBulk / expected - 1)).toBeLessThan(0.25);
    expect(c.rhat).toBeLessThan(1.01);
  });
  it("When independent draws, then ESS is near the number of draws", () => {
    const c = convergence([1, 2].map((s) => ar1(0, 2000, s)));
    expect(c.essBulk).toBeGreaterThan(3200);
    expect(c.essTail).toBeGreaterThan(2500);
  });
  it("When one chain sits elsewhere, then R-hat flags it (> 1.1)", () => {
    const c = convergence([ar1(0.5, 1000, 1), ar1(0.5, 1000, 2), ar1(0.5, 1000, 3, 2)]);
    expect(c.rhat).toBeGreaterThan(1.1);
  });
  it("When one chain has another variance only, then the folded R-hat flags it", () => {
    const wide = Float64Array.from(ar1(0, 1000, 7), (v) => 4 * v);
    expect(convergence([ar1(0, 1000, 5), ar1(0, 1000, 6), wide]).rhat).toBeGreaterThan(1.05);
  });
});
