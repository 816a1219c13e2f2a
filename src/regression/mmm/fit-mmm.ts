import { levenbergMarquardt } from "ml-levenberg-marquardt";
import { seededRng, type Rng } from "../../data/random.ts";
import { ModelFitError } from "../../errors.ts";
import { lruGet } from "../../lru.ts";
import { adstock, type AdstockSpec } from "./adstock.ts";
import { blockBootstrap, percentileInterval } from "./bootstrap.ts";
import { baselineFeatures, type SeasonalityMode } from "./features.ts";
import { constrainedLeastSquares } from "./nnls.ts";
import { baselineProjector } from "./projector.ts";
import type { CurveDraws, SamplerDiagnostics } from "./fit-bayes.ts";
import type { FormSelection } from "./form-selection.ts";
import type { SaturationForm } from "./forms.ts";
import type { ChannelForm } from "./posterior-model.ts";
import { hillSaturation, saturationDerivative, type SaturationSpec } from "./saturation.ts";

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
  /** Interval level, a probability in (0, 1). Default 0.9. */
  readonly level?: number;
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
  /** d response / d spend at the channel's mean spend per period, on the steady-state response curve. */
  readonly mroi: number;
  readonly coefficient: number;
  readonly transform: ChannelTransform;
  /** Bootstrap intervals (null without bootstrap). */
  readonly roiInterval: Interval | null;
  readonly mroiInterval: Interval | null;
  /** The coefficient that, at the fitted transforms, spans the ROI interval (what plans and scenarios scale). */
  readonly coefficientInterval: Interval | null;
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
  /** Mean spend per period over the fitting window. */
  readonly currentSpend: number;
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
  readonly search: { readonly algorithm: string; readonly evaluations: number; readonly score: { readonly rmse: number; readonly on: "fitting window" | "validation split" }; readonly seed: number };
  readonly warnings: readonly string[];
  /** "fast": profile likelihood + bootstrap; "bayes": NUTS posterior. */
  readonly method: "fast" | "bayes";
  /** Sampler diagnostics (bayes). */
  readonly diagnostics?: SamplerDiagnostics;
  /** Thinned posterior draws of each channel's curve parameters (bayes). */
  readonly posterior?: readonly CurveDraws[];
  /** How each channel's forms were chosen (bayes with "auto"). */
  readonly formSelection?: FormSelection;
}

interface Bounds {
  readonly alpha: readonly [number, number];
  /** kappa as a multiple of the channel's mean adstocked spend (log scale). */
  readonly kappaRel: readonly [number, number];
  readonly slope: readonly [number, number];
}
const BOUNDS: Bounds = { alpha: [0, 0.9], kappaRel: [0.1, 10], slope: [0.5, 3] };

interface Params {
  alpha: number;
  kappaRel: number;
  slope: number;
}

export function inferFrequency(dates: readonly string[]): "D" | "W" {
  const d = (Date.parse(dates[1]!) - Date.parse(dates[0]!)) / 86_400_000;
  if (d === 1) return "D";
  if (d === 7) return "W";
  throw new ModelFitError(`Dates must be daily or weekly; the first step is ${d} days.`);
}

export function metrics(y: ArrayLike<number>, fit: ArrayLike<number>, from: number, to: number): FitMetrics {
  let mean = 0;
  for (let i = from; i < to; i++) mean += y[i]!;
  mean /= to - from;
  let ssr = 0;
  let tss = 0;
  let ape = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i++) {
    ssr += (y[i]! - fit[i]!) ** 2;
    tss += (y[i]! - mean) ** 2;
    ape += y[i] === 0 ? 0 : Math.abs((y[i]! - fit[i]!) / y[i]!);
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  const n = to - from;
  return { rsquared: 1 - ssr / tss, nrmse: Math.sqrt(ssr / n) / (hi - lo), mape: ape / n };
}

