import { seededRng } from "../../data/random.ts";
import { ModelFitError } from "../../errors.ts";
import { blockBootstrap, percentileInterval } from "./bootstrap.ts";
import { FastObjective, type Params } from "./fast-objective.ts";
import { fastReport } from "./fast-report.ts";
import { drawParams, polish, refine } from "./fast-search.ts";
import { curveGrid, inferFrequency } from "./report.ts";
import { currentSpend } from "./response.ts";
import { baselineColumns, rowLayout } from "./row-layout.ts";
import { hillSaturation, saturationDerivative } from "./saturation.ts";
import type { ChannelTransform, FittedMmm, MmmInput, MmmOptions } from "./types.ts";

export type { ChannelResult, MmmOptions } from "./types.ts";

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
    throw new ModelFitError(
      `Need at least ${3 * nParams} periods to fit ${names.length} channels with lMax=${lMax} and ${base.columns.length} baseline terms; got ${fitPeriods}.`,
    );
  }
  const warnings: string[] = [];
  const y = perm(input.target);
  const spend = names.map((c) => perm(input.channels[c]!));
  spend.forEach((s, j) => {
    if (s.every((v) => v === s[0])) warnings.push(`Channel ${names[j]} has constant spend: its effect cannot be separated from the baseline.`);
  });
  const spendTotals = spend.map((s) => s.slice(0, fitPeriods).reduce((a, b) => a + b, 0));
  const meanSpend = spendTotals.map((total) => total / fitPeriods);
  const valShare = opts.validation ?? 0;
  const obj = new FastObjective({ input, names, layout, perm, baseColumns: base.columns, lMax, fitPeriods, meanSpend, validation: valShare });
  warnings.push(...collinearWithBaseline(obj, names, spend, fitPeriods));

  const rng = seededRng(opts.seed ?? 1);
  const fixed = (j: number): Params | undefined => {
    const t = opts.transforms?.[names[j]!];
    return t && { alpha: t.alpha, slope: t.slope, kappaRel: t.kappa / Math.max(meanSpend[j]!, 1e-9) };
  };
  const allFixed = names.every((_, j) => fixed(j) !== undefined);

  // The search: seeded random candidates, then coordinate refinement, then Levenberg-Marquardt (fast-search.ts)
  const data = obj.targetOf(y);
  let best: readonly Params[] = names.map((_, j) => fixed(j) ?? { alpha: 0.3, kappaRel: 1, slope: 1 });
  obj.calibrateLifts(best, y);
  let bestScore = obj.score(best, data);
  for (let s = 0; s < (allFixed ? 0 : (opts.searchSize ?? 200)); s++) {
    const cand = names.map((_, j) => fixed(j) ?? drawParams(rng));
    const sc = obj.score(cand, data);
    if (sc < bestScore) {
      bestScore = sc;
      best = cand;
    }
  }
  const scoredOn = valShare > 0 ? "validation split" : "fitting window";
  opts.onProgress?.(0.3, `random search done: RMSE on the ${scoredOn} ${bestScore.toPrecision(4)}`);
  const rounds = allFixed ? 0 : (opts.refineRounds ?? 4);
  ({ best, score: bestScore } = refine(obj, fixed, best, bestScore, rounds, data, (round) =>
    opts.onProgress?.(0.3 + (0.3 * round) / rounds, `refining transforms, round ${round + 1} of ${rounds}`),
  ));
  ({ best, score: bestScore } = polish(obj, fixed, best, bestScore, data, fitPeriods, opts.polishIterations ?? 30));
  const searchEvaluations = obj.evaluations;

  // Final fit on the whole fitting window.
  obj.use(best);
  const cols = [obj.intercept, ...base.columns, ...obj.mediaCols];
  const coef = obj.fitTo(fitPeriods, cols, y);
  const fitted = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < cols.length; j++) fitted[i]! += coef[j]! * cols[j]![i]!;
  const transforms = names.map((_, j): ChannelTransform => ({ alpha: best[j]!.alpha, lMax, slope: best[j]!.slope, kappa: obj.kappaOf(j, best[j]!) }));
  const finalMedia = [...obj.mediaCols];
  // current spend: each series' last 28 days (averaged over segments when pooled); mROI is the slope there
  const current = names.map(
    (c) => layout.segments.reduce((a, g) => a + currentSpend(input.channels[c]!.slice(g.from, g.to), frequency), 0) / layout.segments.length,
  );
  const grids = transforms.map((t, j) => curveGrid(t.kappa, Math.max(meanSpend[j]!, current[j]!), spend[j]!));

  // Intervals: each bootstrap replicate refits the media coefficients and, unless `bootstrapSearch` is 0, searches
  // the transforms again from the fitted ones, so ROI, mROI and curves carry the transforms' uncertainty too.
  const level = 1 - (opts.alpha ?? 0.1);
  const replicates = opts.bootstrap ?? 200;
  const bootRounds = allFixed ? 0 : (opts.bootstrapSearch ?? 1);
  const draws = names.map((_, j) => ({
    roi: new Float64Array(replicates),
    mroi: new Float64Array(replicates),
    curve: grids[j]!.map(() => new Float64Array(replicates)),
  }));
  blockBootstrap({
    fitted: fitted.subarray(0, fitPeriods),
    y: y.subarray(0, fitPeriods),
    replicates,
    blockLength: 2 * lMax,
    seed: opts.seed ?? 1,
    // fitted residuals are smaller than the noise by the parameters spent on them (Davison & Hinkley 1997, §6.2)
    inflate: Math.sqrt(fitPeriods / (fitPeriods - nParams)),
    onReplicate: (ystar, r) => {
      const tg = obj.targetOf(ystar);
      const ps = bootRounds > 0 ? refine(obj, fixed, best, obj.score(best, tg), bootRounds, tg).best : best;
      const b = obj.mediaCoefficients(ps, tg, fitPeriods);
      ps.forEach((p, j) => {
        const sat = { kind: "hill" as const, slope: p.slope, kappa: obj.kappaOf(j, p) };
        let sum = 0;
        for (let i = 0; i < fitPeriods; i++) sum += obj.mediaCols[j]![i]!;
        draws[j]!.roi[r] = spendTotals[j]! > 0 ? (b[j]! * sum) / spendTotals[j]! : 0;
        draws[j]!.mroi[r] = b[j]! * saturationDerivative(current[j]!, sat);
        grids[j]!.forEach((s, k) => (draws[j]!.curve[k]![r] = b[j]! * hillSaturation(s, sat)));
      });
      if (r % 20 === 19) opts.onProgress?.(0.6 + (0.4 * (r + 1)) / replicates, `bootstrap intervals: ${r + 1} of ${replicates}`);
    },
  });
  opts.onProgress?.(1, "bootstrap intervals done");
  const interval = (d: Float64Array) => (replicates > 0 ? percentileInterval(d, level) : null);
  return fastReport({
    input,
    names,
    layout,
    base,
    frequency,
    lMax,
    y,
    fitted,
    coef,
    mediaOffset: obj.mediaOffset,
    finalMedia,
    transforms,
    spendTotals,
    current,
    grids,
    intervals: draws.map((d) => ({
      roi: interval(d.roi),
      mroi: interval(d.mroi),
      curve: replicates > 0 ? d.curve.map((c) => percentileInterval(c, level)) : null,
    })),
    warnings,
    search: {
      algorithm: `seeded random search + cyclic coordinate refinement + Levenberg-Marquardt${obj.projector ? "" : " (skipped: no baseline projection)"} of ${valShare > 0 ? "the RMSE on a time-ordered validation split" : "the in-sample profile likelihood"}`,
      evaluations: searchEvaluations,
      score: { rmse: bestScore, on: scoredOn },
      seed: opts.seed ?? 1,
    },
  });
}

/**
 * A channel whose spend the baseline terms mostly explain (email sent on fixed weekdays: the day-of-week terms)
 * has an effect the fit cannot tell from them, however wide or narrow its interval. Needs the projector.
 */
function collinearWithBaseline(obj: FastObjective, names: readonly string[], spend: readonly Float64Array[], fitPeriods: number): string[] {
  const projector = obj.projector;
  if (!projector) return [];
  return spend.flatMap((s, j) => {
    const own = s.subarray(0, fitPeriods);
    const mean = own.reduce((a, b) => a + b, 0) / fitPeriods;
    const total = own.reduce((a, v) => a + (v - mean) ** 2, 0);
    const left = projector(own).reduce((a, v) => a + v * v, 0);
    const explained = total > 0 ? 1 - left / total : 0;
    return explained > 0.7
      ? [
          `Channel ${names[j]}: ${(100 * explained).toFixed(0)}% of its spend's variation follows the trend, day-of-week and seasonal terms, so its effect can hardly be told from theirs; its ROI is unreliable (a lift test would pin it).`,
        ]
      : [];
  });
}
