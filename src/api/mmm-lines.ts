import { NotFoundError } from "../errors.ts";
import type { AllocationLine } from "../optimize/problem.ts";
import { adstockWeights, type AdstockSpec } from "../regression/mmm/adstock.ts";
import { prepareMmm, type MmmResult } from "../regression/mmm/fit-dataset.ts";
import type { Store } from "../store/store.ts";

const HISTORY_PERIODS = 8;
/** Periods at the end of the fit whose mean non-media level is a segment's baseline for what-if totals. */
const BASELINE_PERIODS = 28;

export interface MmmLines {
  readonly lines: readonly AllocationLine[];
  /** Per segment ("null" without segments): the model's non-media level per plan period at the end of its data. */
  readonly baseline: ReadonlyMap<string, number>;
}

/**
 * One line per channel and segment of a fitted MMM: its Hill curve scaled to the plan's period (k model periods:
 * k·β·hill(S/k; κ) is a Hill curve with coefficient k·β and half-saturation k·κ), its mean spend as the current
 * plan, and its adstock (alpha^k per plan period) with the spend of the last periods as carry-over history.
 *
 * @throws NotFoundError when the model does not exist (or is not an MMM)
 */
export function mmmLines(store: Store, modelId: string, k: number, periods: number, warnings: string[]): MmmLines {
  const record = store.models.get<unknown, MmmResult>(modelId);
  if (!record || record.kind !== "mmm") throw new NotFoundError(`No marketing-mix model ${modelId}.`, [{ path: ["body", "modelId"], message: "no such model", value: modelId }]);
  const history = periods > 1 ? historyOf(store, record.datasetId, record.result, k, warnings) : new Map<string, number[]>();
  const baseline = new Map<string, number>();
  const lines = record.result.segments.flatMap((s) => {
    if ("error" in s) {
      warnings.push(`Segment ${s.segment} has no fitted model (${s.error}) and is left out.`);
      return [];
    }
    const d = s.model.decomposition;
    const from = Math.max(0, d.dates.length - BASELINE_PERIODS);
    let level = 0;
    for (let t = from; t < d.dates.length; t++) level += d.baseline[t]! + d.trend[t]! + d.seasonality[t]! + d.controls[t]!;
    baseline.set(String(s.segment), (k * level) / (d.dates.length - from));
    return s.model.curves.map((c): AllocationLine => {
      const ch = s.model.channels.find((x) => x.channel === c.channel)!;
      const h = history.get(`${s.segment}|${c.channel}`);
      const interval = ch.coefficientInterval && { coefficientInterval: { lower: k * ch.coefficientInterval.lower, upper: k * ch.coefficientInterval.upper } };
      // k model periods per plan period: k·β·f(S/k) is the same family with its spend scale multiplied by k
      const sat = c.saturation ?? { kind: "hill" as const, slope: c.slope, kappa: c.kappa };
      const curve: AllocationLine["curve"] =
        sat.kind === "logistic"
          ? { form: "logistic", coefficient: k * c.coefficient, lam: sat.lam / k, ...interval }
          : { form: "hill", coefficient: k * c.coefficient * (sat.kind === "michaelis-menten" ? sat.alpha : 1), slope: sat.kind === "hill" ? sat.slope : 1, kappa: k * (sat.kind === "hill" ? sat.kappa : sat.lam), ...interval };
      if (c.adstock.kind !== "geometric" && periods > 1) warnings.push(`${c.channel}: its ${c.adstock.kind} carry-over enters the multi-period plan as a geometric decay with the same mean lag.`);
      return {
        channel: c.channel,
        ...(s.segment !== null && { segment: String(s.segment) }),
        curve,
        current: k * c.currentSpend,
        adstock: { alpha: geometricEquivalent(c.adstock) ** k, normalized: true, ...(h && { history: h }) },
      };
    });
  });
  return { lines, baseline };
}

/** The retention of a geometric adstock whose mean lag equals this adstock's (α/(1 − α) = Σ l·w_l). */
function geometricEquivalent(spec: AdstockSpec): number {
  if (spec.kind === "geometric") return spec.alpha;
  const w = adstockWeights({ ...spec, normalize: true });
  const lag = w.reduce((a, v, l) => a + l * v, 0);
  return lag / (1 + lag);
}

/** The last HISTORY_PERIODS plan periods of spend per segment and channel, from the model's dataset. */
function historyOf(store: Store, datasetId: string | null, mmm: MmmResult, k: number, warnings: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const ds = datasetId ? store.datasets.load(datasetId) : undefined;
  if (!ds) {
    warnings.push("The model's dataset is gone: the plan starts without carry-over from past spend.");
    return out;
  }
  for (const { segment, input } of prepareMmm(ds, mmm.request).inputs) {
    for (const [channel, spend] of Object.entries(input.channels)) {
      const tail = spend.slice(-HISTORY_PERIODS * k);
      const n = Math.floor(tail.length / k);
      const start = tail.length - n * k;
      out.set(`${segment}|${channel}`, Array.from({ length: n }, (_, p) => tail.slice(start + p * k, start + (p + 1) * k).reduce((a, b) => a + b, 0)));
    }
  }
  return out;
}
