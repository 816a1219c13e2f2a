import { createRequire } from "node:module";
import type { Highs } from "highs";
import { variableNames, type LinearProgram, type LpSolution } from "./lp.ts";

/** The one interface the allocator solves through. */
export interface LpSolver {
  readonly name: string;
  solve(lp: LinearProgram): LpSolution;
}

const require = createRequire(import.meta.url);
let highsRuntime: Promise<Highs> | undefined;
/** kIisStrategyIrreducible: a truly minimal conflicting set (the default, "light", often finds none). */
const IIS_IRREDUCIBLE = 4;

/**
 * HiGHS compiled to wasm (npm `highs`): sparse, with variable bounds, duals, integers and IIS. Measured in
 * ../shared/oracles/lp-bench: 0.055 s at 4,000 variables where javascript-lp-solver took 8.9 s, 0.35 s at 20,000
 * where it gave no answer in 600 s. Loaded once (about 50 ms); solves are synchronous.
 */
export async function highsSolver(): Promise<LpSolver> {
  highsRuntime ??= (require("highs") as (o?: object) => Promise<Highs>)();
  const highs = await highsRuntime;
  const C = highs.constants;
  const solver: LpSolver = {
    name: "highs",
    solve(lp) {
      const names = variableNames(lp);
      const index = new Map(names.map((v, i) => [v, i]));
      const n = names.length;
      const m = lp.constraints.length;
      const INF = highs.infinity;
      const colCost = new Float64Array(n);
      const colLower = new Float64Array(n);
      const colUpper = new Float64Array(n).fill(INF);
      for (const [v, a] of Object.entries(lp.objective)) colCost[index.get(v)!] = a;
      for (const [v, [lo, hi]] of Object.entries(lp.bounds ?? {})) {
        colLower[index.get(v)!] = lo === null ? -INF : lo;
        colUpper[index.get(v)!] = hi === null ? INF : hi;
      }
      const rowLower = new Float64Array(m);
      const rowUpper = new Float64Array(m);
      const starts = new Int32Array(m + 1);
      const indices: number[] = [];
      const values: number[] = [];
      lp.constraints.forEach((c, i) => {
        rowLower[i] = c.op === "<=" ? -INF : c.rhs;
        rowUpper[i] = c.op === ">=" ? INF : c.rhs;
        for (const [v, a] of Object.entries(c.coefs)) {
          if (a === 0) continue;
          indices.push(index.get(v)!);
          values.push(a);
        }
        starts[i + 1] = indices.length;
      });
      const integrality = lp.integers?.length
        ? Int32Array.from(names, (v) => (lp.integers!.includes(v) ? C.variableType.integer : C.variableType.continuous))
        : undefined;
      const model = highs.createModel({
        numCols: n,
        numRows: m,
        sense: lp.sense === "max" ? C.objectiveSense.maximize : C.objectiveSense.minimize,
        colCost,
        colLower,
        colUpper,
        rowLower,
        rowUpper,
        matrix: { format: "csr", numRows: m, numCols: n, starts, indices: Int32Array.from(indices), values: Float64Array.from(values) },
        ...(integrality && { integrality }),
      });
      try {
        model.options.set({ output_flag: false, mip_rel_gap: 1e-9 });
        model.run();
        const status = model.getModelStatus();
        if (status === C.modelStatus.optimal || status === C.modelStatus.empty) {
          const sol = model.getSolution();
          const x = Object.fromEntries(names.map((v, i) => [v, sol.colValue[i] ?? 0]));
          // HiGHS reports row duals as d(objective)/d(row activity) in the problem's own sense
          const duals = integrality ? null : Object.fromEntries(lp.constraints.map((c, i) => [c.name, sol.rowDual[i] ?? 0]));
          const objective = names.reduce((s, v) => s + (lp.objective[v] ?? 0) * x[v]!, 0);
          return { status: "optimal", objective, x, duals, conflict: null, solver: "highs" };
        }
        if (status === C.modelStatus.infeasible || status === C.modelStatus.unboundedOrInfeasible) {
          const infeasible = status === C.modelStatus.infeasible || isInfeasible(lp);
          if (!infeasible) return { status: "unbounded", objective: null, x: null, duals: null, conflict: null, solver: "highs" };
          let conflict: string[] | null = null;
          try {
            model.options.set({ iis_strategy: IIS_IRREDUCIBLE });
            const iis = model.getIis();
            conflict = Array.from(iis.rowIndex, (r) => lp.constraints[r]!.name);
          } catch {
            conflict = null;
          }
          return { status: "infeasible", objective: null, x: null, duals: null, conflict, solver: "highs" };
        }
        if (status === C.modelStatus.unbounded) return { status: "unbounded", objective: null, x: null, duals: null, conflict: null, solver: "highs" };
        return { status: "failed", objective: null, x: null, duals: null, conflict: null, solver: "highs", message: `HiGHS model status ${status}` };
      } finally {
        model.dispose();
      }
    },
  };
  /** HiGHS's presolve may not tell infeasible from unbounded: the same constraints with a zero objective settle it. */
  const isInfeasible = (lp: LinearProgram) =>
    solver.solve({ ...lp, objective: Object.fromEntries(Object.keys(lp.objective).map((v) => [v, 0])) }).status === "infeasible";
  return solver;
}

