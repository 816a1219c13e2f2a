import { describe, expect, it } from "vitest";
import { seededRng } from "../../../src/data/random.ts";
import { ADSTOCK_FORMS, SATURATION_FORMS } from "../../../src/regression/mmm/forms.ts";
import { posteriorDensity, type PosteriorData } from "../../../src/regression/mmm/posterior-model.ts";
import { baselinePrior } from "../../../src/regression/mmm/baseline-prior.ts";
import { expectGradientMatches, pointNear, smallData } from "./small-data.ts";

function checkGradient(d: PosteriorData, seed: number) {
  const target = posteriorDensity(d);
  expectGradientMatches(target, pointNear(target.dim, target.layout.sigmaOffset, d.segments.length, seed));
}

describe("the Bayesian MMM's log posterior", () => {
  for (const saturation of SATURATION_FORMS) {
    for (const adstock of ADSTOCK_FORMS) {
      it(`When the forms are ${adstock} + ${saturation}, then the gradient matches central differences`, () => {
        checkGradient(
          smallData("single", [
            { adstock, saturation },
            { adstock, saturation },
            { adstock: "geometric", saturation: "hill" },
          ]),
          1,
        );
      });
    }
  }
  for (const pooling of ["full", "partial"] as const) {
    it(`When segments are pooled ("${pooling}"), then the gradient matches central differences`, () => {
      checkGradient(
        smallData(pooling, [
          { adstock: "geometric", saturation: "hill" },
          { adstock: "delayed", saturation: "logistic" },
          { adstock: "weibull-cdf", saturation: "michaelis-menten" },
        ]),
        2,
      );
    });
  }
  it("When some channels' segment ROIs are sampled centred, then the gradient matches central differences", () => {
    const d = smallData("partial", [
      { adstock: "geometric", saturation: "hill" },
      { adstock: "delayed", saturation: "logistic" },
      { adstock: "weibull-cdf", saturation: "michaelis-menten" },
    ]);
    checkGradient({ ...d, centred: [true, false, true] }, 4);
  });
  it("When the same segment ROIs are sampled centred (log ROI) or non-centred (z), then the densities differ by the Jacobian, G·log τ per channel", () => {
    const d = smallData("partial", [
      { adstock: "geometric", saturation: "hill" },
      { adstock: "geometric", saturation: "logistic" },
      { adstock: "delayed", saturation: "hill" },
    ]);
    const nc = posteriorDensity(d);
    const c = posteriorDensity({ ...d, centred: [true, true, true] });
    const r = seededRng(5);
    const z = Float64Array.from({ length: nc.dim }, () => 0.6 * (2 * r.uniform() - 1));
    for (let g = 0; g < 3; g++) z[nc.layout.sigmaOffset + g] = Math.log(20);
    const x = Float64Array.from(z);
    let jacobian = 0;
    for (let j = 0; j < 3; j++) {
      const base = nc.layout.roiOffset + j * 5;
      const tau = Math.exp(z[base + 1]!);
      for (let g = 0; g < 3; g++) x[base + 2 + g] = z[base]! + tau * z[base + 2 + g]!;
      jacobian += 3 * z[base + 1]!;
    }
    const g = new Float64Array(nc.dim);
    expect(c.logDensityGrad(x, g)).toBeCloseTo(nc.logDensityGrad(z, g) - jacobian, 9);
  });
  it("When a lift test is given, then its term enters the density and the gradient still matches", () => {
    const forms = [
      { adstock: "geometric", saturation: "hill" },
      { adstock: "geometric", saturation: "logistic" },
      { adstock: "geometric", saturation: "hill" },
    ] as const;
    checkGradient(smallData("single", forms, true), 3);
    // a convolution adstock's gradient goes in reverse (transformGradient), over the lift's held-out row too
    checkGradient(smallData("single", [forms[0], { adstock: "weibull-pdf", saturation: "logistic" }, forms[2]], true), 3);
    const q = new Float64Array(posteriorDensity(smallData("single", forms)).dim).fill(0.1);
    q[q.length - 1] = Math.log(20);
    const g = new Float64Array(q.length);
    expect(posteriorDensity(smallData("single", forms, true)).logDensityGrad(q, g)).not.toBeCloseTo(
      posteriorDensity(smallData("single", forms)).logDensityGrad(q, g),
      3,
    );
  });
});

describe("the baseline integrated out (Woodbury and the determinant lemma)", () => {
  it("When compared with the multivariate normal density of σ²I + XΣXᵀ computed directly, then log p agrees to 1e-9", async () => {
    const { CholeskyDecomposition, Matrix } = await import("ml-matrix");
    const { baselineLogLik } = await import("../../../src/regression/mmm/baseline-prior.ts");
    const r = seededRng(8);
    const n = 25;
    const cols = [new Float64Array(n).fill(1), Float64Array.from({ length: n }, (_, t) => t / 10), Float64Array.from({ length: n }, () => r.normal())];
    const mean = [3, 0.5, 0];
    const sd = [2, 1.5, 0.7];
    const b = baselinePrior(cols, n, mean, sd);
    const y = Float64Array.from({ length: n }, () => 4 + r.normal());
    const e = Float64Array.from(y, (v, t) => v - b.offset[t]!);
    const sigma2 = 0.8;
    const cov = Matrix.eye(n).mul(sigma2);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cov.set(i, j, cov.get(i, j) + cols.reduce((a, c, k) => a + c[i]! * c[j]! * sd[k]! ** 2, 0));
    const ch = new CholeskyDecomposition(cov);
    const lower = ch.lowerTriangularMatrix;
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += 2 * Math.log(lower.get(i, i));
    const sol = ch.solve(Matrix.columnVector(Array.from(e))).getColumn(0);
    const direct = -0.5 * logDet - 0.5 * sol.reduce((a, v, i) => a + v * e[i]!, 0) - 0.5 * n * Math.log(2 * Math.PI);
    expect(baselineLogLik(b, e, sigma2, null, new Float64Array(3)).lp).toBeCloseTo(direct, 9);
  });
});

describe("the geometric window's recursion", () => {
  it("When the sampler computes geometric adstock by its sliding-window recursion, then it equals the convolution of the fitted lag weights (1e-12)", async () => {
    const { channelState, paramLayout } = await import("../../../src/regression/mmm/posterior-model.ts");
    const { adstock } = await import("../../../src/regression/mmm/adstock.ts");
    const { michaelisMenten } = await import("../../../src/regression/mmm/saturation.ts");
    const d = smallData("single", [
      { adstock: "geometric", saturation: "michaelis-menten" },
      { adstock: "geometric", saturation: "michaelis-menten" },
      { adstock: "geometric", saturation: "michaelis-menten" },
    ]);
    const lay = paramLayout(d);
    const q = new Float64Array(lay.dim).fill(0.3);
    const alpha = 1 / (1 + Math.exp(-0.3));
    const kappa = Math.exp(0.3);
    const seg = d.segments[0]!;
    const a = adstock(Array.from(seg.spend[0]!), { kind: "geometric", alpha, lMax: d.lMax, normalize: true });
    const st = channelState(d, lay, q, 0, 0, false);
    a.forEach((v, t) => expect(st.s[t]!).toBeCloseTo(michaelisMenten(v / seg.scale[0]!, { alpha: 1, lam: kappa }), 12));
  });
});
