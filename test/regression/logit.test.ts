import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { fitLogit, rocAuc } from "../../src/regression/logit.ts";
import { fitLogitFormula } from "../../src/regression/logit-formula.ts";
import { expectAllClose, expectClose } from "../helpers/all-close.ts";

/** statsmodels Logit values: test/fixtures/make_golden_logit.py. */
const g = JSON.parse(readFileSync(new URL("../fixtures/golden/logit.json", import.meta.url), "utf8"));
const sim = csvToDataset(readFileSync(new URL("../fixtures/logit_sim.csv", import.meta.url)), { name: "sim" });
const kaggleRaw = csvToDataset(
  readFileSync(new URL("../../data/kaggle-marketing-campaign-performance/marketing_campaign_dataset.head2200.reformatted.csv", import.meta.url)),
  { name: "k" },
);
// HighROI = ROI > 5, as in the fixture script
const roi = kaggleRaw.columns.find((c) => c.name === "ROI")!.values as number[];
const kaggle = {
  ...kaggleRaw,
  columns: [...kaggleRaw.columns, { name: "HighROI", original: "HighROI", type: "integer" as const, missing: 0, values: roi.map((r) => (r > 5 ? 1 : 0)) }],
};

describe(`Logit against ${g.source}`, () => {
  for (const [name, ds] of [
    ["sim", sim],
    ["kaggle", kaggle],
  ] as const) {
    it(`When ${name} (${g[name].formula}) is fitted on all rows, then coefficients, errors, p-values and likelihoods match`, () => {
      const r = fitLogitFormula(ds, { formula: g[name].formula, holdout: 0 });
      expect(r.params.map((p) => p.name)).toEqual(g[name].names);
      expect(r.nobs).toBe(g[name].nobs);
      expectAllClose(
        r.params.map((p) => p.coef),
        g[name].coef,
        { rtol: 1e-8, label: "coef" },
      );
      expectAllClose(
        r.params.map((p) => p.stdErr),
        g[name].stdErr,
        { rtol: 1e-8, label: "stdErr" },
      );
      expectAllClose(
        r.params.map((p) => p.pValue),
        g[name].pValue,
        { rtol: 1e-6, atol: 1e-12, label: "pValue" },
      );
      expectAllClose(
        r.params.map((p) => p.ciLower),
        g[name].ciLower,
        { rtol: 1e-8, label: "ciLower" },
      );
      for (const f of ["llf", "aic", "bic"] as const) expectClose(r[f], g[name][f], { rtol: 1e-10, label: f });
      // statsmodels fits the null model iteratively (to its tolerance); mixcast uses the closed form n·(p̄ log p̄ + …),
      // so llnull agrees to ~1e-10 relative and McFadden's R² (a small difference of the two) to ~1e-8.
      expectClose(r.llnull, g[name].llnull, { rtol: 1e-9, label: "llnull" });
      expectClose(r.prsquared, g[name].prsquared, { rtol: 1e-7, label: "prsquared" });
      expectClose(r.llrPvalue, g[name].llrPvalue, { rtol: 1e-6, atol: 1e-12, label: "llrPvalue" });
      r.params.forEach((p) => expectClose(p.oddsRatio, Math.exp(p.coef), { rtol: 1e-15 }));
    });
  }

  it("When scores tie, then ROC AUC counts ties half, as sklearn", () => {
    expectClose(rocAuc(g.auc.y, g.auc.score), g.auc.value, { rtol: 1e-15 });
  });

  it("When data come from a known logistic model, then the fit recovers it and the holdout AUC is sensible", () => {
    const rng = seededRng(11);
    const n = 20_000;
    const x1 = Float64Array.from({ length: n }, () => rng.normal());
    const x2 = Float64Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const truth = [-0.5, 1.2, -0.8];
    const y = Float64Array.from({ length: n }, (_, i) => (rng.uniform() < 1 / (1 + Math.exp(-(truth[0]! + truth[1]! * x1[i]! + truth[2]! * x2[i]!))) ? 1 : 0));
    const fit = fitLogit({ names: ["Intercept", "x1", "x2"], columns: [new Float64Array(n).fill(1), x1, x2], y });
    fit.params.forEach((p, j) => expect(Math.abs(p.coef - truth[j]!)).toBeLessThan(4 * p.stdErr));
  });

  it("When fitted with a holdout, then metrics are computed on held-out rows only and the split is reproducible", () => {
    const a = fitLogitFormula(sim, { formula: g.sim.formula, holdout: 0.25, seed: 3 });
    const b = fitLogitFormula(sim, { formula: g.sim.formula, holdout: 0.25, seed: 3 });
    expect(a).toEqual(b);
    expect(a.nobs).toBe(450);
    expect(a.holdout!.n).toBe(150);
    const c = a.holdout!.confusion;
    expect(c.tp + c.fp + c.tn + c.fn).toBe(150);
    expect(a.holdout!.rocAuc!).toBeGreaterThan(0.6);
  });

  it("When the outcome is perfectly separated, then the fit is refused with the reason", () => {
    const ds = csvToDataset(`y,x\n${Array.from({ length: 40 }, (_, i) => `${i < 20 ? 0 : 1},${i}`).join("\n")}`, { name: "sep" });
    expect(() => fitLogitFormula(ds, { formula: "y ~ x", holdout: 0 })).toThrow(/Perfect separation/);
  });

  it("When the target is text, then positive= names the success level", () => {
    const ds = csvToDataset(`won,spend\n${Array.from({ length: 60 }, (_, i) => `${(i * 7) % 5 < 2 ? "yes!" : "no!"},${i % 13}`).join("\n")}`, { name: "t" });
    expect(() => fitLogitFormula(ds, { formula: "won ~ spend" })).toThrow(/positive: say which level of won/);
    expect(fitLogitFormula(ds, { formula: "won ~ spend", positive: "yes!", holdout: 0 }).positive).toBe("yes!");
  });
});
