import { pairedDifference } from "../../data/paired-difference.ts";
import { convergence } from "../../mcmc/diagnostics.ts";
import type { NutsOptions, NutsResult } from "../../mcmc/nuts.ts";
import { psisLoo } from "../../mcmc/psis.ts";
import { seededRng } from "../../data/random.ts";
import { pseudoBmaPlusWeights, stackingWeights } from "../../mcmc/stacking.ts";
import { SATURATION_FORMS, type AdstockForm, type SaturationForm } from "./forms.ts";
import { paramLayout, pointwiseLogLik, type ChannelForm, type PosteriorData } from "./posterior-model.ts";

/**
 * Draws a model's posterior: `raw` as sampled (all chains), and `draws` (all chains' draws, or `keep` of them
 * thinned evenly) in the layout paramLayout(data) describes: the same unless the segment ROIs were integrated out
 * and are drawn back (posterior-geo.ts).
 */
export type Sampler = (
  d: PosteriorData,
  opts: NutsOptions & { readonly keep?: number },
) => Promise<{ raw: NutsResult; draws: Float64Array[]; data: PosteriorData; clamped: number }>;

/** A channel's requested forms: each fixed, or "auto" to be chosen by the data. */
export interface FormRequest {
  readonly adstock: AdstockForm | "auto";
  readonly saturation: SaturationForm | "auto";
}

export interface CandidateScore {
  /** The forms of the "auto" channels in this candidate. */
  readonly adstock: AdstockForm;
  readonly saturation: SaturationForm;
  /** PSIS-LOO expected log predictive density, its SE, and the difference from the default candidate with its SE. */
  readonly elpd: number;
  readonly se: number;
  readonly elpdDiff: number;
  readonly seDiff: number;
  /** Observations whose Pareto k̂ exceeds 0.7 (their LOO estimate is unreliable). */
  readonly highParetoK: number;
  /** Averaging weight of this candidate (pseudo-BMA+, or stacking when that averages; Yao et al. 2018); 0 when its screen did not converge. */
  readonly weight: number;
  /** Largest R-hat of its short run: above SCREEN_RHAT its draws are not used. */
  readonly maxRhat: number;
  /** Per channel (of this segment), ROI median and interval under this candidate's forms: what the choice moves. */
  readonly roi?: readonly { readonly channel: string; readonly roi: number; readonly lower: number; readonly upper: number }[];
}

/**
 * How ROI and mROI combine the candidates: "stacking" (weights that maximise the mixture's LOO log score),
 * "pseudo-bma+" (elpd weights over a Bayesian bootstrap), or "none" (the chosen forms alone).
 */
export type FormAveraging = "stacking" | "pseudo-bma+" | "none";

const AVERAGED = `so their intervals carry the uncertainty of the choice; the chosen forms' own full run stands in for its short one. Curves, contributions and the stored draws are the chosen forms'.`;
const AVERAGING_TEXT: Record<FormAveraging, string> = {
  stacking: `ROI and mROI are averaged over the candidates by stacking weights (Yao et al. 2018: the weights that maximise the leave-one-out log score of the mixture of their predictive distributions), ${AVERAGED}`,
  "pseudo-bma+": `ROI and mROI are averaged over the candidates by pseudo-BMA+ weights (Yao et al. 2018: exp(elpd_loo) re-weighted by a Bayesian bootstrap over periods), ${AVERAGED}`,
  none: "ROI and mROI are the chosen forms' own, as are the curves and the stored draws; each candidate's pseudo-BMA+ weight (Yao et al. 2018) and its own ROI show how close the choice was and what it moves (formAveraging \"pseudo-bma+\", the default, averages over them).",
};

/** A screened candidate: its model and the draws of its short run, which ROI averaging reuses. */
export interface Screen {
  readonly adstock: AdstockForm;
  readonly saturation: SaturationForm;
  readonly data: PosteriorData;
  readonly draws: readonly Float64Array[];
  readonly weight: number;
}

/** How each channel's forms were chosen by "auto": candidates and their out-of-sample scores. */
export interface FormSelection {
  readonly criterion: string;
  /** Channels whose forms were chosen ("auto"), and what they got. */
  readonly channels: readonly {
    readonly channel: string;
    readonly adstock: AdstockForm;
    readonly saturation: SaturationForm;
    readonly chosen: readonly ("adstock" | "saturation")[];
  }[];
  readonly candidates: readonly CandidateScore[];
  readonly decision: string;
  /** How ROI and mROI combine the candidates. */
  readonly averaging: string;
}

export const DEFAULT_FORM: ChannelForm = { adstock: "geometric", saturation: "hill" };
/**
 * The carry-overs auto compares: a decay (geometric) and a lagged peak (Weibull PDF). Delayed (also a lagged peak)
 * and Weibull CDF (a decay with a shape) stay available on request: each screen of a two-parameter carry-over costs
 * 10-17 s on Robyn's demo, and on the recovery matrix they were chosen only where the truth was geometric.
 */
