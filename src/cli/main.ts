#!/usr/bin/env node
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadConfig, type Config } from "../config.ts";
import { AppError, ValidationError } from "../errors.ts";
import { ThreadJobRunner } from "../jobs/runner.ts";
import { startQueueWorker } from "../queue/worker.ts";
import { startServer } from "../server.ts";
import { shownLocation, storeLocation } from "../store/db.ts";
import { openStore, type Store } from "../store/store.ts";
import { dateFormatPairs, parseBody, typePairs, type RunJob } from "./args.ts";
import { NumberFlags } from "../app/schemas.ts";
import { formatTable, progressBar } from "./format.ts";
import { allocateCommand } from "./allocate-command.ts";
import { addDataset, deleteDataset } from "../app/datasets.ts";
import { forecast } from "./forecast-command.ts";
import { keys } from "./keys-command.ts";
import { mmm } from "./mmm-command.ts";
import { analyze, regress, roi } from "./regression-commands.ts";

const HELP = `mixcast: sales forecasts, marketing-mix statistics and budget allocation

Usage:
  mixcast serve [--no-samples]             start the HTTP service (PORT, HOST, MIXCAST_DATA_DIR, ... from the environment)
  mixcast worker [--concurrency N]         run queued jobs (MIXCAST_QUEUE_URL, and the API's store: MIXCAST_DATABASE_URL or MIXCAST_DATA_DIR; N defaults to MIXCAST_JOB_CONCURRENCY)
  mixcast datasets add FILE [--name NAME] [--types col:type,...] [--date-formats col:fmt,...] [--decimal ,] [--thousands .]
  mixcast datasets list
  mixcast datasets show ID
  mixcast datasets rm ID
  mixcast datasets profile ID [--segment COLUMN]  summary statistics, per segment (runs as a job)
  mixcast jobs show ID
  mixcast regress DATASET "y ~ x1 + C(seg)" [--segment COLUMN] [--cov-type nonrobust|HC0|HC1|HC2|HC3|HAC]
  mixcast roi DATASET --target COLUMN --tactics a,b,c [--segment COLUMN]
  mixcast analyze anova|tukey DATASET --value V --group G
  mixcast analyze ttest DATASET --value V --group G --a LEVEL --b LEVEL
  mixcast analyze chisquare DATASET --rows R --cols C
  mixcast analyze correlation DATASET --columns a,b,c [--method spearman]
  mixcast analyze kmeans DATASET --columns a,b,c [--profile sales]
  mixcast mmm DATASET --date D --target Y --channels a,b,c [--controls c1,c2] [--segment S] [--pooled none|full|partial]
                   [--geo-effects normal|log-normal] [--method bayes|fast] [--adstock FORM] [--saturation FORM]
                   [--form-averaging none|stacking|pseudo-bma+] [--seed N]
  mixcast forecast DATASET --date D --target Y [--segment S] [--channels a,b] [--events promo,price] [--horizon 90] [--folds 3] [--seed N] [--country GB] [--no-member-holidays]
                   [--mmm-id MODEL_ID --plan plan.json] [--csv]   90-day quantile forecast (best backtested member per series)
  mixcast allocate REQUEST.json [--csv]    budget allocation (the body of POST /v1/allocations, from a file)
  mixcast keys create --name NAME --scopes read[,write,admin] [--workspace W]   an API key (shown once)
  mixcast keys list | mixcast keys revoke ID
  mixcast analyze logit DATASET --formula "won ~ spend + C(channel)" [--positive LEVEL]

DATASET is an id or a dataset name.

Options:
  --json     machine-readable output
  --help     this text

The CLI works on the service's store: the PostgreSQL database in MIXCAST_DATABASE_URL when set, else the SQLite
file in MIXCAST_DATA_DIR (default ./var).`;

type Flags = {
  json?: boolean;
  name?: string;
  types?: string;
  "date-formats"?: string;
  segment?: string;
  "no-samples"?: boolean;
  help?: boolean;
  decimal?: string;
  thousands?: string;
  concurrency?: string;
};

