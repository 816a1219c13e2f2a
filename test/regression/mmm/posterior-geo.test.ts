import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../../src/data/random.ts";
import { expandGeoDraws, geoDensity } from "../../../src/regression/mmm/posterior-geo.ts";
import { channelState, POOLING_TAU_SCALE, transformPriors, type PosteriorData } from "../../../src/regression/mmm/posterior-model.ts";
import { expectGradientMatches, pointNear, smallData } from "./small-data.ts";

const FORMS: PosteriorData["forms"] = [
  { adstock: "geometric", saturation: "hill" },
  { adstock: "delayed", saturation: "logistic" },
  { adstock: "weibull-pdf", saturation: "michaelis-menten" },
];

function pointIn(d: PosteriorData, seed: number): Float64Array {
  const target = geoDensity(d);
  return pointNear(target.dim, target.layout.sigmaOffset, d.segments.length, seed);
}

/** One geo's explicit pieces: y − Xμ0 − Mμ, the full covariance σ²I + XΣXᵀ + MTMᵀ, M, A = σ²I + XΣXᵀ. */
function explicitGeo(d: PosteriorData, q: Float64Array, g: number) {
  const lay = geoDensity(d).layout;
  const seg = d.segments[g]!;
  const n = seg.fit;
  const C = d.channels.length;
  const mu = d.channels.map((_, j) => Math.exp(q[lay.roiOffset + 2 * j]!));
  const T = d.channels.map((_, j) => (mu[j]! * Math.exp(q[lay.roiOffset + 2 * j + 1]!)) ** 2);
  const M = d.channels.map((_, j) => {
    const st = channelState(d, lay, q, j, g, false);
    return Float64Array.from({ length: n }, (_, t) => (seg.total[j]! * st.s[t]!) / st.sumFit);
  });
  const sigma2 = Math.exp(2 * q[lay.sigmaOffset + g]!);
  const A = Matrix.eye(n).mul(sigma2);
  const cols = seg.baseline.columns;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) A.set(i, k, A.get(i, k) + cols.reduce((a, c, b) => a + c[i]! * c[k]! * seg.baseline.sd[b]! ** 2, 0));
  const K = A.clone();
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) K.set(i, k, K.get(i, k) + M.reduce((a, m, j) => a + m[i]! * m[k]! * T[j]!, 0));
  const r = Float64Array.from({ length: n }, (_, t) => seg.y[t]! - seg.baseline.offset[t]! - M.reduce((a, m, j) => a + mu[j]! * m[t]!, 0));
  return { n, C, mu, T, M, A, K, r, sigma2 };
}

