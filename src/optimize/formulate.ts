import { ValidationError } from "../errors.ts";
import { concaveEnvelope, makeCurve, piecewise, type Curve, type Pieces } from "./curves.ts";
import { carryOf, type Carry } from "./evaluate.ts";
import type { LinearProgram, LpConstraint } from "./lp.ts";
import type { AllocationLine, AllocationProblem } from "./problem.ts";

/** What a constraint means, for answers ("binding", "cannot hold together"). */
export interface ConstraintInfo {
  readonly name: string;
  readonly description: string;
  readonly kind:
    | "budget"
    | "period-budget"
    | "min"
    | "max"
    | "min-share"
    | "max-share"
    | "group"
    | "locked"
    | "max-change"
    | "within-data"
    | "target"
    | "curve"
    | "adstock"
    | "order";
  readonly line?: number;
}

/** Per (line, period): the curve's pieces as used in the LP, and how the LP reads them. */
export interface CurveCut {
  readonly line: number;
  readonly period: number;
  readonly pieces: Pieces;
  /** "exact": integer variables fill the pieces in order; "envelope": concave hull; "concave": plain LP. */
  readonly mode: "concave" | "exact" | "envelope";
}

export interface Formulation {
  readonly lp: LinearProgram;
  readonly info: ReadonlyMap<string, ConstraintInfo>;
  readonly cuts: readonly CurveCut[];
  readonly curves: readonly Curve[];
  /** Adstock multiplier on spend (c) and carry-over into the plan per line. */
  readonly carry: readonly Carry[];
  readonly periods: number;
}

export const spendVar = (l: number, t: number) => `x${l}_${t}`;
const adVar = (l: number, t: number) => `a${l}_${t}`;
const pieceVar = (l: number, t: number, k: number) => `p${l}_${t}_${k}`;
const orderVar = (l: number, t: number, k: number) => `z${l}_${t}_${k}`;

export const lineLabel = (l: Pick<AllocationLine, "channel" | "segment">) => (l.segment ? `${l.channel}/${l.segment}` : l.channel);
const money = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;

/**
 * Check a problem, naming the field of anything wrong.
 *
 * @throws ValidationError
 */
export function checkProblem(p: AllocationProblem): void {
  const periods = p.periods ?? 1;
  const bad = (path: (string | number)[], message: string): never => {
    throw new ValidationError(message, [{ path: ["body", ...path], message }]);
  };
  if (p.lines.length === 0) bad(["lines"], "Give at least one line (channel and curve).");
  const seen = new Set<string>();
  p.lines.forEach((l, i) => {
    const label = lineLabel(l);
    if (seen.has(label)) bad(["lines", i], `lines[${i}]: ${label} appears twice.`);
    seen.add(label);
    if (l.curve.form === "points") {
      const { spend, response } = l.curve;
      if (spend.length !== response.length || spend.length < 1)
        bad(["lines", i, "curve"], `lines[${i}] (${label}): spend and response need the same number of points (at least 1).`);
      spend.forEach((s, k) =>
        !(s > (k ? spend[k - 1]! : 0))
          ? bad(["lines", i, "curve", "spend", k], `lines[${i}] (${label}): curve spend must increase from above 0; point ${k + 1} is ${s}.`)
          : 0,
      );
    }
    if (l.min !== undefined && l.max !== undefined && l.min > l.max)
      bad(["lines", i], `lines[${i}] (${label}): min ${money(l.min)} is above max ${money(l.max)}.`);
    if (l.withinData && !l.observedSpend)
      bad(["lines", i, "withinData"], `lines[${i}] (${label}): withinData needs the line's observedSpend (the spend per period its data show).`);
    if (l.observedSpend && !(l.observedSpend.min <= l.observedSpend.max))
      bad(
        ["lines", i, "observedSpend"],
        `lines[${i}] (${label}): observedSpend.min ${money(l.observedSpend.min)} is above its max ${money(l.observedSpend.max)}.`,
      );
    if ((l.locked || l.maxChange !== undefined) && l.currentSpend === undefined)
      bad(["lines", i, "current"], `lines[${i}] (${label}): locked and maxChange need the current spend.`);
    if (l.adstock && "history" in l.adstock && l.adstock.history && periods === 1)
      bad(["lines", i, "adstock"], `lines[${i}] (${label}): adstock history needs a multi-period plan (periods > 1).`);
  });
  if (p.budget?.perPeriod && p.budget.perPeriod.length !== periods)
    bad(["budget", "perPeriod"], `budget.perPeriod has ${p.budget.perPeriod.length} values for ${periods} periods.`);
}

