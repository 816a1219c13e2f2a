import { ModelFitError } from "../../errors.ts";
import { hillSaturation, saturationDerivative } from "./saturation.ts";
import type { ChannelResult, FitMetrics, Interval, ResponseCurve } from "./types.ts";

export function inferFrequency(dates: readonly string[]): "D" | "W" {
  const d = (Date.parse(dates[1]!) - Date.parse(dates[0]!)) / 86_400_000;
  if (d === 1) return "D";
  if (d === 7) return "W";
  throw new ModelFitError(`Dates must be daily or weekly; the first step is ${d} days.`);
}

export function metrics(y: ArrayLike<number>, fit: ArrayLike<number>, from: number, to: number): FitMetrics {
  let mean = 0;
  for (let i = from; i < to; i++) mean += y[i]!;
  mean /= to - from;
  let ssr = 0;
  let tss = 0;
  let ape = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i++) {
    ssr += (y[i]! - fit[i]!) ** 2;
    tss += (y[i]! - mean) ** 2;
    ape += y[i] === 0 ? 0 : Math.abs((y[i]! - fit[i]!) / y[i]!);
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  const n = to - from;
  return { rsquared: 1 - ssr / tss, nrmse: Math.sqrt(ssr / n) / (hi - lo), mape: ape / n };
}

/** Points on a channel's steady-state curve: 101 spends from 0 to 3× the highest spend seen (and the current spend). */
export const CURVE_POINTS = 101;

/** 101 spends from 0 to 3× the highest of the spend seen, the current spend and kappa. */
export function curveGrid(kappa: number, currentSpend: number, spend: Float64Array): number[] {
  const top = 3 * Math.max(...spend, currentSpend, kappa);
  return Array.from({ length: CURVE_POINTS }, (_, i) => (top * i) / (CURVE_POINTS - 1));
}

export function responseCurve(c: ChannelResult, currentSpend: number, grid: readonly number[], band: readonly Interval[] | null): ResponseCurve {
  const { slope, kappa, alpha, lMax } = c.transform;
  const sat = { kind: "hill" as const, slope, kappa };
  return {
    channel: c.channel,
    form: "hill",
    coefficient: c.coefficient,
    slope,
    kappa,
    adstock: { kind: "geometric", alpha, lMax, normalize: true },
    saturation: sat,
    currentSpend,
    spend: grid,
    response: grid.map((s) => c.coefficient * hillSaturation(s, sat)),
    marginal: grid.map((s) => c.coefficient * saturationDerivative(s, sat)),
    responseLower: band?.map((b) => b.lower) ?? null,
    responseUpper: band?.map((b) => b.upper) ?? null,
  };
}
