import type { Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { buildDesign } from "./design.ts";
import { tQuantile, zQuantile } from "./distributions.ts";
import { parseFormula } from "./formula.ts";
import type { FittedRegression } from "./types.ts";

export interface Prediction {
  readonly mean: number;
  /** Standard error of the fitted mean: sqrt(xᵀ Σ x). */
  readonly meanSe: number;
  readonly meanCiLower: number;
  readonly meanCiUpper: number;
  /** Prediction interval for a new observation: mean ± q·sqrt(se² + scale). */
  readonly obsCiLower: number;
  readonly obsCiUpper: number;
}

/**
 * Predict from a fitted formula model on new rows (a Dataset with the regressor columns), as statsmodels'
 * get_prediction().summary_frame(alpha): confidence intervals for the mean and prediction intervals for new
 * observations. Categorical levels are those of the fit; an unseen level is an error.
 */
export function predictRegression(
  model: FittedRegression & { readonly levels: Readonly<Record<string, readonly string[]>> },
  formula: string,
  rows: Dataset,
  alpha = model.alpha,
): Prediction[] {
  const parsed = parseFormula(formula);
  // The target is not needed to predict: give the design a dummy one.
  const withTarget: Dataset = rows.columns.some((c) => c.name === parsed.target.column)
    ? rows
    : {
        ...rows,
        columns: [
          ...rows.columns,
          { name: parsed.target.column, original: parsed.target.column, type: "number", missing: 0, values: new Array(rows.rows).fill(0) },
        ],
      };
  const design = buildDesign(withTarget, parsed, undefined, model.levels);
  if (design.rows.length !== rows.rows) {
    throw new ValidationError("Rows to predict must have every regressor filled in.", [
      { path: ["rows"], message: "missing regressor values", code: "missing_values" },
    ]);
  }
  const kept = model.params.map((p, j) => (p.dropped ? -1 : j)).filter((j) => j >= 0);
  const coef = kept.map((j) => model.params[j]!.coef!);
  const cov = model.covParams;
  const q = model.useT ? tQuantile(1 - alpha / 2, model.dfResid) : zQuantile(1 - alpha / 2);
  return design.rows.map((_, i) => {
    const x = kept.map((j) => design.columns[j]![i]!);
    const mean = x.reduce((s, v, a) => s + v * coef[a]!, 0);
    let v = 0;
    for (let a = 0; a < x.length; a++) for (let b = 0; b < x.length; b++) v += x[a]! * cov[a]![b]! * x[b]!;
    const meanSe = Math.sqrt(v);
    const obsSe = Math.sqrt(v + model.scale);
    return { mean, meanSe, meanCiLower: mean - q * meanSe, meanCiUpper: mean + q * meanSe, obsCiLower: mean - q * obsSe, obsCiUpper: mean + q * obsSe };
  });
}
