import { InfeasibleError, ModelFitError } from "../errors.ts";
import { checkProblem, formulate, lineLabel, spendVar, type Formulation } from "./formulate.ts";
import { adstocked, evaluateLine } from "./evaluate.ts";
import type { LinearProgram, LpSolution } from "./lp.ts";
import type { AllocationProblem } from "./problem.ts";
import type { LpSolver } from "./solvers.ts";

export interface AllocationRow {
  readonly channel: string;
  readonly segment: string | null;
  /** 1-based period; null in totals over the plan. */
  readonly period: number | null;
  readonly spend: number;
  /** Return on the true curve (not its linear pieces), carry-over from before the plan excluded. */
  readonly expectedReturn: number;
  readonly roi: number | null;
  /** Return of the next $1 (in a period: including what it carries into later periods). */
  readonly mroi: number;
}

export interface LineTotal extends AllocationRow {
  readonly current: number | null;
  readonly change: number | null;
}

export interface BindingConstraint {
  readonly constraint: string;
  readonly description: string;
  /** d objective / d limit: the next $1 of budget returns this; a floor costs this per $1 (negative). */
  readonly marginalValue: number | null;
}

export interface AllocationResult {
  readonly objective: NonNullable<AllocationProblem["objective"]>["kind"];
  readonly lines: readonly LineTotal[];
  readonly periods: readonly AllocationRow[];
  readonly totals: {
    readonly spend: number;
    readonly expectedReturn: number;
    readonly expectedReturnInterval: { readonly lower: number; readonly upper: number } | null;
    readonly roi: number | null;
  };
  readonly current: { readonly spend: number; readonly expectedReturn: number } | null;
  readonly uplift: { readonly expectedReturn: number; readonly relative: number | null } | null;
  readonly binding: readonly BindingConstraint[];
  readonly approximation: {
    /** Largest gap between a curve and its pieces near the plan (return per period). */
    readonly maxPieceError: number;
    /** S-shaped curves: how each was handled and, for the envelope, how much it overstated the plan's return. */
    readonly sShaped: readonly { readonly line: string; readonly method: "exact" | "envelope"; readonly overstatement: number }[];
  };
  readonly solver: {
    readonly name: string;
    readonly variables: number;
    readonly constraints: number;
    readonly integers: number;
    readonly rounds: number;
    readonly lpObjective: number;
  };
  readonly summary: string;
}

/**
 * The allocation that maximises the objective under the constraints: concave curves cut into pieces make it a
 * linear program (globally optimal, deterministic); S-shaped curves use integer order variables or the concave
 * envelope. After each solve the curves are re-cut finely around the plan and solved again (`refine` rounds),
 * so the plan converges to the continuous optimum.
 *
 * @throws InfeasibleError (422) naming a minimal set of constraints that cannot hold together
 * @throws ModelFitError (422) when the return is unbounded or the solver fails
 */
export function allocate(problem: AllocationProblem, solver: LpSolver): AllocationResult & { readonly lp: LinearProgram } {
  checkProblem(problem);
  // each refinement round is a re-solve: cheap for a few hundred curves, a second for a 13-week plan of 100
  // lines, whose 40 pieces per curve already keep the error small (reported as approximation.maxPieceError)
  const rounds = problem.refine ?? (problem.lines.length * (problem.periods ?? 1) <= 400 ? 3 : 0);
  const extra = new Map<string, number[]>();
  let form = formulate(problem);
  let sol = solveChecked(form, solver);
  for (let r = 0; r < rounds; r++) {
    for (const cut of form.cuts) {
      if (cut.mode === "envelope") continue;
      const a = adstockedOf(form, sol.x!, cut.line)[cut.period]!;
      const b = cut.pieces.breaks;
      let k = 0;
      while (k < b.length - 2 && b[k + 1]! < a) k++;
      const lo = b[Math.max(0, k - 1)]!;
      const hi = b[Math.min(b.length - 1, k + 2)]!;
      const key = `${cut.line},${cut.period}`;
      extra.set(key, [...(extra.get(key) ?? []), ...Array.from({ length: 15 }, (_, i) => lo + ((hi - lo) * (i + 1)) / 16)]);
    }
    form = formulate(problem, extra);
    sol = solveChecked(form, solver);
  }
  return { ...report(problem, form, sol, solver, rounds), lp: form.lp };
}

