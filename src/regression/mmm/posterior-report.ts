import { quantileSorted } from "../../data/quantile.ts";
import { convergence } from "../../mcmc/diagnostics.ts";
import type { NutsResult } from "../../mcmc/nuts.ts";
import { adstock } from "./adstock.ts";
import { baselineLogLik, baselineMean } from "./baseline-prior.ts";
import { intervalOfSorted } from "./bootstrap.ts";
import type { PreparedSegment, SegmentData } from "./posterior-model.ts";
import type { CurveDraws, ParameterSummary, SamplerDiagnostics } from "./types.ts";
import { adstockSpec, saturationSpec, saturationWithGradient, toNatural } from "./forms.ts";
import { channelState, coefficientOf, logRoi, type ParamLayout, type PosteriorData } from "./posterior-model.ts";
import { curveGrid, metrics } from "./report.ts";
import { currentSpend } from "./response.ts";
import { saturate, saturationDerivative } from "./saturation.ts";
import type { ChannelResult, Decomposition, FittedMmm, ResponseCurve } from "./types.ts";
import { spendRange } from "./observed-spend.ts";
import { unseenShare } from "./unseen-share.ts";

// What a Bayesian fit reports: the sampler's diagnostics, and each segment's model summarised from the draws.

export function summarise(r: NutsResult, names: readonly string[], warmup: number, draws: number, maxTreeDepth: number): SamplerDiagnostics {
  const chains = r.chains.length;
  const parameters = names.map((name, i): ParameterSummary => {
    const per = r.chains.map((c) => Float64Array.from(c.draws, (d) => d[i]!));
    const all = per.flatMap((c) => Array.from(c));
    const mean = all.reduce((a, v) => a + v, 0) / all.length;
    const sd = Math.sqrt(all.reduce((a, v) => a + (v - mean) ** 2, 0) / Math.max(1, all.length - 1));
    return { name, mean, sd, ...convergence(per) };
  });
  const divergences = r.chains.reduce((a, c) => a + c.divergent.reduce((s, v) => s + v, 0), 0);
  const maxTreeDepthHits = r.chains.reduce((a, c) => a + c.treeDepth.reduce((s, v) => s + (v >= maxTreeDepth ? 1 : 0), 0), 0);
  const maxRhat = Math.max(...parameters.map((p) => (Number.isFinite(p.rhat) ? p.rhat : 1)));
  const minEssBulk = Math.min(...parameters.map((p) => (Number.isFinite(p.essBulk) ? p.essBulk : Infinity)));
  const warnings: string[] = [];
  const bad = parameters.filter((p) => p.rhat > 1.01);
  if (bad.length > 0)
    warnings.push(
      `R-hat above 1.01 for ${bad.map((p) => `${p.name} (${p.rhat.toFixed(3)})`).join(", ")}: the chains disagree, so these numbers are not yet reliable; raise warmup and draws, or give a tighter prior.`,
    );
  const low = parameters.filter((p) => p.essBulk < 100 * chains);
  if (low.length > 0)
    warnings.push(
      `Effective sample size below ${100 * chains} for ${low.map((p) => `${p.name} (${p.essBulk.toFixed(0)})`).join(", ")}: intervals of what depends on them are rough; raise draws.`,
    );
  if (divergences > 0)
    warnings.push(
      `${divergences} divergent transition(s) after warm-up: the sampler could not follow parts of the posterior, which may bias it; raise targetAccept (e.g. 0.95) or simplify the forms.`,
    );
  if (maxTreeDepthHits > 0)
    warnings.push(
      `${maxTreeDepthHits} draw(s) hit the maximum tree depth (${maxTreeDepth}): the posterior is hard to traverse (strongly correlated parameters).`,
    );
  return {
    sampler: "NUTS (multinomial, dense metric up to 400 parameters, Stan's windowed adaptation)",
    chains,
    warmup,
    draws,
    divergences,
    maxTreeDepthHits,
    stepSize: r.chains.map((c) => c.stepSize),
    gradientEvaluations: r.chains.reduce((a, c) => a + c.gradientEvaluations, 0),
    maxRhat,
    minEssBulk,
    parameters,
    warnings,
  };
}

