import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import { z } from "zod";
import type { Column, Dataset } from "../../data/types.ts";
import { NotFoundError, ValidationError } from "../../errors.ts";
import { fitFormula, type GroupModel, type RegressionResult } from "../../regression/fit-formula.ts";
import { predictRegression } from "../../regression/predict.ts";
import { roiTable } from "../../regression/roi.ts";
import { loadDataset, type AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { sendCsv } from "../csv-out.ts";
import { wantsCsv } from "../csv-negotiation.ts";
import { regressionCsv, roiCsv } from "../table-csv.ts";
import { FormatQuery, IdParams, PredictRequest, RegressionRequest, RegressionResultSchema, RoiRequest } from "../schemas.ts";

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const OLS_SCHEMA_VERSION = 1;

/** The public view of a stored regression: covariance matrices stay inside (they are for prediction). */
function view(id: string, datasetId: string, r: RegressionResult) {
  return { id, datasetId, ...r, models: r.models.map((m) => ("error" in m ? m : (({ covParams: _c, levels: _l, ...rest }) => rest)(m))) };
}

/** JSON rows → a small Dataset, typed by the value types given (numbers numeric, strings categories). */
function rowsToDataset(rows: readonly Record<string, number | string | boolean>[]): Dataset {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns = names.map((name): Column => {
    const values = rows.map((r) => r[name] ?? null);
    const kinds = new Set(values.filter((v) => v !== null).map((v) => typeof v));
    if (kinds.size > 1) throw new ValidationError(`rows: column ${name} mixes ${[...kinds].join(" and ")} values.`, [{ path: ["body", "rows", name], message: "mixed types" }]);
    const missing = values.filter((v) => v === null).length;
    if (kinds.has("number")) return { name, original: name, type: "number", missing, values: values as (number | null)[] };
    if (kinds.has("boolean")) return { name, original: name, type: "boolean", missing, values: values as (boolean | null)[] };
    const strings = values as (string | null)[];
    return { name, original: name, type: "category", missing, values: strings, levels: [...new Set(strings.filter((v): v is string => v !== null))].sort() };
  });
  return { name: "rows", rows: rows.length, columns, warnings: [] };
}

export function regressionRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["regression"];

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/regressions",
      summary: "Fit OLS with full inference (statsmodels vocabulary), pooled or per segment",
      description: "Formulas as in statsmodels: `y ~ a + b + C(seg) + a:b`, `a*b`, `- 1`, `Q(\"name with spaces\")`. Rank-deficient terms are dropped and named in `warnings`.",
      tags,
      body: RegressionRequest,
      responses: { 201: json(RegressionResultSchema, "The fitted models") },
    },
    (req, res, { body }) => {
      const { datasetId, ...request } = body;
      const result = fitFormula(loadDataset(deps, datasetId), request);
      const saved = deps.store.models.save({ kind: "ols", datasetId, schemaVersion: OLS_SCHEMA_VERSION, spec: body, result });
      res.status(201).location(`/v1/regressions/${saved.id}`);
      if (wantsCsv(req, res)) return sendCsv(res, `regression-${saved.id}`, regressionCsv(result));
      res.json(view(saved.id, datasetId, result));
    },
  );

  defineRoute(
    router,
    registry,
    { method: "get", path: "/v1/regressions/:id", summary: "A fitted regression (terms as CSV with Accept: text/csv or ?format=csv)", tags, params: IdParams, query: FormatQuery, responses: { 200: json(RegressionResultSchema, "The fitted models") } },
    (req, res, { params }) => {
      const m = deps.store.models.get<z.infer<typeof RegressionRequest>, RegressionResult>(params.id);
      if (!m || m.kind !== "ols") throw new NotFoundError(`No regression ${params.id}.`);
      if (wantsCsv(req, res)) return sendCsv(res, `regression-${m.id}`, regressionCsv(m.result));
      res.json(view(m.id, m.spec.datasetId, m.result));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/regressions/:id/predict",
      summary: "Predict with confidence and prediction intervals (statsmodels get_prediction)",
      tags,
      params: IdParams,
      body: PredictRequest,
      responses: { 200: { description: "One prediction per row" } },
    },
    (_req, res, { params, body }) => {
      const m = deps.store.models.get<z.infer<typeof RegressionRequest>, RegressionResult>(params.id);
      if (!m || m.kind !== "ols") throw new NotFoundError(`No regression ${params.id}.`);
      const group = body.group ?? null;
      const model = m.result.models.find((x) => x.group === group) as GroupModel | undefined;
      if (!model) {
        throw new ValidationError(`group: no model for ${JSON.stringify(group)}; groups are ${m.result.models.map((x) => JSON.stringify(x.group)).join(", ")}.`, [
          { path: ["body", "group"], message: "unknown group", value: group },
        ]);
      }
      if ("error" in model) throw new ValidationError(`The model for ${group} could not be fitted: ${model.error}`, [{ path: ["body", "group"], message: model.error }]);
      res.json({ predictions: predictRegression(model, m.result.formula, rowsToDataset(body.rows), body.alpha) });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/roi",
      summary: "Return per $1 of each tactic, per segment, keeping only significant ones",
      tags,
      body: RoiRequest,
      responses: { 200: { description: "The ROI table" } },
    },
    (req, res, { body }) => {
      const { datasetId, ...request } = body;
      const table = roiTable(loadDataset(deps, datasetId), request);
      if (wantsCsv(req, res)) return sendCsv(res, "roi", roiCsv(table));
      res.json(table);
    },
  );
  return router;
}
