import { metrics, responseCurve } from "./report.ts";
import type { RowLayout } from "./row-layout.ts";
import { saturationDerivative } from "./saturation.ts";
import type { ChannelResult, ChannelTransform, Decomposition, FittedMmm, MmmInput } from "./types.ts";
import { spendRange } from "./observed-spend.ts";
import { unseenShare } from "./unseen-share.ts";

type Interval = { readonly lower: number; readonly upper: number };

/** What the fast fit found, in the fit's row order (fitting rows first): the model's answer is built from it. */
export interface FastFit {
  readonly input: MmmInput;
  readonly names: readonly string[];
  readonly layout: RowLayout;
  readonly base: { readonly names: readonly string[]; readonly groups: readonly string[]; readonly columns: readonly Float64Array[] };
  readonly frequency: "D" | "W";
  readonly lMax: number;
  readonly y: Float64Array;
  readonly fitted: Float64Array;
  /** Intercept, baseline terms, then media coefficients (from mediaOffset). */
  readonly coef: Float64Array;
  readonly mediaOffset: number;
  readonly finalMedia: readonly Float64Array[];
  readonly transforms: readonly ChannelTransform[];
  readonly spendTotals: readonly number[];
  /** Per channel: "current" spend, where mROI is the curve's slope, and the curve's spend grid. */
  readonly current: readonly number[];
  readonly grids: readonly (readonly number[])[];
  /** Per channel: bootstrap intervals of ROI, mROI and the curve at each grid point (null without replicates). */
  readonly intervals: readonly { readonly roi: Interval | null; readonly mroi: Interval | null; readonly curve: readonly Interval[] | null }[];
  readonly warnings: string[];
  readonly search: FittedMmm["search"];
}

/** The fast fit's answer: channels with ROI and intervals, the decomposition in the input's row order, curves. */
export function fastReport(f: FastFit): FittedMmm {
  const { input, names, layout, base, coef, mediaOffset, finalMedia, transforms, spendTotals, lMax } = f;
  const n = input.dates.length;
  const fitPeriods = n - layout.holdoutPeriods;
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
    const roiInterval = f.intervals[j]!.roi;
    return {
      channel,
      spend: spendTotals[j]!,
      contribution: contributions[j]!,
      shareOfSpend: spendTotals[j]! / totalSpend,
      shareOfEffect: totalEffect > 0 ? contributions[j]! / totalEffect : 0,
      roi: spendTotals[j]! > 0 ? contributions[j]! / spendTotals[j]! : 0,
      mroi: beta * saturationDerivative(f.current[j]!, { kind: "hill", slope: transform.slope, kappa: transform.kappa }),
      coefficient: beta,
      transform,
      roiInterval,
      mroiInterval: f.intervals[j]!.mroi,
      coefficientInterval: roiInterval && roiFactor > 0 ? { lower: roiInterval.lower / roiFactor, upper: roiInterval.upper / roiFactor } : null,
      unseenShare: unseenShare(finalMedia[j]!.subarray(0, fitPeriods)),
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
    fitted: unperm(f.fitted),
    actual: input.target,
  };
  const warnings = f.warnings;
  if (layout.segments.length > 1)
    warnings.push(
      `Pooled over ${layout.segments.length} segments (${layout.segments.map((g) => g.name).join(", ")}): one set of transforms and media coefficients, an intercept, trend and seasonality per segment.`,
    );
  // the fitting rows come first in the layout's order (order[k] is the input row of the k-th)
  const fitRows = layout.order.slice(0, fitPeriods);
  const observed = names.map((c) => spendRange(fitRows.map((row) => input.channels[c]![row]!)));
  const curves = channels.map((c, j) => ({ ...responseCurve(c, f.current[j]!, f.grids[j]!, f.intervals[j]!.curve), observedSpend: observed[j]! }));
  channels.forEach((c) => c.coefficient === 0 && warnings.push(`Channel ${c.channel} got no effect (coefficient 0 at the β ≥ 0 bound).`));
  return {
    frequency: f.frequency,
    nobs: n,
    fitPeriods,
    holdoutPeriods: layout.holdoutPeriods,
    inSample: metrics(f.y, f.fitted, 0, fitPeriods),
    holdout: layout.holdoutPeriods > 1 ? metrics(f.y, f.fitted, fitPeriods, n) : null,
    channels,
    baseline: Object.fromEntries([["intercept", coef[0]!], ...base.names.map((nm, j) => [nm, coef[1 + j]!])]),
    decomposition,
    curves,
    search: f.search,
    warnings,
    ...(layout.segments.length === 1 && { spendHistory: Object.fromEntries(names.map((c) => [c, input.channels[c]!.slice(-lMax)])) }),
    method: "fast",
  };
}
