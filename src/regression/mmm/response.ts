import { adstockWeights, type AdstockSpec } from "./adstock.ts";
import { saturate, type SaturationSpec } from "./saturation.ts";

/**
 * The response engine: what spend yields on a fitted model, one definition for the fit's decomposition, forecast
 * plans, scenarios and the allocator. The carry-over is the fitted adstock exactly: a finite window of lMax
 * normalised lag weights over the spend (spend before the known history counts as 0), then the saturation, times
 * the coefficient. Plans in longer periods than the model's (k model periods each, spend spread evenly within a
 * period) use the window's exact plan-period weights; the saturation is then applied to each plan period's mean
 * adstocked spend, which is exact for k = 1 and a first-order approximation otherwise.
 */
export interface ChannelResponse {
  readonly coefficient: number;
  readonly adstock: AdstockSpec;
  readonly saturation: SaturationSpec;
}

/** Days of history that define a channel's current spend (the mean over them). */
export const CURRENT_SPEND_DAYS = 28;

/** Current spend per model period: the mean over the last 28 days of data (28 daily or 4 weekly periods). */
export function currentSpend(spend: readonly number[], frequency: "D" | "W"): number {
  const tail = spend.slice(-(frequency === "D" ? CURRENT_SPEND_DAYS : CURRENT_SPEND_DAYS / 7));
  return tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : 0;
}

/** The fitted lag weights (normalised, lMax of them). */
export function lagWeights(adstock: AdstockSpec): number[] {
  return adstockWeights({ ...adstock, normalize: true });
}

/**
 * Response per model period to `plan` (model periods), with the carry-over of `history` (the periods just before
 * the plan, oldest first): β · saturation(Σ_l w_l · spend_{t−l}).
 */
export function responseToPlan(c: ChannelResponse, history: readonly number[], plan: readonly number[], coefficient = c.coefficient): number[] {
  const w = lagWeights(c.adstock);
  const lead = history.slice(Math.max(0, history.length - (w.length - 1)));
  const x = [...lead, ...plan];
  return plan.map((_, p) => {
    const t = lead.length + p;
    let a = 0;
    for (let l = 0; l < w.length && l <= t; l++) a += w[l]! * x[t - l]!;
    return coefficient * saturate(a, c.saturation);
  });
}

/**
 * Lag weights per plan period of k model periods: plan-period adstocked spend S_p (the sum of its k model periods'
 * adstocked spend) = Σ_m W_m · X_{p−m} for plan-period spend X spread evenly, W_m = (1/k) Σ_{i,j<k} w_{mk+i−j}.
 */
export function planWeights(adstock: AdstockSpec, k: number): number[] {
  const w = lagWeights(adstock);
  const at = (l: number) => (l >= 0 && l < w.length ? w[l]! : 0);
  const periods = Math.ceil((w.length + k - 1) / k);
  return Array.from({ length: periods }, (_, m) => {
    let s = 0;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s += at(m * k + i - j);
    return s / k;
  });
}

/**
 * What the history carries into each of `periods` plan periods of k model periods (in plan-period adstocked
 * spend, as planWeights): Σ over the period's model periods of the window applied to the history alone.
 */
export function planCarryIn(adstock: AdstockSpec, history: readonly number[], k: number, periods: number): number[] {
  const w = lagWeights(adstock);
  const h = history.length;
  return Array.from({ length: periods }, (_, p) => {
    let s = 0;
    for (let i = 0; i < k; i++) {
      const d = p * k + i; // model periods after the plan starts
      for (let l = d + 1; l < w.length && l - d <= h; l++) s += w[l]! * history[h - (l - d)]!;
    }
    return s;
  });
}
