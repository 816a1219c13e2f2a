import type { AdstockSpec } from "./adstock.ts";
import type { SeasonalityMode } from "./features.ts";
import type { FormSelection } from "./form-selection.ts";
import type { SaturationForm } from "./forms.ts";
import type { ChannelForm } from "./posterior-model.ts";
import type { SaturationSpec } from "./saturation.ts";
import type { SpendRange } from "./observed-spend.ts";

/** One channel's fitted transform: geometric adstock (normalised) then Hill saturation. */
export interface ChannelTransform {
  readonly alpha: number;
  readonly lMax: number;
  readonly slope: number;
  /** Half-saturation point of adstocked spend, currency per period. */
  readonly kappa: number;
}

export interface MmmInput {
  /** ISO dates, strictly increasing, daily or weekly. */
  readonly dates: readonly string[];
  readonly target: readonly number[];
  /** Spend per channel per period. */
  readonly channels: Readonly<Record<string, readonly number[]>>;
  readonly controls?: Readonly<Record<string, readonly number[]>>;
  /** Lift-test results that pull the fit toward experiments (Robyn/PyMC-Marketing calibration). */
  readonly lifts?: readonly LiftTest[];
  /**
   * A pooled fit over segments: the segment of each row (a segment's rows contiguous, in date order). Segments
   * share the transforms and media coefficients and get their own intercept, trend and seasonality.
   */
  readonly groups?: readonly string[];
}

/** An experiment's measured incremental target from a channel over [start, end] (ISO dates, inclusive). */
export interface LiftTest {
  readonly channel: string;
  readonly start: string;
  readonly end: string;
  /** Incremental target over the window caused by the channel. */
  readonly liftAbs: number;
  /** Its standard error (> 0): the smaller, the harder the fit is pulled. */
  readonly liftSe: number;
}

export interface MmmOptions {
  readonly seed?: number;
  /** Share of the last periods held out to report out-of-sample fit (never used to fit). Default 0.1. */
  readonly holdout?: number;
  /** Share of the fitting window (its end) used to choose transform parameters. Default 0.2. */
  readonly validation?: number;
  /** Random candidates before coordinate refinement. Default 200. */
  readonly searchSize?: number;
  readonly refineRounds?: number;
  /** Levenberg-Marquardt iterations on all transforms after the refinement; 0 for none. Default 30. */
  readonly polishIterations?: number;
  readonly lMax?: number;
  readonly yearlyOrder?: number;
  /** How weekly and yearly cycles combine with the level (features.ts). Default "multiplicative". */
  readonly seasonality?: SeasonalityMode;
  /** Called as the search advances (fraction 0..1, message); for job progress. */
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Fixed transforms per channel (kappa in spend units): no search for those channels. */
  readonly transforms?: Readonly<Record<string, { readonly alpha: number; readonly slope: number; readonly kappa: number }>>;
  /** Block-bootstrap replicates for intervals on ROI, mROI and curves; 0 for none. Default 200. */
  readonly bootstrap?: number;
  /**
   * Refinement rounds of the transforms re-run on every bootstrap replicate, so intervals carry the transforms'
   * uncertainty as well as the coefficients'; 0 holds the transforms at their fitted values. Default 1.
   */
  readonly bootstrapSearch?: number;
  /** Intervals cover 1 − alpha (statsmodels' convention). Default 0.1: 90% intervals. */
  readonly alpha?: number;
}

/** An interval at `level`, from the block bootstrap. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

export interface FitMetrics {
  readonly rsquared: number;
  /** RMSE / (max − min) of the target, Robyn's NRMSE. */
  readonly nrmse: number;
  readonly mape: number;
}

export interface ChannelResult {
  readonly channel: string;
  readonly spend: number;
  readonly contribution: number;
  readonly shareOfSpend: number;
  readonly shareOfEffect: number;
  /** contribution / spend over the fitting window. */
  readonly roi: number;
  /** d response / d spend at the channel's current spend (the last 28 days' mean), on the steady-state response curve. */
  readonly mroi: number;
  readonly coefficient: number;
  readonly transform: ChannelTransform;
  /** Bootstrap intervals (null without bootstrap). */
  readonly roiInterval: Interval | null;
  readonly mroiInterval: Interval | null;
  /** The coefficient that, at the fitted transforms, spans the ROI interval (what plans and scenarios scale). */
  readonly coefficientInterval: Interval | null;
  /**
   * The share of the contribution that is the curve's value at the lowest carried-over spend seen (unseen-share.ts):
   * what only the form decides. 0 for a channel off in some period; absent in models stored before it was reported.
   */
  readonly unseenShare?: number;
  /** The channel's forms and their fitted parameters in spend units: what the response engine evaluates. */
  readonly form: ChannelForm;
  readonly adstock: AdstockSpec;
  readonly saturation: SaturationSpec;
}

