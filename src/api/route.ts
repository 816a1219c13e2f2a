import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import type { Request, RequestHandler, Response, Router } from "express";
import { z } from "zod";
import { parseOrThrow } from "../app/parse.ts";
import { DEPRECATED_SINCE, renameDeprecated, type Alias } from "../app/vocabulary.ts";
import { UnsupportedMediaTypeError } from "../errors.ts";
import { PROBLEM_RESPONSES, ProblemSchema } from "./openapi.ts";

type Method = "get" | "post" | "delete" | "put" | "patch";

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  /** Express syntax (`/v1/datasets/:id`); converted to OpenAPI's `{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly params?: P;
  readonly query?: Q;
  /** JSON body schema; a route that takes other media types parses them itself and documents them here. */
  readonly body?: B;
  /** Also accept a `text/csv` body (raw bytes reach the handler as a Buffer, the JSON schema is skipped). */
  readonly csvBody?: boolean;
  /** Old field names still accepted (src/app/vocabulary.ts): renamed before validation, answered with Deprecation. */
  readonly aliases?: { readonly body?: readonly Alias[]; readonly query?: readonly Alias[] };
  readonly responses: RouteConfig["responses"];
}

export interface Parsed<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
}

/**
 * Register a route once for both Express and the OpenAPI document, so the docs cannot drift from validation.
 * The handler receives parsed params, query and body; a thrown AppError becomes problem+json.
 */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<P, Q, B>,
  handler: (req: Request, res: Response, parsed: Parsed<z.infer<P>, z.infer<Q>, z.infer<B>>) => unknown,
  middleware: readonly RequestHandler[] = [],
): void {
  const bodyContent = {
    ...(spec.body && { "application/json": { schema: spec.body } }),
    ...(spec.csvBody && { "text/csv": { schema: z.string().openapi({ description: "CSV with a header row, UTF-8" }) } }),
  };
  registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:(\w+)/g, "{$1}"),
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    tags: [...spec.tags],
    request: {
      ...(spec.params && { params: spec.params as never }),
      ...(spec.query && { query: spec.query as never }),
      ...(Object.keys(bodyContent).length > 0 && { body: { content: bodyContent, required: true } }),
    },
    responses: {
      ...spec.responses,
      ...Object.fromEntries(
        Object.entries(PROBLEM_RESPONSES).map(([status, description]) => [
          status,
          { description, content: { "application/problem+json": { schema: ProblemSchema } } },
        ]),
      ),
    },
  });
  router[spec.method](spec.path, ...middleware, async (req: Request, res: Response) => {
    const params = spec.params ? parseOrThrow(spec.params, req.params, "params") : req.params;
    // old names still accepted for one release: renamed, and the answer says they are deprecated
    const renamedQuery = renameDeprecated(req.query, spec.aliases?.query ?? [], "query");
    const renamedBody = renameDeprecated(req.body, spec.aliases?.body ?? [], "body");
    const used = [...renamedQuery.used, ...renamedBody.used];
    if (used.length) {
      res.setHeader("Deprecation", DEPRECATED_SINCE);
      res.setHeader("Link", '</docs>; rel="deprecation"');
      res.setHeader("X-Mixcast-Deprecated", used.join(", "));
    }
    const query = spec.query ? parseOrThrow(spec.query, renamedQuery.value, "query") : req.query;
    let body: unknown = req.body;
    if (spec.csvBody && isCsv(req)) body = req.body;
    else if (spec.body) {
      if (req.get("content-type") && !req.is("application/json")) {
        throw new UnsupportedMediaTypeError(
          `Content-Type ${req.get("content-type")} is not accepted here; send application/json${spec.csvBody ? " or text/csv" : ""}.`,
          [{ path: ["headers", "content-type"], message: "unsupported media type", value: req.get("content-type") }],
        );
      }
      body = parseOrThrow(spec.body, renamedBody.value, "body");
    }
    await handler(req, res, { params, query, body } as Parsed<z.infer<P>, z.infer<Q>, z.infer<B>>);
  });
}

export const CSV_TYPES = ["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"];

export function isCsv(req: Request): boolean {
  return req.is(CSV_TYPES) !== false && req.is(CSV_TYPES) !== null;
}
