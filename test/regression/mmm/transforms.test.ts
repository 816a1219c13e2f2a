import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adstock, adstockWeights, delayedAdstock, geometricAdstock, type AdstockSpec } from "../../../src/regression/mmm/adstock.ts";
import {
  hillSaturation,
  logisticSaturation,
  michaelisMenten,
  saturate,
  saturationDerivative,
  type SaturationSpec,
} from "../../../src/regression/mmm/saturation.ts";
import { expectAllClose, expectClose } from "../../helpers/all-close.ts";

const spend = fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 60 });
const adstockSpec: fc.Arbitrary<AdstockSpec> = fc.oneof(
  fc.record({
    kind: fc.constant("geometric" as const),
    alpha: fc.double({ min: 0, max: 0.99, noNaN: true }),
    lMax: fc.integer({ min: 1, max: 20 }),
    normalize: fc.boolean(),
  }),
  fc.integer({ min: 1, max: 20 }).chain((lMax) =>
    fc.record({
      kind: fc.constant("delayed" as const),
      alpha: fc.double({ min: 0, max: 0.99, noNaN: true }),
      theta: fc.integer({ min: 0, max: lMax - 1 }),
      lMax: fc.constant(lMax),
      normalize: fc.boolean(),
    }),
  ),
  fc.record({
    kind: fc.constantFrom("weibull-cdf" as const, "weibull-pdf" as const),
    shape: fc.double({ min: 0.3, max: 5, noNaN: true }),
    scale: fc.double({ min: 0.5, max: 20, noNaN: true }),
    lMax: fc.integer({ min: 1, max: 20 }),
    normalize: fc.boolean(),
  }),
);

describe("adstock: closed forms", () => {
  it("When geometric adstock meets an impulse, then it decays as alpha^l (and sums to 1 normalised)", () => {
    expect(geometricAdstock([1, 0, 0], { alpha: 0.5, lMax: 3, normalize: false })).toEqual([1, 0.5, 0.25]);
    expectAllClose(geometricAdstock([1, 0, 0], { alpha: 0.5, lMax: 3, normalize: true }), [4 / 7, 2 / 7, 1 / 7], { rtol: 1e-12 });
  });

  it("When the window covers the series, then geometric adstock is the recurrence y[t] = x[t] + alpha·y[t−1]", () => {
    fc.assert(
      fc.property(spend, fc.double({ min: 0, max: 0.99, noNaN: true }), (x, alpha) => {
        const y = geometricAdstock(x, { alpha, lMax: x.length, normalize: false });
        let prev = 0;
        const rec = x.map((v) => (prev = v + alpha * prev));
        expectAllClose(y, rec, { rtol: 1e-10, atol: 1e-9 });
      }),
    );
  });

  it("When delayed adstock meets an impulse, then its response peaks theta periods later", () => {
    const y = delayedAdstock([1, 0, 0, 0, 0, 0, 0, 0], { alpha: 0.6, theta: 3, lMax: 8, normalize: false });
    expect(y.indexOf(Math.max(...y))).toBe(3);
    expectClose(y[5]!, 0.6 ** 4, { rtol: 1e-12 });
  });

  it("When Weibull-CDF has shape 1, then w[l] = exp(−l(l+1)/(2·scale)) (closed form)", () => {
    const scale = 3.5;
    const w = adstockWeights({ kind: "weibull-cdf", shape: 1, scale, lMax: 10, normalize: false });
    expectAllClose(
      w,
      w.map((_, l) => Math.exp(-(l * (l + 1)) / (2 * scale))),
      { rtol: 1e-12 },
    );
  });

  it("When Weibull-PDF has shape > 1, then its weights peak next to the Weibull mode and span [0, 1]", () => {
    const shape = 3;
    const scale = 6;
    const w = adstockWeights({ kind: "weibull-pdf", shape, scale, lMax: 12, normalize: false });
    const mode = scale * ((shape - 1) / shape) ** (1 / shape); // 5.24 periods: lag index 4 or 5 (t = l + 1)
    expect(Math.abs(w.indexOf(1) + 1 - mode)).toBeLessThan(1);
    expect(Math.min(...w)).toBe(0);
  });

  it("When Weibull-PDF weights are computed, then they equal scipy's weibull_min density at lags 1..lMax, min-max rescaled (fixture), to 1e-12, raw and normalised", () => {
    const golden = JSON.parse(readFileSync(new URL("../../fixtures/golden/weibull_pdf.json", import.meta.url), "utf8")) as {
      cases: { shape: number; scale: number; lMax: number; weights: number[]; normalized: number[] }[];
    };
    for (const c of golden.cases) {
      const spec = { kind: "weibull-pdf" as const, shape: c.shape, scale: c.scale, lMax: c.lMax };
      expectAllClose(adstockWeights({ ...spec, normalize: false }), c.weights, { rtol: 1e-12, atol: 1e-14, label: `shape ${c.shape}, scale ${c.scale}` });
      expectAllClose(adstockWeights({ ...spec, normalize: true }), c.normalized, { rtol: 1e-12, atol: 1e-14, label: `normalised, shape ${c.shape}` });
    }
  });

  it("When parameters are out of range, then a RangeError names them", () => {
    expect(() => adstockWeights({ kind: "geometric", alpha: 1, lMax: 3, normalize: false })).toThrow("alpha must be in [0, 1)");
    expect(() => adstockWeights({ kind: "delayed", alpha: 0.5, theta: 5, lMax: 3, normalize: false })).toThrow("theta must be in [0, lMax − 1]");
    expect(() => adstockWeights({ kind: "weibull-cdf", shape: 0, scale: 1, lMax: 3, normalize: false })).toThrow("shape and scale must be > 0");
    expect(() => adstockWeights({ kind: "geometric", alpha: 0.5, lMax: 0, normalize: false })).toThrow("lMax must be a positive integer");
  });
});

