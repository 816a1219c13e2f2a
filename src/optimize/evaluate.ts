import type { Curve } from "./curves.ts";
import type { AllocationLine } from "./problem.ts";

/** A line's adstock as a recursion: a_t = c·spend_t + alpha·a_{t−1}, starting from carryIn (its history's). */
export interface Carry {
  readonly c: number;
  readonly alpha: number;
  readonly carryIn: number;
}

/** Carry-over applies only between periods of a multi-period plan; one period is the curve's steady state. */
export function carryOf(line: AllocationLine, periods: number): Carry {
  const alpha = periods > 1 ? (line.adstock?.alpha ?? 0) : 0;
  const c = alpha > 0 && line.adstock?.normalized ? 1 - alpha : 1;
  let carryIn = 0;
  if (periods > 1) for (const h of line.adstock?.history ?? []) carryIn = c * h + alpha * carryIn;
  return { c, alpha, carryIn };
}

export function adstocked(carry: Carry, spend: readonly number[]): number[] {
  let a = carry.carryIn;
  return spend.map((s) => (a = carry.c * s + carry.alpha * a));
}

export interface PeriodEffect {
  /** Return caused by the plan's spend in this period (carry-over from before the plan excluded). */
  readonly ret: number;
  /** The line's whole media effect in this period, carry-over from before the plan included. */
  readonly total: number;
  /** Return of $1 more in this period, counting what it carries into later periods. */
  readonly mroi: number;
  /** `ret` at the ends of the curve's coefficient interval (null without one). */
  readonly band: { readonly lower: number; readonly upper: number } | null;
}

/** What a plan (spend per period) returns on one line's true curve. */
export function evaluateLine(curve: Curve, carry: Carry, spend: readonly number[]): PeriodEffect[] {
  const a = adstocked(carry, spend);
  const a0 = adstocked(carry, spend.map(() => 0));
  return spend.map((_, t) => {
    let mroi = 0;
    for (let tau = t; tau < spend.length; tau++) mroi += curve.derivative(a[tau]!) * carry.c * carry.alpha ** (tau - t);
    const b = curve.band && { with: curve.band(a[t]!), without: curve.band(a0[t]!) };
    return {
      ret: curve.value(a[t]!) - curve.value(a0[t]!),
      total: curve.value(a[t]!),
      mroi,
      band: b && { lower: b.with.lower - b.without.lower, upper: b.with.upper - b.without.upper },
    };
  });
}