/**
 * Fit a marketing-mix model: target = intercept + trend + day-of-week + yearly Fourier + controls
 * + Σ_channels β·hill(geometricAdstock(spend; alpha, lMax, normalised); slope, kappa) + noise, with β ≥ 0.
 *
 * Transform parameters are chosen in three seeded, deterministic steps: `searchSize` random candidates (alpha
 * uniform, kappa log-uniform relative to the channel's mean adstocked spend, slope uniform), cyclic coordinate
 * refinement of each parameter over a shrinking grid, then Levenberg-Marquardt on all of them at once. Why: the
 * objective is cheap (a linear fit per candidate) but multimodal in alpha/kappa, so a global random start comes
 * first; the coordinate grid finds the basin; LM then follows the curved ridge along which Hill's slope and kappa
 * trade off, which one-axis moves cannot (on noise-free data the coordinate search alone stopped at TV slope 0.7,
 * kappa 4x the truth; with LM every transform but email's is found, see the test). The score is the in-sample
 * profile likelihood by default (variable projection: the baseline is partialled out once, so each candidate costs
 * a 5-column fit); a time-ordered validation split (`validation` > 0) is available, but on simulated data it
 * doubled the ROI error (scoring 20% of the data is a noisy criterion), and 5-fold blocked CV was both worse and
 * 30x slower (bench/mmm-recovery.ts). The last `holdout` share is never fitted, only scored.
 *
 * Intervals: a moving-block bootstrap of the residuals; each replicate refits the coefficients and re-runs
 * `bootstrapSearch` rounds of the coordinate refinement from the fitted transforms, so ROI, mROI and curve
 * intervals include the transforms' uncertainty; residuals are inflated by √(n/(n − p)) for the parameters spent
 * on them. 90% ROI intervals covered the truth for 99 of 120 channel fits on 8 simulated copies of the sample (62 of
 * 72 for TV, search and social), and 41 of 48 on 16 two-year datasets against 34 of 48 with the transforms held
 * fixed (see the tests). They remain somewhat narrow, TV's most of all.
 *
 * Identifiability: on simulated copies of the sample, least squares with the true transforms plugged in misses
 * TV's, search's and social's ROI by 1-6% RMS; email and flyer (about 3% of spend each) by 15-130%. Lift tests
 * (`lifts`) are the remedy for small channels.
 */
