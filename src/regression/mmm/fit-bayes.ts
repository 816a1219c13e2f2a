import { ModelFitError } from "../../errors.ts";
import { seededRng } from "../../data/random.ts";
import { runChainsHere, type ChainRunner } from "../../mcmc/nuts.ts";
import { baselineFeatures, trendChangepoints, type SeasonalityMode } from "./features.ts";
import { fitMmm } from "./fit-mmm.ts";
import { inferFrequency } from "./report.ts";
import { report, summarise, thin } from "./posterior-report.ts";
import { rowLayout } from "./row-layout.ts";
import type { FittedMmm, MmmInput, SamplerDiagnostics } from "./types.ts";
import { baselinePrior } from "./baseline-prior.ts";
import { toUnconstrained } from "./forms.ts";
import { selectForms, type FormAveraging, type FormRequest, type Sampler } from "./form-selection.ts";
import { expandGeoDraws, geoLayout, geoSpec } from "./posterior-geo.ts";
import { averageOverForms } from "./form-averaging.ts";
import {
  channelState,
  coefficientOf,
  DEFAULT_ROI_PRIOR,
  logRoi,
  paramLayout,
  POOLING_TAU_SCALE,
  posteriorSpec,
  type ChannelForm,
  type LiftData,
  type PosteriorData,
  type PreparedSegment,
  type RoiPrior,
  type SegmentData,
} from "./posterior-model.ts";

export interface BayesOptions {
  readonly seed?: number;
  readonly holdout?: number;
  readonly lMax?: number;
  readonly yearlyOrder?: number;
  readonly seasonality?: SeasonalityMode;
  /** "piecewise" (default): a trend whose slope may change every `trendChangeEvery` days; "linear". */
  readonly trend?: "piecewise" | "linear";
  readonly trendChangeEvery?: number;
  /** Credible intervals cover 1 − alpha. Default 0.1: 90%. */
  readonly alpha?: number;
  /** Adstock and saturation form per channel, each fixed or "auto" (form-selection.ts). Default auto. */
  readonly forms?: Readonly<Record<string, FormRequest>>;
  /** How ROI and mROI combine the candidate forms "auto" screened (form-selection.ts). Default DEFAULT_FORM_AVERAGING. */
  readonly formAveraging?: FormAveraging;
  /** ROI prior per channel (median, spread of log ROI). Default: defaultRoiPrior. */
  readonly roiPriors?: Readonly<Record<string, RoiPrior>>;
  /** With groups: "full" shares each channel's ROI across segments, "partial" draws them from a shared distribution. */
  readonly pooling?: "full" | "partial";
  /**
   * Partial pooling: segment ROIs ~ N(μ, (μρ)²), integrated out ("normal", Meridian's media_effects_dist="normal";
   * posterior-geo.ts), or log ROIs ~ N(μ, τ²), sampled ("log-normal", Meridian's default). Default DEFAULT_GEO_EFFECTS.
   */
  readonly geoEffects?: "normal" | "log-normal";
  /** Partial pooling: sample every channel's segment ROIs centred (true) or non-centred; default chosen per channel (centring). */
  readonly centred?: boolean;
  readonly chains?: number;
  readonly warmup?: number;
  readonly draws?: number;
  readonly targetAccept?: number;
  /** Posterior draws kept with the model (thinned evenly). Default 1000. */
  readonly storedDraws?: number;
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Where the chains run (the edge passes worker threads); default: this thread, one chain after another. */
  readonly runChains?: ChainRunner;
}

export interface BayesFit {
  readonly segments: readonly { readonly name: string; readonly model: FittedMmm }[];
  readonly diagnostics: SamplerDiagnostics;
}

export const MAX_TREE_DEPTH = 10;
/**
 * ROI and mROI averaged over the screened forms by pseudo-BMA+ weights by default. Forms that fit the periods alike
 * can still differ on a channel's ROI, which rests on the curve below the spend the data show; stacking, which
 * weights for the mixture's predictions, puts all its weight on one of several candidates that predict alike, and
 * pseudo-BMA+ spreads it by their evidence, so the interval carries the choice the data cannot make. Over the
 * recovery matrix (12 families × 8 seeds, 295 channels with at least 10% of spend, the same fits; BENCHMARKS.md):
 * 90% intervals covered 88% of true ROIs (stacking 85%, the chosen forms' own 79%), as often or more on every
 * family, median error 9.6% (10.6%, 9.9%), 90th percentile 39.5% (38.4%, 45.1%); on 8 new seeds of the five
 * always-on families, 88% covered against stacking's 83%, median 11.3% against 10.1%. A pooled panel screened on a
 * subset of its segments cannot average (the other segments have no candidate draws) and keeps the chosen forms'
 * own (DEFAULT_PANEL_AVERAGING).
 */