async function main(argv: readonly string[]): Promise<number> {
  const { values: flags, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      name: { type: "string" },
      types: { type: "string" },
      "date-formats": { type: "string" },
      by: { type: "string" },
      cov: { type: "string" },
      "cov-type": { type: "string" },
      target: { type: "string" },
      tactics: { type: "string" },
      value: { type: "string" },
      group: { type: "string" },
      a: { type: "string" },
      b: { type: "string" },
      rows: { type: "string" },
      cols: { type: "string" },
      columns: { type: "string" },
      method: { type: "string" },
      date: { type: "string" },
      channels: { type: "string" },
      controls: { type: "string" },
      segment: { type: "string" },
      seed: { type: "string" },
      pooled: { type: "string" },
      "geo-effects": { type: "string" },
      "form-averaging": { type: "string" },
      adstock: { type: "string" },
      saturation: { type: "string" },
      profile: { type: "string" },
      formula: { type: "string" },
      positive: { type: "string" },
      horizon: { type: "string" },
      folds: { type: "string" },
      country: { type: "string" },
      "no-member-holidays": { type: "boolean" },
      events: { type: "string" },
      decimal: { type: "string" },
      thousands: { type: "string" },
      mmm: { type: "string" },
      "mmm-id": { type: "string" },
      plan: { type: "string" },
      csv: { type: "boolean" },
      scopes: { type: "string" },
      workspace: { type: "string" },
      "no-samples": { type: "boolean" },
      concurrency: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, sub, arg] = positionals;
  deprecatedFlags(flags as Record<string, unknown>);
  if (flags.help || !command) {
    console.log(HELP);
    return command || flags.help ? 0 : 1;
  }
  const config = loadConfig();
  if (command === "serve") return serve(config, flags as Flags);
  if (command === "worker") return worker(config, flags as Flags);
  if (command === "datasets") return withStore(config, (store) => datasets(store, config, sub, arg, flags as Flags));
  if (command === "regress") return withStore(config, (store) => regress(store, sub, arg, flags));
  if (command === "roi") return withStore(config, (store) => roi(store, sub, flags));
  if (command === "analyze") return withStore(config, (store) => analyze(store, sub, arg, flags));
  if (command === "mmm") return withStore(config, (store) => mmm(store, sub, flags, runJob));
  if (command === "keys") return withStore(config, (store) => keys(store, sub, arg, flags));
  if (command === "allocate") return withStore(config, (store) => allocateCommand(store, sub, flags));
  if (command === "forecast") return withStore(config, (store) => forecast(store, sub, flags, runJob, config.MIXCAST_TF_BACKEND));
  if (command === "jobs" && sub === "show" && arg) return withStore(config, async (store) => show(await store.jobs.get(arg), `No job ${arg}.`));
  console.error(`Unknown command: ${positionals.join(" ")}\n\n${HELP}`);
  return 2;
}