export function fitMmm(input: MmmInput, opts: MmmOptions = {}): FittedMmm {
  const n = input.dates.length;
  const names = Object.keys(input.channels);
  if (names.length === 0) throw new ModelFitError("Name at least one channel.");
  const frequency = inferFrequency(input.dates);
  const lMax = opts.lMax ?? (frequency === "D" ? 14 : 8);
  const yearlyOrder = opts.yearlyOrder ?? 2;
  const layout = rowLayout(input, opts.holdout ?? 0.1);
  if (layout.segments.length > 1 && (input.lifts?.length || (opts.validation ?? 0) > 0)) {
    throw new ModelFitError("A pooled model takes no lift tests or validation split; fit one model per segment for those.");
  }
  // Rows are reordered so that every segment's fitting rows come first and the held-out rows (each segment's last
  // `holdout` share) last: the fit, search and bootstrap work on a prefix as for one series. Identity for one series.
  const perm = (a: ArrayLike<number>) => Float64Array.from(layout.order, (i) => a[i]!);
  const base = baselineColumns(input, layout, frequency, yearlyOrder, opts.seasonality, perm);
  const nParams = 1 + base.columns.length + names.length * 4;
  const holdoutPeriods = layout.holdoutPeriods;
  const fitPeriods = n - holdoutPeriods;
  if (fitPeriods < 3 * nParams) {
    throw new ModelFitError(`Need at least ${3 * nParams} periods to fit ${names.length} channels with lMax=${lMax} and ${base.columns.length} baseline terms; got ${fitPeriods}.`);
  }
  const warnings: string[] = [];
  const y = perm(input.target);
  const spend = names.map((c) => perm(input.channels[c]!));
  spend.forEach((s, j) => {
    if (s.every((v) => v === s[0])) warnings.push(`Channel ${names[j]} has constant spend: its effect cannot be separated from the baseline.`);
  });
  // Columns are cached, least recently used out first: the refinement changes one channel at a time, and every
  // bootstrap replicate searches the neighbourhood of the fitted transforms again.
  const adstocked = new Map<string, Float64Array>();
  const adstockOf = (j: number, alpha: number) =>
    lruGet(adstocked, `${j}:${alpha}`, 200, () => {
      // carry-over runs within a segment, in date order, then follows the rows' order
      const natural = input.channels[names[j]!]!;
      return perm(layout.segments.flatMap((g) => adstock(natural.slice(g.from, g.to), { kind: "geometric", alpha, lMax, normalize: true })));
    });
  const spendTotals = spend.map((s) => s.slice(0, fitPeriods).reduce((a, b) => a + b, 0));
  const meanSpend = spendTotals.map((total) => total / fitPeriods);
  const kappaOf = (j: number, p: Params) => p.kappaRel * Math.max(meanSpend[j]!, 1e-9);

  const intercept = new Float64Array(n).fill(1);
  const mediaOffset = 1 + base.columns.length;
  const nonNeg = new Set(names.map((_, j) => mediaOffset + j));
  const allMedia = new Set(names.map((_, j) => j));
  const slice = (c: Float64Array, to: number) => c.subarray(0, to);
  const valShare = opts.validation ?? 0;
  const valStart = valShare > 0 ? Math.floor(fitPeriods * (1 - valShare)) : fitPeriods;
  const scoreFrom = valShare > 0 ? valStart : 0;
  // Frisch-Waugh-Lovell: with the baseline partialled out once, each candidate is a small fit on the media columns
  // alone. Null with a validation split (the baseline is refitted on the shorter window) or a rank-deficient baseline.
  const projector = valShare === 0 ? baselineProjector([intercept, ...base.columns], fitPeriods) : null;
  const columns = new Map<string, { raw: Float64Array; proj: Float64Array | null }>();
  const column = (j: number, p: Params) =>
    lruGet(columns, `${j}:${p.alpha}:${p.kappaRel}:${p.slope}`, 1000, () => {
      const raw = adstockOf(j, p.alpha).map((a) => hillSaturation(a, { slope: p.slope, kappa: kappaOf(j, p) }));
      return { raw, proj: projector ? projector(raw) : null };
    });
  // A channel whose spend the baseline terms mostly explain (email sent on fixed weekdays: the day-of-week terms)
  // has an effect the fit cannot tell from them, however wide or narrow its interval.
  if (projector) {
    spend.forEach((s, j) => {
      const own = s.subarray(0, fitPeriods);
      const mean = own.reduce((a, b) => a + b, 0) / fitPeriods;
      const total = own.reduce((a, v) => a + (v - mean) ** 2, 0);
      const left = projector(own).reduce((a, v) => a + v * v, 0);
      const explained = total > 0 ? 1 - left / total : 0;
      if (explained > 0.7) warnings.push(`Channel ${names[j]}: ${(100 * explained).toFixed(0)}% of its spend's variation follows the trend, day-of-week and seasonal terms, so its effect can hardly be told from theirs; its ROI is unreliable (a lift test would pin it).`);
    });
  }
  /** The media columns of the candidate being scored (the lift rows read them). */
  const mediaCols: Float64Array[] = [];
  const use = (ps: readonly Params[]) => ps.forEach((p, j) => (mediaCols[j] = column(j, p).raw));

  // Calibration: each lift test is one more weighted observation, β_j · Σ_{t∈window} media_j(t) = liftAbs, scaled
  // by σ/liftSe so it counts like (σ/liftSe)² periods of data (σ: residual SD of a first, uncalibrated fit).
  const lifts = (input.lifts ?? []).map((l, i) => {
    const j = names.indexOf(l.channel);
    if (j < 0) throw new ModelFitError(`lifts[${i}]: ${l.channel} is not one of the channels (${names.join(", ")}).`);
    if (!(l.liftSe > 0)) throw new ModelFitError(`lifts[${i}]: liftSe must be positive; got ${l.liftSe}.`);
    const idx = input.dates.flatMap((d, t) => (d >= l.start && d <= l.end ? [t] : []));
    if (idx.length === 0) throw new ModelFitError(`lifts[${i}]: no period of the data falls in ${l.start}..${l.end}.`);
    return { ...l, j, idx };
  });
  let sigma = 0;
  /** Media coefficients are fitted with the lift rows appended (a no-op without lifts). */
  const withLifts = (cols: readonly Float64Array[], yy: Float64Array, offset = mediaOffset) => {
    if (lifts.length === 0) return { cols, y: yy };
    const m = yy.length;
    const out = cols.map((c) => {
      const a = new Float64Array(m + lifts.length);
      a.set(c.subarray(0, m));
      return a;
    });
    const ya = new Float64Array(m + lifts.length);
    ya.set(yy.subarray(0, m));
    lifts.forEach((l, r) => {
      const w = sigma / l.liftSe;
      let sum = 0;
      for (const t of l.idx) sum += mediaCols[l.j]![t]!;
      out[offset + l.j]![m + r] = w * sum;
      ya[m + r] = w * l.liftAbs;
    });
    return { cols: out, y: ya };
  };
  const fitTo = (upTo: number, cols: readonly Float64Array[], yy: Float64Array) => {
    const a = withLifts(cols.map((c) => slice(c, upTo)), slice(yy, upTo));
    return constrainedLeastSquares(a.cols, a.y, nonNeg);
  };

  /** A target to fit: y in the fit's row order and, with the projector, its residual on the baseline. */
  interface Target {
    readonly y: Float64Array;
    readonly resid: Float64Array | null;
  }
  const targetOf = (yy: Float64Array): Target => ({ y: yy, resid: projector ? projector(yy) : null });
  /** The media coefficients of candidate `ps` on a target (β ≥ 0), fitted on its first `upTo` periods. */
  const mediaCoefficients = (ps: readonly Params[], tg: Target, upTo = valStart): Float64Array => {
    use(ps);
    if (!projector) return fitTo(upTo, [intercept, ...base.columns, ...mediaCols], tg.y).subarray(mediaOffset);
    const m = withLifts(ps.map((p, j) => column(j, p).proj!), tg.resid!, 0);
    return constrainedLeastSquares(m.cols, m.y, allMedia);
  };
  let evaluations = 0;
  /**
   * The score of a candidate: without a validation share (the default), the in-sample RMSE of the fit on the whole
   * window, i.e. the profile likelihood of the transform parameters under Gaussian noise (variable projection: the
   * linear coefficients are solved exactly for every candidate); with one, the RMSE on [valStart, fitPeriods) of a
   * fit on [0, valStart).
   */
  const score = (ps: readonly Params[], tg: Target) => {
    evaluations++;
    let ss = 0;
    if (projector) {
      const b = mediaCoefficients(ps, tg);
      const rx = ps.map((p, j) => column(j, p).proj!);
      for (let i = 0; i < fitPeriods; i++) {
        let f = 0;
        for (let j = 0; j < rx.length; j++) f += b[j]! * rx[j]![i]!;
        ss += (tg.resid![i]! - f) ** 2;
      }
      return Math.sqrt(ss / fitPeriods);
    }
    use(ps);
    const cols = [intercept, ...base.columns, ...mediaCols];
    const coef = fitTo(valStart, cols, tg.y);
    for (let i = scoreFrom; i < fitPeriods; i++) {
      let f = 0;
      for (let j = 0; j < cols.length; j++) f += coef[j]! * cols[j]![i]!;
      ss += (tg.y[i]! - f) ** 2;
    }
    return Math.sqrt(ss / (fitPeriods - scoreFrom));
  };

  const rng = seededRng(opts.seed ?? 1);
  const draw = (r: Rng): Params => ({
    alpha: BOUNDS.alpha[0] + r.uniform() * (BOUNDS.alpha[1] - BOUNDS.alpha[0]),
    kappaRel: Math.exp(Math.log(BOUNDS.kappaRel[0]) + r.uniform() * Math.log(BOUNDS.kappaRel[1] / BOUNDS.kappaRel[0])),
    slope: BOUNDS.slope[0] + r.uniform() * (BOUNDS.slope[1] - BOUNDS.slope[0]),
  });
  const fixed = (j: number): Params | undefined => {
    const t = opts.transforms?.[names[j]!];
    return t && { alpha: t.alpha, slope: t.slope, kappaRel: t.kappa / Math.max(meanSpend[j]!, 1e-9) };
  };
  const allFixed = names.every((_, j) => fixed(j) !== undefined);
  /** Cyclic coordinate refinement over shrinking grids, from `start`. */
  const refine = (start: readonly Params[], startScore: number, rounds: number, tg: Target, onRound?: (round: number) => void) => {
    let best = start;
    let bestScore = startScore;
    let width = 0.5;
    for (let round = 0; round < rounds; round++, width /= 2) {
      onRound?.(round);
      for (let j = 0; j < names.length; j++) {
        if (fixed(j)) continue;
        for (const key of ["alpha", "kappaRel", "slope"] as const) {
          const cur = best[j]![key];
          const [lo, hi] = BOUNDS[key];
          const grid = key === "kappaRel"
            ? [-2, -1, 1, 2].map((s) => Math.min(hi, Math.max(lo, cur * Math.exp(s * width))))
            : [-2, -1, 1, 2].map((s) => Math.min(hi, Math.max(lo, cur + (s * width * (hi - lo)) / 4)));
          for (const v of grid) {
            if (v === cur) continue;
            const trial = best.map((p, i) => (i === j ? { ...p, [key]: v } : p));
            const s = score(trial, tg);
            if (s < bestScore) {
              bestScore = s;
              best = trial;
            }
          }
        }
      }
    }
    return { best, score: bestScore };
  };

  /**
   * Levenberg-Marquardt (ml-levenberg-marquardt) on every searched transform parameter at once, from the refined
   * point: Hill's slope and kappa trade off along a curved ridge that moves along one axis at a time cannot follow
   * (on noise-free data the coordinate search stopped at TV slope 0.7, kappa 4x the truth). The model is the
   * baseline-partialled media fit with β solved exactly for each parameter vector (variable projection), so LM
   * sees the same residuals the score does; parameters are (alpha, ln kappaRel, slope) within the bounds. Kept only
   * if it scores better. Needs the projector (no validation split).
   */
  const polish = (start: readonly Params[], startScore: number, tg: Target) => {
    const free = names.flatMap((_, j) => (fixed(j) ? [] : [j]));
    if (!projector || free.length === 0) return { best: start, score: startScore };
    // clamped: the finite differences step past the bounds
    const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
    const toParams = (u: readonly number[]) => {
      const ps = [...start];
      free.forEach((j, k) => (ps[j] = { alpha: clamp(u[3 * k]!, BOUNDS.alpha), kappaRel: clamp(Math.exp(u[3 * k + 1]!), BOUNDS.kappaRel), slope: clamp(u[3 * k + 2]!, BOUNDS.slope) }));
      return ps;
    };
    const model = (u: number[]) => {
      evaluations++;
      const ps = toParams(u);
      const b = mediaCoefficients(ps, tg);
      const rx = ps.map((p, j) => column(j, p).proj!);
      const fit = new Float64Array(fitPeriods);
      rx.forEach((c, j) => {
        for (let i = 0; i < fitPeriods; i++) fit[i]! += b[j]! * c[i]!;
      });
      return (i: number) => fit[i]!;
    };
    const r = levenbergMarquardt({ x: Array.from({ length: fitPeriods }, (_, i) => i), y: tg.resid! }, model, {
      initialValues: free.flatMap((j) => [start[j]!.alpha, Math.log(start[j]!.kappaRel), start[j]!.slope]),
      minValues: free.flatMap(() => [BOUNDS.alpha[0], Math.log(BOUNDS.kappaRel[0]), BOUNDS.slope[0]]),
      maxValues: free.flatMap(() => [BOUNDS.alpha[1], Math.log(BOUNDS.kappaRel[1]), BOUNDS.slope[1]]),
      gradientDifference: free.flatMap(() => [0.005, 0.01, 0.01]),
      centralDifference: true,
      maxIterations: opts.polishIterations ?? 30,
      errorTolerance: 0,
    });
    const ps = toParams(r.parameterValues);
    const sc = score(ps, tg);
    return sc < startScore ? { best: ps, score: sc } : { best: start, score: startScore };
  };

  const data = targetOf(y);
  let best: readonly Params[] = names.map((_, j) => fixed(j) ?? { alpha: 0.3, kappaRel: 1, slope: 1 });
  if (lifts.length > 0) {
    use(best);
    const cols0 = [intercept, ...base.columns, ...mediaCols].map((c) => slice(c, fitPeriods));
    const c0 = constrainedLeastSquares(cols0, slice(y, fitPeriods), nonNeg);
    let ss = 0;
    for (let i = 0; i < fitPeriods; i++) ss += (y[i]! - cols0.reduce((acc, col, j) => acc + c0[j]! * col[i]!, 0)) ** 2;
    sigma = Math.sqrt(ss / (fitPeriods - cols0.length));
  }
  let bestScore = score(best, data);
  for (let s = 0; s < (allFixed ? 0 : (opts.searchSize ?? 200)); s++) {
    const cand = names.map((_, j) => fixed(j) ?? draw(rng));
    const sc = score(cand, data);
    if (sc < bestScore) {
      bestScore = sc;
      best = cand;
    }
  }
  opts.onProgress?.(0.3, `random search done: validation RMSE ${bestScore.toPrecision(4)}`);
  const rounds = allFixed ? 0 : (opts.refineRounds ?? 4);
  ({ best, score: bestScore } = refine(best, bestScore, rounds, data, (round) => opts.onProgress?.(0.3 + (0.3 * round) / rounds, `refining transforms, round ${round + 1} of ${rounds}`)));
  ({ best, score: bestScore } = polish(best, bestScore, data));
  const searchEvaluations = evaluations;

  // Final fit on the whole fitting window.
  use(best);
  const cols = [intercept, ...base.columns, ...mediaCols];
  const coef = fitTo(fitPeriods, cols, y);
  const fitted = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols.length; j++) fitted[i]! += coef[j]! * cols[j]![i]!;
  const transforms = names.map((_, j): ChannelTransform => ({ alpha: best[j]!.alpha, lMax, slope: best[j]!.slope, kappa: kappaOf(j, best[j]!) }));
  const finalMedia = [...mediaCols];
  const grids = transforms.map((t, j) => curveGrid(t.kappa, meanSpend[j]!, spend[j]!));

  // Intervals: each bootstrap replicate refits the media coefficients and, unless `bootstrapSearch` is 0, searches
  // the transforms again from the fitted ones, so ROI, mROI and curves carry the transforms' uncertainty too.
  const level = opts.level ?? 0.9;
  const replicates = opts.bootstrap ?? 200;
  const bootRounds = allFixed ? 0 : (opts.bootstrapSearch ?? 1);
  const draws = names.map((_, j) => ({ roi: new Float64Array(replicates), mroi: new Float64Array(replicates), curve: grids[j]!.map(() => new Float64Array(replicates)) }));
  blockBootstrap({
    fitted: fitted.subarray(0, fitPeriods),
    y: slice(y, fitPeriods),
    replicates,
    blockLength: 2 * lMax,
    seed: opts.seed ?? 1,
    // fitted residuals are smaller than the noise by the parameters spent on them (Davison & Hinkley 1997, §6.2)
    inflate: Math.sqrt(fitPeriods / (fitPeriods - nParams)),
    onReplicate: (ystar, r) => {
      const tg = targetOf(ystar);
      const ps = bootRounds > 0 ? refine(best, score(best, tg), bootRounds, tg).best : best;
      const b = mediaCoefficients(ps, tg, fitPeriods);
      ps.forEach((p, j) => {
        const sat = { kind: "hill" as const, slope: p.slope, kappa: kappaOf(j, p) };
        let sum = 0;
        for (let i = 0; i < fitPeriods; i++) sum += mediaCols[j]![i]!;
        draws[j]!.roi[r] = spendTotals[j]! > 0 ? (b[j]! * sum) / spendTotals[j]! : 0;
        draws[j]!.mroi[r] = b[j]! * saturationDerivative(meanSpend[j]!, sat);
        grids[j]!.forEach((s, k) => (draws[j]!.curve[k]![r] = b[j]! * hillSaturation(s, sat)));
      });
      if (r % 20 === 19) opts.onProgress?.(0.6 + (0.4 * (r + 1)) / replicates, `bootstrap intervals: ${r + 1} of ${replicates}`);
    },
  });
  opts.onProgress?.(1, "bootstrap intervals done");
  const interval = (d: Float64Array) => (replicates > 0 ? percentileInterval(d, level) : null);
  const contributions = names.map((_, j) => {
    let s = 0;
    for (let i = 0; i < fitPeriods; i++) s += coef[mediaOffset + j]! * finalMedia[j]![i]!;
    return s;
  });
  const totalSpend = spendTotals.reduce((a, b) => a + b, 0);
  const totalEffect = contributions.reduce((a, b) => a + b, 0);
  const channels = names.map((channel, j): ChannelResult => {
    const transform = transforms[j]!;
    const beta = coef[mediaOffset + j]!;
    let mediaSum = 0;
    for (let i = 0; i < fitPeriods; i++) mediaSum += finalMedia[j]![i]!;
    const roiFactor = spendTotals[j]! > 0 ? mediaSum / spendTotals[j]! : 0;
    const roiInterval = interval(draws[j]!.roi);
    return {
      channel,
      spend: spendTotals[j]!,
      contribution: contributions[j]!,
      shareOfSpend: spendTotals[j]! / totalSpend,
      shareOfEffect: totalEffect > 0 ? contributions[j]! / totalEffect : 0,
      roi: spendTotals[j]! > 0 ? contributions[j]! / spendTotals[j]! : 0,
      mroi: beta * saturationDerivative(meanSpend[j]!, { kind: "hill", slope: transform.slope, kappa: transform.kappa }),
      coefficient: beta,
      transform,
      roiInterval,
      mroiInterval: interval(draws[j]!.mroi),
      coefficientInterval: roiInterval && roiFactor > 0 ? { lower: roiInterval.lower / roiFactor, upper: roiInterval.upper / roiFactor } : null,
      form: { adstock: "geometric", saturation: "hill" },
      adstock: { kind: "geometric", alpha: transform.alpha, lMax, normalize: true },
      saturation: { kind: "hill", slope: transform.slope, kappa: transform.kappa },
    };
  });
  const part = (group: "trend" | "seasonality" | "control") => {
    const out = new Array<number>(n).fill(0);
    base.groups.forEach((g, j) => {
      if (g !== group) return;
      for (let i = 0; i < n; i++) out[i]! += coef[1 + j]! * base.columns[j]![i]!;
    });
    return out;
  };
  // back to the input's row order (and dates) for the decomposition
  const unperm = (a: ArrayLike<number>) => {
    const out = new Array<number>(n);
    layout.order.forEach((row, k) => (out[row] = a[k]!));
    return out;
  };
  const decomposition: Decomposition = {
    dates: input.dates,
    baseline: new Array<number>(n).fill(coef[0]!),
    trend: unperm(part("trend")),
    seasonality: unperm(part("seasonality")),
    controls: unperm(part("control")),
    channels: Object.fromEntries(names.map((c, j) => [c, unperm(Array.from(finalMedia[j]!, (v) => coef[mediaOffset + j]! * v))])),
    fitted: unperm(fitted),
    actual: input.target,
  };
  if (layout.segments.length > 1) warnings.push(`Pooled over ${layout.segments.length} segments (${layout.segments.map((g) => g.name).join(", ")}): one set of transforms and media coefficients, an intercept, trend and seasonality per segment.`);
  const curves = channels.map((c, j) => {
    const band = replicates > 0 ? draws[j]!.curve.map((d) => percentileInterval(d, level)) : null;
    return responseCurve(c, meanSpend[j]!, grids[j]!, band);
  });
  channels.forEach((c) => c.coefficient === 0 && warnings.push(`Channel ${c.channel} got no effect (coefficient 0 at the β ≥ 0 bound).`));
  return {
    frequency,
    nobs: n,
    fitPeriods,
    holdoutPeriods,
    inSample: metrics(y, fitted, 0, fitPeriods),
    holdout: holdoutPeriods > 1 ? metrics(y, fitted, fitPeriods, n) : null,
    channels,
    baseline: Object.fromEntries([["intercept", coef[0]!], ...base.names.map((nm, j) => [nm, coef[1 + j]!])]),
    decomposition,
    curves,
    search: {
      algorithm: `seeded random search + cyclic coordinate refinement + Levenberg-Marquardt${projector ? "" : " (skipped: no baseline projection)"} of ${valShare > 0 ? "the RMSE on a time-ordered validation split" : "the in-sample profile likelihood"}`,
      evaluations: searchEvaluations,
      score: { rmse: bestScore, on: valShare > 0 ? "validation split" : "fitting window" },
      seed: opts.seed ?? 1,
    },
    warnings,
    method: "fast",
  };
}

