import { z } from "zod";
import { holidayCountries } from "../data/holidays.ts";
import "./zod-openapi.ts"; // extends zod with .openapi()

export const ColumnTypeSchema = z.enum(["number", "integer", "date", "category", "boolean"]);
export const DateFormatSchema = z.enum(["yyyy-mm-dd", "dd-mm-yyyy", "mm-dd-yyyy", "dd/mm/yyyy", "mm/dd/yyyy", "dd.mm.yyyy"]);

const DatasetName = z.string().trim().min(1).max(200);
const DecimalSchema = z.enum([".", ","]);
const ThousandsSchema = z.enum([",", ".", " ", "'", "", "none"]).transform((v) => (v === "none" ? "" : v) as "," | "." | " " | "'" | "");
/** The CLI's --decimal / --thousands, checked as the upload's options are. */
export const NumberFlags = z.object({ decimal: DecimalSchema.optional(), thousands: ThousandsSchema.optional() }).strict();

/** Options shared by both upload forms. Column keys accept standardised or original names. */
const IngestOptionsShape = {
  types: z
    .record(z.string(), ColumnTypeSchema)
    .optional()
    .openapi({ description: "Declared column types; a cell that does not fit is a 400 naming row, column and value." }),
  dateFormats: z
    .record(z.string(), DateFormatSchema)
    .optional()
    .openapi({ description: "Date layout per column, when the data cannot settle day/month order." }),
  dateColumn: z.string().min(1).optional().openapi({ description: "The time index, checked for gaps and duplicates." }),
  seriesColumns: z.array(z.string().min(1)).max(10).optional().openapi({ description: "Columns identifying a series; the time index is checked within each." }),
  minRows: z.number().int().min(1).max(1_000_000).optional(),
  decimal: DecimalSchema.optional().openapi({
    description: 'The decimal separator of every numeric column ("." or ","); default: read off each column, a `;` file taken as writing decimal commas',
  }),
  thousands: ThousandsSchema.optional().openapi({ description: 'The thousands separator ("," "." " " "\'" or "none"); default: read off each column' }),
};

export const DatasetJsonUpload = z
  .object({ name: DatasetName, csv: z.string().min(1, "csv must not be empty"), ...IngestOptionsShape })
  .strict()
  .openapi("DatasetUpload");

/** `a:b,c:d` → {a: b, c: d}, for options passed in the query string alongside a CSV body. */
function pairs<T extends z.ZodType<string>>(value: T) {
  return z
    .string()
    .transform((s, ctx) => {
      const out: Record<string, string> = {};
      for (const part of s.split(",").filter((p) => p.trim() !== "")) {
        const i = part.lastIndexOf(":");
        if (i <= 0) {
          ctx.addIssue({ code: "custom", message: `"${part}" is not column:value` });
          return z.NEVER;
        }
        out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
      }
      return out;
    })
    .pipe(z.record(z.string(), value) as unknown as z.ZodType<Record<string, z.output<T>>, Record<string, string>>);
}

/** `column:type,...` and `column:format,...`, as the query string and the CLI's --types/--date-formats write them. */
export const TypePairs = pairs(ColumnTypeSchema);
export const DateFormatPairs = pairs(DateFormatSchema);

export const DatasetCsvQuery = z
  .object({
    name: DatasetName.optional().openapi({ description: "Dataset name (default: upload-<timestamp>)" }),
    types: TypePairs.optional().openapi({ description: "column:type pairs, e.g. Amount_Collected:number,Calendardate:date" }),
    dateFormats: DateFormatPairs.optional().openapi({ description: "column:format pairs, e.g. Calendardate:dd-mm-yyyy" }),
    dateColumn: z.string().min(1).optional(),
    seriesColumns: z
      .string()
      .transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .optional(),
    minRows: z.coerce.number().int().min(1).max(1_000_000).optional(),
    decimal: DecimalSchema.optional().openapi({ description: 'Decimal separator of numeric columns: "." or ","' }),
    thousands: ThousandsSchema.optional().openapi({ description: 'Thousands separator: ",", ".", " ", "\'" or "none"' }),
  })
  .strict();

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    format: z.enum(["json", "csv"]).optional(),
  })
  .strict();