describe("partial pooling with normal geo effects, integrated out", () => {
  it("When compared with the multivariate normal of σ²I + XΣXᵀ + MTMᵀ computed directly, plus the priors, then log p agrees to 1e-8", () => {
    const d = { ...smallData("partial", FORMS), geoEffects: "normal" as const };
    const target = geoDensity(d);
    const lay = target.layout;
    const q = pointIn(d, 3);
    let direct = transformPriors(lay, q, new Float64Array(target.dim));
    d.segments.forEach((seg, g) => {
      const { n, K, r, sigma2 } = explicitGeo(d, q, g);
      const ch = new CholeskyDecomposition(K);
      const L = ch.lowerTriangularMatrix;
      let logDet = 0;
      for (let i = 0; i < n; i++) logDet += 2 * Math.log(L.get(i, i));
      const sol = ch.solve(Matrix.columnVector(Array.from(r))).getColumn(0);
      direct += -0.5 * logDet - 0.5 * sol.reduce((a, v, i) => a + v * r[i]!, 0) - 0.5 * n * Math.log(2 * Math.PI);
      direct += (-0.5 * sigma2) / seg.sigmaScale ** 2 + q[lay.sigmaOffset + g]!;
    });
    d.channels.forEach((_, j) => {
      const z = (q[lay.roiOffset + 2 * j]! - Math.log(d.roiPriors[j]!.median)) / d.roiPriors[j]!.spread;
      const rho = Math.exp(q[lay.roiOffset + 2 * j + 1]!);
      direct += -0.5 * z * z + (-0.5 * rho * rho) / POOLING_TAU_SCALE ** 2 + Math.log(rho);
    });
    expect(target.logDensityGrad(q, new Float64Array(target.dim))).toBeCloseTo(direct, 8);
  });

  it("When a proposal puts a ROI mean at e^140 with a spread of e^48, then the density rejects it rather than return Woodbury's rounding as a vast log density", () => {
    const d = { ...smallData("partial", FORMS), geoEffects: "normal" as const };
    const target = geoDensity(d);
    const q = pointIn(d, 3);
    const sane = target.logDensityGrad(q, new Float64Array(target.dim));
    expect(Number.isFinite(sane)).toBe(true);
    q[target.layout.roiOffset] = 140;
    q[target.layout.roiOffset + 1] = 48;
    // before the guard: ra and bc agreed to 16 digits and their difference, rounding, made log p ≈ +1e117 on a 40-geo panel
    expect(target.logDensityGrad(q, new Float64Array(target.dim))).toBe(-Infinity);
  });

  for (const seed of [1, 2]) {
    it(`When the forms mix geometric, delayed and Weibull carry-overs (point ${seed}), then the gradient matches central differences`, () => {
      const d = { ...smallData("partial", FORMS, false, 4), geoEffects: "normal" as const };
      expectGradientMatches(geoDensity(d), pointIn(d, seed));
    });
  }

  it("When the geo ROIs are drawn back, then their mean and covariance are the exact Gaussian conditional's, (T⁻¹ + MᵀA⁻¹M)⁻¹, within Monte Carlo error", () => {
    const d = { ...smallData("partial", FORMS, false, 2), geoEffects: "normal" as const };
    const q = pointIn(d, 7);
    // geo ROIs near 0.5 (the data's), spread 15%: the conditional stays positive, so no draw is clamped
    const lay = geoDensity(d).layout;
    d.channels.forEach((_, j) => {
      q[lay.roiOffset + 2 * j] = Math.log(0.5);
      q[lay.roiOffset + 2 * j + 1] = Math.log(0.15);
    });
    // one posterior draw repeated: the spread of the expanded ROIs is the conditional's alone
    const N = 4000;
    const draws = Array.from({ length: N }, () => q);
    const { draws: expanded, data, clamped } = expandGeoDraws(d, draws, seededRng(11));
    expect(clamped).toBe(0);
    const G = d.segments.length;
    for (let g = 0; g < G; g++) {
      const { C, mu, T, M, A, r } = explicitGeo(d, q, g);
      const Ainv = new CholeskyDecomposition(A);
      const AinvM = M.map((m) => Ainv.solve(Matrix.columnVector(Array.from(m))).getColumn(0));
      const Ainvr = Ainv.solve(Matrix.columnVector(Array.from(r))).getColumn(0);
      const prec = new Matrix(C, C);
      for (let j = 0; j < C; j++)
        for (let k = j; k < C; k++) {
          const v = M[j]!.reduce((a, x, t) => a + x * AinvM[k]![t]!, 0) + (j === k ? 1 / T[j]! : 0);
          prec.set(j, k, v);
          prec.set(k, j, v);
        }
      const cov = new CholeskyDecomposition(prec).solve(Matrix.eye(C));
      const b = M.map((m) => m.reduce((a, v, t) => a + v * Ainvr[t]!, 0));
      const mean = mu.map((m, j) => m + b.reduce((a, v, k) => a + cov.get(j, k) * v, 0));
      const roi = (j: number) => expanded.map((x) => Math.exp(x[data.centred ? roiIndex(data, j, g) : -1]!));
      for (let j = 0; j < C; j++) {
        const xs = roi(j);
        const m = xs.reduce((a, v) => a + v, 0) / N;
        const v = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (N - 1);
        const se = Math.sqrt(cov.get(j, j) / N);
        expect(Math.abs(m - mean[j]!), `geo ${g} channel ${j} mean`).toBeLessThan(4 * se);
        expect(Math.abs(v / cov.get(j, j) - 1), `geo ${g} channel ${j} variance`).toBeLessThan(0.1);
      }
    }
  });
});

/** Where geo g's log ROI of channel j sits in the centred partial-pooling layout. */
function roiIndex(d: PosteriorData, j: number, g: number): number {
  const transforms = d.forms.reduce((a, f) => a + (f.adstock === "geometric" ? 1 : 2) + (f.saturation === "hill" ? 2 : 1), 0);
  return transforms + j * (2 + d.segments.length) + 2 + g;
}
