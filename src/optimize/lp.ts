/**
 * A linear program in the form the reference oracle (`../shared/oracles/lp_oracle.py`) reads, so any problem the
 * allocator builds can be dumped and solved by scipy's HiGHS for comparison. Variables default to [0, ∞).
 */
export interface LinearProgram {
  readonly sense: "max" | "min";
  readonly objective: Readonly<Record<string, number>>;
  /** [lower, upper]; null is unbounded on that side. */
  readonly bounds?: Readonly<Record<string, readonly [number | null, number | null]>>;
  readonly constraints: readonly LpConstraint[];
  /** Variables restricted to integers (0/1 with bounds [0, 1]). */
  readonly integers?: readonly string[];
}

export interface LpConstraint {
  readonly name: string;
  readonly coefs: Readonly<Record<string, number>>;
  readonly op: "<=" | ">=" | "=";
  readonly rhs: number;
}

export type LpStatus = "optimal" | "infeasible" | "unbounded" | "failed";

export interface LpSolution {
  readonly status: LpStatus;
  readonly objective: number | null;
  /** Every variable's value (0 included) when optimal. */
  readonly x: Readonly<Record<string, number>> | null;
  /** d objective / d rhs per constraint, in the problem's own sense; null when the solver gives none. */
  readonly duals: Readonly<Record<string, number>> | null;
  /** Names of constraints forming an irreducible infeasible subsystem, when infeasible and the solver finds one. */
  readonly conflict: readonly string[] | null;
  readonly solver: string;
  readonly message?: string;
}

/** Variable names in first-appearance order: objective, constraints, bounds (the oracle's order). */
export function variableNames(lp: LinearProgram): string[] {
  const seen = new Set(Object.keys(lp.objective));
  for (const c of lp.constraints) for (const v of Object.keys(c.coefs)) seen.add(v);
  for (const v of Object.keys(lp.bounds ?? {})) seen.add(v);
  return [...seen];
}

/** Worst violation of any constraint or bound by `x`, relative to max(1, |rhs|). */
export function maxViolation(lp: LinearProgram, x: Readonly<Record<string, number>>): number {
  let worst = 0;
  for (const c of lp.constraints) {
    let lhs = 0;
    for (const [v, a] of Object.entries(c.coefs)) lhs += a * (x[v] ?? 0);
    const viol = c.op === "<=" ? lhs - c.rhs : c.op === ">=" ? c.rhs - lhs : Math.abs(lhs - c.rhs);
    worst = Math.max(worst, viol / Math.max(1, Math.abs(c.rhs)));
  }
  for (const [v, [lo, hi]] of Object.entries(lp.bounds ?? {})) {
    const xv = x[v] ?? 0;
    if (lo !== null) worst = Math.max(worst, (lo - xv) / Math.max(1, Math.abs(lo)));
    if (hi !== null) worst = Math.max(worst, (xv - hi) / Math.max(1, Math.abs(hi)));
  }
  return worst;
}
