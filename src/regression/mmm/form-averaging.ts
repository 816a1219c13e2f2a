import { quantileSorted, weightedQuantile } from "../../data/quantile.ts";
import { intervalOfSorted } from "./bootstrap.ts";
import type { CandidateScore, Screen } from "./form-selection.ts";
import { paramLayout } from "./posterior-model.ts";
import { channelReturn, currentSpends } from "./posterior-report.ts";
import type { ChannelResult, FittedMmm } from "./types.ts";

/** Below this averaging weight a candidate's draws are left out of the average (they would move no quantile). */
const MIN_WEIGHT = 0.01;

/**
 * ROI and mROI of segment g averaged over the screened forms by their weights (pseudo-BMA+ or stacking): a weighted
 * mixture of each candidate's draws (each draw weighs its candidate's weight over its number of draws), with the
 * chosen forms' full run (`chosen`) in place of its short one, when `mix`. The model's other numbers stay the
 * chosen forms'. Each candidate's own ROI median and interval go into the form selection either way, so the answer
 * shows what the choice moves.
 */
export function averageOverForms(
  model: FittedMmm,
  g: number,
  screenG: number | null,
  screens: readonly Screen[],
  chosen: Screen,
  level: number,
  mix: boolean,
): FittedMmm {
  const sel = model.formSelection;
  if (!sel) return model;
  // the screens ran on some of the segments (a large panel) and not on this one: no candidate ROIs to show
  if (screenG === null) return model;
  const runs = screens.map((s) => (s.adstock === chosen.adstock && s.saturation === chosen.saturation ? { ...chosen, weight: s.weight } : s));
  // ROI and mROI per draw of each run; the chosen run's ROI draws are the report's own (its stored posterior), and
  // mROI is needed only for the mixture
  const perRun = runs.map((run) => {
    const lay = paramLayout(run.data);
    const full = run.draws === chosen.draws;
    const own = full ? model.posterior : undefined;
    // segment g of the full model is segment screenG of a screen (the same unless the screens ran on a subset)
    const at = full ? g : screenG;
    const current = currentSpends(run.data.segments[at]!, model.frequency);
    return run.data.channels.map((_, j) => {
      const stored = own?.[j]?.roi;
      const roi = stored ? Float64Array.from(stored) : new Float64Array(run.draws.length);
      const mroi = new Float64Array(mix ? run.draws.length : 0);
      if (!stored || mix)
        run.draws.forEach((q, k) => {
          const r = channelReturn(run.data, lay, q, j, at, current[j]!);
          if (!stored) roi[k] = r.roi;
          if (mix) mroi[k] = r.mroi;
        });
      return { roi, mroi };
    });
  });
  const lo = (1 - level) / 2;
  const hi = (1 + level) / 2;
  const candidates = sel.candidates.map((c): CandidateScore => {
    const i = runs.findIndex((r) => r.adstock === c.adstock && r.saturation === c.saturation);
    const roi = model.channels.map((ch, j) => {
      // as the report summarises its own draws
      const sorted = Float64Array.from(perRun[i]![j]!.roi).sort();
      return { channel: ch.channel, roi: quantileSorted(sorted, 0.5), ...intervalOfSorted(sorted, level) };
    });
    return { ...c, roi };
  });
  const used = runs.map((r, i) => ({ r, i })).filter(({ r }) => r.weight >= MIN_WEIGHT);
  // not asked to, or nothing to average: one candidate carries (almost) all the weight, or none converged
  if (!mix || used.length < 2) return { ...model, formSelection: { ...sel, candidates } };
  const total = used.reduce((a, { r }) => a + r.weight, 0);
  const mixture = (j: number, what: "roi" | "mroi") => {
    const values = used.flatMap(({ i }) => Array.from(perRun[i]![j]![what]));
    const weights = used.flatMap(({ r }) => r.draws.map(() => r.weight / total / r.draws.length));
    const q = (p: number) => weightedQuantile(values, weights, p);
    return { median: q(0.5), interval: { lower: q(lo), upper: q(hi) } };
  };
  const channels = model.channels.map((c, j): ChannelResult => {
    const roi = mixture(j, "roi");
    const mroi = mixture(j, "mroi");
    return { ...c, roi: roi.median, roiInterval: roi.interval, mroi: mroi.median, mroiInterval: mroi.interval };
  });
  return { ...model, channels, formSelection: { ...sel, candidates } };
}