export const DEFAULT_FORM_AVERAGING: FormAveraging = "pseudo-bma+";
/** A pooled panel of more than SCREEN_SEGMENTS segments: screens on the biggest, the chosen forms' own ROI. */
export const DEFAULT_PANEL_AVERAGING: FormAveraging = "none";
/** Partial pooling's distribution of segment effects (see BayesOptions.geoEffects). */
export const DEFAULT_GEO_EFFECTS: "normal" | "log-normal" = "normal";
/** Warm-up and kept draws per chain by default: 4 chains give 2,000 draws, bulk ESS typically 1,000+ here. */
export const DEFAULT_WARMUP = 500;
export const DEFAULT_DRAWS = 500;
/** Above this R-hat (or with divergences in more than 1% of draws) a full run is sampled again with smaller steps. */
const RETRY_RHAT = 1.05;

/**
 * A Bayesian marketing-mix model drawn with NUTS (posterior-model.ts has the likelihood and priors). Each chain
 * starts near the fast profile-likelihood fit (fit-mmm.ts), mapped onto each channel's forms. Everything reported
 * comes from the posterior: ROI and mROI as medians with equal-tailed credible intervals at `level`, curves as
 * pointwise medians and bands, contributions and the decomposition as posterior means.
 */
export async function fitBayesMmm(input: MmmInput, opts: BayesOptions = {}): Promise<BayesFit> {
  const names = Object.keys(input.channels);
  if (names.length === 0) throw new ModelFitError("Name at least one channel.");
  const frequency = inferFrequency(input.dates);
  const lMax = opts.lMax ?? (frequency === "D" ? 14 : 8);
  const layout = rowLayout(input, opts.holdout ?? 0.1);
  const G = layout.segments.length;
  const pooling = G === 1 ? "single" : (opts.pooling ?? "full");
  const prepared = layout.segments.map((g) => segmentData(input, names, g, frequency, opts));
  const segments = prepared.map((p) => p.data);
  const fallback = defaultRoiPrior(segments);
  const roiPriors = names.map((c) => opts.roiPriors?.[c] ?? fallback);
  const lifts: LiftData[] = (input.lifts ?? []).map((l, i) => {
    const j = names.indexOf(l.channel);
    if (j < 0) throw new ModelFitError(`lifts[${i}]: ${l.channel} is not one of the channels (${names.join(", ")}).`);
    if (!(l.liftSe > 0)) throw new ModelFitError(`lifts[${i}]: liftSe must be positive; got ${l.liftSe}.`);
    const g = layout.segments.length === 1 ? 0 : -1;
    if (g < 0) throw new ModelFitError(`lifts[${i}]: a pooled Bayesian model takes lift tests per segment through one model per segment for now.`);
    const rows = prepared[0]!.dates.flatMap((d, t) => (d >= l.start && d <= l.end ? [t] : []));
    if (rows.length === 0) throw new ModelFitError(`lifts[${i}]: no period of the data falls in ${l.start}..${l.end}.`);
    return { segment: g, channel: j, rows, liftAbs: l.liftAbs, liftSe: l.liftSe };
  });
  const fast = fastFit(input, lMax, opts);
  const dataFor = (forms: readonly ChannelForm[]): PosteriorData => {
    const d: PosteriorData = { lMax, channels: names, forms, roiPriors, pooling, segments, lifts };
    if (pooling !== "partial") return d;
    if ((opts.geoEffects ?? DEFAULT_GEO_EFFECTS) === "normal") return { ...d, geoEffects: "normal" };
    return { ...d, centred: opts.centred !== undefined ? names.map(() => opts.centred!) : centring(d, startingPoint(fast, d)) };
  };
  const runChains = opts.runChains ?? runChainsHere;
  // normal geo effects are sampled with the segment ROIs integrated out, then drawn back per draw (posterior-geo.ts)
  // the geo panel's warm-up keeps diagonal metrics until a window has two draws a dimension: 37% fewer gradients
  // for the same posterior (BENCHMARKS.md, session 17); single series keep Stan's dense windows, where the same
  // rule moved the recovery matrix's median error from 9.8% to 11.0% over 148 channels
  const sample: Sampler = async (d, o) => {
    const raw = await runChains(d.geoEffects === "normal" ? geoSpec(d) : posteriorSpec(d), d.geoEffects === "normal" ? { ...o, denseDrawsPerDim: 2 } : o);
    const draws = o.keep !== undefined ? thin(raw, o.keep) : raw.chains.flatMap((c) => c.draws);
    if (d.geoEffects !== "normal") return { raw, draws, data: d, clamped: 0 };
    return { raw, ...expandGeoDraws(d, draws, seededRng((o.seed ?? 1) * 31 + 7)) };
  };
  opts.onProgress?.(0.03, "fast fit done: the sampler starts there");
  const requested = names.map((c) => opts.forms?.[c] ?? { adstock: "auto" as const, saturation: "auto" as const });
  // a large pooled panel screens its forms on the segments with the most media spend, and so does not average over
  // them unless asked (averaging needs every segment screened: on 40 geos, over 21 minutes)
  const biggest = pooling !== "single" ? screenSegments(segments) : null;
  const averaging = opts.formAveraging ?? (biggest ? DEFAULT_PANEL_AVERAGING : DEFAULT_FORM_AVERAGING);
  const screened = averaging === "none" ? biggest : null;
  const screenData = (f: readonly ChannelForm[]): PosteriorData => {
    const d = dataFor(f);
    return screened ? { ...d, segments: screened.map((g) => d.segments[g]!) } : d;
  };
  const picked = await selectForms(names, requested, screenData, (d) => startingPoint(fast, d), {
    seed: opts.seed ?? 1,
    sample,
    averaging,
    onProgress: (f, m) => opts.onProgress?.(0.03 + 0.3 * f, m),
  });
  const { screens } = picked;
  const chains = opts.chains ?? 4;
  const draws = opts.draws ?? DEFAULT_DRAWS;
  const sampled = dataFor(picked.forms);
  const start = startingPoint(fast, sampled);
  const fullRun = async (from: number, to: number, tune: { targetAccept?: number; warmup?: number } = {}) => {
    const warmup = tune.warmup ?? opts.warmup ?? DEFAULT_WARMUP;
    const run = await sample(sampled, {
      keep: opts.storedDraws ?? 1000,
      chains,
      warmup,
      draws,
      seed: opts.seed ?? 1,
      maxTreeDepth: MAX_TREE_DEPTH,
      targetAccept: tune.targetAccept ?? opts.targetAccept ?? 0.8,
      start,
      jitter: 0.3,
      onProgress: (f, m) => opts.onProgress?.(from + (to - from) * f, m),
    });
    const sampledNames = sampled.geoEffects === "normal" ? geoLayout(sampled).names : paramLayout(run.data).names;
    const diagnostics = withClamped(summarise(run.raw, sampledNames, warmup, draws, MAX_TREE_DEPTH), run.clamped, run.draws.length);
    return { ...run, diagnostics };
  };
  const { chosen } = picked;
  const selection =
    picked.selection && screened
      ? {
          ...picked.selection,
          criterion: `${picked.selection.criterion}; the short runs used the ${screened.length} of ${G} segments with the most media spend (${screened.map((g) => layout.segments[g]!.name).join(", ")}), as the forms are shared by all`,
        }
      : picked.selection;
  let full = await fullRun(selection ? 0.33 : 0.05, 0.9);
  // a full run that did not converge (a Weibull carry-over whose chains disagree, with hundreds of divergences on
  // 2 of 64 matrix fits): run it again as Stan's users would, with smaller steps (target acceptance 0.95) and twice
  // the warm-up, and keep whichever converged better, saying so. (Falling back to geometric carry-over instead gave
  // converged posteriors 40-90% off on the delayed-peak family.)
  const fails = (d: SamplerDiagnostics) => d.maxRhat > RETRY_RHAT || d.divergences > 0.01 * chains * draws;
  if (opts.targetAccept === undefined && fails(full.diagnostics)) {
    const was = full.diagnostics;
    const said = `the full run did not converge (max R-hat ${was.maxRhat.toFixed(3)}, ${was.divergences} divergences)`;
    opts.onProgress?.(0.9, `${said}: sampling again with smaller steps`);
    const again = await fullRun(0.9, 0.97, { targetAccept: 0.95, warmup: 2 * (opts.warmup ?? DEFAULT_WARMUP) });
    const better = again.diagnostics.maxRhat < was.maxRhat;
    if (better) full = again;
    full = {
      ...full,
      diagnostics: {
        ...full.diagnostics,
        warnings: [
          `${said[0]!.toUpperCase()}${said.slice(1)} at target acceptance 0.8; it was sampled again at 0.95 with twice the warm-up (max R-hat ${again.diagnostics.maxRhat.toFixed(3)}, ${again.diagnostics.divergences} divergences), and the ${better ? "second" : "first"} run is reported.`,
          ...full.diagnostics.warnings,
        ],
      },
    };
  }
  const { draws: kept, data, diagnostics } = full;
  const lay = paramLayout(data);
  const level = 1 - (opts.alpha ?? 0.1);
  const mix = averaging !== "none";
  const models = prepared.map((p, g) => {
    const m = {
      ...report(data, lay, kept, g, p, level, frequency, sampled.geoEffects === "normal" ? "partial-normal" : pooling, diagnostics, opts.seed ?? 1),
      ...(selection && { formSelection: selection }),
    };
    const inScreens = screened ? screened.indexOf(g) : g;
    return selection ? averageOverForms(m, g, inScreens < 0 ? null : inScreens, screens, { ...chosen, data, draws: kept, weight: 0 }, level, mix) : m;
  });
  opts.onProgress?.(1, "posterior summarised");
  return { segments: models.map((model, g) => ({ name: layout.segments[g]!.name, model })), diagnostics };
}

