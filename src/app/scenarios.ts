import { ValidationError } from "../errors.ts";
import { lruGet } from "../lru.ts";
import { makeCurve, type Curve } from "../optimize/curves.ts";
import { carryOf, evaluateLine, type Carry } from "../optimize/evaluate.ts";
import type { AllocationLine } from "../optimize/problem.ts";
import type { Store } from "../store/store.ts";
import { currentWorkspace } from "../store/workspace.ts";
import { beyondObservedWarnings, mmmLines } from "./mmm-lines.ts";

export interface ScenarioSpend {
  readonly channel: string;
  readonly segment?: string;
  /** 1-based; omitted: every period. */
  readonly period?: number;
  /** Spend per period. */
  readonly amount: number;
}

export interface ScenarioRequest {
  readonly mmmId: string;
  readonly periods: number;
  readonly periodLength: number;
  readonly plans: readonly { readonly name: string; readonly spend: readonly ScenarioSpend[] }[];
}

type Interval = { readonly lower: number; readonly upper: number } | null;

interface Outcome {
  readonly spend: number;
  readonly incremental: number;
  readonly incrementalInterval: Interval;
}

export interface ScenarioLine extends Outcome {
  readonly channel: string;
  readonly segment: string | null;
  readonly roi: number | null;
  readonly current: Outcome;
  readonly difference: { readonly spend: number; readonly incremental: number };
}

export interface ScenarioResult {
  readonly name: string;
  readonly lines: readonly ScenarioLine[];
  readonly totals: Outcome & {
    readonly baseline: number;
    readonly totalSales: number;
    readonly totalSalesInterval: Interval;
    readonly roi: number | null;
    readonly current: Outcome & { readonly totalSales: number };
    readonly difference: { readonly spend: number; readonly incremental: number; readonly totalSales: number };
  };
}

export interface ScenarioAnswer {
  readonly mmmId: string;
  /** Deprecated: mmmId (kept in answers for one release). */
  readonly modelId: string;
  readonly periods: number;
  readonly periodLength: number;
  readonly assumptions: string;
  readonly plans: readonly ScenarioResult[];
  readonly warnings: readonly string[];
}

/** A model's lines made ready for what-ifs: curves and carry-over built once, kept in memory. */
interface Loaded {
  readonly lines: readonly AllocationLine[];
  readonly curves: readonly Curve[];
  readonly carries: readonly Carry[];
  readonly baseline: ReadonlyMap<string, number>;
  readonly warnings: readonly string[];
}

/**
 * What-if answers from fitted MMMs. The first request for a model (and period layout) reads it from the store;
 * later ones are answered from memory (a small LRU), so a spreadsheet recalculating its cells never waits on disk.
 */
