import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AppDeps } from "./deps.ts";

/**
 * Prometheus metrics for operators (GET /metrics, admin scope when auth is on): requests by route and status with
 * latency, the job queue, and job run time by kind (LSTM training is the `forecast-train` kind).
 */
export function metrics(deps: AppDeps): { middleware: RequestHandler; handler: RequestHandler } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labels = ["method", "route", "status"] as const;
  const requests = new Counter({ name: "mixcast_http_requests_total", help: "HTTP requests by route and status", labelNames: labels, registers: [registry] });
  const latency = new Histogram({
    name: "mixcast_http_request_duration_seconds",
    help: "HTTP request latency",
    labelNames: labels,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "mixcast_jobs_queued",
    help: "Jobs waiting for a worker",
    registers: [registry],
    collect() {
      this.set(deps.jobs.queueDepth);
    },
  });
  new Gauge({
    name: "mixcast_jobs_running",
    help: "Jobs running (in this process's worker threads, or on every queue worker)",
    registers: [registry],
    collect() {
      this.set(deps.jobs.runningCount);
    },
  });
  new Gauge({
    name: "mixcast_queue_workers",
    help: "Queue workers connected to the job queue (0 without MIXCAST_QUEUE_URL)",
    registers: [registry],
    collect() {
      this.set(deps.jobs.workers ?? 0);
    },
  });
  // counters kept by the runner from the queue's events, read at each scrape
  const queue = (label: string, help: string, read: (s: NonNullable<AppDeps["jobs"]["queueStats"]>) => number) =>
    new Counter({
      name: label,
      help,
      registers: [registry],
      collect() {
        const s = deps.jobs.queueStats;
        this.reset();
        if (s) this.inc(read(s));
      },
    });
  queue("mixcast_queue_jobs_completed_total", "Queued jobs completed since this process started (from the queue's events)", (s) => s.completed);
  queue(
    "mixcast_queue_attempts_failed_total",
    "Failed attempts of queued jobs since this process started (each retry's failure counts)",
    (s) => s.failedAttempts,
  );
  queue("mixcast_queue_jobs_stalled_total", "Queued jobs whose worker stopped renewing their lock (died or hung) since this process started", (s) => s.stalled);
  queue("mixcast_queue_jobs_exhausted_total", "Queued jobs failed for good after their last attempt since this process started", (s) => s.exhausted);
  new Gauge({
    name: "mixcast_queue_jobs_active",
    help: "Queued jobs running now, per worker (host:pid)",
    labelNames: ["worker"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [worker, n] of Object.entries(deps.jobs.queueStats?.activeByWorker ?? {})) this.set({ worker }, n);
    },
  });
  const jobSeconds = new Histogram({
    name: "mixcast_job_duration_seconds",
    help: "Job run time by kind and outcome",
    labelNames: ["kind", "status"],
    buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  deps.jobs.finishedListeners.push((e) => jobSeconds.observe({ kind: e.kind, status: e.status }, e.seconds));
  return {
    middleware: (req, res, next) => {
      const t0 = performance.now();
      res.on("finish", () => {
        // the route pattern, never the raw path: ids must not explode the label set
        const route = typeof req.route?.path === "string" ? req.route.path : "unmatched";
        const l = { method: req.method, route, status: String(res.statusCode) };
        requests.inc(l);
        latency.observe(l, (performance.now() - t0) / 1000);
      });
      next();
    },
    handler: async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    },
  };
}
