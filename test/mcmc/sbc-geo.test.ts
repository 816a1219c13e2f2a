import { describe, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { expectUniformRanks } from "./sbc-ranks.ts";
import { nuts } from "../../src/mcmc/nuts.ts";
import { adstockWeights } from "../../src/regression/mmm/adstock.ts";
import { baselinePrior } from "../../src/regression/mmm/baseline-prior.ts";
import { geoDensity } from "../../src/regression/mmm/posterior-geo.ts";
import { POOLING_TAU_SCALE, type PosteriorData, type SegmentData } from "../../src/regression/mmm/posterior-model.ts";

/**
 * Simulation-based calibration (Talts et al. 2018) of the sampler on partial pooling with normal geo effects, the
 * geo ROIs integrated out (posterior-geo.ts): every parameter from its prior, the geo ROIs from N(μ, (μρ)²), each
 * geo's baseline from its prior, data simulated, the marginal posterior sampled, and each sampled parameter's true
 * value ranked among L thinned draws. Uniform ranks say the integrated density is the model's exact marginal (with
 * the geo ROIs simulated at twice their prior spread, the test fails).
 */
describe("simulation-based calibration of NUTS on partial pooling with the geo ROIs integrated out", () => {
  it("When 100 panels of 3 geos are drawn from the priors, then every sampled parameter's rank histogram is uniform (χ² p > 0.01)", () => {
    const N = 100;
    const L = 99;
    const n = 50;
    const G = 3;
    const lMax = 4;
    const r = seededRng(77);
    const trend = Float64Array.from({ length: n }, (_, t) => t / 52);
    const baseline = baselinePrior([new Float64Array(n).fill(1), trend], n, [100, 0], [20, 10]);
    const spends = Array.from({ length: G }, (_, g) =>
      Float64Array.from({ length: n }, (_, t) => ((t + g) % 5 < 2 ? 0 : (50 + 50 * r.uniform()) * (1 + 0.3 * g))),
    );
    const template = (ys: Float64Array[]): PosteriorData => ({
      lMax,
      channels: ["tv"],
      forms: [{ adstock: "geometric", saturation: "michaelis-menten" }],
      roiPriors: [{ median: 0.5, spread: 0.5 }],
      pooling: "partial",
      geoEffects: "normal",
      segments: ys.map((y, g): SegmentData => {
        const spend = spends[g]!;
        const total = spend.reduce((a, v) => a + v, 0);
        return { name: `g${g}`, n, fit: n, y, baseline, sigmaScale: 25, spend: [spend], scale: [total / spend.filter((v) => v > 0).length], total: [total] };
      }),
      lifts: [],
    });
    const empty = template(spends.map(() => new Float64Array(n)));
    const target0 = geoDensity(empty);
    const dim = target0.dim;
    const ranks = Array.from({ length: dim }, () => new Array<number>(L + 1).fill(0));
    for (let rep = 0; rep < N; rep++) {
      // alpha ~ Beta(1, 3), kappa ~ LogNormal(0, 1), μ ~ LogNormal(log 0.5, 0.5), ρ ~ HalfNormal(0.5), σ_g ~ HalfNormal(25)
      const alpha = 1 - r.uniform() ** (1 / 3);
      const kappa = Math.exp(r.normal());
      const mu = 0.5 * Math.exp(0.5 * r.normal());
      const rho = Math.abs(POOLING_TAU_SCALE * r.normal());
      const sigmas = spends.map(() => Math.abs(25 * r.normal()));
      const truth = [Math.log(alpha / (1 - alpha)), Math.log(kappa), Math.log(mu), Math.log(rho), ...sigmas.map(Math.log)];
      const w = adstockWeights({ kind: "geometric", alpha, lMax, normalize: true });
      const ys = spends.map((spend, g) => {
        const total = spend.reduce((a, v) => a + v, 0);
        const scale = total / spend.filter((v) => v > 0).length;
        const s = Float64Array.from(spend, (_, t) => {
          let a = 0;
          for (let l = 0; l < lMax && l <= t; l++) a += w[l]! * spend[t - l]!;
          const z = a / scale;
          return z / (z + kappa);
        });
        const roi = mu + mu * rho * r.normal();
        const beta = (roi * total) / s.reduce((a, v) => a + v, 0);
        const g0 = 100 + 20 * r.normal();
        const g1 = 10 * r.normal();
        return Float64Array.from({ length: n }, (_, t) => g0 + g1 * trend[t]! + beta * s[t]! + sigmas[g]! * r.normal());
      });
      const res = nuts(geoDensity(template(ys)), { chains: 2, warmup: 250, draws: 200, seed: rep + 1, start: new Float64Array(dim), jitter: 1 });
      const draws = res.chains.flatMap((c) => c.draws);
      const thinned = Array.from({ length: L }, (_, i) => draws[Math.floor((i * draws.length) / L)]!);
      for (let k = 0; k < dim; k++) ranks[k]![thinned.reduce((a, d) => a + (d[k]! < truth[k]! ? 1 : 0), 0)]!++;
    }
    expectUniformRanks(ranks, N, L, target0.layout.names);
  }, 300_000);
});