/**
 * Build the LP (or MILP). Variables: spend x[l,t], adstocked spend a[l,t] (multi-period with carry-over), and
 * pieces p[l,t,k] ∈ [0, width_k] with a[l,t] = Σ_k p[l,t,k]. The return is Σ slope_k·p: for concave curves the
 * solver fills pieces in order by itself (earlier pieces pay more); S-shaped curves get order variables
 * z[l,t,k] ∈ {0,1} (p_k ≥ width_k·z_k, p_{k+1} ≤ width_{k+1}·z_k) or their concave envelope.
 */
export function formulate(p: AllocationProblem, extraBreaks?: ReadonlyMap<string, readonly number[]>): Formulation {
  const periods = p.periods ?? 1;
  const objective = p.objective ?? { kind: "maxReturn" as const };
  const curves = p.lines.map((l) => makeCurve(l.curve));
  const info = new Map<string, ConstraintInfo>();
  const constraints: LpConstraint[] = [];
  const add = (c: LpConstraint, i: Omit<ConstraintInfo, "name">) => {
    constraints.push(c);
    info.set(c.name, { name: c.name, ...i });
  };
  const bounds: Record<string, [number | null, number | null]> = {};
  const obj: Record<string, number> = {};
  const integers: string[] = [];
  const cuts: CurveCut[] = [];
  const cutCache = new Map<string, Pieces>();
  const carry = p.lines.map((l) => carryOf(l, periods));
  const total = p.budget?.total;
  const allSpend: Record<string, number> = {};
  p.lines.forEach((_, l) => {
    for (let t = 0; t < periods; t++) allSpend[spendVar(l, t)] = 1;
  });

  // how far each curve must be cut: the most the line's adstocked spend can reach
  const capOf = (l: AllocationLine, i: number) => {
    const caps = [
      l.max,
      total,
      ...(p.budget?.perPeriod ?? []).map((b) => b * periods),
      l.locked ? (l.currentSpend ?? 0) * periods : undefined,
      l.maxChange !== undefined ? (l.currentSpend ?? 0) * periods * (1 + l.maxChange) : undefined,
      l.withinData ? l.observedSpend!.max * periods : undefined,
    ].filter((v): v is number => v !== undefined);
    const spendCap = caps.length ? Math.min(...caps) : Math.max(10 * (l.currentSpend ?? 0) * periods, 2 * curves[i]!.saturation);
    const cr = carry[i]!;
    if (cr.kind === "window") return Math.max(Math.max(0, ...cr.carryIn) + spendCap * cr.weights.reduce((a, b) => a + b, 0), 1e-9);
    const { c, alpha, carryIn } = cr;
    return Math.max(carryIn, alpha > 0 ? (c * spendCap) / (1 - alpha) : spendCap, 1e-9);
  };

  p.lines.forEach((line, l) => {
    const curve = curves[l]!;
    const end = capOf(line, l);
    for (let t = 0; t < periods; t++) {
      const x = spendVar(l, t);
      bounds[x] = [0, null];
      let adstocked = x;
      const cr = carry[l]!;
      if (cr.kind === "window" && (cr.weights.length > 1 || cr.weights[0] !== 1 || cr.carryIn[t]! > 0)) {
        // a[l,t] − Σ_m w_m·x[l,t−m] = carry-in from the history
        adstocked = adVar(l, t);
        bounds[adstocked] = [0, null];
        const coefs: Record<string, number> = { [adstocked]: 1 };
        for (let m = 0; m < cr.weights.length && m <= t; m++) coefs[spendVar(l, t - m)] = -cr.weights[m]!;
        add(
          { name: `adstock[${l},${t}]`, coefs, op: "=", rhs: cr.carryIn[t]! },
          { kind: "adstock", description: `carry-over of ${lineLabel(line)} into period ${t + 1}`, line: l },
        );
      } else if (cr.kind === "geometric" && (cr.alpha > 0 || cr.carryIn > 0)) {
        const { c, alpha, carryIn } = cr;
        // a[l,t] − c·x[l,t] − alpha·a[l,t−1] = alpha·carryIn (t = 0) or 0
        adstocked = adVar(l, t);
        bounds[adstocked] = [0, null];
        const coefs: Record<string, number> = { [adstocked]: 1, [x]: -c };
        if (t > 0) coefs[adVar(l, t - 1)] = -alpha;
        add(
          { name: `adstock[${l},${t}]`, coefs, op: "=", rhs: t === 0 ? alpha * carryIn : 0 },
          { kind: "adstock", description: `carry-over of ${lineLabel(line)} into period ${t + 1}`, line: l },
        );
      }
      const extra = extraBreaks?.get(`${l},${t}`);
      // periods of a line share their cut unless refinement added points to one of them
      const cacheKey = extra?.length ? `${l},${t}` : `${l}`;
      let pieces = cutCache.get(cacheKey) ?? piecewise(curve, end, p.pieces ?? 40, 1e-4, extra ?? []);
      cutCache.set(cacheKey, pieces);
      let mode: CurveCut["mode"] = "concave";
      if (!pieces.concave) {
        const wantExact = p.sShaped === "exact" || ((p.sShaped ?? "auto") === "auto" && p.lines.length * periods * (pieces.breaks.length - 1) <= 4000);
        if (wantExact) mode = "exact";
        else (pieces = concaveEnvelope(pieces)), (mode = "envelope");
      }
      cuts.push({ line: l, period: t, pieces, mode });
      const link: Record<string, number> = { [adstocked]: -1 };
      const K = pieces.breaks.length - 1;
      for (let k = 0; k < K; k++) {
        const v = pieceVar(l, t, k);
        const width = pieces.breaks[k + 1]! - pieces.breaks[k]!;
        const slope = (pieces.values[k + 1]! - pieces.values[k]!) / width;
        bounds[v] = [0, width];
        link[v] = 1;
        obj[v] = effectiveSlope(objective, slope);
        if (k === K - 1 && mode === "concave") {
          // past the cut the curve runs on at its own slope there (0 for a sampled curve), never above the last piece's
          const tail = pieceVar(l, t, K);
          bounds[tail] = [0, null];
          link[tail] = 1;
          obj[tail] = effectiveSlope(objective, Math.min(slope, Math.max(0, curve.derivative(pieces.breaks[K]!))));
        }
        if (mode === "exact" && k < K - 1) {
          const z = orderVar(l, t, k);
          integers.push(z);
          bounds[z] = [0, 1];
          const next = pieceVar(l, t, k + 1);
          const nextWidth = pieces.breaks[k + 2]! - pieces.breaks[k + 1]!;
          add({ name: `order[${l},${t},${k}]a`, coefs: { [v]: 1, [z]: -width }, op: ">=", rhs: 0 }, { kind: "order", description: "pieces in order", line: l });
          add(
            { name: `order[${l},${t},${k}]b`, coefs: { [next]: 1, [z]: -nextWidth }, op: "<=", rhs: 0 },
            { kind: "order", description: "pieces in order", line: l },
          );
        }
      }
      add({ name: `curve[${l},${t}]`, coefs: link, op: "=", rhs: 0 }, { kind: "curve", description: `response curve of ${lineLabel(line)}`, line: l });
      // profit pays $1 per $1 spent; a target mROI charges the target per $1, so spend stops where the next $1
      // (with what it carries into later periods) returns less than the target
      if (objective.kind === "maxProfit") obj[x] = -1;
      if (objective.kind === "targetMroi") obj[x] = -objective.mroi;
      if (objective.kind === "minSpend") obj[x] = 1;
    }
  });

  if (objective.kind === "minSpend") {
    const ret: Record<string, number> = {};
    for (const cut of cuts)
      cut.pieces.breaks.forEach((_, k) => k < cut.pieces.breaks.length - 1 && (ret[pieceVar(cut.line, cut.period, k)] = slopeOf(cut.pieces, k)));
    for (const cut of cuts) {
      const K = cut.pieces.breaks.length - 1;
      const tail = pieceVar(cut.line, cut.period, K);
      if (tail in bounds) ret[tail] = Math.min(slopeOf(cut.pieces, K - 1), Math.max(0, curves[cut.line]!.derivative(cut.pieces.breaks[K]!)));
    }
    add(
      { name: "target", coefs: ret, op: ">=", rhs: objective.targetReturn },
      { kind: "target", description: `expected return of at least ${money(objective.targetReturn)}` },
    );
  }

  if (total !== undefined) {
    add(
      { name: "budget", coefs: allSpend, op: p.budget?.exact ? "=" : "<=", rhs: total },
      { kind: "budget", description: `total budget ${p.budget?.exact ? "of exactly" : "of at most"} ${money(total)}` },
    );
  }
  p.budget?.perPeriod?.forEach((b, t) => {
    const coefs = Object.fromEntries(p.lines.map((_, l) => [spendVar(l, t), 1]));
    add({ name: `budget[period ${t + 1}]`, coefs, op: "<=", rhs: b }, { kind: "period-budget", description: `period ${t + 1} budget of at most ${money(b)}` });
  });
  const lineSpend = (l: number) => Object.fromEntries(Array.from({ length: periods }, (_, t) => [spendVar(l, t), 1]));
  const shareRow = (members: readonly number[], share: number) => {
    const coefs: Record<string, number> = {};
    for (const v of Object.keys(allSpend)) coefs[v] = -share;
    for (const l of members) for (let t = 0; t < periods; t++) coefs[spendVar(l, t)] = coefs[spendVar(l, t)]! + 1;
    return coefs;
  };
  p.lines.forEach((line, l) => {
    const label = lineLabel(line);
    if (line.min !== undefined)
      add(
        { name: `min[${label}]`, coefs: lineSpend(l), op: ">=", rhs: line.min },
        { kind: "min", description: `${label} at least ${money(line.min)}`, line: l },
      );
    if (line.max !== undefined)
      add(
        { name: `max[${label}]`, coefs: lineSpend(l), op: "<=", rhs: line.max },
        { kind: "max", description: `${label} at most ${money(line.max)}`, line: l },
      );
    if (line.minShare !== undefined)
      add(
        { name: `minShare[${label}]`, coefs: shareRow([l], line.minShare), op: ">=", rhs: 0 },
        { kind: "min-share", description: `${label} at least ${pct(line.minShare)} of spend`, line: l },
      );
    if (line.maxShare !== undefined)
      add(
        { name: `maxShare[${label}]`, coefs: shareRow([l], line.maxShare), op: "<=", rhs: 0 },
        { kind: "max-share", description: `${label} at most ${pct(line.maxShare)} of spend`, line: l },
      );
    if (line.withinData) {
      const { min, max } = line.observedSpend!;
      const range = `within the spend its data show (${money(min)} to ${money(max)} a period)`;
      for (let t = 0; t < periods; t++) {
        const at = periods > 1 ? `, period ${t + 1}` : "";
        const what = { kind: "within-data" as const, description: `${label} ${range}${at}`, line: l };
        if (min > 0) add({ name: `withinData[${label}${at}]-`, coefs: { [spendVar(l, t)]: 1 }, op: ">=", rhs: min }, what);
        add({ name: `withinData[${label}${at}]+`, coefs: { [spendVar(l, t)]: 1 }, op: "<=", rhs: max }, what);
      }
    }
    const current = (line.currentSpend ?? 0) * periods;
    if (line.locked) {
      for (let t = 0; t < periods; t++) {
        add(
          { name: `locked[${label}${periods > 1 ? `, period ${t + 1}` : ""}]`, coefs: { [spendVar(l, t)]: 1 }, op: "=", rhs: line.currentSpend! },
          { kind: "locked", description: `${label} locked at ${money(line.currentSpend!)}${periods > 1 ? ` in period ${t + 1}` : ""}`, line: l },
        );
      }
    } else if (line.maxChange !== undefined) {
      add(
        { name: `maxChange[${label}]-`, coefs: lineSpend(l), op: ">=", rhs: current * (1 - line.maxChange) },
        { kind: "max-change", description: `${label} down at most ${pct(line.maxChange)} from ${money(current)}`, line: l },
      );
      add(
        { name: `maxChange[${label}]+`, coefs: lineSpend(l), op: "<=", rhs: current * (1 + line.maxChange) },
        { kind: "max-change", description: `${label} up at most ${pct(line.maxChange)} from ${money(current)}`, line: l },
      );
    }
  });
  (p.groups ?? []).forEach((g, gi) => {
    const members = p.lines.flatMap((l, i) =>
      (!g.channels || g.channels.includes(l.channel)) && (!g.segments || (l.segment !== undefined && g.segments.includes(l.segment))) ? [i] : [],
    );
    if (members.length === 0)
      throw new ValidationError(`groups[${gi}] (${g.name}) matches no line.`, [{ path: ["body", "groups", gi], message: "matches no line" }]);
    const coefs = Object.fromEntries(members.flatMap((l) => Array.from({ length: periods }, (_, t) => [spendVar(l, t), 1])));
    if (g.min !== undefined)
      add({ name: `group[${g.name}] min`, coefs, op: ">=", rhs: g.min }, { kind: "group", description: `${g.name} at least ${money(g.min)}` });
    if (g.max !== undefined)
      add({ name: `group[${g.name}] max`, coefs, op: "<=", rhs: g.max }, { kind: "group", description: `${g.name} at most ${money(g.max)}` });
    if (g.minShare !== undefined)
      add(
        { name: `group[${g.name}] minShare`, coefs: shareRow(members, g.minShare), op: ">=", rhs: 0 },
        { kind: "group", description: `${g.name} at least ${pct(g.minShare)} of spend` },
      );
    if (g.maxShare !== undefined)
      add(
        { name: `group[${g.name}] maxShare`, coefs: shareRow(members, g.maxShare), op: "<=", rhs: 0 },
        { kind: "group", description: `${g.name} at most ${pct(g.maxShare)} of spend` },
      );
  });
  const lp: LinearProgram = {
    sense: objective.kind === "minSpend" ? "min" : "max",
    objective: obj,
    bounds,
    constraints,
    ...(integers.length ? { integers } : {}),
  };
  return { lp, info, cuts, curves, carry, periods };
}

function slopeOf(p: Pieces, k: number): number {
  return (p.values[k + 1]! - p.values[k]!) / (p.breaks[k + 1]! - p.breaks[k]!);
}

/** A piece's objective coefficient: its return per $1, or margin × that for profit, 0 when spend is minimised. */
function effectiveSlope(o: NonNullable<AllocationProblem["objective"]>, slope: number): number {
  if (o.kind === "maxProfit") return o.margin * slope;
  if (o.kind === "minSpend") return 0;
  return slope;
}

const pct = (v: number) => `${+(v * 100).toFixed(2)}%`;
