import type { Curve } from "./curves.ts";
import type { AllocationLine } from "./problem.ts";

/**
 * A line's adstock: a geometric recursion a_t = c·spend_t + alpha·a_{t−1} starting from carryIn (its history's),
 * or a finite window a_t = Σ_m weights_m·spend_{t−m} + carryIn_t (an MMM's fitted lag weights, from the response
 * engine, with what the history carries into each period).
 */
export type Carry =
  | { readonly kind: "geometric"; readonly c: number; readonly alpha: number; readonly carryIn: number }
  | { readonly kind: "window"; readonly weights: readonly number[]; readonly carryIn: readonly number[] };

/** Carry-over applies only between periods of a multi-period plan; one period is the curve's steady state. */
export function carryOf(line: AllocationLine, periods: number): Carry {
  const ad = line.adstock;
  if (ad && "weights" in ad) {
    // one period: the steady state, where normalised weights give back the spend
    if (periods === 1) return { kind: "window", weights: [ad.weights.reduce((a, b) => a + b, 0)], carryIn: [0] };
    return { kind: "window", weights: ad.weights, carryIn: Array.from({ length: periods }, (_, t) => ad.carryIn?.[t] ?? 0) };
  }
  const alpha = periods > 1 ? (ad?.alpha ?? 0) : 0;
  const c = alpha > 0 && ad?.normalize ? 1 - alpha : 1;
  let carryIn = 0;
  if (periods > 1) for (const h of ad?.history ?? []) carryIn = c * h + alpha * carryIn;
  return { kind: "geometric", c, alpha, carryIn };
}

export function adstocked(carry: Carry, spend: readonly number[]): number[] {
  if (carry.kind === "window") {
    return spend.map((_, t) => {
      let a = carry.carryIn[t] ?? 0;
      for (let m = 0; m < carry.weights.length && m <= t; m++) a += carry.weights[m]! * spend[t - m]!;
      return a;
    });
  }
  let a = carry.carryIn;
  return spend.map((s) => (a = carry.c * s + carry.alpha * a));
}

/** d a_τ / d spend_t: how much of $1 in period t is adstocked spend τ − t periods later. */
export function lagWeight(carry: Carry, lag: number): number {
  if (carry.kind === "window") return carry.weights[lag] ?? 0;
  return carry.c * carry.alpha ** lag;
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
  const a0 = adstocked(
    carry,
    spend.map(() => 0),
  );
  return spend.map((_, t) => {
    let mroi = 0;
    for (let tau = t; tau < spend.length; tau++) mroi += curve.derivative(a[tau]!) * lagWeight(carry, tau - t);
    const b = curve.band && { with: curve.band(a[t]!), without: curve.band(a0[t]!) };
    return {
      ret: curve.value(a[t]!) - curve.value(a0[t]!),
      total: curve.value(a[t]!),
      mroi,
      band: b && { lower: b.with.lower - b.without.lower, upper: b.with.upper - b.without.upper },
    };
  });
}