const ColumnInfoSchema = z
  .object({
    name: z.string(),
    original: z.string(),
    type: ColumnTypeSchema,
    missing: z.number().int(),
    levels: z.array(z.string()).optional(),
    format: DateFormatSchema.optional(),
  })
  .openapi("ColumnInfo");

const WarningSchema = z
  .object({
    code: z.string(),
    column: z.string().optional(),
    message: z.string(),
    rows: z.array(z.number().int()).optional(),
    count: z.number().int().optional(),
  })
  .openapi("DataWarning");

export const DatasetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    rows: z.number().int(),
    columns: z.array(ColumnInfoSchema),
    warnings: z.array(WarningSchema),
    sourceSha256: z.string(),
    sourceBytes: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Dataset");

export const DatasetListSchema = z
  .object({ items: z.array(DatasetSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
  .openapi("DatasetList");

export const DatasetRowsSchema = z
  .object({
    columns: z.array(z.string()),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .openapi("DatasetRows");

export const ProfileRequest = z
  .object({ segment: z.string().min(1).optional().openapi({ description: "Category column to summarise by (e.g. Client_Type); old name by" }) })
  .strict()
  .openapi("ProfileRequest");

export const JobStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);

export const JobSchema = z
  .object({
    jobId: z.string(),
    kind: z.string(),
    status: JobStatusSchema,
    progress: z.object({ fraction: z.number(), message: z.string() }),
    result: z.unknown().optional(),
    error: z.object({ title: z.string(), detail: z.string(), code: z.string().optional(), issues: z.array(z.unknown()).optional() }).optional(),
    resultUrl: z.string(),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .openapi("Job");

export const JobAcceptedSchema = z.object({ jobId: z.string(), status: JobStatusSchema, resultUrl: z.string() }).openapi("JobAccepted");

export const SleepRequest = z.object({ seconds: z.number().min(0).max(3600) }).strict();

export const HealthSchema = z
  .object({
    status: z.literal("ok"),
    version: z.string(),
    tfBackend: z.string(),
    tfBackendNotes: z.array(z.string()),
    store: z
      .object({
        kind: z.enum(["sqlite", "postgres"]).openapi({ description: "A SQLite file (MIXCAST_DATA_DIR), or PostgreSQL (MIXCAST_DATABASE_URL)" }),
        location: z.string().openapi({ description: "The SQLite file's folder, or the database URL without its password" }),
      })
      .openapi({ description: "The store in use" }),
    jobs: z.object({
      runner: z.enum(["threads", "bullmq"]).openapi({ description: "Where jobs run: worker threads of this process, or the BullMQ queue (MIXCAST_QUEUE_URL)" }),
      running: z.number().int(),
      queued: z.number().int(),
      concurrency: z.number().int().openapi({ description: "Jobs this process runs at once (0: it only enqueues)" }),
      queue: z.string().optional().openapi({ description: "With a queue: its Redis URL, without the password" }),
      workers: z.number().int().optional().openapi({ description: "With a queue: the workers connected to it" }),
    }),
    uptimeSeconds: z.number(),
  })
  .openapi("Health");

export const SessionSchema = z
  .object({
    authRequired: z.boolean().openapi({ description: "Whether requests need an API key" }),
    scopes: z.array(z.enum(["read", "write", "admin"])).openapi({ description: "What this request's key may do (every scope when no key is needed)" }),
  })
  .openapi("Session");

export const CovTypeSchema = z.enum(["nonrobust", "HC0", "HC1", "HC2", "HC3", "HAC"]);
const Alpha = z.number().gt(0).lt(1).default(0.05);
const ColumnName = z.string().min(1).max(200);

export const RegressionRequest = z
  .object({
    datasetId: z.string().min(1),
    formula: z.string().min(3).max(2000).openapi({ example: "Amount_Collected ~ Campaign_Email + Campaign_Flyer + C(Number_of_Competition)" }),
    segment: ColumnName.optional().openapi({ description: "Fit one model per level of this category column (old name: by)" }),
    covType: CovTypeSchema.default("nonrobust"),
    hacLags: z.number().int().min(0).max(1000).optional().openapi({ description: "With covType HAC: the lag (default floor(4·(n/100)^(2/9)))" }),
    alpha: Alpha,
  })
  .strict()
  .refine((r) => r.hacLags === undefined || r.covType === "HAC", { message: 'hacLags applies only with covType "HAC"', path: ["hacLags"] })
  .openapi("RegressionRequest");

export const PredictRequest = z
  .object({
    rows: z
      .array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])))
      .min(1)
      .max(10_000),
    segment: z.string().nullable().optional().openapi({ description: "Which segment's model (a level of the regression's segment column; old name group)" }),
    alpha: z.number().gt(0).lt(1).optional(),
  })
  .strict()
  .openapi("PredictRequest");

export const RoiRequest = z
  .object({
    datasetId: z.string().min(1),
    target: ColumnName,
    tactics: z.array(ColumnName).min(1).max(200),
    controls: z.array(ColumnName).max(200).optional(),
    segment: ColumnName.optional().openapi({ description: "One table per level of this category column (old name: by)" }),
    alpha: Alpha,
    costs: z.record(z.string(), z.number()).optional().openapi({ description: "Cost per unit of tactics whose column counts units" }),
    covType: CovTypeSchema.default("nonrobust"),
  })
  .strict()
  .openapi("RoiRequest");

const TermSchema = z
  .object({
    name: z.string(),
    coef: z.number().nullable(),
    stdErr: z.number().nullable(),
    t: z.number().nullable(),
    pValue: z.number().nullable(),
    ciLower: z.number().nullable(),
    ciUpper: z.number().nullable(),
    vif: z.number().nullable(),
    dropped: z.boolean(),
  })
  .openapi("Term");

export const RegressionResultSchema = z
  .object({
    id: z.string(),
    datasetId: z.string(),
    formula: z.string(),
    target: z.string(),
    segment: z.string().nullable(),
    by: z.string().nullable().openapi({ description: "Deprecated: segment" }),
    models: z.array(
      z
        .object({
          group: z.string().nullable(),
          nobs: z.number(),
          dfModel: z.number(),
          dfResid: z.number(),
          covType: CovTypeSchema,
          rsquared: z.number(),
          rsquaredAdj: z.number(),
          fvalue: z.number().nullable(),
          fPvalue: z.number().nullable(),
          llf: z.number(),
          aic: z.number(),
          bic: z.number(),
          durbinWatson: z.number(),
          conditionNumber: z.number(),
          omnibus: z.number().nullable(),
          jarqueBera: z.number(),
          jarqueBeraPvalue: z.number(),
          skew: z.number(),
          kurtosis: z.number(),
          params: z.array(TermSchema),
          warnings: z.array(z.string()),
        })
        .passthrough(),
    ),
  })
  .openapi("RegressionResult");

const DatasetRef = { datasetId: z.string().min(1) };
export const GroupAnalysisRequest = z
  .object({ ...DatasetRef, value: ColumnName, group: ColumnName, alpha: Alpha })
  .strict()
  .openapi("GroupAnalysisRequest");

export const TTestRequest = z
  .discriminatedUnion("kind", [
    z
      .object({ kind: z.literal("welch"), ...DatasetRef, value: ColumnName, group: ColumnName, a: z.string().min(1), b: z.string().min(1), alpha: Alpha })
      .strict(),
    z.object({ kind: z.literal("paired"), ...DatasetRef, a: ColumnName, b: ColumnName, alpha: Alpha }).strict(),
  ])
  .openapi("TTestRequest", { description: "welch: `value` in group level `a` vs level `b`; paired: column `a` vs column `b`, row by row" });

export const ChiSquareRequest = z
  .union([
    z.object({ ...DatasetRef, rows: ColumnName, cols: ColumnName, correction: z.boolean().default(true), alpha: Alpha }).strict(),
    z
      .object({
        table: z.array(z.array(z.number().int().min(0)).min(2)).min(2),
        rowLabels: z.array(z.string()).optional(),
        colLabels: z.array(z.string()).optional(),
        correction: z.boolean().default(true),
        alpha: Alpha,
      })
      .strict(),
  ])
  .openapi("ChiSquareRequest", { description: "Either two category columns of a dataset, or a table of counts" });

export const ProportionsRequest = z
  .object({
    successes: z.tuple([z.number().int().min(0), z.number().int().min(0)]),
    trials: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
    alpha: Alpha,
  })
  .strict()
  .openapi("ProportionsRequest", { description: "A/B conversions: successes and trials for A then B" });

export const CorrelationRequest = z
  .object({ ...DatasetRef, columns: z.array(ColumnName).min(2).max(100).optional(), method: z.enum(["pearson", "spearman"]).default("pearson") })
  .strict()
  .openapi("CorrelationRequest");

export const LogitRequestSchema = z
  .object({
    ...DatasetRef,
    formula: z.string().min(3).max(2000).openapi({ example: "Converted ~ Campaign_Email + C(Client_Type)" }),
    positive: z.string().optional().openapi({ description: "For a text target: the level that counts as success" }),
    holdout: z.number().min(0).max(0.9).default(0.25),
    seed: z.number().int().default(1),
    threshold: z.number().gt(0).lt(1).default(0.5),
    alpha: Alpha,
  })
  .strict()
  .openapi("LogitRequest");

export const KmeansRequestSchema = z
  .object({
    ...DatasetRef,
    columns: z.array(ColumnName).min(1).max(50).openapi({ description: "Numeric columns to cluster on, e.g. spend per channel" }),
    profile: z.array(ColumnName).max(50).optional().openapi({ description: "Extra columns to describe clusters by, e.g. sales" }),
    kMin: z.number().int().min(2).max(30).default(2),
    kMax: z.number().int().min(2).max(30).default(8),
    standardize: z.boolean().default(true),
    seed: z.number().int().default(0),
    nInit: z.number().int().min(1).max(50).default(10),
  })
  .strict()
  .openapi("KmeansRequest");

const AdstockForm = z.enum(["geometric", "delayed", "weibull-cdf", "weibull-pdf"]);
const SaturationForm = z.enum(["hill", "logistic", "michaelis-menten"]);
/** One form for every channel, or one per channel ({"tv": "logistic", ...}; channels not named get "auto"). */
const formChoice = <T extends z.ZodType<string>>(form: T, what: string) =>
  z
    .union([form, z.literal("auto"), z.record(ColumnName, z.union([form, z.literal("auto")]))])
    .optional()
    .openapi({
      description: `${what} for all channels, or per channel as {channel: form}; "auto" (the default with method "bayes") compares the forms by PSIS-LOO and names the evidence`,
    });

export const MmmRequestSchema = z
  .object({
    ...DatasetRef,
    date: ColumnName,
    target: ColumnName,
    channels: z.array(ColumnName).min(1).max(50).openapi({ description: "Spend columns (currency per period)" }),
    controls: z.array(ColumnName).max(50).optional().openapi({ description: "Numeric or category controls (events, prices, competitor sales)" }),
    segment: ColumnName.optional().openapi({ description: "Fit one model per level of this column" }),
    method: z.enum(["bayes", "fast"]).default("bayes").openapi({
      description:
        '"bayes" (default): a posterior drawn with NUTS, with priors, R-hat and ESS; "fast": profile likelihood with a block bootstrap (geometric adstock and Hill saturation only)',
    }),
    pooled: z
      .union([z.boolean(), z.enum(["none", "full", "partial"])])
      .default("none")
      .openapi({
        description:
          'With segment: "none" (one model per segment), "full" (true: shared media effects; baseline per segment), or "partial" (bayes: each segment\'s ROI drawn from a shared distribution)',
      }),
    geoEffects: z.enum(["normal", "log-normal"]).optional().openapi({
      description:
        'With pooled "partial": each segment\'s ROI drawn from a normal around the channel\'s mean, integrated out while sampling ("normal", the default: Meridian\'s media_effects_dist="normal"; fast on large panels), or its log ROI from a normal, sampled ("log-normal": every segment ROI positive)',
    }),
    adstock: formChoice(AdstockForm, "Carry-over form"),
    saturation: formChoice(SaturationForm, "Saturation form"),
    formAveraging: z.enum(["stacking", "pseudo-bma+", "none"]).optional().openapi({
      description:
        'bayes with "auto" forms: how ROI and mROI combine the candidate forms; "pseudo-bma+" (the default: a mixture weighted by each form\'s leave-one-out evidence over a Bayesian bootstrap; on a pooled panel of more than 4 segments "none", as its screens run on the 4 with the most spend), "stacking" (weights that maximise the mixture\'s leave-one-out score) or "none" (the chosen forms\' own)',
    }),
    roiPriors: z
      .record(ColumnName, z.object({ median: z.number(), spread: z.number() }).strict())
      .optional()
      .openapi({
        description:
          "bayes: log-normal ROI prior per channel, Meridian's way: median ROI (> 0) and spread (the SD of log ROI, > 0). Default: median 20% of the target over all spend, spread 2",
      }),
    chains: z.number().int().min(1).max(8).optional().openapi({ description: "bayes: chains (default 4)" }),
    warmup: z.number().int().min(50).max(5000).optional().openapi({ description: "bayes: warm-up iterations per chain (default 500)" }),
    draws: z
      .number()
      .int()
      .min(50)
      .max(5000)
      .optional()
      .openapi({ description: "bayes: kept draws per chain (default 500); at most 1,000 over all chains are stored with the model" }),
    targetAccept: z
      .number()
      .min(0.6)
      .max(0.99)
      .optional()
      .openapi({ description: "bayes: the sampler's target acceptance (default 0.8; raise it when divergences are reported)" }),
    seed: z.number().int().default(1),
    holdout: z.number().min(0).max(0.5).default(0.1).openapi({ description: "Share of the last periods held out for out-of-sample fit" }),
    validation: z.number().min(0).max(0.5).optional().openapi({
      description:
        "fast: share of the fitting window's end used to score transform candidates; 0 (default) scores the in-sample profile likelihood, which recovered ROI about twice as accurately on simulated data",
    }),
    seasonality: z.enum(["multiplicative", "additive"]).optional().openapi({
      description:
        'Whether weekly/yearly cycles scale with the trend (Prophet\'s multiplicative mode) or add to it; default "additive" with bayes, "multiplicative" with fast',
    }),
    lMax: z.number().int().min(1).max(104).optional().openapi({ description: "Carry-over window in periods (default 14 daily, 8 weekly)" }),
    trend: z
      .enum(["piecewise", "linear"])
      .optional()
      .openapi({ description: 'bayes: "piecewise" (default: the slope may change every half year over the first 80% of the fitting rows) or "linear"' }),
    searchSize: z.number().int().min(1).max(5000).optional().openapi({ description: "fast: random transform candidates (default 200)" }),
    refineRounds: z.number().int().min(0).max(10).optional().openapi({ description: "fast: coordinate refinement rounds (default 4)" }),
    lifts: z
      .array(
        z
          .object({
            channel: ColumnName,
            segment: z.string().optional(),
            start: z.iso.date(),
            end: z.iso.date(),
            liftAbs: z.number(),
            liftSe: z.number().positive(),
          })
          .strict(),
      )
      .max(100)
      .optional()
      .openapi({ description: "Lift-test results (incremental target over [start, end]) that pull the fit toward experiments" }),
    bootstrap: z
      .number()
      .int()
      .min(0)
      .max(2000)
      .optional()
      .openapi({ description: "fast: block-bootstrap replicates for ROI/mROI/curve intervals (default 200); 0 for none" }),
    bootstrapSearch: z.number().int().min(0).max(4).optional().openapi({
      description:
        "fast: rounds of transform search re-run on each bootstrap replicate (default 1), so intervals carry the transforms' uncertainty; 0 holds the transforms at their fitted values (faster, narrower)",
    }),
    alpha: z.number().gt(0).lt(1).default(0.1).openapi({
      description: "Intervals cover 1 − alpha (default 0.1: 90% credible intervals with bayes, bootstrap intervals with fast); old name level = 1 − alpha",
    }),
  })
  .strict()
  .openapi("MmmRequest");

const PlanLineSchema = z
  .object({
    channel: ColumnName.openapi({ description: "A channel of the MMM named by mmmId" }),
    segment: z.string().optional().openapi({ description: "The series (segment level) this line is for; omitted: every series" }),
    daily: z.array(z.number().min(0)).max(366).optional().openapi({ description: "Spend per day of the horizon (exactly horizon values)" }),
    total: z.number().min(0).optional().openapi({ description: "Spend over the horizon, spread by the plan's rule" }),
  })
  .strict();

export const ForecastRequestSchema = z
  .object({
    ...DatasetRef,
    date: ColumnName,
    target: ColumnName,
    segment: ColumnName.optional().openapi({ description: "One series per level of this column (segments, stores, SKUs), one model across them" }),
    channels: z.array(ColumnName).max(50).optional().openapi({ description: "Spend columns fed to the LSTM as past inputs" }),
    events: z.array(ColumnName).max(20).optional().openapi({
      description:
        "Known future inputs (events, promotions, prices): numeric or boolean columns whose values also run over every day of the horizon, in rows after the last observed target with the target left empty. The LSTM sees them past and ahead; the statistical members have their effects estimated from the history and added on the horizon's days.",
    }),
    hierarchy: z
      .record(z.string().min(1).max(200), z.array(z.string().min(1).max(200)).min(1).max(10_000))
      .optional()
      .openapi({
        description:
          'Series that must add up: parent → its parts, e.g. {"total": ["north", "south"], "north": ["store_1", "store_2"]}. Parts are levels of `segment` or other parents; a parent the data lack is built as the sum of its parts, one the data have must equal it on every day. Every level is forecast and reconciled; needs `segment`.',
      }),
    reconciliation: z.enum(["mint_shrink", "wls_var", "ols", "bottom_up"]).optional().openapi({
      description:
        "How the hierarchy's forecasts are made to add up (default mint_shrink: MinT with the backtest error covariance shrunk toward its diagonal); only with `hierarchy`",
    }),
    horizon: z.number().int().min(1).max(366).default(90),
    levels: z
      .array(z.number().gt(0).lt(1))
      .min(1)
      .max(9)
      .default([0.1, 0.5, 0.9])
      .refine((l) => new Set(l).size === l.length, "levels must differ")
      .openapi({ description: "Quantile levels; include 0.5 for a median point forecast" }),
    seed: z.number().int().min(0).default(1),
    country: z
      .string()
      .superRefine((c, ctx) => {
        if (!holidayCountries().includes(c.toUpperCase()))
          ctx.addIssue({ code: "custom", message: `no holiday calendar for "${c}"; use an ISO 3166 code such as US, GB, DE, FR, BR, IN` });
      })
      .optional()
      .openapi({
        description:
          "ISO country code whose public holidays the forecast knows ahead (date-holidays): the LSTM as a flag, the statistical members one input per holiday where the backtest says it helps; default: built-in US retail days",
      }),
    folds: z.number().int().min(0).max(10).default(3).openapi({ description: "Rolling-origin backtest folds of horizon days (0: LSTM without comparison)" }),
    memberHolidays: z.boolean().optional().openapi({
      description:
        "Offer the statistical members the holidays (country's, or the built-in US retail days) as known inputs, one per holiday; each member takes them where its backtest is better with them (choices[].holidays says which). Default true when folds ≥ 1; true needs folds ≥ 1",
    }),
    network: z
      .object({
        lookback: z.number().int().min(7).max(365).optional(),
        units: z.number().int().min(1).max(256).optional(),
        batchSize: z.number().int().min(1).max(1024).optional(),
        maxEpochs: z.number().int().min(1).max(500).optional(),
        patience: z.number().int().min(1).max(100).optional(),
        learningRate: z.number().gt(0).max(1).optional(),
        validationDays: z.number().int().min(7).max(730).optional(),
        windowsPerEpoch: z.number().int().min(64).max(1_000_000).optional(),
        lastYear: z.union([z.literal("auto"), z.boolean()]).optional(),
      })
      .strict()
      .optional()
      .openapi({
        description:
          "LSTM settings (defaults: lookback 28, units 16, batch 32, up to 30 epochs, patience 4, lr 0.005, 4,096 training windows per epoch across all series)",
      }),
    mmmId: z.string().min(1).max(100).optional().openapi({ description: "A daily marketing-mix model whose curves turn the plan into incremental sales" }),
    plan: z
      .object({
        lines: z.array(PlanLineSchema).max(1000),
        spread: z
          .enum(["even", "weekday"])
          .default("even")
          .openapi({ description: "How totals become days: evenly, or by the channel's weekday pattern over the last 8 weeks" }),
      })
      .strict()
      .optional()
      .openapi({ description: "Spend per channel over the horizon; channels not named stay at business-as-usual (last 28 days' mean)" }),
  })
  .strict()
  .openapi("ForecastRequest");

const Money = z.number().min(0);
const Share = z.number().min(0).max(1);
const CoefficientInterval = z.object({ lower: z.number(), upper: z.number() }).strict();
const CurveSchema = z.discriminatedUnion("form", [
  z
    .object({
      form: z.literal("hill"),
      coefficient: z.number().min(0),
      slope: z.number().positive(),
      kappa: z.number().positive(),
      coefficientInterval: CoefficientInterval.optional(),
    })
    .strict(),
  z
    .object({ form: z.literal("logistic"), coefficient: z.number().min(0), lam: z.number().positive(), coefficientInterval: CoefficientInterval.optional() })
    .strict(),
  z.object({ form: z.literal("points"), spend: z.array(z.number().positive()).min(1).max(1000), response: z.array(z.number()).min(1).max(1000) }).strict(),
]);
const LineLimits = {
  min: Money.optional().openapi({ description: "Spend over the whole plan, at least" }),
  max: Money.optional(),
  minShare: Share.optional().openapi({ description: "Share of the plan's total spend, at least" }),
  maxShare: Share.optional(),
  locked: z.boolean().optional().openapi({ description: "Keep the current spend" }),
  maxChange: z.number().min(0).max(10).optional().openapi({ description: "Largest change from the current total, as a fraction (0.2 = ±20%)" }),
  withinData: z.boolean().optional().openapi({
    description: "Keep every period's spend within the spend per period the line's data show (its observedSpend): no return read off an extrapolated curve",
  }),
};
const AllocationLineSchema = z
  .object({
    channel: z.string().min(1).max(200),
    segment: z.string().min(1).max(200).optional(),
    curve: CurveSchema,
    currentSpend: Money.optional().openapi({ description: "Spend per period today (old name: current)" }),
    observedSpend: z.object({ min: Money, max: Money }).strict().optional().openapi({
      description: "The lowest and highest spend per period the curve was measured over: plans outside it are warned about, and withinData keeps to it",
    }),
    ...LineLimits,
    adstock: z
      .object({ alpha: z.number().min(0).lt(1), normalize: z.boolean().optional(), history: z.array(Money).max(1000).optional() })
      .strict()
      .optional(),
  })
  .strict();
export const AllocationRequestSchema = z
  .object({
    mmmId: z.string().min(1).max(100).optional().openapi({ description: "A fitted MMM whose curves (and spend history) become the lines (old name: modelId)" }),
    periodLength: z
      .number()
      .int()
      .min(1)
      .max(366)
      .optional()
      .openapi({ description: "With mmmId: MMM periods per plan period (default 1; 7: weekly plan from a daily model)" }),
    lines: z.array(AllocationLineSchema).max(5000).optional().openapi({ description: "Explicit lines with their curves (without mmmId)" }),
    limits: z
      .array(z.object({ channel: z.string().min(1), segment: z.string().optional(), ...LineLimits }).strict())
      .max(5000)
      .optional()
      .openapi({
        description:
          "Limits for the lines (the model's or explicit ones), matched by channel (and segment); on an explicit line they replace its own fields of the same name",
      }),
    withinData: z
      .boolean()
      .optional()
      .openapi({ description: "withinData for every line (a line's own limit overrides it): each period's spend stays within what the line's data show" }),
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1).max(200),
            channels: z.array(z.string()).optional(),
            segments: z.array(z.string()).optional(),
            min: Money.optional(),
            max: Money.optional(),
            minShare: Share.optional(),
            maxShare: Share.optional(),
          })
          .strict(),
      )
      .max(200)
      .optional(),
    objective: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("maxReturn") }).strict(),
        z.object({ kind: z.literal("maxProfit"), margin: z.number().positive() }).strict(),
        z.object({ kind: z.literal("minSpend"), targetReturn: z.number().positive() }).strict(),
        z.object({ kind: z.literal("targetMroi"), mroi: z.number().positive() }).strict(),
      ])
      .default({ kind: "maxReturn" }),
    budget: z
      .object({ total: Money.optional(), exact: z.boolean().optional(), perPeriod: z.array(Money).max(366).optional() })
      .strict()
      .optional(),
    periods: z.number().int().min(1).max(104).default(1),
    pieces: z.number().int().min(2).max(200).optional(),
    refine: z
      .number()
      .int()
      .min(0)
      .max(6)
      .optional()
      .openapi({ description: "Rounds of re-cutting curves around the plan and solving again (default 3; 0 above 400 line-periods)" }),
    sShaped: z.enum(["auto", "exact", "envelope"]).optional(),
    solver: z.enum(["auto", "highs", "javascript-lp-solver"]).default("auto"),
  })
  .strict()
  .refine((r) => (r.mmmId === undefined) !== (r.lines === undefined), { message: "give either mmmId or lines", path: ["lines"] })
  .openapi("AllocationRequest");

