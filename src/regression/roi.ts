import type { Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { findColumn } from "./design.ts";
import { fitFormula } from "./fit-formula.ts";
import type { AssumptionCheck, CovType } from "./types.ts";

export interface RoiRequest {
  readonly target: string;
  /** Spend (or unit) columns whose return is wanted. */
  readonly tactics: readonly string[];
  /** Other regressors to hold fixed (not reported as tactics). */
  readonly controls?: readonly string[];
  readonly segment?: string;
  /** Significance level; default 0.05. */
  readonly alpha?: number;
  /** Cost per unit of a tactic whose column counts units, not money: ROI = coefficient / cost. */
  readonly costs?: Readonly<Record<string, number>>;
  readonly covType?: CovType;
}

export interface TacticRoi {
  readonly tactic: string;
  /** Return per $1: the coefficient (divided by the cost per unit when given); null when not estimable. */
  readonly roi: number | null;
  readonly stdErr: number | null;
  readonly pValue: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
  readonly significant: boolean;
  readonly estimable: boolean;
}

export interface SegmentRoi {
  readonly segment: string | null;
  readonly nobs: number;
  readonly rsquared: number | null;
  /** Every tactic, most profitable first (significant before not). */
  readonly tactics: readonly TacticRoi[];
  readonly best: TacticRoi | null;
  /** Significantly negative return: stop doing this. */
  readonly stop: readonly TacticRoi[];
  readonly recommendation: string;
  readonly assumptions: readonly AssumptionCheck[];
  readonly warnings: readonly string[];
}

export interface RoiTable {
  readonly target: string;
  readonly segment: string | null;
  readonly alpha: number;
  readonly formula: string;
  readonly segments: readonly SegmentRoi[];
}

const quote = (name: string) => `Q("${name.replace(/"/g, "")}")`;

/**
 * The ROI-per-$1 table planners publish: one OLS per segment of the target on every tactic (and controls), each
 * tactic's coefficient as its return per dollar with p-value and interval, significant ones ranked, significantly
 * negative ones flagged, and one plain sentence per segment.
 *
 * @throws ValidationError for unknown or non-numeric columns, a tactic listed twice, a cost that is not positive
 */
export function roiTable(ds: Dataset, req: RoiRequest): RoiTable {
  const alpha = req.alpha ?? 0.05;
  if (new Set(req.tactics).size !== req.tactics.length) {
    throw new ValidationError("tactics: a tactic is listed twice.", [{ path: ["tactics"], message: "duplicate tactic", code: "duplicate" }]);
  }
  const tactics = req.tactics.map((t, i) => numericColumn(ds, t, ["tactics", i]));
  const controls = (req.controls ?? []).map((c, i) => findColumn(ds, c, ["controls", i]).name);
  const costs = new Map<string, number>();
  for (const [k, v] of Object.entries(req.costs ?? {})) {
    const name = findColumn(ds, k, ["costs", k]).name;
    if (!tactics.includes(name))
      throw new ValidationError(`costs: ${k} is not one of the tactics.`, [{ path: ["costs", k], message: "not a tactic", value: k }]);
    if (!(v > 0))
      throw new ValidationError(`costs: the cost per unit of ${k} must be positive; got ${v}.`, [{ path: ["costs", k], message: "must be > 0", value: v }]);
    costs.set(name, v);
  }
  const target = numericColumn(ds, req.target, ["target"]);
  const formula = `${quote(target)} ~ ${[...tactics, ...controls].map(quote).join(" + ")}`;
  const fit = fitFormula(ds, { formula, ...(req.segment !== undefined && { segment: req.segment }), alpha, covType: req.covType });
  const segments = fit.models.map((m): SegmentRoi => {
    if ("error" in m) {
      return {
        segment: m.group,
        nobs: 0,
        rsquared: null,
        tactics: [],
        best: null,
        stop: [],
        recommendation: `${m.group}: no model (${m.error})`,
        assumptions: [],
        warnings: [m.error],
      };
    }
    const rows = tactics.map((t): TacticRoi => {
      const p = m.params.find((x) => x.name === t || x.name === quote(t))!;
      const cost = costs.get(t) ?? 1;
      if (p.dropped) return { tactic: t, roi: null, stdErr: null, pValue: null, ciLower: null, ciUpper: null, significant: false, estimable: false };
      return {
        tactic: t,
        roi: p.coef! / cost,
        stdErr: p.stdErr! / cost,
        pValue: p.pValue,
        ciLower: p.ciLower! / cost,
        ciUpper: p.ciUpper! / cost,
        significant: p.pValue! < alpha,
        estimable: true,
      };
    });
    const ranked = [...rows].sort((a, b) => Number(b.significant) - Number(a.significant) || (b.roi ?? -Infinity) - (a.roi ?? -Infinity));
    const positive = ranked.filter((r) => r.significant && r.roi! > 0);
    const stop = ranked.filter((r) => r.significant && r.roi! < 0);
    return {
      segment: m.group,
      nobs: m.nobs,
      rsquared: m.rsquared,
      tactics: ranked,
      best: positive[0] ?? null,
      stop,
      recommendation: recommend(
        m.group,
        positive,
        stop,
        rows.filter((r) => !r.estimable),
        alpha,
      ),
      assumptions: m.assumptions,
      warnings: m.warnings,
    };
  });
  return { target, segment: fit.segment, alpha, formula, segments };
}

function numericColumn(ds: Dataset, name: string, path: (string | number)[]): string {
  const col = findColumn(ds, name, path);
  if (col.type !== "number" && col.type !== "integer") {
    throw new ValidationError(`${path[0]}: ${col.name} is ${col.type === "category" ? "text" : `a ${col.type}`}; it must be numeric.`, [
      { path, message: "not numeric", code: "not_numeric", value: name },
    ]);
  }
  return col.name;
}

const money = (x: number) => `${x < 0 ? "−" : ""}$${Math.abs(x).toFixed(2)}`;
const pText = (p: number) => (p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`);

function recommend(segment: string | null, positive: readonly TacticRoi[], stop: readonly TacticRoi[], missing: readonly TacticRoi[], alpha: number): string {
  const who = segment === null ? "Overall" : segment;
  const parts: string[] = [];
  if (positive.length === 0) parts.push(`no tactic shows a return distinguishable from zero at the ${alpha} level; do not shift budget on this evidence`);
  else {
    const [best, ...rest] = positive;
    parts.push(`put the next dollar into ${best!.tactic} (${money(best!.roi!)} back per $1, ${pText(best!.pValue!)})`);
    if (rest.length > 0) parts.push(`then ${rest.map((r) => `${r.tactic} (${money(r.roi!)})`).join(", ")}`);
  }
  if (stop.length > 0) parts.push(`stop ${stop.map((r) => `${r.tactic} (${money(r.roi!)} per $1, ${pText(r.pValue!)})`).join(", ")}`);
  if (missing.length > 0) parts.push(`${missing.map((r) => r.tactic).join(", ")} cannot be judged here (no variation in spend)`);
  return `${who}: ${parts.join("; ")}.`;
}