export interface RowLayout {
  /** Segments as contiguous row ranges of the input [from, to). One, named "", without groups. */
  readonly segments: readonly { readonly name: string; readonly from: number; readonly to: number; readonly holdout: number }[];
  /** order[k] = the input row that is row k of the fit: every segment's fitting rows, then their held-out rows. */
  readonly order: readonly number[];
  readonly holdoutPeriods: number;
}

export function rowLayout(input: MmmInput, holdout: number): RowLayout {
  const n = input.dates.length;
  const segments: { name: string; from: number; to: number; holdout: number }[] = [];
  const labels = input.groups;
  if (labels && labels.length !== n) throw new ModelFitError(`groups has ${labels.length} labels for ${n} rows.`);
  for (let i = 0; i < n; i++) {
    const name = labels?.[i] ?? "";
    const last = segments[segments.length - 1];
    if (last && last.name === name) last.to = i + 1;
    else {
      if (segments.some((g) => g.name === name)) throw new ModelFitError(`The rows of segment ${name} are not contiguous.`);
      segments.push({ name, from: i, to: i + 1, holdout: 0 });
    }
  }
  for (const g of segments) g.holdout = Math.floor((g.to - g.from) * holdout);
  const fit = segments.flatMap((g) => Array.from({ length: g.to - g.from - g.holdout }, (_, k) => g.from + k));
  const held = segments.flatMap((g) => Array.from({ length: g.holdout }, (_, k) => g.to - g.holdout + k));
  return { segments, order: [...fit, ...held], holdoutPeriods: held.length };
}

