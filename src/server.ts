import type { Server } from "node:http";
import { pino, type Logger } from "pino";
import { createApp } from "./api/app.ts";
import { authRequired, isLoopback } from "./api/auth.ts";
import { withoutPassword, type Config } from "./config.ts";
import { selectTfBackend } from "./forecast/tf-backend.ts";
import { ThreadJobRunner, type JobRunner } from "./jobs/runner.ts";
import { redisRateLimitStore } from "./queue/rate-limit-store.ts";
import { QueueJobRunner } from "./queue/runner.ts";
import { startQueueWorker } from "./queue/worker.ts";
import { loadSamplesOnce } from "./store/samples.ts";
import { storeLocation } from "./store/db.ts";
import { openStore } from "./store/store.ts";
import { VERSION } from "./version.ts";

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  readonly logger: Logger;
  /** Stop accepting connections, let in-flight requests finish (up to the grace period), stop jobs, close the store. */
  close(): Promise<void>;
}

/** The composition root: config → logger → tfjs backend → store → jobs → app → listen. */
export async function startServer(config: Config, opts: { loadSamples?: boolean } = {}): Promise<RunningServer> {
  const logger = pino({ level: config.LOG_LEVEL, base: { service: "mixcast" } });
  const tf = await selectTfBackend(config.MIXCAST_TF_BACKEND);
  logger.info({ backend: tf.backend, notes: tf.notes }, `TensorFlow.js backend: ${tf.backend}`);
  const queueUrl = config.MIXCAST_QUEUE_URL;
  if (!queueUrl && config.MIXCAST_JOB_CONCURRENCY === 0)
    throw new Error("MIXCAST_JOB_CONCURRENCY=0 leaves no one to run jobs: set MIXCAST_QUEUE_URL and run `mixcast worker` processes, or leave it unset.");
  const location = storeLocation(config);
  // with a queue, jobs outlive this process (workers run them): only the in-process runner fails what it left running
  const { store, interruptedJobs } = await openStore(location, { recoverJobs: !queueUrl });
  if (interruptedJobs > 0) logger.warn({ interruptedJobs }, "jobs left running by the previous process were marked failed");
  if (store.kind === "postgres" && !queueUrl)
    logger.warn(
      "PostgreSQL store with in-process jobs: run one API process, or set MIXCAST_QUEUE_URL (a restarted process fails the jobs any process left running)",
    );
  if (opts.loadSamples ?? config.MIXCAST_LOAD_SAMPLES) {
    const loaded = await loadSamplesOnce(store);
    if (loaded.length > 0) logger.info({ datasets: loaded }, "loaded the bundled sample datasets");
  }
  if (config.MIXCAST_AUTH === "off" && !isLoopback(config.HOST) && !config.MIXCAST_ALLOW_OPEN) {
    await store.close();
    throw new Error(
      `MIXCAST_AUTH=off with HOST=${config.HOST} would serve every workspace to the network without keys; set MIXCAST_ALLOW_OPEN=true if that is really meant.`,
    );
  }
  const jobs: JobRunner = queueUrl
    ? new QueueJobRunner({ jobs: store.jobs, url: queueUrl, logger, forecastShardSeries: config.MIXCAST_FORECAST_SHARD_SERIES })
    : new ThreadJobRunner({ store, concurrency: config.MIXCAST_JOB_CONCURRENCY, logger });
  // serve can run a queue worker beside the API (MIXCAST_JOB_CONCURRENCY=0: only enqueue)
  const embedded =
    queueUrl && config.MIXCAST_JOB_CONCURRENCY > 0
      ? await startQueueWorker({
          url: queueUrl,
          concurrency: config.MIXCAST_JOB_CONCURRENCY,
          storeLocation: location,
          store,
          logger,
          timeoutS: config.MIXCAST_JOB_TIMEOUT_S,
          lockMs: config.MIXCAST_JOB_LOCK_MS,
        })
      : undefined;
  if (queueUrl) logger.info({ queue: withoutPassword(queueUrl), embeddedWorker: Boolean(embedded) }, "jobs go to the BullMQ queue");
  // several API processes behind a load balancer count each key's requests together, in the queue's Redis
  const rateLimits = queueUrl ? await redisRateLimitStore(queueUrl) : undefined;
  const deps = { config, store, jobs, logger, tf, startedAt: new Date(), ...(rateLimits && { rateLimitStore: rateLimits.store }) };
  const app = createApp(deps);
  if (await authRequired(deps))
    logger.info({ keys: await store.keys.activeCount() }, "API keys required (Authorization: Bearer <key>); create one with `mixcast keys create`");
  else logger.warn(`no API keys: the service runs open on ${config.HOST} (loopback only); creating a key with \`mixcast keys create\` turns auth on`);

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once("error", reject);
  });
  // every request is cut off after the timeout (slow uploads included); headers must arrive sooner
  server.requestTimeout = config.MIXCAST_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(30_000, config.MIXCAST_REQUEST_TIMEOUT_MS);
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;
  logger.info({ url, version: VERSION, store: store.location }, `mixcast ${VERSION} listening on ${url}`);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info("shutting down");
      const drained = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const grace = new Promise<void>((r) => setTimeout(r, config.MIXCAST_SHUTDOWN_GRACE_MS).unref());
      await Promise.race([drained, grace]);
      server.closeAllConnections();
      await jobs.close();
      await embedded?.close();
      rateLimits?.close();
      await store.close();
      logger.info("stopped");
    })());
  return { server, url, logger, close };
}
