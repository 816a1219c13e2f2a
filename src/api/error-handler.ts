import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { AppError, type ErrorCode } from "../errors.ts";
import { PROBLEM_BASE, sendProblem } from "./problem.ts";

/** One domain error code → one HTTP status. The only place that knows this mapping. */
export const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  model_fit_failed: 422,
  infeasible: 422,
  unauthorized: 401,
  forbidden: 403,
};

const TITLES: Record<ErrorCode, string> = {
  validation_failed: "Invalid request",
  not_found: "Not found",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  model_fit_failed: "Model could not be fitted",
  infeasible: "Constraints cannot all hold",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
};

/** Errors from Express's body parsers carry `type`, `status` and `expose`. */
interface HttpError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
  limit?: number;
  length?: number;
}

const BODY_ERRORS: Record<string, { status: number; title: string; detail: (e: HttpError) => string }> = {
  "entity.too.large": {
    status: 413,
    title: "Payload too large",
    detail: (e) =>
      `The body is ${e.length ?? "over"} bytes; the limit is ${e.limit} bytes. Raise MIXCAST_MAX_UPLOAD_MB (CSV) or MIXCAST_MAX_JSON_MB (JSON) to accept larger files.`,
  },
  "entity.parse.failed": { status: 400, title: "Malformed JSON", detail: (e) => `The JSON body could not be parsed: ${e.message}` },
  "encoding.unsupported": { status: 415, title: "Unsupported content encoding", detail: (e) => e.message ?? "unsupported encoding" },
  "charset.unsupported": { status: 415, title: "Unsupported charset", detail: (e) => `${e.message}; send UTF-8.` },
  "request.aborted": { status: 400, title: "Request aborted", detail: () => "The client closed the connection before the body arrived." },
  "request.size.invalid": { status: 400, title: "Request size mismatch", detail: () => "The body length does not match Content-Length." },
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (res.headersSent) return void res.end();
    if (err instanceof AppError) {
      return sendProblem(res, {
        type: PROBLEM_BASE + err.code,
        title: TITLES[err.code],
        status: STATUS[err.code],
        detail: err.message,
        instance: req.path,
        ...(err.issues.length > 0 && { issues: err.issues }),
      });
    }
    const http = err as HttpError;
    const known = http?.type ? BODY_ERRORS[http.type] : undefined;
    if (known) {
      return sendProblem(res, { type: PROBLEM_BASE + http.type, title: known.title, status: known.status, detail: known.detail(http), instance: req.path });
    }
    if (http?.expose && http.status && http.status >= 400 && http.status < 500) {
      return sendProblem(res, { title: "Bad request", status: http.status, detail: http.message ?? "bad request", instance: req.path });
    }
    // A real bug: log it with its stack, answer without internals.
    logger.error({ err, requestId: res.locals.requestId }, "unhandled error");
    sendProblem(res, {
      title: "Internal error",
      status: 500,
      detail: "An unexpected error occurred; it has been logged. Quote the requestId when reporting it.",
      instance: req.path,
    });
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: `${PROBLEM_BASE}not_found`,
    title: "Not found",
    status: 404,
    detail: `No route ${req.method} ${req.path}. See /docs for the API.`,
    instance: req.path,
  });
};
