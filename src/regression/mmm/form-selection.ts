import type { ChainRunner } from "../../mcmc/nuts.ts";
import { psisLoo } from "../../mcmc/psis.ts";
import { SATURATION_FORMS, type AdstockForm, type SaturationForm } from "./forms.ts";
import { paramLayout, pointwiseLogLik, posteriorSpec, type ChannelForm, type PosteriorData } from "./posterior-model.ts";

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

/**
 * Choose the forms of the "auto" channels by PSIS-LOO (Vehtari, Gelman & Gabry 2017) of short NUTS runs, in two
 * stages over all auto channels together: the saturation family (Hill, logistic, Michaelis-Menten) with geometric
 * adstock, then, with that saturation, the carry-over (geometric or Weibull PDF: AUTO_ADSTOCKS). Each
 * stage keeps the simplest form within one standard error of the pointwise elpd difference of a richer one (the
 * one-SE rule): a two-parameter form must earn its place. Why: where spend never goes near zero (an always-on
 * channel), the curve's level, and so the ROI, rests on the form, and a flexible form the data cannot pin gives
 * wide, skewed ROI posteriors (Meridian fixes Hill's slope at 1, PyMC-Marketing defaults to logistic, for the same
 * reason). Channels with fixed forms keep them throughout.
 */
export async function selectForms(
  channels: readonly string[],
  requested: readonly FormRequest[],
  data: (forms: readonly ChannelForm[]) => PosteriorData,
  start: (d: PosteriorData) => Float64Array,
  run: { readonly seed: number; readonly runChains: ChainRunner; readonly onProgress?: (fraction: number, message: string) => void },
): Promise<{ forms: ChannelForm[]; selection: FormSelection | null }> {
  const auto = requested.map((r) => ({ adstock: r.adstock === "auto", saturation: r.saturation === "auto" }));
  const build = (ad: AdstockForm, sat: SaturationForm): ChannelForm[] =>
    requested.map((r, j) => ({
      adstock: auto[j]!.adstock ? ad : (r.adstock as AdstockForm),
      saturation: auto[j]!.saturation ? sat : (r.saturation as SaturationForm),
    }));
  const anySat = auto.some((a) => a.saturation);
  const anyAd = auto.some((a) => a.adstock);
  if (!anySat && !anyAd) return { forms: build(DEFAULT_FORM.adstock, DEFAULT_FORM.saturation), selection: null };
  const plan: [AdstockForm, SaturationForm][] = [];
  const total = 1 + (anySat ? SATURATION_FORMS.length - 1 : 0) + (anyAd ? AUTO_ADSTOCKS.length - 1 : 0);
  let done = 0;
  const cache = new Map<string, { loo: ReturnType<typeof psisLoo> }>();
  /** Run a candidate's short fit (async); `score` then reads it. */
  const fit = async (ad: AdstockForm, sat: SaturationForm) => {
    const key = `${ad}|${sat}`;
    if (cache.has(key)) return;
    run.onProgress?.(done / total, `comparing forms: ${sat} saturation, ${ad} adstock (${done + 1} of ${total})`);
    const d = data(build(ad, sat));
    const lay = paramLayout(d);
    const r = await run.runChains(posteriorSpec(d), { ...SCREEN, seed: run.seed, start: start(d), jitter: 0.3 });
    const ll = r.chains.flatMap((c) => c.draws).map((q) => pointwiseLogLik(d, lay, q));
    cache.set(key, { loo: psisLoo(ll) });
    plan.push([ad, sat]);
    done++;
  };
  const score = (ad: AdstockForm, sat: SaturationForm) => cache.get(`${ad}|${sat}`)!;
  // differences are reported against geometric + Hill, the form the fast fit uses
  await fit(DEFAULT_FORM.adstock, DEFAULT_FORM.saturation);
  const base = score(DEFAULT_FORM.adstock, DEFAULT_FORM.saturation).loo;
  const diff = (a: ReturnType<typeof psisLoo>) => {
    const n = a.pointwise.length;
    const dlt = Float64Array.from(a.pointwise, (v, i) => v - base.pointwise[i]!);
    const mean = dlt.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(dlt.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    return { elpdDiff: mean * n, seDiff: sd * Math.sqrt(n) };
  };
  const better = (ad: AdstockForm, sat: SaturationForm, cur: [AdstockForm, SaturationForm]) => {
    const a = score(ad, sat).loo;
    const c = score(...cur).loo;
    const dlt = a.pointwise.map((v, i) => v - c.pointwise[i]!);
    const n = dlt.length;
    const mean = dlt.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(dlt.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    return mean * n > sd * Math.sqrt(n);
  };
  let chosen: [AdstockForm, SaturationForm] = [DEFAULT_FORM.adstock, DEFAULT_FORM.saturation];
  if (anySat) {
    for (const sat of SATURATION_FORMS) await fit(DEFAULT_FORM.adstock, sat);
    // the simplest form within one SE of the best: Hill (two parameters) only when it beats the better of the
    // one-parameter forms (logistic, Michaelis-Menten) by more than one SE
    const oneParam = (["logistic", "michaelis-menten"] as const).reduce(
      (a, f) => (score(DEFAULT_FORM.adstock, f).loo.elpd > score(DEFAULT_FORM.adstock, a).loo.elpd ? f : a),
      "logistic" as SaturationForm,
    );
    chosen = [DEFAULT_FORM.adstock, better(DEFAULT_FORM.adstock, "hill", [DEFAULT_FORM.adstock, oneParam]) ? "hill" : oneParam];
  }
  if (anyAd) {
    // geometric (one parameter) unless a two-parameter carry-over beats it by more than one SE
    for (const ad of AUTO_ADSTOCKS) await fit(ad, chosen[1]);
    const best = AUTO_ADSTOCKS.reduce((a, f) => (score(f, chosen[1]).loo.elpd > score(a, chosen[1]).loo.elpd ? f : a), chosen[0]);
    if (best !== chosen[0] && better(best, chosen[1], chosen)) chosen = [best, chosen[1]];
  }
  const forms = build(...chosen);
  const candidates = plan.map(([ad, sat]): CandidateScore => {
    const loo = score(ad, sat).loo;
    return { adstock: ad, saturation: sat, elpd: loo.elpd, se: loo.se, ...diff(loo), highParetoK: loo.paretoK.reduce((a, k) => a + (k > 0.7 ? 1 : 0), 0) };
  });
  return {
    forms,
    selection: {
      criterion: `PSIS-LOO of short NUTS runs (${SCREEN.chains} chains × ${SCREEN.warmup} warm-up + ${SCREEN.draws} draws), saturation first, then adstock, over all "auto" channels together; an alternative replaces geometric + Hill only when its elpd is higher by more than one standard error of the pointwise difference`,
      channels: channels.flatMap((channel, j) =>
        auto[j]!.adstock || auto[j]!.saturation
          ? [{ channel, ...forms[j]!, chosen: [...(auto[j]!.adstock ? ["adstock" as const] : []), ...(auto[j]!.saturation ? ["saturation" as const] : [])] }]
          : [],
      ),
      candidates,
      decision: `${chosen[1]} saturation with ${chosen[0]} adstock: ${chosen[1] === "hill" ? "Hill beat the better one-parameter saturation by more than one standard error of elpd" : "the better one-parameter saturation, as Hill did not beat it by more than one standard error of elpd"}; ${chosen[0] === "geometric" ? "no two-parameter carry-over beat geometric by more than one standard error" : `${chosen[0]} beat geometric by more than one standard error`}.`,
    },
  };
}
