import { fitPreparedMmm, type PreparedMmm } from "../../regression/mmm/fit-dataset.ts";
import type { JobContext } from "../context.ts";
import { parallelChains } from "../parallel-chains.ts";

/** Fit prepared (already checked) marketing-mix inputs, reporting progress; a Bayesian fit's chains run on every core. */
export function runMmmFit(payload: unknown, ctx: JobContext) {
  return fitPreparedMmm(payload as PreparedMmm, (f, m) => ctx.progress(0.02 + 0.97 * f, m), parallelChains());
}
