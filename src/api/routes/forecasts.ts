import { ForecastListResponse, ForecastResponse, jsonResponse } from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router } from "express";
import { sendCsv } from "../../app/csv-out.ts";
import { loadDataset, type AppDeps } from "../deps.ts";
import { FORECAST_KIND, forecastCsvRows, getForecast, startForecast } from "../../app/forecasts.ts";
import { defineRoute } from "../route.ts";
import { FormatQuery, ForecastRequestSchema, IdParams, JobAcceptedSchema } from "../../app/schemas.ts";
import { wantsCsv } from "../csv-negotiation.ts";
import { acceptJob } from "./jobs.ts";

/** Sales forecasts: trained as a job (or at once from a stored model for the same data), read as JSON or CSV. */
export function forecastRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["forecasts"];

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/forecasts",
      summary:
        "Forecast daily sales with quantiles, each series by its best backtested member (LSTM, Theta, MSTL + ETS, last year, ...), optionally under a spend plan",
      description:
        "Answers 202 with a job. Training (backtest included) runs in the job with progress per epoch; when a model trained on the same data " +
        "with the same options is stored, it is reused and the job is already succeeded. The job's result names `forecastUrl`.",
      tags,
      body: ForecastRequestSchema,
      responses: { 202: { description: "Job accepted", content: { "application/json": { schema: JobAcceptedSchema } } } },
    },
    async (_req, res, { body }) => {
      const start = await startForecast(deps.store, await loadDataset(deps, body.datasetId), body, deps.tf.backend);
      acceptJob(
        res,
        start.kind === "train"
          ? await deps.jobs.submit("forecast-train", body, start.payload, start.onSuccess)
          : await deps.jobs.completed("forecast-train", body, start.summary),
      );
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/forecasts",
      summary: "Recent forecasts",
      tags,
      responses: { 200: jsonResponse(ForecastListResponse, "Forecasts, oldest first") },
    },
    async (_req, res) => {
      res.json({
        items: (await deps.store.models.list(FORECAST_KIND)).map((m) => ({
          id: m.id,
          datasetId: m.datasetId,
          createdAt: m.createdAt,
          url: `/v1/forecasts/${m.id}`,
        })),
      });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/forecasts/:id",
      summary: "A forecast: quantiles per day and series, the backtest, the plan's effect. `Accept: text/csv` gives date,mean,p10,p50,p90 rows",
      tags,
      params: IdParams,
      query: FormatQuery,
      responses: { 200: jsonResponse(ForecastResponse, "The forecast (JSON or CSV)") },
    },
    async (req, res, { params }) => {
      const m = await getForecast(deps.store, params.id);
      if (wantsCsv(req, res)) {
        return sendCsv(res, `forecast-${m.id}`, forecastCsvRows(m.result));
      }
      res.json({ id: m.id, datasetId: m.datasetId, createdAt: m.createdAt, ...m.result });
    },
  );
  return router;
}
