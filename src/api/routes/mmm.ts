import { jsonResponse, MmmCurvesResponse, MmmModelResponse } from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { requireRecord } from "../../app/records.ts";
import { Router } from "express";
import type { z } from "zod";
import type { MmmResult } from "../../regression/mmm/fit-dataset.ts";
import { MMM_KIND, startMmm } from "../../app/mmm.ts";
import { loadDataset, type AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { VOCABULARY } from "../../app/vocabulary.ts";
import { FormatQuery, IdParams, JobAcceptedSchema, MmmRequestSchema } from "../../app/schemas.ts";
import { sendCsv } from "../../app/csv-out.ts";
import { wantsCsv } from "../csv-negotiation.ts";
import { mmmChannelsCsv, mmmCurvesCsv } from "../../app/table-csv.ts";
import { acceptJob } from "./jobs.ts";

/** Marketing-mix models: fitted as a job, stored as a model, read back with their response curves. */
export function mmmRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["mmm"];
  const model = (id: string) => {
    return requireRecord<z.infer<typeof MmmRequestSchema>, MmmResult>(deps.store, MMM_KIND, id);
  };

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/mmm",
      summary: "Fit a marketing-mix model (adstock + saturation per channel) as a job",
      description: "Answers 202 with a job; once it succeeds, its result names `modelId` for GET /v1/mmm/{id} and /v1/mmm/{id}/curves.",
      tags,
      body: MmmRequestSchema,
      aliases: { body: VOCABULARY.alpha },
      responses: { 202: { description: "Job accepted", content: { "application/json": { schema: JobAcceptedSchema } } } },
    },
    async (_req, res, { body }) => {
      const start = startMmm(await loadDataset(deps, body.datasetId), body);
      acceptJob(res, await deps.jobs.submit(start.kind, body, start.payload, start.onSuccess));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/mmm/:id",
      summary: "A fitted marketing-mix model: fit, channels, decomposition (the channel table as CSV with Accept: text/csv or ?format=csv)",
      tags,
      params: IdParams,
      query: FormatQuery,
      responses: { 200: jsonResponse(MmmModelResponse, "The model") },
    },
    async (req, res, { params }) => {
      const m = await model(params.id);
      if (wantsCsv(req, res)) return sendCsv(res, `mmm-${m.id}`, mmmChannelsCsv(m.result));
      res.json({ id: m.id, datasetId: m.datasetId, createdAt: m.createdAt, ...m.result });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/mmm/:id/curves",
      summary: "Response curves per channel (and segment): spend per period → incremental target, with their analytic form (CSV: one row per spend level)",
      tags,
      params: IdParams,
      query: FormatQuery,
      responses: { 200: jsonResponse(MmmCurvesResponse, "Curves") },
    },
    async (req, res, { params }) => {
      const m = await model(params.id);
      if (wantsCsv(req, res)) return sendCsv(res, `mmm-${m.id}-curves`, mmmCurvesCsv(m.result));
      res.json({
        id: m.id,
        curves: m.result.segments.flatMap((s) => ("model" in s ? s.model.curves.map((c) => ({ segment: s.segment, ...c })) : [])),
      });
    },
  );
  return router;
}