describe("adstock: invariants (fast-check)", () => {
  it("When inputs are combined linearly, then adstock(a·x + b·z) = a·adstock(x) + b·adstock(z)", () => {
    fc.assert(
      fc.property(adstockSpec, spend, fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true }), (spec, x, a, b) => {
        const z = x.map((v, i) => (v * (i + 1)) % 977);
        const lhs = adstock(
          x.map((v, i) => a * v + b * z[i]!),
          spec,
        );
        const rhs = adstock(x, spec).map((v, i) => a * v + b * adstock(z, spec)[i]!);
        expectAllClose(lhs, rhs, { rtol: 1e-9, atol: 1e-6 });
      }),
    );
  });

  it("When spend is non-negative, then adstock is non-negative, y[0] = w[0]·x[0], and normalised weights sum to 1", () => {
    fc.assert(
      fc.property(adstockSpec, spend, (spec, x) => {
        const y = adstock(x, spec);
        expect(y.every((v) => v >= 0)).toBe(true);
        expectClose(y[0]!, adstockWeights(spec)[0]! * x[0]!, { rtol: 1e-12, atol: 1e-12 });
        if (spec.normalize)
          expectClose(
            adstockWeights(spec).reduce((s, v) => s + v, 0),
            1,
            { rtol: 1e-12 },
          );
      }),
    );
  });
});

describe("saturation", () => {
  const satSpec: fc.Arbitrary<SaturationSpec> = fc.oneof(
    fc.record({ kind: fc.constant("hill" as const), slope: fc.double({ min: 0.2, max: 5, noNaN: true }), kappa: fc.double({ min: 1, max: 1e5, noNaN: true }) }),
    fc.record({ kind: fc.constant("logistic" as const), lam: fc.double({ min: 1e-5, max: 1, noNaN: true }) }),
    fc.record({
      kind: fc.constant("michaelis-menten" as const),
      alpha: fc.double({ min: 0, max: 1e6, noNaN: true }),
      lam: fc.double({ min: 1, max: 1e5, noNaN: true }),
    }),
  );

  it("When evaluated at their defining points, then the curves give their closed forms", () => {
    expect(hillSaturation(100, { slope: 1, kappa: 100 })).toBe(0.5);
    expect(hillSaturation(100, { slope: 3, kappa: 100 })).toBe(0.5);
    expectClose(logisticSaturation(2, { lam: 0.7 }), Math.tanh(0.7), { rtol: 1e-14 }); // (1−e^{−x})/(1+e^{−x}) = tanh(x/2)
    expect(michaelisMenten(50, { alpha: 10, lam: 50 })).toBe(5);
  });

  it("When spend grows, then every curve starts at 0, never decreases and stays below its asymptote", () => {
    fc.assert(
      fc.property(satSpec, fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 30 }), (spec, xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const ys = sorted.map((s) => saturate(s, spec));
        expect(saturate(0, spec)).toBe(0);
        ys.forEach((y, i) => i > 0 && expect(y).toBeGreaterThanOrEqual(ys[i - 1]!));
        const cap = spec.kind === "michaelis-menten" ? spec.alpha : 1;
        ys.forEach((y) => expect(y).toBeLessThanOrEqual(cap));
      }),
    );
  });

  it("When differentiated, then the analytic derivative matches a central difference", () => {
    fc.assert(
      fc.property(satSpec, fc.double({ min: 10, max: 1e5, noNaN: true }), (spec, s) => {
        const h = s * 1e-5;
        const numeric = (saturate(s + h, spec) - saturate(s - h, spec)) / (2 * h);
        expectClose(saturationDerivative(s, spec), numeric, { rtol: 1e-4, atol: 1e-12 });
      }),
    );
  });
});