export const AUTO_ADSTOCKS: readonly AdstockForm[] = ["geometric", "weibull-pdf"];
/** Short runs score the candidates: enough draws for PSIS-LOO (its k̂ says when not). */
const SCREEN = { chains: 2, warmup: 200, draws: 200 };
/** A screen whose chains disagree more than this gets no averaging weight: its draws would not describe its posterior. */
export const SCREEN_RHAT = 1.1;

/**
 * Choose the forms of the "auto" channels by PSIS-LOO (Vehtari, Gelman & Gabry 2017) of short NUTS runs, in two
 * stages over all auto channels together: the saturation family (Hill, logistic, Michaelis-Menten) with geometric
 * adstock, then, with that saturation, the carry-over (geometric or Weibull PDF: AUTO_ADSTOCKS); when a lagged
 * carry-over wins, the saturations are compared again under it. Each stage keeps the simplest form within one standard error of the pointwise elpd difference of a richer one (the
 * one-SE rule): a two-parameter form must earn its place. Why: where spend never goes near zero (an always-on
 * channel), the curve's level, and so the ROI, rests on the form, and a flexible form the data cannot pin gives
 * wide, skewed ROI posteriors (Meridian fixes Hill's slope at 1, PyMC-Marketing defaults to logistic, for the same
 * reason). Channels with fixed forms keep them throughout. Every screened candidate also gets an averaging weight
 * (`run.averaging`), and its draws are returned so ROI can be averaged over the forms (form-averaging.ts).
 */
