import express, { type Express } from "express";
import { rateLimit } from "express-rate-limit";
import helmet from "helmet";
import { authenticate } from "./auth.ts";
import { metrics } from "./metrics.ts";
import { PROBLEM_BASE, sendProblem } from "./problem.ts";
import { analysisRoutes } from "./routes/analyses.ts";
import { datasetRoutes } from "./routes/datasets.ts";
import type { AppDeps } from "./deps.ts";
import { errorHandler, notFoundHandler } from "./error-handler.ts";
import { allocationRoutes } from "./routes/allocations.ts";
import { forecastRoutes } from "./routes/forecasts.ts";
import { scenarioRoutes } from "./routes/scenarios.ts";
import { newRegistry } from "./openapi.ts";
import { requestLog } from "./request-log.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { metaRoutes } from "./routes/meta.ts";
import { mmmRoutes } from "./routes/mmm.ts";
import { regressionRoutes } from "./routes/regression.ts";
import { webRoutes } from "./routes/web.ts";

/** Build the HTTP application. It does not listen: server.ts does, and tests call it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple"); // flat string values: no nested objects built from user query strings
  app.use(requestLog(deps.logger));
  const { middleware: measure, handler: metricsHandler } = metrics(deps);
  app.use(measure);
  // HSTS and upgrade-insecure-requests only when users come over https: on a plain-http team server
  // (http://mixcast.internal:8080/docs) they send the browser to https for every script, and the page stays blank
  const https = deps.config.MIXCAST_HTTPS ?? false;
  // Cross-Origin-Opener-Policy likewise: browsers ignore it on plain http and log an error in the console for every page
  app.use(
    helmet({
      strictTransportSecurity: https,
      crossOriginOpenerPolicy: https,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
    }),
  );
  // the dashboard's static files hold no data: open, so the page can load and then ask for a key
  app.use(webRoutes());
  app.use(authenticate(deps));
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.config.MIXCAST_RATE_LIMIT_PER_MIN ?? 20_000,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      keyGenerator: (_req, res) => String(res.locals.clientId ?? "anonymous"),
      ...(deps.rateLimitStore && { store: deps.rateLimitStore }),
      // Redis unreachable: serve rather than fail every request (the queue reports the outage on its own)
      passOnStoreError: true,
      handler: (req, res) =>
        sendProblem(res, {
          type: `${PROBLEM_BASE}rate_limited`,
          title: "Too many requests",
          status: 429,
          detail: `More than ${deps.config.MIXCAST_RATE_LIMIT_PER_MIN ?? 20_000} requests a minute from this key; retry after the RateLimit-Reset seconds.`,
          instance: req.path,
        }),
    }),
  );
  app.get("/metrics", metricsHandler);
  app.use(express.json({ limit: deps.config.MIXCAST_MAX_JSON_MB * 1024 * 1024, type: ["application/json", "application/*+json"] }));
  const registry = newRegistry();
  app.use(metaRoutes(deps, registry));
  app.use(datasetRoutes(deps, registry));
  app.use(jobRoutes(deps, registry));
  app.use(regressionRoutes(deps, registry));
  app.use(analysisRoutes(deps, registry));
  app.use(mmmRoutes(deps, registry));
  app.use(forecastRoutes(deps, registry));
  app.use(allocationRoutes(deps, registry));
  app.use(scenarioRoutes(deps, registry));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