function solveChecked(form: Formulation, solver: LpSolver): LpSolution {
  const sol = solver.solve(form.lp);
  if (sol.status === "optimal") return sol;
  if (sol.status === "infeasible") {
    const named = (sol.conflict ?? []).map((n) => form.info.get(n)).filter((i) => i && i.kind !== "curve" && i.kind !== "adstock" && i.kind !== "order");
    const listed = named.map((i) => i!.description);
    const mins = named.filter((i) => i!.kind === "min");
    const budget = named.find((i) => i!.kind === "budget" || i!.kind === "period-budget");
    const sum =
      mins.length > 1 && budget
        ? ` (together the minimums need ${money(mins.reduce((a, i) => a + Number(form.lp.constraints.find((c) => c.name === i!.name)!.rhs), 0))})`
        : "";
    throw new InfeasibleError(
      listed.length
        ? `These constraints cannot all hold: ${listed.join("; ")}${sum}. Relax one of them.`
        : "The constraints cannot all hold together (the solver found no smaller conflicting set to name).",
      named.map((i) => ({ path: ["constraints", i!.name], message: i!.description })),
    );
  }
  if (sol.status === "unbounded")
    throw new ModelFitError("The return is unbounded: no budget or maximum limits spend on a curve that keeps rising. Set budget.total or a max per line.");
  throw new ModelFitError(`The solver (${sol.solver}) failed: ${sol.message ?? "no solution"}.`);
}

/** Adstocked spend per period of line l under solution x. */
function adstockedOf(form: Formulation, x: Readonly<Record<string, number>>, l: number): number[] {
  return adstocked(
    form.carry[l]!,
    Array.from({ length: form.periods }, (_, t) => x[spendVar(l, t)] ?? 0),
  );
}

const evaluate = (form: Formulation, spends: readonly (readonly number[])[]) => spends.map((s, l) => evaluateLine(form.curves[l]!, form.carry[l]!, s));

function report(problem: AllocationProblem, form: Formulation, sol: LpSolution, solver: LpSolver, rounds: number): AllocationResult {
  const x = sol.x!;
  const T = form.periods;
  const spends = problem.lines.map((_, l) => Array.from({ length: T }, (_, t) => Math.max(0, x[spendVar(l, t)] ?? 0)));
  const evals = evaluate(form, spends);
  const periods: AllocationRow[] = problem.lines.flatMap((line, l) =>
    spends[l]!.map((s, t) => ({
      channel: line.channel,
      segment: line.segment ?? null,
      period: t + 1,
      spend: s,
      expectedReturn: evals[l]![t]!.ret,
      roi: s > 0 ? evals[l]![t]!.ret / s : null,
      mroi: evals[l]![t]!.mroi,
    })),
  );
  const hasCurrent = problem.lines.every((l) => l.currentSpend !== undefined);
  const currentEval = hasCurrent
    ? evaluate(
        form,
        problem.lines.map((l) => new Array<number>(T).fill(l.currentSpend!)),
      )
    : null;
  const lines: LineTotal[] = problem.lines.map((line, l) => {
    const spend = spends[l]!.reduce((a, b) => a + b, 0);
    const ret = evals[l]!.reduce((a, e) => a + e.ret, 0);
    const current = line.currentSpend === undefined ? null : line.currentSpend * T;
    return {
      channel: line.channel,
      segment: line.segment ?? null,
      period: null,
      spend,
      expectedReturn: ret,
      roi: spend > 0 ? ret / spend : null,
      mroi: evals[l]![0]!.mroi,
      current,
      change: current === null ? null : spend - current,
    };
  });
  const spend = lines.reduce((a, l) => a + l.spend, 0);
  const expectedReturn = lines.reduce((a, l) => a + l.expectedReturn, 0);
  const flat = evals.flat();
  const expectedReturnInterval = flat.every((e) => e.band !== null)
    ? { lower: flat.reduce((a, e) => a + e.band!.lower, 0), upper: flat.reduce((a, e) => a + e.band!.upper, 0) }
    : null;
  const current = currentEval && {
    spend: problem.lines.reduce((a, l) => a + l.currentSpend! * T, 0),
    expectedReturn: currentEval.flat().reduce((a, e) => a + e.ret, 0),
  };
  const duals = sol.duals ?? dualsWithIntegersFixed(form.lp, sol, solver);
  const binding: BindingConstraint[] = form.lp.constraints.flatMap((c) => {
    const i = form.info.get(c.name)!;
    if (i.kind === "curve" || i.kind === "adstock" || i.kind === "order") return [];
    let lhs = 0;
    for (const [v, a] of Object.entries(c.coefs)) lhs += a * (x[v] ?? 0);
    const tight = Math.abs(lhs - c.rhs) <= 1e-7 * Math.max(1, Math.abs(c.rhs));
    const dual = duals?.[c.name] ?? null;
    if (!tight || (dual !== null && Math.abs(dual) < 1e-9)) return [];
    return [{ constraint: c.name, description: i.description, marginalValue: dual }];
  });
  const envelopeCuts = form.cuts.filter((c) => c.mode !== "concave");
  const sShaped = [...new Set(envelopeCuts.map((c) => c.line))].map((l) => {
    const cuts = envelopeCuts.filter((c) => c.line === l);
    const a = adstockedOf(form, x, l);
    const overstatement = cuts.reduce((sum, c) => sum + Math.max(0, interpolate(c.pieces, a[c.period]!) - form.curves[l]!.value(a[c.period]!)), 0);
    return { line: lineLabel(problem.lines[l]!), method: cuts[0]!.mode as "exact" | "envelope", overstatement: cuts[0]!.mode === "exact" ? 0 : overstatement };
  });
  const maxPieceError = form.cuts.reduce((m, c) => Math.max(m, c.pieces.maxError), 0);
  const uplift = current && {
    expectedReturn: expectedReturn - current.expectedReturn,
    relative: current.expectedReturn > 0 ? expectedReturn / current.expectedReturn - 1 : null,
  };
  const kind = (problem.objective ?? { kind: "maxReturn" }).kind;
  return {
    objective: kind,
    lines,
    periods: T > 1 ? periods : [],
    totals: { spend, expectedReturn, expectedReturnInterval, roi: spend > 0 ? expectedReturn / spend : null },
    current,
    uplift,
    binding,
    approximation: { maxPieceError, sShaped },
    solver: {
      name: solver.name,
      variables: Object.keys(form.lp.bounds ?? {}).length,
      constraints: form.lp.constraints.length,
      integers: form.lp.integers?.length ?? 0,
      rounds,
      lpObjective: sol.objective!,
    },
    summary: summarize(lines, spend, expectedReturn, problem.budget?.total, uplift, binding),
  };
}

