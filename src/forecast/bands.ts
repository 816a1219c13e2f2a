import { quantileSorted } from "../data/quantile.ts";

/** Leads on either side pooled with each lead's own backtest errors: 3 folds give 3 · 15 = 45 errors per lead. */
const LEAD_WINDOW = 7;

/**
 * Quantiles of a member's backtest errors (actual − point, in units of the series' MASE scale), per lead: the
 * empirical band a statistical member's point forecast gets (split-conformal by lead time, neighbouring leads
 * pooled). errorsByLead[h] holds every fold's error at lead h. Returns [level][lead].
 */
export function errorQuantiles(errorsByLead: readonly (readonly number[])[], levels: readonly number[]): number[][] {
  const H = errorsByLead.length;
  const out = levels.map(() => new Array<number>(H).fill(0));
  for (let h = 0; h < H; h++) {
    const pooled: number[] = [];
    for (let l = Math.max(0, h - LEAD_WINDOW); l <= Math.min(H - 1, h + LEAD_WINDOW); l++) pooled.push(...errorsByLead[l]!);
    if (pooled.length === 0) continue;
    pooled.sort((a, b) => a - b);
    levels.forEach((tau, k) => (out[k]![h] = quantileSorted(pooled, tau)));
  }
  return out;
}

/**
 * Point + scaled error quantiles, ordered, and never below zero for a series that never was. The first `zeroRows`
 * quantiles are 0: for a count series with many zero days, P(y = 0) ≥ τ makes the τ-quantile 0, which an error
 * added to a point forecast above zero never gives (on the simulated slow movers, a band starting at 0.07 left
 * every zero day outside it: 3–8% held-out coverage).
 */
export function bandAround(point: readonly number[], quantiles: readonly (readonly number[])[], scale: number, nonNegative: boolean, zeroRows = 0): number[][] {
  const q = quantiles.map((row, k) => (k < zeroRows ? point.map(() => 0) : point.map((p, h) => p + row[h]! * scale)));
  for (let k = 1; k < q.length; k++) q[k] = q[k]!.map((v, h) => Math.max(v, q[k - 1]![h]!));
  return nonNegative ? q.map((row) => row.map((v) => Math.max(0, v))) : q;
}

/** Days of the last year with zero: a non-negative series' estimate of P(y = 0). */
const ZERO_WINDOW = 365;

/**
 * How many of the (ascending) quantile levels are at or below a non-negative series' share of zero days over its
 * last year: those quantiles are 0 (bandAround's zeroRows). None for a series that goes below zero.
 */
export function zeroRows(levels: readonly number[], history: readonly number[]): number {
  if (history.some((v) => v < 0)) return 0;
  const tail = history.slice(-ZERO_WINDOW);
  const share = tail.length ? tail.reduce((a, v) => a + (v === 0 ? 1 : 0), 0) / tail.length : 0;
  return levels.filter((t) => t <= share).length;
}