/**
 * Segments the form screens run on, for a pooled panel of more than SCREEN_SEGMENTS: those with the largest total
 * media spend over the fitting rows (where the data say most about the curves), in their order; null for a smaller
 * panel. Each screen is a short NUTS run whose cost grows with the segments; on the 40-geo panel, screening every
 * geo had not finished after 21 minutes.
 */
export function screenSegments(segments: readonly SegmentData[]): number[] | null {
  if (segments.length <= SCREEN_SEGMENTS) return null;
  const spend = segments.map((g, i) => ({ i, total: g.total.reduce((a, v) => a + v, 0) }));
  return spend
    .sort((a, b) => b.total - a.total || a.i - b.i)
    .slice(0, SCREEN_SEGMENTS)
    .map((x) => x.i)
    .sort((a, b) => a - b);
}
/** At most this many segments in the form screens of a pooled panel (screenSegments). */
export const SCREEN_SEGMENTS = 4;

/** Says in words how many geo ROI draws a normal geo distribution put at or below zero (kept just above it). */
function withClamped(d: SamplerDiagnostics, clamped: number, draws: number): SamplerDiagnostics {
  if (clamped === 0) return d;
  return {
    ...d,
    warnings: [
      ...d.warnings,
      `${clamped} segment-ROI draw(s) over ${draws} posterior draws fell at or below zero under the normal geo distribution and are reported as just above zero; with many, fit geoEffects "log-normal", which keeps every segment's ROI positive.`,
    ],
  };
}