/** Draws of all chains, thinned evenly to at most `cap`. */
export function thin(r: NutsResult, cap: number): Float64Array[] {
  const all = r.chains.flatMap((c) => c.draws);
  if (all.length <= cap) return all;
  const step = all.length / cap;
  return Array.from({ length: cap }, (_, i) => all[Math.floor(i * step)]!);
}

const sortedOf = (a: ArrayLike<number>) => Float64Array.from(a).sort();

/** "Current" spend per channel of a segment: the last 28 days' (response.ts), where mROI is the curve's slope. */
export function currentSpends(seg: SegmentData, frequency: "D" | "W"): number[] {
  return seg.spend.map((s) => currentSpend(Array.from(s), frequency));
}

/** At one draw q, channel j in segment g: its ROI, mROI at `current` spend, coefficient, media s(t), natural transform parameters. */
export function channelReturn(d: PosteriorData, lay: ParamLayout, q: ArrayLike<number>, j: number, g: number, current: number) {
  const seg = d.segments[g]!;
  const st = channelState(d, lay, q, j, g, false);
  const r = Math.exp(logRoi(d, lay, q, j, g));
  const coefficient = coefficientOf(seg, j, r, st.sumFit);
  const specs = [...lay.adstock[j]!, ...lay.saturation[j]!];
  const natural = specs.map((sp, i) => toNatural(sp, q[lay.transformOffset[j]! + i]!));
  const sc = seg.scale[j]!;
  const mroi = (coefficient * saturationWithGradient(d.forms[j]!.saturation, natural.slice(lay.adstock[j]!.length), current / sc).dz) / sc;
  return { roi: seg.total[j]! > 0 ? r : 0, mroi, coefficient, s: st.s, natural };
}

