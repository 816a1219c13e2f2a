import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

const REQUEST_ID = /^[\w.-]{1,128}$/;

/** Give every request an id (the caller's X-Request-Id when sane) and log one line when it ends. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.get("x-request-id");
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    const t0 = performance.now();
    res.on("finish", () => {
      const route = (req.route?.path as string | undefined) ?? null;
      logger.info({ requestId: id, method: req.method, path: req.path, route, status: res.statusCode, ms: Math.round(performance.now() - t0) }, "request");
    });
    next();
  };
}