/** One segment's rows, baseline design (columns constant over its fitting rows dropped) and spend scales. */
function segmentData(
  input: MmmInput,
  names: readonly string[],
  g: { name: string; from: number; to: number; holdout: number },
  frequency: "D" | "W",
  opts: BayesOptions,
): PreparedSegment {
  const n = g.to - g.from;
  const fit = n - g.holdout;
  const dates = input.dates.slice(g.from, g.to);
  const controls = Object.fromEntries(Object.entries(input.controls ?? {}).map(([k, v]) => [k, v.slice(g.from, g.to)]));
  // a trend that may bend every half year: slow drifts a straight line misses leave smooth residuals that make
  // intervals overconfident (a concave trend biased a sparse channel 13% with an interval that missed it)
  const changepoints = opts.trend === "linear" ? [] : trendChangepoints(dates, fit, opts.trendChangeEvery ?? 182);
  const b = baselineFeatures(dates, frequency, opts.yearlyOrder ?? 2, controls, opts.seasonality ?? "additive", changepoints);
  const columns: Float64Array[] = [new Float64Array(n).fill(1)];
  const columnNames = ["intercept"];
  const groups: PreparedSegment["groups"][number][] = ["intercept"];
  b.columns.forEach((c, j) => {
    const first = c[0]!;
    let constant = true;
    for (let t = 1; t < fit; t++) if (c[t] !== first) constant = false;
    if (constant) return; // e.g. an event that never happens in the fitting rows: nothing to estimate
    columns.push(c);
    columnNames.push(b.names[j]!);
    groups.push(b.groups[j]!);
  });
  if (fit < 3 * (columns.length + 3 * names.length))
    throw new ModelFitError(
      `${g.name ? `${g.name}: ` : ""}need at least ${3 * (columns.length + 3 * names.length)} periods to fit ${names.length} channels and ${columns.length} baseline terms; got ${fit}.`,
    );
  const spend = names.map((c) => Float64Array.from(input.channels[c]!.slice(g.from, g.to)));
  const total = spend.map((s) => s.subarray(0, fit).reduce((a, v) => a + v, 0));
  const scale = spend.map((s) => {
    let sum = 0;
    let k = 0;
    for (let t = 0; t < fit; t++) if (s[t]! > 0) (sum += s[t]!), k++;
    return k > 0 ? sum / k : 1;
  });
  const target = input.target.slice(g.from, g.to);
  const y = Float64Array.from(target.slice(0, fit));
  const { mean: my, sd: sy } = moments(y);
  // weakly informative: the intercept within about its own size of the target's mean; any other term moving the
  // target by up to ~2 SDs per SD of the term; σ below the target's SD
  const mean = columns.map((_, j) => (j === 0 ? my : 0));
  const sd = columns.map((c, j) => (j === 0 ? Math.max(Math.abs(my), sy) : (2 * sy) / Math.max(moments(c.subarray(0, fit)).sd, 1e-12)));
  const baseline = baselinePrior(columns, fit, mean, sd);
  if (baseline.lambda.some((l) => !(l > 1e-9 * Math.max(...baseline.lambda))))
    throw new ModelFitError(`${g.name ? `${g.name}: ` : ""}the baseline terms (trend, seasonality, controls) are collinear; drop a control.`);
  const data: SegmentData = { name: g.name, n, fit, y, baseline, sigmaScale: sy, spend, scale, total };
  return { data, dates, target, columns, columnNames, groups };
}

