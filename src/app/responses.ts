import { z } from "zod";
import "./zod-openapi.ts";

// What each route answers, for the OpenAPI document: the fields a client reads, typed. Objects stay open
// (extra fields allowed) so a result may grow without breaking the document; test/api/openapi-responses.test.ts
// validates every route's real answer against the document the service publishes.

const num = z.number();
const nullableNum = z.number().nullable();
const open = <T extends z.ZodRawShape>(shape: T) => z.object(shape).passthrough();
const Interval = open({ lower: num, upper: num });
const strings = z.array(z.string());

// ---- marketing-mix models
const FitMetrics = open({ rsquared: num, nrmse: num, mape: num });
const MmmChannel = open({
  channel: z.string(),
  spend: num,
  contribution: num,
  shareOfSpend: num,
  shareOfEffect: num,
  roi: num,
  mroi: num,
  coefficient: num,
  roiInterval: Interval.nullable(),
  mroiInterval: Interval.nullable(),
  coefficientInterval: Interval.nullable(),
  unseenShare: num.optional(),
  form: open({ adstock: z.string(), saturation: z.string() }).optional(),
});
const FittedMmm = open({
  frequency: z.enum(["D", "W"]),
  nobs: num,
  fitPeriods: num,
  holdoutPeriods: num,
  inSample: FitMetrics,
  holdout: FitMetrics.nullable(),
  channels: z.array(MmmChannel),
  baseline: z.record(z.string(), num),
  decomposition: open({ dates: strings, fitted: z.array(num), actual: z.array(num), channels: z.record(z.string(), z.array(num)) }),
  curves: z.array(open({ channel: z.string(), form: z.string() })),
  warnings: strings,
  method: z.enum(["fast", "bayes"]).optional(),
  diagnostics: open({ sampler: z.string(), chains: num, divergences: num, maxRhat: num, minEssBulk: num, warnings: strings }).optional(),
});
const MmmSegment = z.union([open({ segment: z.string().nullable(), model: FittedMmm }), open({ segment: z.string().nullable(), error: z.string() })]);
export const MmmModelResponse = open({
  id: z.string(),
  datasetId: z.string().nullable(),
  createdAt: z.string(),
  request: open({}),
  segments: z.array(MmmSegment),
  warnings: strings,
}).openapi("MmmModel");
export const MmmCurvesResponse = open({
  id: z.string(),
  curves: z.array(
    open({
      segment: z.string().nullable(),
      channel: z.string(),
      form: z.string(),
      currentSpend: num,
      observedSpend: open({ min: num, max: num }).optional().openapi({
        description:
          "Lowest and highest spend per period over the fitting rows: where the data measure the curve (outside, it is its form extrapolated; plans there are warned about)",
      }),
      points: z.array(open({ spend: num, response: num })).optional(),
    }),
  ),
}).openapi("MmmCurves");

// ---- forecasts
const Score = open({ method: z.string(), mase: num, rmsse: num, smape: num, wmape: num, pinball: nullableNum, coverage: nullableNum });
export const ForecastResponse = open({
  id: z.string(),
  method: z.string(),
  reason: z.string(),
  levels: z.array(num),
  horizon: num,
  modelId: z.string(),
  reusedModel: z.boolean(),
  segmentColumn: z.string().nullable(),
  backtest: open({ folds: num, scores: z.array(Score) }),
  choices: z.array(
    open({
      key: z.string(),
      method: z.string(),
      reason: z.string(),
      intermittent: z.boolean(),
      scores: z.array(Score),
      pooled: strings.optional().openapi({
        description: "When method is a pool (pool2, pool3): the members it averages, the series' best over the backtest",
      }),
      holidays: strings.optional().openapi({
        description:
          "The statistical members used (the chosen one or the pool's) that took the holidays as known inputs: they scored better on the backtest with them",
      }),
      bandWarning: z.string().optional(),
      bandWidening: z.array(num).optional().openapi({
        description:
          "A statistical member's band: how far each end was moved out per interval pair (outermost first), in units of the series' MASE scale, so that the backtest's leave-one-fold-out bands held their nominal share of days",
      }),
      heldOut: z
        .array(open({ start: z.string(), actual: z.array(num), point: z.array(num) }))
        .optional()
        .openapi({ description: "Per backtest fold (earliest first): its held-out days' first date, actuals, and the chosen member's forecast of them" }),
    }),
  ),
  forecasts: z.array(open({ key: z.string(), dates: strings, mean: z.array(num), quantiles: z.array(z.array(num)) })),
  plan: open({ mmmId: z.string(), spread: z.string(), effects: z.array(open({ key: z.string(), incremental: num })) }).nullable(),
  reconciliation: open({ method: z.string(), nodes: strings, reason: z.string() }).optional(),
  warnings: strings,
}).openapi("Forecast");
export const ForecastListResponse = open({
  items: z.array(open({ id: z.string(), datasetId: z.string().nullable(), createdAt: z.string(), url: z.string() })),
}).openapi("ForecastList");

