import type { CurveSpec } from "./curves.ts";

/** One line of the plan: a channel (optionally in a segment) with its response curve per period. */
export interface AllocationLine {
  readonly channel: string;
  readonly segment?: string;
  readonly curve: CurveSpec;
  /** Current spend per period: the plan the answer is compared with, and what a locked line keeps. */
  readonly currentSpend?: number;
  /** Spend over the whole plan (all periods), in money. */
  readonly min?: number;
  readonly max?: number;
  /** Share of the plan's total spend, in [0, 1]. */
  readonly minShare?: number;
  readonly maxShare?: number;
  /** Keep the current spend in every period. */
  readonly locked?: boolean;
  /**
   * The lowest and highest spend per period the curve's data show (a fitted model's lines): the app warns about
   * plans outside it, where the curve is its form extrapolated; the solver reads it only for `withinData`.
   */
  readonly observedSpend?: { readonly min: number; readonly max: number };
  /** Keep every period's spend within observedSpend: the plan then rests only on returns the data measured. */
  readonly withinData?: boolean;
  /** Largest change from the current plan's total, as a fraction (0.2 = ±20%). */
  readonly maxChange?: number;
  /**
   * Geometric carry-over between periods: adstocked spend a_t = c·spend_t + alpha·a_{t−1}, with c = 1 − alpha when
   * `normalize` (the MMM's convention: a steady spend s gives a = s) and 1 otherwise. `history` is spend per period
   * before the plan (oldest first): its carry-over enters the plan's first periods.
   */
  readonly adstock?:
    | { readonly alpha: number; readonly normalize?: boolean; readonly history?: readonly number[] }
    /** A fitted MMM's finite window (mmm-lines.ts): lag weights per period and the history's carry-in to each. */
    | { readonly weights: readonly number[]; readonly carryIn?: readonly number[] };
}

/** Lines that match every given list (channels, segments); with min/max in money or shares of the total. */
export interface AllocationGroup {
  readonly name: string;
  readonly channels?: readonly string[];
  readonly segments?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly minShare?: number;
  readonly maxShare?: number;
}

export type AllocationObjective =
  | { readonly kind: "maxReturn" }
  /** margin × return − spend */
  | { readonly kind: "maxProfit"; readonly margin: number }
  | { readonly kind: "minSpend"; readonly targetReturn: number }
  /** Spend only while each extra $1 returns at least `mroi` (target ROAS / efficiency), maximising return. */
  | { readonly kind: "targetMroi"; readonly mroi: number };

export interface AllocationProblem {
  readonly lines: readonly AllocationLine[];
  readonly groups?: readonly AllocationGroup[];
  readonly objective?: AllocationObjective;
  readonly budget?: {
    /** Total over the plan. */
    readonly total?: number;
    /** Spend the total exactly rather than at most. */
    readonly exact?: boolean;
    /** At most this much in each period (one value per period). */
    readonly perPeriod?: readonly number[];
  };
  /** Decision periods (weeks, months); 1 for a single allocation. */
  readonly periods?: number;
  /** Most linear pieces per curve before refinement. Default 40. */
  readonly pieces?: number;
  /** Refinement rounds: re-cut each curve finely around the solution and solve again. Default 3 (0 above 400 line-periods). */
  readonly refine?: number;
  /** S-shaped curves: "exact" (integer variables), "envelope" (concave envelope, gap reported), "auto". */
  readonly sShaped?: "auto" | "exact" | "envelope";
  /** "auto" (HiGHS), "highs" or "javascript-lp-solver". */
  readonly solver?: "auto" | "highs" | "javascript-lp-solver";
}