export async function selectForms(
  channels: readonly string[],
  requested: readonly FormRequest[],
  data: (forms: readonly ChannelForm[]) => PosteriorData,
  start: (d: PosteriorData) => Float64Array,
  run: {
    readonly seed: number;
    readonly sample: Sampler;
    readonly averaging: FormAveraging;
    readonly onProgress?: (fraction: number, message: string) => void;
  },
): Promise<{ forms: ChannelForm[]; selection: FormSelection | null; screens: Screen[]; chosen: ChannelForm }> {
  const auto = requested.map((r) => ({ adstock: r.adstock === "auto", saturation: r.saturation === "auto" }));
  const build = (ad: AdstockForm, sat: SaturationForm): ChannelForm[] =>
    requested.map((r, j) => ({
      adstock: auto[j]!.adstock ? ad : (r.adstock as AdstockForm),
      saturation: auto[j]!.saturation ? sat : (r.saturation as SaturationForm),
    }));
  const anySat = auto.some((a) => a.saturation);
  const anyAd = auto.some((a) => a.adstock);
  if (!anySat && !anyAd) return { forms: build(DEFAULT_FORM.adstock, DEFAULT_FORM.saturation), selection: null, screens: [], chosen: DEFAULT_FORM };
  const plan: [AdstockForm, SaturationForm][] = [];
  // at most: the saturations under geometric, the other carry-overs, then the saturations again under the carry-over
  // chosen; when fewer run, progress jumps ahead rather than going back
  const total = 1 + (anySat ? SATURATION_FORMS.length - 1 : 0) + (anyAd ? AUTO_ADSTOCKS.length - 1 : 0) + (anySat && anyAd ? SATURATION_FORMS.length - 1 : 0);
  let done = 0;
  const cache = new Map<string, { loo: ReturnType<typeof psisLoo>; data: PosteriorData; draws: Float64Array[]; maxRhat: number }>();
  /** Run a candidate's short fit (async); `score` then reads it. */
  const fit = async (ad: AdstockForm, sat: SaturationForm) => {
    const key = `${ad}|${sat}`;
    if (cache.has(key)) return;
    run.onProgress?.(done / total, `comparing forms: ${sat} saturation, ${ad} adstock (${done + 1} of ${total})`);
    const sampled = data(build(ad, sat));
    const { raw, draws, data: d } = await run.sample(sampled, { ...SCREEN, seed: run.seed, start: start(sampled), jitter: 0.3 });
    const lay = paramLayout(d);
    const ll = draws.map((q) => pointwiseLogLik(d, lay, q));
    const rhats = Array.from({ length: raw.dim }, (_, i) => convergence(raw.chains.map((c) => Float64Array.from(c.draws, (x) => x[i]!))).rhat);
    cache.set(key, { loo: psisLoo(ll), data: d, draws, maxRhat: Math.max(1, ...rhats.filter(Number.isFinite)) });
    plan.push([ad, sat]);
    done++;
  };
  const score = (ad: AdstockForm, sat: SaturationForm) => cache.get(`${ad}|${sat}`)!;
  // differences are reported against geometric + Hill, the form the fast fit uses
  await fit(DEFAULT_FORM.adstock, DEFAULT_FORM.saturation);
  const base = score(DEFAULT_FORM.adstock, DEFAULT_FORM.saturation).loo;
  const diff = (a: ReturnType<typeof psisLoo>) => {
    const { mean, sd, n } = pairedDifference(a.pointwise, base.pointwise);
    return { elpdDiff: mean * n, seDiff: sd * Math.sqrt(n) };
  };
  const better = (ad: AdstockForm, sat: SaturationForm, cur: [AdstockForm, SaturationForm]) => {
    const { mean, sd, n } = pairedDifference(score(ad, sat).loo.pointwise, score(...cur).loo.pointwise);
    return mean * n > sd * Math.sqrt(n);
  };
  /** The saturation under carry-over `ad`: Hill (two parameters) only when it beats the better one-parameter form by more than one SE. */
  const pickSaturation = async (ad: AdstockForm): Promise<SaturationForm> => {
    for (const sat of SATURATION_FORMS) await fit(ad, sat);
    const oneParam = (["logistic", "michaelis-menten"] as const).reduce(
      (a, f) => (score(ad, f).loo.elpd > score(ad, a).loo.elpd ? f : a),
      "logistic" as SaturationForm,
    );
    return better(ad, "hill", [ad, oneParam]) ? "hill" : oneParam;
  };
  let chosen: [AdstockForm, SaturationForm] = [DEFAULT_FORM.adstock, DEFAULT_FORM.saturation];
  if (anySat) chosen = [DEFAULT_FORM.adstock, await pickSaturation(DEFAULT_FORM.adstock)];
  if (anyAd) {
    // geometric (one parameter) unless a two-parameter carry-over beats it by more than one SE
    for (const ad of AUTO_ADSTOCKS) await fit(ad, chosen[1]);
    const best = AUTO_ADSTOCKS.reduce((a, f) => (score(f, chosen[1]).loo.elpd > score(a, chosen[1]).loo.elpd ? f : a), chosen[0]);
    if (best !== chosen[0] && better(best, chosen[1], chosen)) chosen = [best, chosen[1]];
  }
  // a lagged carry-over won: the saturations were compared under geometric, which the data reject, so compare them
  // again under the carry-over chosen (on the matrix's delayed-peak family, geometric's misfit had picked them)
  if (anySat && chosen[0] !== DEFAULT_FORM.adstock) chosen = [chosen[0], await pickSaturation(chosen[0])];
  const forms = build(...chosen);
  // weights over the candidates whose short runs converged (Yao et al. 2018): ROIs are averaged with them
  const usable = plan.filter(([ad, sat]) => score(ad, sat).maxRhat <= SCREEN_RHAT);
  const pointwise = usable.map(([ad, sat]) => score(ad, sat).loo.pointwise);
  // with averaging "none" the pseudo-BMA+ weights are still reported: evidence of how close the choice was
  const w = run.averaging === "stacking" ? stackingWeights(pointwise) : pseudoBmaPlusWeights(pointwise, seededRng(run.seed));
  const weightOf = (ad: AdstockForm, sat: SaturationForm) => {
    const i = usable.findIndex(([a, s]) => a === ad && s === sat);
    return i < 0 ? 0 : w[i]!;
  };
  const candidates = plan.map(([ad, sat]): CandidateScore => {
    const { loo, maxRhat } = score(ad, sat);
    return {
      adstock: ad,
      saturation: sat,
      elpd: loo.elpd,
      se: loo.se,
      ...diff(loo),
      highParetoK: loo.paretoK.reduce((a, k) => a + (k > 0.7 ? 1 : 0), 0),
      weight: weightOf(ad, sat),
      maxRhat,
    };
  });
  const screens = plan.map(
    ([ad, sat]): Screen => ({ adstock: ad, saturation: sat, data: score(ad, sat).data, draws: score(ad, sat).draws, weight: weightOf(ad, sat) }),
  );
  return {
    screens,
    chosen: { adstock: chosen[0], saturation: chosen[1] },
    forms,
    selection: {
      averaging: AVERAGING_TEXT[run.averaging],
      criterion: `PSIS-LOO of short NUTS runs (${SCREEN.chains} chains × ${SCREEN.warmup} warm-up + ${SCREEN.draws} draws), saturation first, then adstock (and the saturations again when a lagged carry-over wins), over all "auto" channels together; an alternative replaces geometric + Hill only when its elpd is higher by more than one standard error of the pointwise difference`,
      channels: channels.flatMap((channel, j) =>
        auto[j]!.adstock || auto[j]!.saturation
          ? [{ channel, ...forms[j]!, chosen: [...(auto[j]!.adstock ? ["adstock" as const] : []), ...(auto[j]!.saturation ? ["saturation" as const] : [])] }]
          : [],
      ),
      candidates,
      decision: `${chosen[1]} saturation with ${chosen[0]} adstock: ${chosen[1] === "hill" ? "Hill beat the better one-parameter saturation by more than one standard error of elpd" : "the better one-parameter saturation, as Hill did not beat it by more than one standard error of elpd"}; ${chosen[0] === "geometric" ? "no two-parameter carry-over beat geometric by more than one standard error" : `${chosen[0]} beat geometric by more than one standard error, and the saturations were compared again under it`}.`,
    },
  };
}
