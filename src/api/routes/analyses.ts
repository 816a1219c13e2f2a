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
import { anova, chiSquare, correlation, tTest, tukey } from "../../app/analyses.ts";
import { twoProportionTest } from "../../regression/classic/contingency.ts";
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
  const load = (id: string): Promise<Dataset> => loadDataset(deps, id);

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
    async (req, res, { body }) => {
      const r = anova(await load(body.datasetId), body);
      if (wantsCsv(req, res)) return sendCsv(res, "anova", anovaCsv(r));
      res.json(r);
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
    async (req, res, { body }) => {
      const r = tukey(await load(body.datasetId), body);
      if (wantsCsv(req, res)) return sendCsv(res, "tukey", tukeyCsv(r));
      res.json(r);
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
    async (_q, res, { body }) => {
      res.json(tTest(await load(body.datasetId), body));
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
    async (_q, res, { body }) => {
      res.json(chiSquare("datasetId" in body ? await load(body.datasetId) : undefined, body));
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
    async (_q, res, { body }) => {
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
    async (req, res, { body }) => {
      const matrix = correlation(await load(body.datasetId), body);
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
    async (req, res, { body }) => {
      const { datasetId, ...request } = body;
      const logit = fitLogitFormula(await load(datasetId), request);
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
    async (_q, res, { body }) => {
      const { datasetId, ...request } = body;
      res.json(kmeansAnalysis(await load(datasetId), request));
    },
  );
  return router;
}