/** Contribution of each component to the fitted target, per period (sums to the fitted values). */
export interface Decomposition {
  readonly dates: readonly string[];
  readonly baseline: readonly number[];
  readonly trend: readonly number[];
  readonly seasonality: readonly number[];
  readonly controls: readonly number[];
  readonly channels: Readonly<Record<string, readonly number[]>>;
  readonly fitted: readonly number[];
  readonly actual: readonly number[];
}

/**
 * Steady-state response curve: spend s per period, held constant, gives adstocked spend s (weights sum to 1), so
 * response(s) = coefficient · s^slope / (s^slope + kappa^slope) per period, and mROI(s) its derivative.
 */
export interface ResponseCurve {
  readonly channel: string;
  readonly form: SaturationForm;
  readonly coefficient: number;
  /** Hill's slope and kappa (Michaelis-Menten: slope 1; logistic: the kappa with the same half-point, ln 3 / lam). */
  readonly slope: number;
  readonly kappa: number;
  readonly adstock: AdstockSpec;
  readonly saturation: SaturationSpec;
  /** Current spend per period: the mean over the data's last 28 days (response.ts's currentSpend). */
  readonly currentSpend: number;
  /**
   * The lowest and highest spend per period over the fitting rows: the stretch of the spend axis the data measure.
   * Outside it the curve is its form extrapolated, and plans that go there are warned about (mmm-lines.ts). Absent in
   * models stored before it was reported.
   */
  readonly observedSpend?: SpendRange;
  readonly spend: readonly number[];
  readonly response: readonly number[];
  readonly marginal: readonly number[];
  /** Bootstrap band of `response` at the model's level (null without bootstrap). */
  readonly responseLower: readonly number[] | null;
  readonly responseUpper: readonly number[] | null;
}

export interface FittedMmm {
  readonly frequency: "D" | "W";
  readonly nobs: number;
  readonly fitPeriods: number;
  readonly holdoutPeriods: number;
  readonly inSample: FitMetrics;
  readonly holdout: FitMetrics | null;
  readonly channels: readonly ChannelResult[];
  readonly baseline: Readonly<Record<string, number>>;
  readonly decomposition: Decomposition;
  readonly curves: readonly ResponseCurve[];
  readonly search: {
    readonly algorithm: string;
    readonly evaluations: number;
    readonly score: { readonly rmse: number; readonly on: "fitting window" | "validation split" };
    readonly seed: number;
  };
  readonly warnings: readonly string[];
  /**
   * Spend per channel in the last lMax periods of the data (oldest first): the carry-over a plan starting after the
   * data inherits, kept with the model so plans need not re-read the dataset (absent on a pooled fast fit).
   */
  readonly spendHistory?: Readonly<Record<string, readonly number[]>>;
  /** "fast": profile likelihood + bootstrap; "bayes": NUTS posterior. */
  readonly method: "fast" | "bayes";
  /** Sampler diagnostics (bayes). */
  readonly diagnostics?: SamplerDiagnostics;
  /** Thinned posterior draws of each channel's curve parameters (bayes). */
  readonly posterior?: readonly CurveDraws[];
  /** How each channel's forms were chosen (bayes with "auto"). */
  readonly formSelection?: FormSelection;
}

/** Per parameter: posterior mean, sd, and convergence (R-hat, bulk and tail ESS). */
export interface ParameterSummary {
  readonly name: string;
  readonly mean: number;
  readonly sd: number;
  readonly rhat: number;
  readonly essBulk: number;
  readonly essTail: number;
}

export interface SamplerDiagnostics {
  readonly sampler: string;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly divergences: number;
  readonly maxTreeDepthHits: number;
  readonly stepSize: readonly number[];
  readonly gradientEvaluations: number;
  readonly maxRhat: number;
  readonly minEssBulk: number;
  readonly parameters: readonly ParameterSummary[];
  /** What failed, in words (empty when R-hat ≤ 1.01, ESS ≥ 100 per chain, and no divergence). */
  readonly warnings: readonly string[];
}

/** Posterior draws of each channel's curve parameters (spend units), thinned: what plans and scenarios can use. */
export interface CurveDraws {
  readonly channel: string;
  readonly coefficient: readonly number[];
  readonly roi: readonly number[];
  /** Natural adstock parameters per draw, by name (alpha, theta, shape, scale). */
  readonly adstock: Readonly<Record<string, readonly number[]>>;
  /** Saturation parameters per draw in spend units (kappa, slope, lam). */
  readonly saturation: Readonly<Record<string, readonly number[]>>;
}
