import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import "../app/zod-openapi.ts";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    issues: z
      .array(
        z.object({
          path: z.array(z.union([z.string(), z.number()])),
          message: z.string(),
          code: z.string().optional(),
          value: z.unknown().optional(),
        }),
      )
      .optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; issues name the field, row, column and value." });

/** The 4xx answers every route may give, listed in each operation of the OpenAPI document. */
export const PROBLEM_RESPONSES = {
  400: "Invalid request: the body, query or data is wrong (see issues)",
  401: "No valid API key (Authorization: Bearer <key>, or ?key= for a read key on GET)",
  403: "The key lacks the scope this request needs",
  404: "No such resource (or not in your workspace)",
  413: "Body over the size limit",
  415: "Unsupported content type",
  422: "Valid input, but no meaningful answer (model cannot be fitted, constraints cannot all hold)",
  429: "Too many requests for this key; retry after the RateLimit-Reset seconds",
} as const;

export function newRegistry(): OpenAPIRegistry {
  return new OpenAPIRegistry();
}

export function openApiDocument(registry: OpenAPIRegistry, version: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "mixcast API",
      version,
      description:
        "Sales forecasts, marketing-mix statistics and budget allocation. Errors are RFC 9457 application/problem+json. " +
        "Long work answers 202 with a job to poll at /v1/jobs/{jobId}.",
    },
  });
}
