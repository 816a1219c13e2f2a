import type { z } from "zod";
import type { Column, Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { fitFormula, type GroupModel, type RegressionResult } from "../regression/fit-formula.ts";
import { predictRegression } from "../regression/predict.ts";
import { roiTable } from "../regression/roi.ts";
import type { Store } from "../store/store.ts";
import { requireRecord } from "./records.ts";
import type { PredictRequest, RegressionRequest, RoiRequest } from "./schemas.ts";

export const OLS_KIND = "ols";
const OLS_SCHEMA_VERSION = 1;

/** The public view of a stored regression: covariance matrices stay inside (they are for prediction). */
export function regressionView(id: string, datasetId: string, r: RegressionResult) {
  // `by` is the old name of `segment`, kept in answers for one release
  return { id, datasetId, ...r, by: r.segment, models: r.models.map((m) => ("error" in m ? m : (({ covParams: _c, levels: _l, ...rest }) => rest)(m))) };
}

/** Fit a formula (per segment with `by`) and store it for reading back and predicting. */
export async function fitRegression(store: Store, ds: Dataset, body: z.infer<typeof RegressionRequest>): Promise<{ id: string; result: RegressionResult }> {
  const { datasetId, ...request } = body;
  const result = fitFormula(ds, request);
  const saved = await store.models.save({ kind: OLS_KIND, datasetId, schemaVersion: OLS_SCHEMA_VERSION, spec: body, result });
  return { id: saved.id, result };
}

export function getRegression(store: Store, id: string) {
  return requireRecord<z.infer<typeof RegressionRequest>, RegressionResult>(store, OLS_KIND, id);
}

/** Means with confidence and prediction intervals for new rows, from one segment's stored model. */
export async function predictFromRegression(store: Store, id: string, body: z.infer<typeof PredictRequest>) {
  const m = await getRegression(store, id);
  const group = body.segment ?? null;
  const model = m.result.models.find((x) => x.group === group) as GroupModel | undefined;
  if (!model) {
    throw new ValidationError(`segment: no model for ${JSON.stringify(group)}; groups are ${m.result.models.map((x) => JSON.stringify(x.group)).join(", ")}.`, [
      { path: ["body", "segment"], message: "unknown segment", value: group },
    ]);
  }
  if ("error" in model)
    throw new ValidationError(`The model for ${group} could not be fitted: ${model.error}`, [{ path: ["body", "segment"], message: model.error }]);
  return { predictions: predictRegression(model, m.result.formula, rowsToDataset(body.rows), body.alpha) };
}

/** Return per $1 of each tactic, per segment. */
export function roi(ds: Dataset, body: z.infer<typeof RoiRequest>) {
  const { datasetId: _d, ...request } = body;
  const table = roiTable(ds, request);
  return { ...table, by: table.segment }; // `by`: the old name of segment, kept in answers for one release
}

/** JSON rows → a small Dataset, typed by the value types given (numbers numeric, strings categories). */
function rowsToDataset(rows: readonly Record<string, number | string | boolean>[]): Dataset {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns = names.map((name): Column => {
    const values = rows.map((r) => r[name] ?? null);
    const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
    if (kinds.size > 1)
      throw new ValidationError(`rows: column ${name} mixes ${[...kinds].join(" and ")} values.`, [{ path: ["body", "rows", name], message: "mixed types" }]);
    const missing = values.filter((v) => v === null).length;
    if (kinds.has("number")) return { name, original: name, type: "number", missing, values: values as (number | null)[] };
    if (kinds.has("boolean")) return { name, original: name, type: "boolean", missing, values: values as (boolean | null)[] };
    const strings = values as (string | null)[];
    return { name, original: name, type: "category", missing, values: strings, levels: [...new Set(strings.filter((v): v is string => v !== null))].sort() };
  });
  return { name: "rows", rows: rows.length, columns, warnings: [] };
}
