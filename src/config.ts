import { availableParallelism } from "node:os";
import { z } from "zod";

/** A PostgreSQL connection URL: what MIXCAST_DATABASE_URL accepts and what opens the store on PostgreSQL (store/db.ts). */
export const POSTGRES_URL = /^postgres(ql)?:\/\//;

const bool = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

/** Environment variables mixcast reads, validated at start-up so a typo fails fast with the variable's name. */
export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  MIXCAST_DATA_DIR: z.string().min(1).default("./var"),
  /**
   * postgres://… : the store is this PostgreSQL database, shared by every API process and queue worker (default:
   * a SQLite file in MIXCAST_DATA_DIR).
   */
  MIXCAST_DATABASE_URL: z.string().regex(POSTGRES_URL, "a postgres:// or postgresql:// URL").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Largest CSV upload accepted, in MB. */
  MIXCAST_MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(50),
  /** Largest JSON body accepted, in MB (a JSON upload carries the CSV as a string). */
  MIXCAST_MAX_JSON_MB: z.coerce.number().positive().max(1024).default(50),
  /**
   * Jobs this process runs at once; default cores − 1, at least 1. With MIXCAST_QUEUE_URL, 0 makes `serve` only
   * enqueue (workers elsewhere run the jobs).
   */
  MIXCAST_JOB_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(Math.max(1, availableParallelism() - 1)),
  /** redis://… : jobs go to a BullMQ queue that `mixcast worker` processes run (default: worker threads of this process). */
  MIXCAST_QUEUE_URL: z
    .string()
    .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL")
    .optional(),
  /** A queued job's lock, in ms: a worker that died is noticed, and its job run again elsewhere, after about this long. */
  MIXCAST_JOB_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
  /** With a queue: a forecast of at least twice this many series is split into shards of about this many, run by any workers. */
  MIXCAST_FORECAST_SHARD_SERIES: z.coerce.number().int().min(1).default(100),
  /** A queued job running longer than this many seconds is stopped and failed (0: no limit). */
  MIXCAST_JOB_TIMEOUT_S: z.coerce.number().int().min(0).default(0),
  MIXCAST_TF_BACKEND: z.enum(["auto", "tensorflow", "wasm", "cpu"]).default("auto"),
  /** Load the bundled sample datasets into an empty store on first start. */
  MIXCAST_LOAD_SAMPLES: bool.default(true),
  /** Expose /v1/diagnostics/sleep, a job that only waits (for checking the job machinery). */
  MIXCAST_DIAGNOSTIC_JOBS: bool.default(false),
  /**
   * API keys: "auto" requires one beyond loopback (HOST not 127.x/::1/localhost) and whenever a key exists; "on"
   * always; "off" never (refused beyond loopback unless MIXCAST_ALLOW_OPEN=true).
   */
  MIXCAST_AUTH: z.enum(["auto", "on", "off"]).default("auto"),
  MIXCAST_ALLOW_OPEN: bool.default(false),
  /**
   * Users reach the service over https (TLS terminated here or by a proxy in front). Only then are HSTS and the
   * CSP's upgrade-insecure-requests sent: over plain http they make a browser fetch /docs' scripts over https,
   * which fails, and the page is blank.
   */
  MIXCAST_HTTPS: bool.default(false),
  /** How long a checked key is trusted from memory, in ms: a revocation takes effect within this. */
  MIXCAST_KEY_CACHE_MS: z.coerce.number().int().min(0).default(5_000),
  /** Requests per minute per key (per client address without auth). */
  MIXCAST_RATE_LIMIT_PER_MIN: z.coerce.number().int().min(1).default(20_000),
  /** A request that takes longer is cut off (HTTP server requestTimeout), in ms. */
  MIXCAST_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** Time allowed for in-flight requests on shutdown, in ms. */
  MIXCAST_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

export type Config = z.infer<typeof ConfigSchema>;

/** A URL fit for logs and /healthz: its password (postgres://user:…@, redis://:…@) replaced by ***. */
export function withoutPassword(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** Parse the environment; throws an Error listing every bad variable and what it accepts. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