/**
 * Baseline columns, reordered like the rows. Pooled: each segment gets its own trend and seasonality columns (zero
 * on other segments' rows) and, beyond the first, an intercept shift; controls are shared.
 */
function baselineColumns(input: MmmInput, layout: RowLayout, frequency: "D" | "W", yearlyOrder: number, mode: SeasonalityMode | undefined, perm: (a: ArrayLike<number>) => Float64Array) {
  const controls = input.controls ?? {};
  if (layout.segments.length === 1) {
    const b = baselineFeatures(input.dates, frequency, yearlyOrder, controls, mode);
    return { ...b, columns: b.columns.map(perm) };
  }
  const n = input.dates.length;
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const groups: ("trend" | "seasonality" | "control")[] = [];
  layout.segments.forEach((g, gi) => {
    const b = baselineFeatures(input.dates.slice(g.from, g.to), frequency, yearlyOrder, {}, mode);
    if (gi > 0) {
      names.push(`segment[T.${g.name}]`);
      groups.push("control");
      columns.push(Float64Array.from({ length: n }, (_, i) => (i >= g.from && i < g.to ? 1 : 0)));
    }
    b.columns.forEach((c, j) => {
      const col = new Float64Array(n);
      col.set(c, g.from);
      names.push(`${g.name}:${b.names[j]}`);
      groups.push(b.groups[j]!);
      columns.push(col);
    });
  });
  for (const [name, v] of Object.entries(controls)) {
    names.push(name);
    groups.push("control");
    columns.push(Float64Array.from(v));
  }
  return { names, groups, columns: columns.map(perm) };
}

