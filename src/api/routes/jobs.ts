import { JobResultResponse, jsonResponse } from "../../app/responses.ts";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router, type Response } from "express";
import { z } from "zod";
import { ConflictError, NotFoundError } from "../../errors.ts";
import type { JobRecord } from "../../store/jobs.ts";
import type { AppDeps } from "../deps.ts";
import { defineRoute } from "../route.ts";
import { IdParams, JobAcceptedSchema, JobSchema, SleepRequest } from "../../app/schemas.ts";

const JobListSchema = z.object({ items: z.array(JobSchema) }).openapi("JobList");
const resultUrl = (id: string) => `/v1/jobs/${id}/result`;

/** The public view of a job: its stored input stays private (it may hold a whole dataset's options). */
export function jobView(job: JobRecord) {
  const { input: _input, ...rest } = job;
  return { ...rest, resultUrl: resultUrl(job.jobId) };
}

/** Answer 202 Accepted for long work, pointing at the job. */
export function acceptJob(res: Response, job: JobRecord): void {
  res
    .status(202)
    .location(`/v1/jobs/${job.jobId}`)
    .json({ jobId: job.jobId, status: job.status, resultUrl: resultUrl(job.jobId) });
}

export function jobRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const tags = ["jobs"];
  const jobJson = jsonResponse(JobSchema, "The job");

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/jobs",
      summary: "Recent jobs, newest first",
      tags,
      responses: { 200: jsonResponse(JobListSchema, "Recent jobs, newest first") },
    },
    async (_req, res) => {
      res.json({ items: (await deps.store.jobs.list(100)).map(jobView) });
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/jobs/:id",
      summary: "A job's status, progress and (once succeeded) result",
      tags,
      params: IdParams,
      responses: { 200: jobJson },
    },
    async (_req, res, { params }) => {
      const job = await deps.store.jobs.get(params.id);
      if (!job) throw new NotFoundError(`No job ${params.id}.`);
      res.json(jobView(job));
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/jobs/:id/result",
      summary: "A succeeded job's result (409 while it is not done)",
      tags,
      params: IdParams,
      responses: { 200: jsonResponse(JobResultResponse, "The result: its shape depends on the job's kind"), 409: { description: "Not succeeded (yet)" } },
    },
    async (_req, res, { params }) => {
      const job = await deps.store.jobs.get(params.id);
      if (!job) throw new NotFoundError(`No job ${params.id}.`);
      if (job.status !== "succeeded") {
        throw new ConflictError(`Job ${params.id} is ${job.status}${job.error ? `: ${job.error.detail}` : ""}; no result.`);
      }
      res.json(job.result);
    },
  );

  defineRoute(
    router,
    registry,
    {
      method: "delete",
      path: "/v1/jobs/:id",
      summary: "Cancel a queued or running job",
      tags,
      params: IdParams,
      responses: { 200: jobJson, 409: { description: "Already finished" } },
    },
    async (_req, res, { params }) => {
      res.json(jobView(await deps.jobs.cancel(params.id)));
    },
  );

  if (deps.config.MIXCAST_DIAGNOSTIC_JOBS) {
    defineRoute(
      router,
      registry,
      {
        method: "post",
        path: "/v1/diagnostics/sleep",
        summary: "A job that only waits (enabled by MIXCAST_DIAGNOSTIC_JOBS)",
        tags: ["diagnostics"],
        body: SleepRequest,
        responses: { 202: { description: "Job accepted", content: { "application/json": { schema: JobAcceptedSchema } } } },
      },
      async (_req, res, { body }) => acceptJob(res, await deps.jobs.submit("diagnostic-sleep", body)),
    );
  }
  return router;
}