/** One segment's model from the posterior draws. */
export function report(
  d: PosteriorData,
  lay: ParamLayout,
  kept: readonly Float64Array[],
  g: number,
  p: PreparedSegment,
  level: number,
  frequency: "D" | "W",
  pooling: string,
  diagnostics: SamplerDiagnostics,
  seed: number,
): FittedMmm {
  const seg = d.segments[g]!;
  const C = d.channels.length;
  const D = kept.length;
  const n = seg.n;
  const meanMedia = d.channels.map(() => new Float64Array(n));
  const roi = d.channels.map(() => new Float64Array(D));
  const mroi = d.channels.map(() => new Float64Array(D));
  const coefficient = d.channels.map(() => new Float64Array(D));
  const meanSpend = d.channels.map((_, j) => seg.total[j]! / seg.fit);
  const current = currentSpends(seg, frequency);
  const grids = d.channels.map((_, j) => curveGrid(seg.scale[j]!, Math.max(meanSpend[j]!, current[j]!), seg.spend[j]!));
  const curves = d.channels.map((_, j) => grids[j]!.map(() => new Float64Array(D)));
  const naturalDraws = d.channels.map((_, j) => [...lay.adstock[j]!, ...lay.saturation[j]!].map(() => new Float64Array(D)));
  kept.forEach((q, k) => {
    for (let j = 0; j < C; j++) {
      const r = channelReturn(d, lay, q, j, g, current[j]!);
      roi[j]![k] = r.roi;
      mroi[j]![k] = r.mroi;
      coefficient[j]![k] = r.coefficient;
      for (let t = 0; t < n; t++) meanMedia[j]![t]! += (r.coefficient * r.s[t]!) / D;
      r.natural.forEach((x, i) => (naturalDraws[j]![i]![k] = x));
      const vS = r.natural.slice(lay.adstock[j]!.length);
      const sc = seg.scale[j]!;
      grids[j]!.forEach((s, i) => (curves[j]![i]![k] = r.coefficient * saturationWithGradient(d.forms[j]!.saturation, vS, s / sc).s));
    }
  });
  // the baseline: the posterior mean of γ, averaging its conditional mean given each draw
  const gamma = new Float64Array(seg.baseline.k);
  const w = new Float64Array(seg.baseline.k);
  kept.forEach((q) => {
    const e = Float64Array.from(seg.y, (y, t) => y - seg.baseline.offset[t]!);
    for (let j = 0; j < C; j++) {
      const st = channelState(d, lay, q, j, g, false);
      const b = coefficientOf(seg, j, Math.exp(logRoi(d, lay, q, j, g)), st.sumFit);
      for (let t = 0; t < seg.fit; t++) e[t]! -= b * st.s[t]!;
    }
    baselineLogLik(seg.baseline, e, Math.exp(2 * q[lay.sigmaOffset + g]!), null, w);
    baselineMean(seg.baseline, w).forEach((v, i) => (gamma[i]! += v / D));
  });
  const part = (group: string) => Array.from({ length: n }, (_, t) => p.columns.reduce((a, c, i) => a + (p.groups[i] === group ? gamma[i]! * c[t]! : 0), 0));
  const fitted = Array.from({ length: n }, (_, t) => p.columns.reduce((a, c, i) => a + gamma[i]! * c[t]!, 0) + meanMedia.reduce((a, m) => a + m[t]!, 0));
  const median = (a: Float64Array) => quantileSorted(sortedOf(a), 0.5);
  const contributions = meanMedia.map((m) => m.subarray(0, seg.fit).reduce((a, v) => a + v, 0));
  const totalSpend = seg.total.reduce((a, v) => a + v, 0);
  const totalEffect = contributions.reduce((a, v) => a + v, 0);
  // each channel's carried-over spend over the fitting rows at its fitted adstock: the unseen share and the always-on
  // warning both read it
  const carried: number[][] = [];
  const channels = d.channels.map((channel, j): ChannelResult => {
    const specs = [...lay.adstock[j]!, ...lay.saturation[j]!];
    const v = specs.map((_, i) => median(naturalDraws[j]![i]!));
    const na = lay.adstock[j]!.length;
    const ad = adstockSpec(d.forms[j]!.adstock, v.slice(0, na), d.lMax);
    carried[j] = adstock(Array.from(seg.spend[j]!.subarray(0, seg.fit)), ad);
    const sat = saturationSpec(d.forms[j]!.saturation, v.slice(na), seg.scale[j]!);
    const roiSorted = sortedOf(roi[j]!);
    const roiInterval = intervalOfSorted(roiSorted, level);
    const beta = median(coefficient[j]!);
    // the fitted ROI per unit of coefficient, so the ROI interval maps onto a coefficient interval
    const factor = roiSorted.length > 0 && beta > 0 ? quantileSorted(roiSorted, 0.5) / beta : 0;
    return {
      channel,
      spend: seg.total[j]!,
      contribution: contributions[j]!,
      shareOfSpend: totalSpend > 0 ? seg.total[j]! / totalSpend : 0,
      shareOfEffect: totalEffect > 0 ? contributions[j]! / totalEffect : 0,
      roi: quantileSorted(roiSorted, 0.5),
      mroi: median(mroi[j]!),
      coefficient: beta,
      transform: legacyTransform(ad, sat),
      roiInterval,
      mroiInterval: intervalOfSorted(sortedOf(mroi[j]!), level),
      coefficientInterval: factor > 0 ? { lower: roiInterval.lower / factor, upper: roiInterval.upper / factor } : null,
      unseenShare: unseenShare(carried[j]!.map((a) => saturate(a, sat))),
      form: d.forms[j]!,
      adstock: ad,
      saturation: sat,
    };
  });
  const curveOut = channels.map((c, j): ResponseCurve => {
    const bands = curves[j]!.map((a) => sortedOf(a));
    return {
      channel: c.channel,
      form: c.saturation.kind,
      coefficient: c.coefficient,
      slope: c.transform.slope,
      kappa: c.transform.kappa,
      adstock: c.adstock,
      saturation: c.saturation,
      currentSpend: current[j]!,
      observedSpend: spendRange(seg.spend[j]!.subarray(0, seg.fit)),
      spend: grids[j]!,
      response: bands.map((s) => quantileSorted(s, 0.5)),
      marginal: grids[j]!.map((s) => c.coefficient * saturationDerivative(s, c.saturation)),
      responseLower: bands.map((s) => quantileSorted(s, (1 - level) / 2)),
      responseUpper: bands.map((s) => quantileSorted(s, (1 + level) / 2)),
    };
  });
  const decomposition: Decomposition = {
    dates: p.dates,
    baseline: new Array<number>(n).fill(gamma[0]!),
    trend: part("trend"),
    seasonality: part("seasonality"),
    controls: part("control"),
    channels: Object.fromEntries(d.channels.map((c, j) => [c, Array.from(meanMedia[j]!)])),
    fitted,
    actual: p.target,
  };
  const warnings = [...diagnostics.warnings];
  if (pooling === "partial-normal")
    warnings.push(
      `Partially pooled over ${d.segments.length} segments: each channel's ROI per segment is drawn from a shared normal whose mean and spread the data set, integrated out while sampling and drawn back exactly.`,
    );
  if (pooling === "partial")
    warnings.push(
      `Partially pooled over ${d.segments.length} segments: each channel's log ROI per segment is drawn from a shared normal whose spread the data set.`,
    );
  if (pooling === "full")
    warnings.push(`Pooled over ${d.segments.length} segments: one ROI per channel shared by all, transforms shared; baseline per segment.`);
  // a channel whose carried-over spend is never near zero: its ROI rests on the curve's assumed shape below the
  // lowest level seen, and the warning says how much of its contribution that is
  channels.forEach((c, j) => {
    const low = carried[j]!.reduce((n, v) => n + (v < 0.2 * seg.scale[j]! ? 1 : 0), 0) / seg.fit;
    if (seg.total[j]! > 0 && low < 0.05)
      warnings.push(
        `Channel ${c.channel} is almost never off (carried-over spend below a fifth of its typical level in ${(100 * low).toFixed(0)}% of periods): ${(100 * c.unseenShare!).toFixed(0)}% of its modelled contribution is what the curve gives at the lowest carried-over spend seen, where the data show nothing below, so its ROI depends on the form (${c.form.saturation}); on simulated data these were the ROIs most often missed. A lift test or a pause in spend would pin it.`,
      );
  });
  return {
    frequency,
    nobs: n,
    fitPeriods: seg.fit,
    holdoutPeriods: n - seg.fit,
    inSample: metrics(p.target, fitted, 0, seg.fit),
    holdout: n - seg.fit > 1 ? metrics(p.target, fitted, seg.fit, n) : null,
    channels,
    baseline: Object.fromEntries(p.columnNames.map((nm, i) => [nm, gamma[i]!])),
    decomposition,
    curves: curveOut,
    search: {
      algorithm: diagnostics.sampler,
      evaluations: diagnostics.gradientEvaluations,
      score: { rmse: rmse(p.target, fitted, seg.fit), on: "fitting window" },
      seed,
    },
    warnings,
    spendHistory: Object.fromEntries(d.channels.map((c, j) => [c, Array.from(seg.spend[j]!.subarray(Math.max(0, seg.n - d.lMax)))])),
    method: "bayes",
    diagnostics,
    posterior: d.channels.map((channel, j): CurveDraws => {
      const specs = [...lay.adstock[j]!, ...lay.saturation[j]!];
      const na = lay.adstock[j]!.length;
      const sc = seg.scale[j]!;
      return {
        channel,
        coefficient: Array.from(coefficient[j]!),
        roi: Array.from(roi[j]!),
        adstock: Object.fromEntries(specs.slice(0, na).map((sp, i) => [sp.name, Array.from(naturalDraws[j]![i]!)])),
        saturation: Object.fromEntries(
          specs.slice(na).map((sp, i) => {
            const raw = naturalDraws[j]![na + i]!;
            // kappa is relative to the scale, lam per unit of it: both back to spend units
            return [sp.name, Array.from(raw, (x) => (sp.name === "kappa" ? x * sc : sp.name === "lam" ? x / sc : x))];
          }),
        ),
      };
    }),
  };
}

/** alpha / slope / kappa as the fast fit reports them, where the forms have them (0 or NaN-free stand-ins otherwise). */
function legacyTransform(ad: ReturnType<typeof adstockSpec>, sat: ReturnType<typeof saturationSpec>): ChannelResult["transform"] {
  const alpha = ad.kind === "geometric" || ad.kind === "delayed" ? ad.alpha : 0;
  const slope = sat.kind === "hill" ? sat.slope : 1;
  const kappa = sat.kind === "hill" ? sat.kappa : sat.kind === "michaelis-menten" ? sat.lam : Math.log(3) / sat.lam;
  return { alpha, lMax: ad.lMax, slope, kappa };
}

function rmse(y: readonly number[], fit: readonly number[], to: number): number {
  let ss = 0;
  for (let t = 0; t < to; t++) ss += (y[t]! - fit[t]!) ** 2;
  return Math.sqrt(ss / to);
}
