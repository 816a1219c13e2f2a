import { jsonResponse, PredictResponse, RoiResponse } from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import { fitRegression, getRegression, predictFromRegression, regressionView, roi } from "../../app/regressions.ts";
import { loadDataset, type AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { VOCABULARY } from "../../app/vocabulary.ts";
import { sendCsv } from "../../app/csv-out.ts";
import { wantsCsv } from "../csv-negotiation.ts";
import { regressionCsv, roiCsv } from "../../app/table-csv.ts";
import { FormatQuery, IdParams, PredictRequest, RegressionRequest, RegressionResultSchema, RoiRequest } from "../../app/schemas.ts";

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
      description:
        'Formulas as in statsmodels: `y ~ a + b + C(seg) + a:b`, `a*b`, `- 1`, `Q("name with spaces")`. Rank-deficient terms are dropped and named in `warnings`.',
      tags,
      body: RegressionRequest,
      aliases: { body: VOCABULARY.segment },
      responses: { 201: jsonResponse(RegressionResultSchema, "The fitted models") },
    },
    async (req, res, { body }) => {
      const { id, result } = await fitRegression(deps.store, await loadDataset(deps, body.datasetId), body);
      res.status(201).location(`/v1/regressions/${id}`);
      if (wantsCsv(req, res)) return sendCsv(res, `regression-${id}`, regressionCsv(result));
      res.json(regressionView(id, body.datasetId, result));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/regressions/:id",
      summary: "A fitted regression (terms as CSV with Accept: text/csv or ?format=csv)",
      tags,
      params: IdParams,
      query: FormatQuery,
      responses: { 200: jsonResponse(RegressionResultSchema, "The fitted models") },
    },
    async (req, res, { params }) => {
      const m = await getRegression(deps.store, params.id);
      if (wantsCsv(req, res)) return sendCsv(res, `regression-${m.id}`, regressionCsv(m.result));
      res.json(regressionView(m.id, m.spec.datasetId, m.result));
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
      aliases: { body: VOCABULARY.predictSegment },
      responses: { 200: jsonResponse(PredictResponse, "One prediction per row") },
    },
    async (_req, res, { params, body }) => {
      res.json(await predictFromRegression(deps.store, params.id, body));
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
      aliases: { body: VOCABULARY.segment },
      responses: { 200: jsonResponse(RoiResponse, "The ROI table") },
    },
    async (req, res, { body }) => {
      const table = roi(await loadDataset(deps, body.datasetId), body);
      if (wantsCsv(req, res)) return sendCsv(res, "roi", roiCsv(table));
      res.json(table);
    },
  );
  return router;
}
