import { jsonResponse } from "../../app/responses.ts";
import { VOCABULARY } from "../../app/vocabulary.ts";
import { addDataset, deleteDataset } from "../../app/datasets.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import express, { Router } from "express";
import type { z } from "zod";
import { NotFoundError } from "../../errors.ts";
import type { AppDeps } from "../deps.ts";
import { CSV_TYPES, defineRoute, isCsv } from "../route.ts";
import { sendCsv } from "../../app/csv-out.ts";
import { wantsCsv } from "../csv-negotiation.ts";
import { datasetListCsv } from "../../app/table-csv.ts";
import {
  DatasetCsvQuery,
  DatasetJsonUpload,
  DatasetListSchema,
  DatasetRowsSchema,
  DatasetSchema,
  IdParams,
  JobAcceptedSchema,
  PageQuery,
  ProfileRequest,
} from "../../app/schemas.ts";
import { acceptJob } from "./jobs.ts";

export function datasetRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const csvBody = express.raw({ type: CSV_TYPES, limit: deps.config.MIXCAST_MAX_UPLOAD_MB * 1024 * 1024 });
  const tags = ["datasets"];

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/datasets",
      summary: "Upload a CSV as a dataset",
      description:
        "Send the CSV as the body (Content-Type: text/csv, options in the query) or as JSON {name, csv, ...}. " +
        "Columns are typed (number, integer, date, category, boolean) and names standardised (`Amount Collected` → `Amount_Collected`); " +
        "the answer carries a data-quality report in `warnings`. Nothing is stored unless the whole file is valid.",
      tags,
      query: DatasetCsvQuery,
      body: DatasetJsonUpload,
      csvBody: true,
      responses: { 201: jsonResponse(DatasetSchema, "The stored dataset") },
    },
    async (req, res, { body, query }) => {
      const upload = isCsv(req)
        ? { source: body as unknown as Buffer, options: { name: query.name ?? `upload-${new Date().toISOString()}`, ...query } }
        : (() => {
            const { csv, ...options } = body as z.infer<typeof DatasetJsonUpload>;
            return { source: csv, options };
          })();
      const record = await addDataset(deps.store, upload.source, upload.options);
      deps.logger.info({ datasetId: record.id, rows: record.rows, bytes: record.sourceBytes }, "dataset stored");
      res.status(201).location(`/v1/datasets/${record.id}`).json(record);
    },
    [csvBody],
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/datasets",
      summary: "List datasets (CSV with Accept: text/csv or ?format=csv)",
      tags,
      query: PageQuery,
      responses: { 200: jsonResponse(DatasetListSchema, "A page of datasets") },
    },
    async (req, res, { query }) => {
      const { items, total } = await deps.store.datasets.list(query.limit, query.offset);
      if (wantsCsv(req, res)) return sendCsv(res, "datasets", datasetListCsv(items));
      res.json({ items, total, limit: query.limit, offset: query.offset });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/datasets/:id",
      summary: "A dataset's columns and data-quality report",
      tags,
      params: IdParams,
      responses: { 200: jsonResponse(DatasetSchema, "The dataset") },
    },
    async (_req, res, { params }) => {
      res.json(await findDataset(deps, params.id));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/datasets/:id/rows",
      summary: "A page of a dataset's typed rows (dates ISO, categories trimmed)",
      tags,
      params: IdParams,
      query: PageQuery,
      responses: { 200: jsonResponse(DatasetRowsSchema, "Rows, in file order") },
    },
    async (_req, res, { params, query }) => {
      const ds = await deps.store.datasets.load(params.id);
      if (!ds) throw new NotFoundError(`No dataset ${params.id}.`);
      const end = Math.min(ds.rows, query.offset + query.limit);
      const rows = [];
      for (let i = query.offset; i < end; i++) rows.push(ds.columns.map((c) => c.values[i] ?? null));
      res.json({ columns: ds.columns.map((c) => c.name), rows, total: ds.rows, limit: query.limit, offset: query.offset });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "delete",
      path: "/v1/datasets/:id",
      summary: "Delete a dataset (409 while a job queued or running uses it; the answer names the jobs)",
      tags,
      params: IdParams,
      responses: { 204: { description: "Deleted" }, 409: { description: "Jobs still use the dataset" } },
    },
    async (_req, res, { params }) => {
      await deleteDataset(deps.store, params.id);
      res.status(204).end();
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "post",
      path: "/v1/datasets/:id/profile",
      summary: "Profile a dataset (describe, value counts, per-segment means) as a job",
      tags,
      params: IdParams,
      body: ProfileRequest,
      aliases: { body: VOCABULARY.segment },
      responses: { 202: jsonResponse(JobAcceptedSchema, "Job accepted; poll Location") },
    },
    async (_req, res, { params, body }) => {
      const dataset = await deps.store.datasets.load(params.id);
      if (!dataset) throw new NotFoundError(`No dataset ${params.id}.`);
      const job = await deps.jobs.submit("dataset-profile", { datasetId: params.id, ...body }, { dataset, segment: body.segment });
      acceptJob(res, job);
    },
  );

  return router;
}

async function findDataset(deps: AppDeps, id: string) {
  const record = await deps.store.datasets.get(id);
  if (!record) throw new NotFoundError(`No dataset ${id}.`, [{ path: ["params", "id"], message: "no such dataset", value: id }]);
  return record;
}