/**
 * Default ROI prior: log-normal with its median where all channels together would bring 20% of the target (ROI =
 * 0.2 · Σ target / Σ spend over the fitting rows) and spread 2, so 90% of its mass lies within a factor of 27 either
 * way. Scaled to the data because ROI's units are the target's per currency unit: a fixed prior such as Meridian's
 * LogNormal(0.2, 0.9) assumes revenue and pulls a channel whose true ROI is 4 (PyMC-Marketing's example) toward 1.2.
 */
export function defaultRoiPrior(segments: readonly SegmentData[]): RoiPrior {
  let y = 0;
  let spend = 0;
  for (const g of segments) {
    for (let t = 0; t < g.fit; t++) y += g.y[t]!;
    spend += g.total.reduce((a, v) => a + v, 0);
  }
  const median = spend > 0 && y > 0 ? (0.2 * y) / spend : DEFAULT_ROI_PRIOR.median;
  return { median, spread: 2 };
}

function moments(x: ArrayLike<number>): { mean: number; sd: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / Math.max(1, x.length - 1)) };
}

/**
 * The fast profile-likelihood fit (geometric + Hill, no bootstrap): where the chains start. Null if it fails.
 * Segments are summed by date first: the chains need a rough start, not the pooled fast fit, whose baseline of
 * every segment's own terms made it the slowest step of a 40-geo panel (35 s of it).
 */
function fastFit(input: MmmInput, lMax: number, opts: BayesOptions): FittedMmm | null {
  try {
    const { lifts: _l, ...rest } = input;
    return fitMmm(input.groups ? totalOverSegments(rest) : input, {
      seed: opts.seed,
      holdout: opts.holdout,
      lMax,
      yearlyOrder: opts.yearlyOrder,
      seasonality: opts.seasonality ?? "additive",
      bootstrap: 0,
      searchSize: 100,
      refineRounds: 3,
    });
  } catch {
    return null; // the sampler starts from the priors' medians instead
  }
}

/** The spread prior's median (half-normal): the segment-to-segment spread of log ROI partial pooling expects. */
const TYPICAL_SPREAD = 0.674 * POOLING_TAU_SCALE;

/**
 * Partial pooling's parameterisation per channel, from how tightly each segment's own data pin its log ROI down at
 * the start: the likelihood alone gives it an SD of about σ / (β · ‖s − s̄‖), s the channel's transformed media.
 * Centred where the median over segments is below the spread the prior expects, non-centred otherwise: strong data
 * make the non-centred form's geometry hard and weak data the centred one's (Betancourt & Girolami 2015). On a
 * 40-geo panel of three years the centred form needed a quarter of the gradient evaluations per draw.
 */
