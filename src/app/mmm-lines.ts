import { requireRecord } from "./records.ts";
import type { AllocationLine } from "../optimize/problem.ts";
import { prepareMmm, type MmmResult } from "../regression/mmm/fit-dataset.ts";
import { planCarryIn, planWeights } from "../regression/mmm/response.ts";
import type { Store } from "../store/store.ts";

/** Model periods of spend re-read for models stored without their history (the longest window lMax allows). */
const HISTORY_PERIODS = 104;
/** Periods at the end of the fit whose mean non-media level is a segment's baseline for what-if totals. */
const BASELINE_PERIODS = 28;

export interface MmmLines {
  readonly lines: readonly AllocationLine[];
  /** Per segment ("null" without segments): the model's non-media level per plan period at the end of its data. */
  readonly baseline: ReadonlyMap<string, number>;
}

/**
 * One line per channel and segment of a fitted MMM, through the response engine (regression/mmm/response.ts): its
 * curve scaled to the plan's period (k model periods: k·β·f(S/k) is the same family with its spend scale times k),
 * its current spend as the current plan, and its carry-over as the fitted finite window in plan periods, with the
 * history's carry-in (the spend stored with the model; older models re-read their dataset).
 *
 * @throws NotFoundError when the model does not exist (or is not an MMM)
 */
export async function mmmLines(store: Store, modelId: string, k: number, periods: number, warnings: string[]): Promise<MmmLines> {
  const record = await requireRecord<unknown, MmmResult>(store, "mmm", modelId, ["body", "modelId"]);
  const stored = record.result.segments.every((s) => "error" in s || s.model.spendHistory);
  const history = periods > 1 && !stored ? await historyOf(store, record.datasetId, record.result, warnings) : new Map<string, number[]>();
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
          : {
              form: "hill",
              coefficient: k * c.coefficient * (sat.kind === "michaelis-menten" ? sat.alpha : 1),
              slope: sat.kind === "hill" ? sat.slope : 1,
              kappa: k * (sat.kind === "hill" ? sat.kappa : sat.lam),
              ...interval,
            };
      const hist = s.model.spendHistory?.[c.channel] ?? h ?? [];
      return {
        channel: c.channel,
        ...(s.segment !== null && { segment: String(s.segment) }),
        curve,
        currentSpend: k * c.currentSpend,
        ...(c.observedSpend && { observedSpend: { min: k * c.observedSpend.min, max: k * c.observedSpend.max } }),
        adstock: { weights: planWeights(c.adstock, k), ...(periods > 1 && { carryIn: planCarryIn(c.adstock, hist, k, periods) }) },
      };
    });
  });
  return { lines, baseline };
}

/** Spend per model period at the end of the model's dataset, per segment and channel (models stored before spendHistory). */
async function historyOf(store: Store, datasetId: string | null, mmm: MmmResult, warnings: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const ds = datasetId ? await store.datasets.load(datasetId) : undefined;
  if (!ds) {
    warnings.push("The model's dataset is gone: the plan starts without carry-over from past spend.");
    return out;
  }
  for (const { segment, input } of prepareMmm(ds, mmm.request).inputs) {
    for (const [channel, spend] of Object.entries(input.channels)) out.set(`${segment}|${channel}`, spend.slice(-HISTORY_PERIODS));
  }
  return out;
}

/**
 * One warning per line whose plan leaves the spend per period its model's data show (AllocationLine.observedSpend),
 * at the period furthest out: there the return is the curve's form extrapolated, not measured. Planners move money
 * on these numbers, and a curve that is right over the data can be far off beyond them.
 */
export function beyondObservedWarnings(
  lines: readonly Pick<AllocationLine, "channel" | "segment" | "observedSpend">[],
  spendOf: (line: number) => readonly number[],
  prefix = "",
): string[] {
  return lines.flatMap((l, i) => {
    const range = l.observedSpend;
    if (!range) return [];
    const spend = spendOf(i);
    const high = Math.max(...spend);
    const low = Math.min(...spend);
    const name = `${prefix}${lineName(l)}`;
    // a hair of tolerance: the current plan (the recent mean) and LP rounding sit on the edge, not beyond it
    if (high > range.max * (1 + 1e-6) + 1e-9)
      return [
        `${name}: the plan spends ${amount(high)} in a period, above the most the model's data show (${amount(range.max)}); the return there is the curve's form extrapolated, not measured.`,
      ];
    if (low < range.min * (1 - 1e-6) - 1e-9)
      return [
        `${name}: the plan spends ${amount(low)} in a period, below the least the model's data show (${amount(range.min)}); the return there is the curve's form below the data (the channel's unseen share), not measured.`,
      ];
    return [];
  });
}

/** A line as the app's messages name it: "channel (segment)". */
export function lineName(l: Pick<AllocationLine, "channel" | "segment">): string {
  return `${l.channel}${l.segment !== undefined ? ` (${l.segment})` : ""}`;
}

/** Money in a sentence: whole units from 100 up, three significant digits below. */
function amount(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : Number(v.toPrecision(3)).toString();
}
