import type { z } from "zod";
import { NotFoundError, ValidationError } from "../errors.ts";
import { allocate, type AllocationResult } from "../optimize/allocate.ts";
import type { AllocationLine, AllocationProblem } from "../optimize/problem.ts";
import { highsSolver, jsLpSolver, type LpSolver } from "../optimize/solvers.ts";
import { prepareMmm, type MmmResult } from "../regression/mmm/fit-dataset.ts";
import type { Store } from "../store/store.ts";
import type { AllocationRequestSchema } from "./schemas.ts";

export type AllocationRequest = z.infer<typeof AllocationRequestSchema>;
export const ALLOCATION_KIND = "allocation";
/** javascript-lp-solver keeps a dense tableau: 8.9 s at 4,000 variables (../shared/oracles/lp-bench). */
const JSLP_MAX_VARIABLES = 2000;
const HISTORY_PERIODS = 8;

export interface AllocationOutput extends AllocationResult {
  readonly modelId: string | null;
  readonly warnings: readonly string[];
}

/** Solve an allocation request: lines from the request or from a fitted MMM, then the LP; saved for GET and CSV. */
export async function runAllocation(store: Store, req: AllocationRequest): Promise<{ id: string; output: AllocationOutput }> {
  const warnings: string[] = [];
  const lines = req.modelId ? linesFromMmm(store, req, warnings) : (req.lines as AllocationLine[]);
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
  const output: AllocationOutput = { ...result, modelId: req.modelId ?? null, warnings };
  const saved = store.models.save({ kind: ALLOCATION_KIND, datasetId: null, schemaVersion: 1, spec: req, result: output });
  return { id: saved.id, output };
}

async function chooseSolver(req: AllocationRequest, p: AllocationProblem): Promise<LpSolver> {
  if (req.solver !== "javascript-lp-solver") return highsSolver();
  const estimate = p.lines.length * (p.periods ?? 1) * ((p.pieces ?? 40) + 2);
  if (estimate > JSLP_MAX_VARIABLES) {
    throw new ValidationError(`javascript-lp-solver keeps a dense tableau: about ${estimate.toLocaleString("en")} variables would take minutes (8.9 s at 4,000). Use "solver": "highs" or fewer pieces.`, [{ path: ["body", "solver"], message: "problem too large for javascript-lp-solver" }]);
  }
  return jsLpSolver();
}

/**
 * One line per channel and segment of a fitted MMM: its Hill curve scaled to the plan's period (k model periods:
 * k·β·hill(S/k; κ) is a Hill curve with coefficient k·β and half-saturation k·κ), its mean spend as the current
 * plan, and its adstock (alpha^k per plan period) with the spend of the last periods as carry-over history.
 */
function linesFromMmm(store: Store, req: AllocationRequest, warnings: string[]): AllocationLine[] {
  const record = store.models.get<unknown, MmmResult>(req.modelId!);
  if (!record || record.kind !== "mmm") throw new NotFoundError(`No marketing-mix model ${req.modelId}.`, [{ path: ["body", "modelId"], message: "no such model", value: req.modelId }]);
  const k = req.periodLength;
  const history = historyOf(store, record.datasetId, record.result, k, warnings);
  const lines = record.result.segments.flatMap((s) => {
    if ("error" in s) {
      warnings.push(`Segment ${s.segment} has no fitted model (${s.error}) and is left out.`);
      return [];
    }
    return s.model.curves.map((c): AllocationLine => {
      const ch = s.model.channels.find((x) => x.channel === c.channel)!;
      const h = history.get(`${s.segment}|${c.channel}`);
      return {
        channel: c.channel,
        ...(s.segment !== null && { segment: String(s.segment) }),
        curve: { form: "hill", coefficient: k * c.coefficient, slope: c.slope, kappa: k * c.kappa, ...(ch.coefficientInterval && { coefficientInterval: { lower: k * ch.coefficientInterval.lower, upper: k * ch.coefficientInterval.upper } }) },
        current: k * c.currentSpend,
        adstock: { alpha: c.adstock.alpha ** k, normalized: true, ...(h && req.periods > 1 && { history: h }) },
      };
    });
  });
  for (const [i, lim] of (req.limits ?? []).entries()) {
    const matches = lines.filter((l) => l.channel === lim.channel && (lim.segment === undefined || l.segment === lim.segment));
    if (matches.length === 0) throw new ValidationError(`limits[${i}]: the model has no line ${lim.channel}${lim.segment ? `/${lim.segment}` : ""}.`, [{ path: ["body", "limits", i], message: "no such line" }]);
  }
  return lines.map((l) => {
    const lim = (req.limits ?? []).filter((x) => x.channel === l.channel && (x.segment === undefined || x.segment === l.segment));
    return Object.assign({}, l, ...lim.map(({ channel: _c, segment: _s, ...rest }) => rest)) as AllocationLine;
  });
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
      const periods = Math.floor(tail.length / k);
      const start = tail.length - periods * k;
      out.set(`${segment}|${channel}`, Array.from({ length: periods }, (_, p) => tail.slice(start + p * k, start + (p + 1) * k).reduce((a, b) => a + b, 0)));
    }
  }
  return out;
}

export function allocationCsvRows(out: AllocationOutput): { header: string[]; rows: (string | number | null)[][] } {
  const rows = out.periods.length ? out.periods : out.lines;
  return {
    header: ["channel", "segment", "period", "spend", "expectedReturn", "roi", "mroi"],
    rows: rows.map((r) => [r.channel, r.segment, r.period, r.spend, r.expectedReturn, r.roi, r.mroi]),
  };
}
