import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { gpdFit, psisLoo } from "../../src/mcmc/psis.ts";

describe("PSIS-LOO (Vehtari, Gelman & Gabry 2017)", () => {
  it("When exceedances come from a generalised Pareto (k 0.5, σ 1), then the fit recovers k within 0.1 and σ within 15%", () => {
    const r = seededRng(2);
    const x = Float64Array.from({ length: 4000 }, () => ((1 - r.uniform()) ** -0.5 - 1) / 0.5).sort();
    const f = gpdFit(x);
    expect(Math.abs(f.k - 0.5)).toBeLessThan(0.1);
    expect(Math.abs(f.sigma - 1)).toBeLessThan(0.15);
  });

  /**
   * Normal mean, σ known, prior μ ~ N(0, τ²): the posterior and each leave-one-out predictive are closed form, so
   * exact LOO is Σ log N(y_i; m_{−i}, σ² + v_{−i}). Draws come straight from the exact posterior.
   */
  function normalMean(y: number[], seed: number) {
    const sigma = 1;
    const tau = 10;
    const post = (ys: number[]) => {
      const v = 1 / (ys.length / sigma ** 2 + 1 / tau ** 2);
      return { m: (v * ys.reduce((a, b) => a + b, 0)) / sigma ** 2, v };
    };
    const lognorm = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - (x - m) ** 2 / (2 * v);
    const exact = y.reduce((acc, yi, i) => {
      const p = post(y.filter((_, j) => j !== i));
      return acc + lognorm(yi, p.m, sigma ** 2 + p.v);
    }, 0);
    const p = post(y);
    const r = seededRng(seed);
    const logLik = Array.from({ length: 4000 }, () => {
      const mu = p.m + Math.sqrt(p.v) * r.normal();
      return Float64Array.from(y, (yi) => lognorm(yi, mu, sigma ** 2));
    });
    return { exact, loo: psisLoo(logLik) };
  }

  it("When the model is a conjugate normal mean, then PSIS-LOO matches exact LOO within 0.05 and every k̂ is below 0.7 (reliable)", () => {
    const r = seededRng(1);
    const y = Array.from({ length: 30 }, () => 2 + r.normal());
    const { exact, loo } = normalMean(y, 3);
    expect(Math.abs(loo.elpd - exact)).toBeLessThan(0.05);
    expect(Math.max(...loo.paretoK)).toBeLessThan(0.7);
    expect(loo.se).toBeGreaterThan(0);
  });

  it("When one observation is far out and the sample small, then PSIS-LOO still tracks exact LOO and that point has the largest k̂", () => {
    const r = seededRng(4);
    const y = [...Array.from({ length: 9 }, () => r.normal()), 9];
    const { exact, loo } = normalMean(y, 5);
    expect(Math.abs(loo.elpd - exact) / Math.abs(exact)).toBeLessThan(0.02);
    expect(loo.paretoK.indexOf(Math.max(...loo.paretoK))).toBe(9);
  });
});