export function centring(d: PosteriorData, q: Float64Array): boolean[] {
  const lay = paramLayout(d);
  return d.channels.map((_, j) => {
    const sds = d.segments.map((seg, g) => {
      const st = channelState(d, lay, q, j, g, false);
      const beta = coefficientOf(seg, j, Math.exp(logRoi(d, lay, q, j, g)), st.sumFit);
      const mean = st.sumFit / seg.fit;
      let ss = 0;
      for (let t = 0; t < seg.fit; t++) ss += (st.s[t]! - mean) ** 2;
      return beta > 0 && ss > 0 ? Math.exp(q[lay.sigmaOffset + g]!) / (beta * Math.sqrt(ss)) : Infinity;
    });
    sds.sort((a, b) => a - b);
    return sds[Math.floor(sds.length / 2)]! < TYPICAL_SPREAD;
  });
}

/** Target and spend summed over segments per date, controls averaged. */
function totalOverSegments(input: MmmInput): MmmInput {
  const dates = [...new Set(input.dates)].sort();
  const at = new Map(dates.map((d, i) => [d, i]));
  const sum = (x: readonly number[]) => {
    const out = new Array<number>(dates.length).fill(0);
    x.forEach((v, r) => {
      const i = at.get(input.dates[r]!)!;
      out[i] = out[i]! + v;
    });
    return out;
  };
  const rows = sum(input.dates.map(() => 1));
  const mean = (x: readonly number[]) => sum(x).map((v, i) => v / rows[i]!);
  const map = (rec: Readonly<Record<string, readonly number[]>>, f: (x: readonly number[]) => number[]) =>
    Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, f(v)]));
  return { dates, target: sum(input.target), channels: map(input.channels, sum), ...(input.controls && { controls: map(input.controls, mean) }) };
}

/**
 * The fast fit mapped onto each channel's forms: alpha as retention, kappa as half-saturation (logistic: lam with
 * the same half-point, ln 3 / kappa), ROI as found.
 */
function startingPoint(fast: FittedMmm | null, d: PosteriorData): Float64Array {
  const geo = d.geoEffects === "normal";
  const lay = geo ? geoLayout(d) : paramLayout(d);
  const q = new Float64Array(lay.dim);
  d.channels.forEach((c, j) => {
    const ch = fast?.channels.find((x) => x.channel === c);
    // the fast fit of a panel ran on the total over segments (fastFit), whose typical spend is about the sum of theirs
    const scale = d.segments.reduce((a, g) => a + g.scale[j]!, 0);
    const alpha = ch ? Math.min(0.9, Math.max(0.05, ch.transform.alpha)) : 0.3;
    const kRel = ch ? Math.min(10, Math.max(0.1, ch.transform.kappa / scale)) : 1;
    const slope = ch ? Math.min(3, Math.max(0.5, ch.transform.slope)) : 1;
    const natural: Record<string, number> = { alpha, theta: 0.5, shape: 1, scale: 2, kappa: kRel, slope, lam: Math.log(3) / kRel };
    const specs = [...lay.adstock[j]!, ...lay.saturation[j]!];
    specs.forEach((p, i) => (q[lay.transformOffset[j]! + i] = toUnconstrained(p, natural[p.name]!)));
    const prior = d.roiPriors[j]!;
    const roi = ch && ch.roi > 0 ? Math.max(ch.roi, prior.median * 0.05) : prior.median;
    if (geo) {
      q[lay.roiOffset + 2 * j] = Math.log(roi);
      q[lay.roiOffset + 2 * j + 1] = Math.log(0.2);
    } else if (d.pooling !== "partial") q[lay.roiOffset + j] = Math.log(roi);
    else {
      const base = lay.roiOffset + j * (2 + d.segments.length);
      q[base] = Math.log(roi);
      q[base + 1] = Math.log(0.1);
      if (d.centred?.[j]) for (let g = 0; g < d.segments.length; g++) q[base + 2 + g] = Math.log(roi);
    }
  });
  // σ from the fast fit's in-sample error where there is one, else half the target's SD
  const rmse = fast ? fast.inSample.nrmse * rangeOf(fast.decomposition.actual.slice(0, fast.fitPeriods)) : NaN;
  d.segments.forEach((g, i) => (q[lay.sigmaOffset + i] = Math.log(Number.isFinite(rmse) && rmse > 0 && d.segments.length === 1 ? rmse : 0.5 * g.sigmaScale)));
  return q;
}

function rangeOf(x: readonly number[]): number {
  return Math.max(...x) - Math.min(...x);
}