interface JsLpResult {
  feasible: boolean;
  bounded?: boolean;
  result: number;
  [variable: string]: number | boolean | undefined;
}

/**
 * javascript-lp-solver: exact, pure JS, but a dense tableau (8.9 s at 4,000 variables), no variable bounds (each
 * becomes a row), no duals; a result of 0 can mean infeasible and zero variables are omitted, both handled here.
 * Kept as the second, independent solver the tests cross-check HiGHS against, and for callers who ask for it.
 */
export function jsLpSolver(): LpSolver {
  const solver = require("javascript-lp-solver") as { Solve(model: object): JsLpResult };
  return {
    name: "javascript-lp-solver",
    solve(lp) {
      const OBJ = "__objective__";
      const variables: Record<string, Record<string, number>> = {};
      const constraints: Record<string, { min?: number; max?: number; equal?: number }> = {};
      const names = variableNames(lp);
      for (const v of names) variables[v] = {};
      for (const [v, a] of Object.entries(lp.objective)) variables[v]![OBJ] = a;
      lp.constraints.forEach((c, k) => {
        const key = `c${k}`;
        constraints[key] = c.op === "<=" ? { max: c.rhs } : c.op === ">=" ? { min: c.rhs } : { equal: c.rhs };
        for (const [v, a] of Object.entries(c.coefs)) variables[v]![key] = a;
      });
      const unrestricted: Record<string, 1> = {};
      for (const [v, [lo, hi]] of Object.entries(lp.bounds ?? {})) {
        if (lo === null) unrestricted[v] = 1;
        else if (lo !== 0) (constraints[`lb:${v}`] = { min: lo }), (variables[v]![`lb:${v}`] = 1);
        if (hi !== null) (constraints[`ub:${v}`] = { max: hi }), (variables[v]![`ub:${v}`] = 1);
      }
      const ints = Object.fromEntries((lp.integers ?? []).map((v) => [v, 1]));
      const r = solver.Solve({ optimize: OBJ, opType: lp.sense, constraints, variables, unrestricted, ints });
      if (!r.feasible) return { status: "infeasible", objective: null, x: null, duals: null, conflict: null, solver: this.name };
      if (r.bounded === false) return { status: "unbounded", objective: null, x: null, duals: null, conflict: null, solver: this.name };
      const x = Object.fromEntries(names.map((v) => [v, typeof r[v] === "number" ? (r[v] as number) : 0]));
      const objective = names.reduce((s, v) => s + (lp.objective[v] ?? 0) * x[v]!, 0);
      return { status: "optimal", objective, x, duals: null, conflict: null, solver: this.name };
    },
  };
}