/** Points on a channel's steady-state curve: 101 spends from 0 to 3× the highest spend seen (and the current spend). */
export const CURVE_POINTS = 101;

/** 101 spends from 0 to 3× the highest of the spend seen, the current spend and kappa. */
export function curveGrid(kappa: number, currentSpend: number, spend: Float64Array): number[] {
  const top = 3 * Math.max(...spend, currentSpend, kappa);
  return Array.from({ length: CURVE_POINTS }, (_, i) => (top * i) / (CURVE_POINTS - 1));
}

function responseCurve(c: ChannelResult, currentSpend: number, grid: readonly number[], band: readonly Interval[] | null): ResponseCurve {
  const { slope, kappa, alpha, lMax } = c.transform;
  const sat = { kind: "hill" as const, slope, kappa };
  return {
    channel: c.channel,
    form: "hill",
    coefficient: c.coefficient,
    slope,
    kappa,
    adstock: { kind: "geometric", alpha, lMax, normalize: true },
    saturation: sat,
    currentSpend,
    spend: grid,
    response: grid.map((s) => c.coefficient * hillSaturation(s, sat)),
    marginal: grid.map((s) => c.coefficient * saturationDerivative(s, sat)),
    responseLower: band?.map((b) => b.lower) ?? null,
    responseUpper: band?.map((b) => b.upper) ?? null,
  };
}

