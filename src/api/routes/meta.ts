import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import express, { Router } from "express";
import { createRequire } from "node:module";
import { VERSION } from "../../version.ts";
import type { AppDeps } from "../deps.ts";
import { openApiDocument } from "../openapi.ts";
import { defineRoute } from "../route.ts";
import { HealthSchema, SessionSchema } from "../../app/schemas.ts";
import { authRequired } from "../auth.ts";

const swaggerUiDir = (createRequire(import.meta.url)("swagger-ui-dist") as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mixcast API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

/** Health, the OpenAPI document and its browsable docs (Swagger UI served from the installed package, offline). */
export function metaRoutes(deps: AppDeps, registry: OpenAPIRegistry): Router {
  const router = Router();
  const startedAt = deps.startedAt ?? new Date();
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/healthz",
      summary: "Liveness, version, TensorFlow.js backend, store",
      tags: ["meta"],
      responses: { 200: { description: "Healthy", content: { "application/json": { schema: HealthSchema } } } },
    },
    async (_req, res) => {
      await deps.store.ping(); // the store answers
      res.json({
        status: "ok",
        version: VERSION,
        tfBackend: deps.tf.backend,
        tfBackendNotes: deps.tf.notes,
        store: { kind: deps.store.kind, location: deps.store.location },
        jobs: {
          runner: deps.jobs.runner,
          running: deps.jobs.runningCount,
          queued: deps.jobs.queueDepth,
          concurrency: deps.config.MIXCAST_JOB_CONCURRENCY,
          ...(deps.jobs.queueUrl !== undefined && { queue: deps.jobs.queueUrl }),
          ...(deps.jobs.workers !== undefined && { workers: deps.jobs.workers }),
        },
        uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      });
    },
  );
  defineRoute(
    router,
    registry,
    {
      method: "get",
      path: "/v1/session",
      summary: "Whether a key is needed and what this request's key may do (the dashboard shows read-only pages for a read key)",
      tags: ["meta"],
      responses: { 200: { description: "This request's access", content: { "application/json": { schema: SessionSchema } } } },
    },
    async (_req, res) => void res.json({ authRequired: await authRequired(deps), scopes: res.locals.scopes ?? [] }),
  );
  let doc: unknown;
  router.get("/openapi.json", (_req, res) => {
    doc ??= openApiDocument(registry, VERSION); // every route is registered by the first request
    res.json(doc);
  });
  router.get("/docs", (_req, res) => void res.type("html").send(DOCS_HTML));
  // a script file rather than an inline one, so the Content-Security-Policy (helmet's default) can forbid inline code
  router.get("/docs/init.js", (_req, res) => void res.type("js").send(`window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui" });`));
  router.use("/docs/assets", express.static(swaggerUiDir, { index: false }));
  return router;
}
