import { describe, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { expectUniformRanks } from "./sbc-ranks.ts";
import { nuts } from "../../src/mcmc/nuts.ts";
import { adstockWeights } from "../../src/regression/mmm/adstock.ts";
import { baselinePrior } from "../../src/regression/mmm/baseline-prior.ts";
import { posteriorDensity, type PosteriorData } from "../../src/regression/mmm/posterior-model.ts";

/**
 * Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018) of the sampler on the
 * production MMM density: draw every parameter from its prior, simulate data, sample the posterior, and rank the
 * true value among L thinned draws. If sampler and density are right, each parameter's ranks are uniform on
 * 0..L; a χ² test over 10 bins checks it.
 */
describe("simulation-based calibration of NUTS on a small MMM", () => {
  it("When 100 datasets are drawn from the priors, then every parameter's rank histogram is uniform (χ² p > 0.01)", () => {
    const N = 100;
    const L = 99;
    const n = 60;
    const lMax = 4;
    const r = seededRng(2024);
    const trend = Float64Array.from({ length: n }, (_, t) => t / 52);
    const columns = [new Float64Array(n).fill(1), trend];
    const baseline = baselinePrior(columns, n, [100, 0], [20, 10]);
    const spend = Float64Array.from({ length: n }, (_, t) => (t % 5 < 2 ? 0 : 50 + 50 * r.uniform()));
    const total = spend.reduce((a, v) => a + v, 0);
    const scale = total / spend.filter((v) => v > 0).length;
    const template = (y: Float64Array): PosteriorData => ({
      lMax,
      channels: ["tv"],
      forms: [{ adstock: "geometric", saturation: "michaelis-menten" }],
      roiPriors: [{ median: 0.5, spread: 0.5 }],
      pooling: "single",
      segments: [{ name: "", n, fit: n, y, baseline, sigmaScale: 25, spend: [spend], scale: [scale], total: [total] }],
      lifts: [],
    });
    const dim = posteriorDensity(template(new Float64Array(n))).dim;
    const ranks = Array.from({ length: dim }, () => new Array<number>(L + 1).fill(0));
    for (let rep = 0; rep < N; rep++) {
      // θ from the priors: alpha ~ Beta(1, 3), kappa ~ LogNormal(0, 1), ROI ~ LogNormal(log 0.5, 0.5), σ ~ HalfNormal(25)
      const alpha = 1 - r.uniform() ** (1 / 3);
      const kappa = Math.exp(r.normal());
      const roi = 0.5 * Math.exp(0.5 * r.normal());
      const sigma = Math.abs(25 * r.normal());
      const truth = [Math.log(alpha / (1 - alpha)), Math.log(kappa), Math.log(roi), Math.log(sigma)];
      const w = adstockWeights({ kind: "geometric", alpha, lMax, normalize: true });
      const s = Float64Array.from(spend, (_, t) => {
        let a = 0;
        for (let l = 0; l < lMax && l <= t; l++) a += w[l]! * spend[t - l]!;
        const z = a / scale;
        return z / (z + kappa);
      });
      const beta = (roi * total) / s.reduce((a, v) => a + v, 0);
      const g0 = 100 + 20 * r.normal();
      const g1 = 10 * r.normal();
      const y = Float64Array.from({ length: n }, (_, t) => g0 + g1 * trend[t]! + beta * s[t]! + sigma * r.normal());
      const res = nuts(posteriorDensity(template(y)), { chains: 2, warmup: 250, draws: 200, seed: rep + 1, start: new Float64Array(truth.length), jitter: 1 });
      const draws = res.chains.flatMap((c) => c.draws);
      const thinned = Array.from({ length: L }, (_, i) => draws[Math.floor((i * draws.length) / L)]!);
      for (let k = 0; k < dim; k++) ranks[k]![thinned.reduce((a, d) => a + (d[k]! < truth[k]! ? 1 : 0), 0)]!++;
    }
    const names = posteriorDensity(template(new Float64Array(n))).layout.names;
    expectUniformRanks(ranks, N, L, names);
  }, 300_000);
});