const ScenarioSpendSchema = z
  .object({
    channel: z.string().min(1).max(200),
    segment: z.string().min(1).max(200).optional(),
    period: z.number().int().min(1).max(104).optional().openapi({ description: "1-based period; omitted: every period" }),
    amount: Money.openapi({ description: "Spend per period" }),
  })
  .strict();
export const ScenarioRequestSchema = z
  .object({
    mmmId: z.string().min(1).max(100).openapi({ description: "A fitted MMM (old name: modelId)" }),
    periods: z.number().int().min(1).max(104).default(1),
    periodLength: z.number().int().min(1).max(366).default(1).openapi({ description: "MMM periods per plan period (7: weekly from a daily model)" }),
    plans: z
      .array(z.object({ name: z.string().min(1).max(200), spend: z.array(ScenarioSpendSchema).max(5000) }).strict())
      .min(1)
      .max(20),
  })
  .strict()
  .openapi("ScenarioRequest");
export const FormatQuery = z.object({ format: z.enum(["json", "csv"]).optional() }).strict();
export const ScenarioQuery = z
  .object({
    mmmId: z.string().min(1).max(100).openapi({ description: "A fitted MMM (old name: modelId)" }),
    periods: z.coerce.number().int().min(1).max(104).default(1),
    periodLength: z.coerce.number().int().min(1).max(366).default(1),
    name: z.string().min(1).max(200).default("plan"),
    format: z.enum(["json", "csv"]).optional(),
    key: z.string().max(200).optional().openapi({ description: "A read-scoped API key, for spreadsheets that cannot send headers" }),
  })
  .catchall(z.string().max(100))
  .openapi({ description: "Spend per period as spend.<channel>=amount or spend.<channel>.<segment>=amount" });
