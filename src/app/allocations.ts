import type { z } from "zod";
import { ValidationError } from "../errors.ts";
import { allocate, type AllocationResult } from "../optimize/allocate.ts";
import type { AllocationLine, AllocationProblem } from "../optimize/problem.ts";
import { highsSolver, jsLpSolver, type LpSolver } from "../optimize/solvers.ts";
import type { Store } from "../store/store.ts";
import { beyondObservedWarnings, lineName, mmmLines } from "./mmm-lines.ts";
import type { AllocationRequestSchema } from "./schemas.ts";

export type AllocationRequest = z.infer<typeof AllocationRequestSchema>;
export const ALLOCATION_KIND = "allocation";
/** javascript-lp-solver keeps a dense tableau: 8.9 s at 4,000 variables (../shared/oracles/lp-bench). */
const JSLP_MAX_VARIABLES = 2000;

export interface AllocationOutput extends AllocationResult {
  readonly mmmId: string | null;
  /** Deprecated: mmmId (kept in answers for one release). */
  readonly modelId: string | null;
  readonly warnings: readonly string[];
}

/** Solve an allocation request: lines from the request or from a fitted MMM, then the LP; saved for GET and CSV. */
export async function runAllocation(store: Store, req: AllocationRequest): Promise<{ id: string; output: AllocationOutput }> {
  const warnings: string[] = [];
  if (req.lines && req.periodLength !== undefined) {
    throw new ValidationError(
      "periodLength converts a model's curves to plan periods; explicit lines' curves are already per period. Leave periodLength out, or use mmmId.",
      [{ path: ["body", "periodLength"], message: "only with mmmId", code: "needs_model", value: req.periodLength }],
    );
  }
  const given = req.mmmId ? (await mmmLines(store, req.mmmId, req.periodLength ?? 1, req.periods, warnings)).lines : (req.lines as AllocationLine[]);
  const unmeasured = req.withinData ? given.filter((l) => !l.observedSpend).map(lineName) : [];
  if (unmeasured.length)
    throw new ValidationError(
      `withinData keeps each line within the spend its data show, and ${unmeasured.join(", ")} ${unmeasured.length > 1 ? "have" : "has"} no observedSpend (${req.mmmId ? "a model fitted before curves carried it: fit it again" : "give each line its observedSpend"}).`,
      [{ path: ["body", "withinData"], message: "lines without observedSpend", code: "needs_observed_spend", value: unmeasured[0] }],
    );
  const lines = withLimits(
    req.withinData === undefined ? given : given.map((l) => ({ ...l, withinData: l.withinData ?? req.withinData })),
    req.limits,
    req.mmmId ? "the model" : "lines",
  );
  const problem: AllocationProblem = {
    lines,
    ...(req.groups && { groups: req.groups }),
    objective: req.objective,
    ...(req.budget && { budget: req.budget }),
    periods: req.periods,
    ...(req.pieces !== undefined && { pieces: req.pieces }),
    ...(req.refine !== undefined && { refine: req.refine }),
    ...(req.sShaped && { sShaped: req.sShaped }),
  };
  const solver = await chooseSolver(req, problem);
  const { lp: _lp, ...result } = allocate(problem, solver);
  // the answer's lines, and its periods line by line, come in the problem's line order
  const T = req.periods ?? 1;
  const spendOf = (i: number) => (T > 1 ? result.periods.slice(i * T, (i + 1) * T).map((r) => r.spend) : [result.lines[i]!.spend]);
  warnings.push(...beyondObservedWarnings(lines, spendOf));
  const output: AllocationOutput = { ...result, mmmId: req.mmmId ?? null, modelId: req.mmmId ?? null, warnings };
  const saved = await store.models.save({ kind: ALLOCATION_KIND, datasetId: null, schemaVersion: 1, spec: req, result: output });
  return { id: saved.id, output };
}

async function chooseSolver(req: AllocationRequest, p: AllocationProblem): Promise<LpSolver> {
  if (req.solver !== "javascript-lp-solver") return highsSolver();
  const estimate = p.lines.length * (p.periods ?? 1) * ((p.pieces ?? 40) + 2);
  if (estimate > JSLP_MAX_VARIABLES) {
    throw new ValidationError(
      `javascript-lp-solver keeps a dense tableau: about ${estimate.toLocaleString("en")} variables would take minutes (8.9 s at 4,000). Use "solver": "highs" or fewer pieces.`,
      [{ path: ["body", "solver"], message: "problem too large for javascript-lp-solver" }],
    );
  }
  return jsLpSolver();
}

/** The lines with the request's limits applied, matched by channel (and segment); a limit that matches no line is a 400. */
function withLimits(lines: readonly AllocationLine[], limits: AllocationRequest["limits"], source: string): AllocationLine[] {
  for (const [i, lim] of (limits ?? []).entries()) {
    const matches = lines.filter((l) => l.channel === lim.channel && (lim.segment === undefined || l.segment === lim.segment));
    if (matches.length === 0)
      throw new ValidationError(`limits[${i}]: ${source} has no line ${lim.channel}${lim.segment ? `/${lim.segment}` : ""}.`, [
        { path: ["body", "limits", i], message: "no such line", value: lim.channel },
      ]);
  }
  return lines.map((l) => {
    const lim = (limits ?? []).filter((x) => x.channel === l.channel && (x.segment === undefined || x.segment === l.segment));
    return Object.assign({}, l, ...lim.map(({ channel: _c, segment: _s, ...rest }) => rest)) as AllocationLine;
  });
}

export function allocationCsvRows(out: AllocationOutput): { header: string[]; rows: (string | number | null)[][] } {
  const rows = out.periods.length ? out.periods : out.lines;
  return {
    header: ["channel", "segment", "period", "spend", "expectedReturn", "roi", "mroi"],
    rows: rows.map((r) => [r.channel, r.segment, r.period, r.spend, r.expectedReturn, r.roi, r.mroi]),
  };
}
