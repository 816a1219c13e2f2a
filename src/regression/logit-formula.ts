import { seededRng } from "../data/random.ts";
import type { Column, Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { buildDesign, findColumn } from "./design.ts";
import { parseFormula } from "./formula.ts";
import { classificationMetrics, fitLogit, predictLogit, type ClassificationMetrics, type FittedLogit } from "./logit.ts";

export interface LogitRequest {
  readonly formula: string;
  /** For a text target: the level that counts as success. */
  readonly positive?: string;
  /** Share of rows held out (seeded random split) to measure accuracy, precision, recall, F1 and ROC AUC. */
  readonly holdout?: number;
  readonly seed?: number;
  readonly threshold?: number;
  readonly alpha?: number;
}

export interface LogitResult extends FittedLogit {
  readonly formula: string;
  readonly target: string;
  readonly positive: string;
  readonly holdout: (ClassificationMetrics & { readonly share: number; readonly seed: number }) | null;
  readonly interpretation: readonly string[];
}

/**
 * "Did the campaign succeed?": a Logit on a formula, with odds ratios and, on a seeded holdout, the
 * classification metrics. A text target is recoded 1 for `positive`, 0 otherwise.
 */
export function fitLogitFormula(ds: Dataset, req: LogitRequest): LogitResult {
  const parsed = parseFormula(req.formula);
  const target = findColumn(ds, parsed.target.column, ["formula"]);
  const { data, positive } = binaryTarget(ds, target, req.positive);
  const all = buildDesign(data, { ...parsed, target: { column: target.name, categorical: false } });
  const share = req.holdout ?? 0.25;
  const seed = req.seed ?? 1;
  let trainRows = all.rows.map((_, i) => i);
  let testRows: number[] = [];
  if (share > 0) {
    const rng = seededRng(seed);
    const order = trainRows
      .map((i) => ({ i, u: rng.uniform() }))
      .sort((a, b) => a.u - b.u)
      .map((x) => x.i);
    const nTest = Math.round(share * order.length);
    testRows = order.slice(0, nTest).sort((a, b) => a - b);
    trainRows = order.slice(nTest).sort((a, b) => a - b);
  }
  const pick = (rows: readonly number[]) => ({
    names: all.names,
    columns: all.columns.map((c) => Float64Array.from(rows, (i) => c[i]!)),
    y: Float64Array.from(rows, (i) => all.y[i]!),
  });
  const train = pick(trainRows);
  const fit = fitLogit(train, { alpha: req.alpha });
  let holdout: LogitResult["holdout"] = null;
  if (testRows.length > 0) {
    const test = pick(testRows);
    const p = predictLogit(fit, test.columns, testRows.length);
    holdout = { ...classificationMetrics(test.y, p, req.threshold ?? 0.5), share, seed };
  }
  const interpretation = fit.params
    .filter((t) => t.name !== "Intercept" && t.pValue < fit.alpha)
    .map(
      (t) =>
        `${t.name}: odds of ${positive} ×${t.oddsRatio.toPrecision(3)} (95% CI ${t.oddsRatioLower.toPrecision(3)}–${t.oddsRatioUpper.toPrecision(3)})${t.name.includes("[T.") ? " vs the reference level" : " per unit"}`,
    );
  return { ...fit, formula: req.formula, target: target.name, positive, holdout, interpretation };
}

function binaryTarget(ds: Dataset, target: Column, positive: string | undefined): { data: Dataset; positive: string } {
  if (target.type === "boolean" || target.type === "integer" || target.type === "number") {
    // a field that cannot act is refused, not ignored: a 0/1 target's success is already 1
    if (positive !== undefined)
      throw new ValidationError(
        `positive applies to a text target; ${target.name} is already ${target.type === "boolean" ? "true/false" : "0/1"} (success is ${target.type === "boolean" ? "true" : "1"}). Leave positive out.`,
        [{ path: ["positive"], message: "only for a text target", code: "not_applicable", value: positive }],
      );
    return { data: ds, positive: "1" };
  }
  if (target.type !== "category") throw new ValidationError(`The target ${target.name} is a date; it must be 0/1, true/false or a category with positive=.`);
  if (positive === undefined || !target.levels.includes(positive)) {
    throw new ValidationError(`positive: say which level of ${target.name} counts as success (levels: ${target.levels.slice(0, 10).join(", ")}).`, [
      { path: ["positive"], message: "missing or unknown level", value: positive },
    ]);
  }
  const recoded: Column = {
    name: target.name,
    original: target.original,
    type: "integer",
    missing: target.missing,
    values: target.values.map((v) => (v === null ? null : v === positive ? 1 : 0)),
  };
  return { data: { ...ds, columns: ds.columns.map((c) => (c === target ? recoded : c)) }, positive };
}