export class ScenarioService {
  private readonly cache = new Map<string, Promise<Loaded>>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 32,
  ) {}

  async run(req: ScenarioRequest): Promise<ScenarioAnswer> {
    const m = await this.load(req.mmmId, req.periodLength, req.periods);
    const T = req.periods;
    const current = m.lines.map((l) => new Array<number>(T).fill(l.currentSpend ?? 0));
    const currentEval = current.map((s, i) => evaluateLine(m.curves[i]!, m.carries[i]!, s));
    const planWarnings: string[] = [];
    const plans = req.plans.map((plan, pi) => {
      const spends = current.map((s) => [...s]);
      plan.spend.forEach((s, si) => {
        const path = ["plans", pi, "spend", si];
        const targets = m.lines.flatMap((l, i) => (l.channel === s.channel && (s.segment === undefined || l.segment === s.segment) ? [i] : []));
        if (targets.length === 0) {
          const channels = [...new Set(m.lines.map((l) => l.channel))].join(", ");
          throw new ValidationError(`plans[${pi}].spend[${si}]: the model has no ${s.channel}${s.segment ? ` in ${s.segment}` : ""} (channels: ${channels}).`, [
            { path: [...path, "channel"], message: "no such line", value: s.channel },
          ]);
        }
        if (s.period !== undefined && s.period > T)
          throw new ValidationError(`plans[${pi}].spend[${si}]: period ${s.period} is past the plan's ${T}.`, [
            { path: [...path, "period"], message: `at most ${T}`, value: s.period },
          ]);
        for (const i of targets) for (let t = 0; t < T; t++) if (s.period === undefined || s.period === t + 1) spends[i]![t] = s.amount;
      });
      planWarnings.push(...beyondObservedWarnings(m.lines, (i) => spends[i]!, `Plan "${plan.name}", `));
      return this.result(plan.name, m, spends, current, currentEval);
    });
    return {
      mmmId: req.mmmId,
      modelId: req.mmmId,
      periods: T,
      periodLength: req.periodLength,
      assumptions:
        "Channels a plan does not name keep their current spend (the model's mean per period). Incremental sales are what the plan's spend causes over its periods (carry-over included, spend before the plan excluded); total sales add the model's non-media level over its last 28 periods. Intervals come from the model's bootstrap (each channel's ROI interval as a coefficient at the fitted transforms), summed.",
      plans,
      warnings: [...m.warnings, ...planWarnings],
    };
  }

  private result(name: string, m: Loaded, spends: number[][], current: number[][], currentEval: ReturnType<typeof evaluateLine>[]): ScenarioResult {
    const outcome = (spend: readonly number[], ev: ReturnType<typeof evaluateLine>): Outcome => ({
      spend: sum(spend),
      incremental: ev.reduce((a, e) => a + e.ret, 0),
      incrementalInterval: ev.every((e) => e.band)
        ? { lower: ev.reduce((a, e) => a + e.band!.lower, 0), upper: ev.reduce((a, e) => a + e.band!.upper, 0) }
        : null,
    });
    const evals = spends.map((s, i) => evaluateLine(m.curves[i]!, m.carries[i]!, s));
    const lines: ScenarioLine[] = m.lines.map((l, i) => {
      const o = outcome(spends[i]!, evals[i]!);
      const c = outcome(current[i]!, currentEval[i]!);
      return {
        channel: l.channel,
        segment: l.segment ?? null,
        ...o,
        roi: o.spend > 0 ? o.incremental / o.spend : null,
        current: c,
        difference: { spend: o.spend - c.spend, incremental: o.incremental - c.incremental },
      };
    });
    const media = (ev: readonly ReturnType<typeof evaluateLine>[]) => ev.reduce((a, e) => a + e.reduce((b, p) => b + p.total, 0), 0);
    const baseline = [...m.baseline.values()].reduce((a, b) => a + b, 0) * spends[0]!.length;
    const total = (key: "spend" | "incremental") => lines.reduce((a, l) => a + l[key], 0);
    const interval = lines.every((l) => l.incrementalInterval)
      ? { lower: lines.reduce((a, l) => a + l.incrementalInterval!.lower, 0), upper: lines.reduce((a, l) => a + l.incrementalInterval!.upper, 0) }
      : null;
    const totalSales = baseline + media(evals);
    const currentTotal = {
      spend: lines.reduce((a, l) => a + l.current.spend, 0),
      incremental: lines.reduce((a, l) => a + l.current.incremental, 0),
      incrementalInterval: null,
      totalSales: baseline + media(currentEval),
    };
    return {
      name,
      lines,
      totals: {
        spend: total("spend"),
        incremental: total("incremental"),
        incrementalInterval: interval,
        baseline,
        totalSales,
        totalSalesInterval: interval && {
          lower: totalSales - total("incremental") + interval.lower,
          upper: totalSales - total("incremental") + interval.upper,
        },
        roi: total("spend") > 0 ? total("incremental") / total("spend") : null,
        current: currentTotal,
        difference: {
          spend: total("spend") - currentTotal.spend,
          incremental: total("incremental") - currentTotal.incremental,
          totalSales: totalSales - currentTotal.totalSales,
        },
      },
    };
  }

  private load(modelId: string, periodLength: number, periods: number): Promise<Loaded> {
    // the workspace is part of the key: a model loaded for one workspace must never answer another's request
    const key = `${currentWorkspace()}|${modelId}|${periodLength}|${periods}`;
    const loaded = lruGet(this.cache, key, this.capacity, async () => {
      const warnings: string[] = [];
      const { lines, baseline } = await mmmLines(this.store, modelId, periodLength, periods, warnings);
      return { lines, curves: lines.map((l) => makeCurve(l.curve)), carries: lines.map((l) => carryOf(l, periods)), baseline, warnings };
    });
    // a failed load (no such model) is not kept: the next request asks the store again
    loaded.catch(() => this.cache.get(key) === loaded && this.cache.delete(key));
    return loaded;
  }
}

/** The scenario as CSV rows: one per plan and line, then one total row per plan (channel "TOTAL"). */
export function scenarioCsvRows(a: ScenarioAnswer): { header: string[]; rows: (string | number | null)[][] } {
  const header = [
    "plan",
    "channel",
    "segment",
    "spend",
    "incremental",
    "incremental_lower",
    "incremental_upper",
    "roi",
    "current_spend",
    "current_incremental",
    "difference_incremental",
    "total_sales",
  ];
  const rows = a.plans.flatMap((p) => [
    ...p.lines.map((l) => [
      p.name,
      l.channel,
      l.segment,
      l.spend,
      l.incremental,
      l.incrementalInterval?.lower ?? null,
      l.incrementalInterval?.upper ?? null,
      l.roi,
      l.current.spend,
      l.current.incremental,
      l.difference.incremental,
      null,
    ]),
    [
      p.name,
      "TOTAL",
      null,
      p.totals.spend,
      p.totals.incremental,
      p.totals.incrementalInterval?.lower ?? null,
      p.totals.incrementalInterval?.upper ?? null,
      p.totals.roi,
      p.totals.current.spend,
      p.totals.current.incremental,
      p.totals.difference.incremental,
      p.totals.totalSales,
    ],
  ]);
  return { header, rows };
}

const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
