import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { fitOls } from "../../src/regression/ols.ts";
import { expectClose } from "../helpers/all-close.ts";

/** A random design with an intercept and k regressors on n rows, y from known coefficients plus noise. */
function simulate(seed: number, n: number, beta: readonly number[], noise = 1) {
  const rng = seededRng(seed);
  const columns = [new Float64Array(n).fill(1), ...beta.slice(1).map(() => Float64Array.from({ length: n }, () => rng.normal() * 3 + 1))];
  const y = Float64Array.from({ length: n }, (_, i) => beta.reduce((s, b, j) => s + b * columns[j]![i]!, 0) + noise * rng.normal());
  return { names: ["Intercept", ...beta.slice(1).map((_, j) => `x${j + 1}`)], columns, y };
}

const coef = (fit: ReturnType<typeof fitOls>) => fit.params.map((p) => p.coef!);

describe("OLS invariants (fast-check)", () => {
  it("When fitted, then Xᵀ·resid ≈ 0, residuals average 0, R² ∈ [0, 1] and each CI contains its coefficient", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 20, max: 200 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 6 }),
        (seed, n, beta) => {
          const d = simulate(seed, n, beta);
          const fit = fitOls(d);
          const b = coef(fit);
          const resid = Array.from(d.y, (y, i) => y - b.reduce((s, bj, j) => s + bj * d.columns[j]![i]!, 0));
          const scale = Math.max(...Array.from(d.y, Math.abs)) * n;
          for (const col of d.columns) expect(Math.abs(col.reduce((s, x, i) => s + x * resid[i]!, 0))).toBeLessThan(1e-8 * scale * 10);
          expect(Math.abs(resid.reduce((s, r) => s + r, 0) / n)).toBeLessThan(1e-8 * scale);
          expect(fit.rsquared).toBeGreaterThanOrEqual(0);
          expect(fit.rsquared).toBeLessThanOrEqual(1);
          for (const p of fit.params) expect(p.ciLower! <= p.coef! && p.coef! <= p.ciUpper!).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("When a regressor is rescaled, then t-values, p-values and R² do not change and its coefficient scales inversely", () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (seed, c) => {
        const d = simulate(seed, 80, [1, 2, -3]);
        const a = fitOls(d);
        const b = fitOls({ ...d, columns: [d.columns[0]!, d.columns[1]!.map((x) => x * c), d.columns[2]!] });
        a.params.forEach((p, j) => expect(Math.abs(p.t! - b.params[j]!.t!)).toBeLessThanOrEqual(1e-7 * Math.abs(p.t!) + 1e-9));
        expect(Math.abs(b.params[1]!.coef! * c - a.params[1]!.coef!)).toBeLessThanOrEqual(1e-7 * Math.abs(a.params[1]!.coef!));
        expect(Math.abs(a.rsquared - b.rsquared)).toBeLessThan(1e-10);
      }),
      { numRuns: 40 },
    );
  });

  it("When data come from known coefficients, then the fit recovers them and 95% intervals cover about 95% of the time", () => {
    const truth = [5, 2, -1.5, 0.25];
    let covered = 0;
    let total = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const fit = fitOls(simulate(seed, 100, truth, 2));
      fit.params.forEach((p, j) => {
        total++;
        if (p.ciLower! <= truth[j]! && truth[j]! <= p.ciUpper!) covered++;
      });
    }
    // 800 intervals at 95%: binomial sd ≈ 0.8%, so [0.93, 0.97] fails a correct method with probability < 1%.
    expect(covered / total).toBeGreaterThan(0.93);
    expect(covered / total).toBeLessThan(0.97);
    const big = fitOls(simulate(7, 20_000, truth, 2));
    big.params.forEach((p, j) => expect(Math.abs(p.coef! - truth[j]!)).toBeLessThan(0.05));
  });

  it("When there are no more rows than parameters, then the fit is refused with the counts", () => {
    const d = simulate(1, 3, [1, 2, 3]);
    expect(() => fitOls(d)).toThrow("Need more rows than parameters: got 3 complete rows for 3 parameters");
  });

  it("When two regressors are identical, then the second is dropped and the first keeps the combined effect", () => {
    const d = simulate(3, 50, [1, 2]);
    const fit = fitOls({ names: [...d.names, "x1_copy"], columns: [...d.columns, d.columns[1]!.slice()], y: d.y });
    expect(fit.params.map((p) => p.dropped)).toEqual([false, false, true]);
    expectClose(fit.params[1]!.coef, fitOls(d).params[1]!.coef!, { rtol: 1e-10 });
    expect(fit.dfModel).toBe(1);
  });
});
