import type { Dataset } from "../data/types.ts";
import { ModelFitError, ValidationError } from "../errors.ts";
import { buildDesign, findColumn } from "./design.ts";
import { parseFormula } from "./formula.ts";
import { fitOls, type OlsOptions } from "./ols.ts";
import type { FittedRegression } from "./types.ts";

export interface RegressionRequest extends OlsOptions {
  readonly formula: string;
  /** Fit one model per level of this category column (dummies built inside each group). */
  /** One model per level of this column. */
  readonly segment?: string;
}

export type GroupModel =
  | ({ readonly group: string | null; readonly levels: Readonly<Record<string, readonly string[]>> } & FittedRegression)
  | { readonly group: string; readonly error: string };

export interface RegressionResult {
  readonly formula: string;
  readonly target: string;
  readonly segment: string | null;
  readonly models: readonly GroupModel[];
}

/**
 * Fit a formula on a dataset, pooled or per segment (`segment`). A segment whose model cannot be fitted (too few rows,
 * constant target) reports its error instead of failing the others.
 */
export function fitFormula(ds: Dataset, req: RegressionRequest): RegressionResult {
  const formula = parseFormula(req.formula);
  const target = findColumn(ds, formula.target.column, ["formula"]).name;
  if (!req.segment) {
    return { formula: req.formula, target, segment: null, models: [fitGroup(ds, formula, undefined, null, req)] };
  }
  const byCol = findColumn(ds, req.segment, ["segment"]);
  if (byCol.type !== "category" && byCol.type !== "boolean" && byCol.type !== "integer") {
    throw new ValidationError(`segment: ${byCol.name} is ${byCol.type}; segments need a category column.`, [
      { path: ["segment"], message: "not a category column", code: "not_categorical", value: req.segment },
    ]);
  }
  const groups = new Map<string, number[]>();
  byCol.values.forEach((v, i) => {
    if (v === null) return;
    const k = String(v);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  const keys = [...groups.keys()].sort();
  return {
    formula: req.formula,
    target,
    segment: byCol.name,
    models: keys.map((k) => {
      try {
        return fitGroup(ds, formula, groups.get(k)!, k, req);
      } catch (e) {
        if (e instanceof ModelFitError) return { group: k, error: e.message };
        throw e;
      }
    }),
  };
}

function fitGroup(ds: Dataset, formula: ReturnType<typeof parseFormula>, rows: number[] | undefined, group: string | null, opts: OlsOptions) {
  const design = buildDesign(ds, formula, rows);
  const fit = fitOls(design, opts);
  return { group, levels: design.levels, ...fit, warnings: [...design.warnings, ...fit.warnings] };
}
