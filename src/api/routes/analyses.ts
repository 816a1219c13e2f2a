import {
  AnovaResponse,
  ChiSquareResponse,
  CorrelationResponse,
  jsonResponse,
  KmeansResponse,
  LogitResponse,
  ProportionsResponse,
  TTestResponse,
  TukeyResponse,
} from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import type { Dataset } from "../../data/types.ts";
import { ValidationError } from "../../errors.ts";
import { oneWayAnova, tukeyHsd } from "../../regression/classic/anova.ts";
import { chiSquareIndependence, twoProportionTest } from "../../regression/classic/contingency.ts";
import { correlationMatrix } from "../../regression/classic/correlation.ts";
import { crossTab, groupedValues, numericValues } from "../../regression/classic/from-dataset.ts";
import { pairedTTest, welchTTest } from "../../regression/classic/ttest.ts";
import { kmeansAnalysis } from "../../regression/cluster/kmeans.ts";
import { fitLogitFormula } from "../../regression/logit-formula.ts";
import { loadDataset, type AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { sendCsv } from "../../app/csv-out.ts";
import { wantsCsv } from "../csv-negotiation.ts";
import { anovaCsv, correlationCsv, logitCsv, tukeyCsv } from "../../app/table-csv.ts";
import {
  ChiSquareRequest,
  CorrelationRequest,
  GroupAnalysisRequest,
  KmeansRequestSchema,
  LogitRequestSchema,
  ProportionsRequest,
  TTestRequest,
} from "../../app/schemas.ts";

/** The classic analyses planners ask for, each a pure function over a stored dataset. */
export function analysisRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["analyses"];
  const load = (id: string): Dataset => loadDataset(deps, id);

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/anova",
      summary: "One-way ANOVA of a value across groups (group summaries as CSV with Accept: text/csv)",
      tags,
      body: GroupAnalysisRequest,
      responses: { 200: jsonResponse(AnovaResponse, "The analysis") },
    },
    (req, res, { body }) => {
      const anova = oneWayAnova(groupedValues(load(body.datasetId), body.value, body.group), body.alpha);
      if (wantsCsv(req, res)) return sendCsv(res, "anova", anovaCsv(anova));
      res.json(anova);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/tukey",
      summary: "Tukey HSD: which pairs of groups differ (pairs as CSV with Accept: text/csv)",
      tags,
      body: GroupAnalysisRequest,
      responses: { 200: jsonResponse(TukeyResponse, "The analysis") },
    },
    (req, res, { body }) => {
      const groups = groupedValues(load(body.datasetId), body.value, body.group);
      const tukey = tukeyHsd(groups, body.alpha);
      if (wantsCsv(req, res)) return sendCsv(res, "tukey", tukeyCsv(tukey));
      res.json({ anova: oneWayAnova(groups, body.alpha), ...tukey });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/ttest",
      summary: "Welch (two groups) or paired t-test, with Cohen's d",
      tags,
      body: TTestRequest,
      responses: { 200: jsonResponse(TTestResponse, "The analysis") },
    },
    (_q, res, { body }) => {
      const ds = load(body.datasetId);
      if (body.kind === "paired") {
        const a = numericValues(ds, body.a, "a");
        const b = numericValues(ds, body.b, "b");
        const rows = a.flatMap((x, i) => (x !== null && b[i] !== null ? [i] : []));
        return void res.json(
          pairedTTest(
            rows.map((i) => a[i]!),
            rows.map((i) => b[i]!),
            body.alpha,
          ),
        );
      }
      const groups = groupedValues(ds, body.value, body.group);
      for (const f of ["a", "b"] as const) {
        if (!groups.has(body[f])) {
          throw new ValidationError(`${f}: "${body[f]}" is not a level of ${body.group} (levels: ${[...groups.keys()].join(", ")}).`, [
            { path: ["body", f], message: "unknown level", value: body[f] },
          ]);
        }
      }
      res.json(welchTTest(groups.get(body.a)!, groups.get(body.b)!, body.alpha));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/chisquare",
      summary: "Chi-square test of independence, with Cramér's V",
      tags,
      body: ChiSquareRequest,
      responses: { 200: jsonResponse(ChiSquareResponse, "The analysis") },
    },
    (_q, res, { body }) => {
      if ("table" in body) {
        const width = body.table[0]!.length;
        if (body.table.some((r) => r.length !== width))
          throw new ValidationError("table: every row must have the same number of counts.", [{ path: ["body", "table"], message: "ragged table" }]);
        const rows = body.rowLabels ?? body.table.map((_, i) => `row ${i + 1}`);
        const cols = body.colLabels ?? body.table[0]!.map((_, j) => `col ${j + 1}`);
        return void res.json(chiSquareIndependence(rows, cols, body.table, { correction: body.correction, alpha: body.alpha }));
      }
      const t = crossTab(load(body.datasetId), body.rows, body.cols);
      res.json(chiSquareIndependence(t.rows, t.cols, t.table, { correction: body.correction, alpha: body.alpha }));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/proportions",
      summary: "A/B test of two conversion rates: z-test, effect size, power",
      tags,
      body: ProportionsRequest,
      responses: { 200: jsonResponse(ProportionsResponse, "The analysis") },
    },
    (_q, res, { body }) => {
      res.json(twoProportionTest(body.successes, body.trials, body.alpha));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/correlation",
      summary: "Pearson or Spearman correlation matrix with p-values",
      tags,
      body: CorrelationRequest,
      responses: { 200: jsonResponse(CorrelationResponse, "The analysis") },
    },
    (req, res, { body }) => {
      const ds = load(body.datasetId);
      const names = body.columns ?? ds.columns.filter((c) => c.type === "number" || c.type === "integer").map((c) => c.name);
      const matrix = correlationMatrix(
        names.map((n, i) => ({ name: n, values: numericValues(ds, n, `columns.${i}`) })),
        body.method,
      );
      if (wantsCsv(req, res)) return sendCsv(res, "correlation", correlationCsv(matrix));
      res.json(matrix);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/logit",
      summary: "Logistic regression: odds ratios, p-values and holdout accuracy/precision/recall/F1/AUC",
      tags,
      body: LogitRequestSchema,
      responses: { 200: jsonResponse(LogitResponse, "The analysis") },
    },
    (req, res, { body }) => {
      const { datasetId, ...request } = body;
      const logit = fitLogitFormula(load(datasetId), request);
      if (wantsCsv(req, res)) return sendCsv(res, "logit", logitCsv(logit));
      res.json(logit);
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/analyses/kmeans",
      summary: "k-means for a range of k: elbow, silhouette, chosen k, cluster profiles",
      tags,
      body: KmeansRequestSchema,
      responses: { 200: jsonResponse(KmeansResponse, "The analysis") },
    },
    (_q, res, { body }) => {
      const { datasetId, ...request } = body;
      res.json(kmeansAnalysis(load(datasetId), request));
    },
  );
  return router;
}
