import { AllocationResponse, jsonResponse } from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { requireRecord } from "../../app/records.ts";
import { Router, type Request, type Response } from "express";
import { ALLOCATION_KIND, allocationCsvRows, runAllocation, type AllocationOutput } from "../../app/allocations.ts";
import { sendCsv } from "../../app/csv-out.ts";
import type { AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { VOCABULARY } from "../../app/vocabulary.ts";
import { AllocationRequestSchema, FormatQuery, IdParams } from "../../app/schemas.ts";
import { wantsCsv } from "../csv-negotiation.ts";

/** Budget allocations: solved at once (a linear program), saved, read back as JSON or CSV. */
export function allocationRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["allocations"];

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/allocations",
      summary: "The budget split that maximises return (or profit, or reaches a target at least cost) under constraints",
      description:
        "Curves come from a fitted MMM (`modelId`) or per line (Hill, logistic or sampled points). Answers 201 with lines, totals, the comparison with " +
        "the current plan, binding constraints with their marginal values and a summary; 422 names the constraints that cannot hold together.",
      tags,
      body: AllocationRequestSchema,
      aliases: { body: [...VOCABULARY.mmmId, ...VOCABULARY.allocationLine] },
      responses: {
        201: jsonResponse(AllocationResponse, "The allocation (JSON, or CSV with Accept: text/csv)"),
        422: { description: "Infeasible or unbounded" },
      },
    },
    async (req, res, { body }) => {
      const { id, output } = await runAllocation(deps.store, body);
      res.status(201).location(`/v1/allocations/${id}`);
      send(req, res, id, output);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/allocations/:id",
      summary: "A saved allocation (JSON, or CSV with Accept: text/csv or ?format=csv)",
      tags,
      params: IdParams,
      query: FormatQuery,
      responses: { 200: jsonResponse(AllocationResponse, "The allocation") },
    },
    async (req, res, { params }) => {
      const m = await requireRecord<unknown, AllocationOutput>(deps.store, ALLOCATION_KIND, params.id);
      send(req, res, m.id, m.result);
    },
  );
  return router;
}

function send(req: Request, res: Response, id: string, output: AllocationOutput): void {
  if (wantsCsv(req, res)) {
    sendCsv(res, `allocation-${id}`, allocationCsvRows(output));
    return;
  }
  res.json({ id, ...output });
}