// ---- allocations and scenarios
const AllocationLineTotal = open({
  channel: z.string(),
  segment: z.string().nullable().optional(),
  spend: num,
  expectedReturn: num,
  roi: nullableNum,
  mroi: nullableNum,
});
export const AllocationResponse = open({
  id: z.string(),
  objective: z.string(),
  lines: z.array(AllocationLineTotal),
  periods: z.array(open({ channel: z.string(), period: num, spend: num })),
  totals: open({ spend: num, expectedReturn: num, expectedReturnInterval: Interval.nullable(), roi: nullableNum }),
  current: open({ spend: num, expectedReturn: num }).nullable(),
  uplift: open({ expectedReturn: num, relative: nullableNum }).nullable(),
  binding: z.array(open({ constraint: z.string(), description: z.string() })),
  approximation: open({ maxPieceError: num }),
  solver: open({ name: z.string(), variables: num, constraints: num }),
  summary: z.string(),
  modelId: z.string().nullable(),
  warnings: strings,
}).openapi("Allocation");
export const ScenarioResponse = open({
  modelId: z.string(),
  periods: num,
  periodLength: num,
  assumptions: z.string(),
  plans: z.array(open({ name: z.string() })),
  warnings: strings,
}).openapi("Scenario");

// ---- regression and analyses
export const PredictResponse = open({
  predictions: z.array(open({ mean: num, meanSe: num, meanCiLower: num, meanCiUpper: num, obsCiLower: num, obsCiUpper: num })),
}).openapi("Predictions");
const TacticRoi = open({ tactic: z.string(), roi: nullableNum, pValue: nullableNum, significant: z.boolean(), estimable: z.boolean() });
export const RoiResponse = open({
  target: z.string(),
  alpha: num,
  formula: z.string(),
  segments: z.array(
    open({ segment: z.string().nullable(), nobs: num, tactics: z.array(TacticRoi), best: TacticRoi.nullable(), recommendation: z.string(), warnings: strings }),
  ),
}).openapi("RoiTable");
export const AnovaResponse = open({
  groups: z.array(open({ group: z.string(), n: num, mean: num })),
  f: num,
  pValue: num,
  dfBetween: num,
  dfWithin: num,
  etaSquared: num,
  interpretation: z.string(),
}).openapi("Anova");
export const TukeyResponse = open({
  alpha: num,
  qCrit: num,
  pairs: z.array(open({ meandiff: num, pAdj: num, lower: num, upper: num, reject: z.boolean() })),
}).openapi("Tukey");
export const TTestResponse = open({
  kind: z.enum(["welch", "paired"]),
  t: num,
  df: num,
  pValue: num,
  estimate: num,
  ciLower: num,
  ciUpper: num,
  interpretation: z.string(),
}).openapi("TTest");
export const ChiSquareResponse = open({
  rows: strings,
  cols: strings,
  observed: z.array(z.array(num)),
  dof: num,
  pValue: num,
  yates: z.boolean(),
  interpretation: z.string(),
}).openapi("ChiSquare");
export const ProportionsResponse = open({ rates: z.array(num), difference: num, z: num, pValue: num, ciLower: num, ciUpper: num }).openapi("Proportions");
export const CorrelationResponse = open({
  method: z.enum(["pearson", "spearman"]),
  columns: strings,
  r: z.array(z.array(num)),
  pValue: z.array(z.array(nullableNum)),
}).openapi("Correlation");
export const LogitResponse = open({
  formula: z.string(),
  target: z.string(),
  positive: z.string(),
  params: z.array(open({ name: z.string(), oddsRatio: num })),
  interpretation: strings,
}).openapi("Logit");
export const KmeansResponse = open({ chosenK: num, results: z.array(open({ k: num })) }).openapi("Kmeans");

export const JobResultResponse = open({}).openapi("JobResult");

/** A JSON answer with its schema, for `responses` in a route spec. */
export const jsonResponse = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