/** Duals of a MILP's LP with its integer variables fixed at their optimal values (the usual sensitivity read-out). */
function dualsWithIntegersFixed(lp: LinearProgram, sol: LpSolution, solver: LpSolver): Readonly<Record<string, number>> | null {
  if (!lp.integers?.length) return null;
  const bounds = { ...lp.bounds };
  for (const z of lp.integers) {
    const v = Math.round(sol.x![z] ?? 0);
    bounds[z] = [v, v];
  }
  const { integers: _i, ...rest } = lp;
  return solver.solve({ ...rest, bounds }).duals;
}

function interpolate(p: { readonly breaks: readonly number[]; readonly values: readonly number[] }, a: number): number {
  const b = p.breaks;
  if (a >= b[b.length - 1]!) return p.values[p.values.length - 1]!;
  let k = 0;
  while (b[k + 1]! < a) k++;
  return p.values[k]! + ((p.values[k + 1]! - p.values[k]!) * (a - b[k]!)) / (b[k + 1]! - b[k]!);
}

function summarize(
  lines: readonly LineTotal[],
  spend: number,
  ret: number,
  budget: number | undefined,
  uplift: AllocationResult["uplift"],
  binding: readonly BindingConstraint[],
): string {
  const parts = [
    `Spend ${money(spend)}${budget !== undefined ? ` of the ${money(budget)} budget` : ""} for an expected return of ${money(ret)}${spend > 0 ? ` (${(ret / spend).toFixed(2)} per $1)` : ""}.`,
  ];
  if (uplift)
    parts.push(
      `That is ${money(Math.abs(uplift.expectedReturn))} ${uplift.expectedReturn >= 0 ? "more" : "less"} than the current plan${uplift.relative !== null ? ` (${uplift.relative >= 0 ? "+" : ""}${(uplift.relative * 100).toFixed(1)}%)` : ""}.`,
    );
  const moves = lines
    .filter((l) => l.change !== null && Math.abs(l.change) >= 0.005 * Math.max(spend, 1))
    .sort((a, b) => Math.abs(b.change!) - Math.abs(a.change!))
    .slice(0, 5);
  if (moves.length)
    parts.push(
      `Biggest moves: ${moves.map((l) => `${lineLabel({ channel: l.channel, ...(l.segment !== null && { segment: l.segment }) })} ${l.change! >= 0 ? "+" : "−"}${money(Math.abs(l.change!))}`).join(", ")}.`,
    );
  if (binding.length)
    parts.push(
      `Limited by: ${binding
        .slice(0, 5)
        .map(
          (b) => `${b.description}${b.marginalValue !== null ? ` (${b.marginalValue >= 0 ? "+" : ""}${b.marginalValue.toFixed(3)} per $1 of relaxation)` : ""}`,
        )
        .join("; ")}.`,
    );
  return parts.join(" ");
}

const money = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;