async function serve(config: Config, flags: Flags): Promise<number> {
  const running = await startServer(config, { loadSamples: flags["no-samples"] ? false : undefined });
  const stop = async (signal: string) => {
    running.logger.info({ signal }, "signal received");
    await running.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  return new Promise<number>(() => {}); // runs until a signal
}

/** A queue worker: runs jobs from MIXCAST_QUEUE_URL until SIGTERM/SIGINT, then lets its running jobs finish and stops. */
async function worker(config: Config, flags: Flags): Promise<number> {
  if (!config.MIXCAST_QUEUE_URL) throw usage("worker needs MIXCAST_QUEUE_URL=redis://…, the queue the API enqueues to");
  const concurrency = flags.concurrency !== undefined ? Number(flags.concurrency) : Math.max(1, config.MIXCAST_JOB_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw usage("--concurrency takes a whole number of at least 1");
  const logger = pino({ level: config.LOG_LEVEL, base: { service: "mixcast-worker" } });
  const store = storeLocation(config);
  const running = await startQueueWorker({
    url: config.MIXCAST_QUEUE_URL,
    concurrency,
    storeLocation: store,
    logger,
    timeoutS: config.MIXCAST_JOB_TIMEOUT_S,
    lockMs: config.MIXCAST_JOB_LOCK_MS,
  });
  logger.info({ concurrency, store: shownLocation(store) }, "mixcast worker running queued jobs");
  const stop = async (signal: string) => {
    logger.info({ signal }, "signal received: finishing");
    await running.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  return new Promise<number>(() => {});
}

async function withStore(config: Config, fn: (store: Store) => Promise<number> | number): Promise<number> {
  const { store } = await openStore(storeLocation(config));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function show(value: unknown, missing: string): number {
  if (value === undefined) {
    console.error(missing);
    return 1;
  }
  console.log(JSON.stringify(value, null, 2)); // a record's JSON is also its most readable form
  return 0;
}

async function datasets(store: Store, config: Config, sub: string | undefined, arg: string | undefined, flags: Flags): Promise<number> {
  switch (sub) {
    case "add": {
      if (!arg) throw usage("datasets add FILE");
      const size = statSync(arg).size;
      if (size > config.MIXCAST_MAX_UPLOAD_MB * 1024 * 1024) {
        console.error(`${arg} is ${(size / 1048576).toFixed(1)} MB, over the ${config.MIXCAST_MAX_UPLOAD_MB} MB limit (MIXCAST_MAX_UPLOAD_MB).`);
        return 1;
      }
      const bytes = readFileSync(arg);
      // the same use case as POST /v1/datasets
      const rec = await addDataset(store, bytes, {
        name: flags.name ?? basename(arg).replace(/\.csv$/i, ""),
        types: typePairs(flags.types),
        dateFormats: dateFormatPairs(flags["date-formats"]),
        ...parseBody(NumberFlags, { decimal: flags.decimal, thousands: flags.thousands }),
      });
      if (flags.json) console.log(JSON.stringify(rec, null, 2));
      else {
        console.log(`Stored ${rec.name} as ${rec.id}: ${rec.rows} rows, ${rec.columns.length} columns.\n`);
        console.log(formatTable(rec.columns, ["name", "original", "type", "missing"]));
        if (rec.warnings.length > 0) console.log(`\nWarnings:\n${rec.warnings.map((w) => `  - ${w.message}`).join("\n")}`);
      }
      return 0;
    }
    case "list": {
      const { items } = await store.datasets.list(1000);
      if (flags.json) console.log(JSON.stringify(items, null, 2));
      else
        console.log(
          formatTable(
            items.map((d) => ({ ...d, columns: d.columns.length, warnings: d.warnings.length })),
            ["id", "name", "rows", "columns", "warnings", "createdAt"],
          ),
        );
      return 0;
    }
    case "show": {
      if (!arg) throw usage("datasets show ID");
      const rec = await store.datasets.get(arg);
      if (!rec || flags.json) return show(rec, `No dataset ${arg}.`);
      console.log(`${rec.name} (${rec.id}): ${rec.rows} rows\n`);
      console.log(formatTable(rec.columns, ["name", "original", "type", "missing"]));
      if (rec.warnings.length > 0) console.log(`\nWarnings:\n${rec.warnings.map((w) => `  - ${w.message}`).join("\n")}`);
      return 0;
    }
    case "rm": {
      if (!arg) throw usage("datasets rm ID");
      await deleteDataset(store, arg); // a 404 or a 409 (jobs still using it) exits 1 with its message
      console.log(`Deleted ${arg}.`);
      return 0;
    }
    case "profile": {
      if (!arg) throw usage("datasets profile ID [--segment COLUMN]");
      const dataset = await store.datasets.load(arg);
      if (!dataset) return show(undefined, `No dataset ${arg}.`);
      const result = await runJob(store, "dataset-profile", { datasetId: arg, segment: flags.segment }, { dataset, segment: flags.segment }, flags);
      if (result === undefined) return 1;
      const profile = result as { numeric: Record<string, unknown>[]; segments: { segment: string; rows: number }[] };
      if (flags.json) console.log(JSON.stringify(profile, null, 2));
      else {
        console.log(formatTable(profile.numeric, ["name", "count", "missing", "mean", "std", "min", "median", "max"]));
        if (profile.segments.length > 0) console.log(`\n${formatTable(profile.segments, ["segment", "rows"])}`);
      }
      return 0;
    }
    default:
      throw usage("datasets add|list|show|rm|profile");
  }
}

/** Run a job in a worker thread from the CLI, with a progress bar on stderr. Returns its result, or undefined on failure. */
export const runJob: RunJob = async (store, kind, input, payload, flags, onSuccess) => {
  const runner = new ThreadJobRunner({ store, concurrency: 1, logger: pino({ level: "silent" }) });
  const job = await runner.submit(kind, input, payload, onSuccess);
  const bar = flags.json ? undefined : progressBar(process.stderr);
  for (;;) {
    const j = (await store.jobs.get(job.jobId))!;
    bar?.update(j.progress.fraction, j.progress.message);
    if (j.status === "succeeded") {
      bar?.done();
      return j.result;
    }
    if (j.status === "failed" || j.status === "cancelled") {
      bar?.done();
      console.error(`Job ${j.jobId} ${j.status}: ${j.error?.detail ?? ""}`);
      return undefined;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** The CLI's old flag names, still read for one release (src/app/vocabulary.ts), each with a line on stderr. */
const OLD_FLAGS: Record<string, string> = { by: "segment", cov: "cov-type", mmm: "mmm-id" };

function deprecatedFlags(flags: Record<string, unknown>): void {
  for (const [old, name] of Object.entries(OLD_FLAGS)) {
    if (flags[old] === undefined) continue;
    if (flags[name] !== undefined) throw new ValidationError(`--${old} is the old name of --${name}; give only --${name}.`);
    console.error(`warning: --${old} is deprecated; use --${name}.`);
    flags[name] = flags[old];
    delete flags[old];
  }
}

function usage(what: string): Error {
  return Object.assign(new Error(`usage: mixcast ${what}`), { usage: true });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof AppError) {
      console.error(`${e.message}${e.issues.length > 1 ? `\n${e.issues.map((i) => `  - ${i.message}`).join("\n")}` : ""}`);
      process.exit(1);
    }
    console.error(e instanceof Error ? e.message : String(e));
    process.exit((e as { usage?: boolean }).usage ? 2 : 1);
  },
);
