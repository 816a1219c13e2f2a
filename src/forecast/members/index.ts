import { lastYearForecast } from "./last-year.ts";
import { mstlEtsForecast } from "./mstl-ets.ts";
import { thetaForecast } from "./theta.ts";
import { isIntermittent, tsbForecast } from "./tsb.ts";

/**
 * The statistical members the backtest scores beside the LSTM, each a point forecaster over a daily series (null
 * when the series is too short for it, and TSB only for intermittent series). Their bands come from their own
 * backtest errors (bands.ts).
 */
export const STATISTICAL_MEMBERS = ["seasonal_naive", "last_year", "theta", "mstl_ets", "mstl_ets_yearly", "combination", "tsb"] as const;
export type StatisticalMember = (typeof STATISTICAL_MEMBERS)[number];

/** Members the combination averages (M4's lesson: a plain mean of a few diverse methods is hard to beat). */
const COMBINED: readonly StatisticalMember[] = ["theta", "mstl_ets", "last_year"];

export function memberForecasts(y: readonly number[], horizon: number): Record<StatisticalMember, number[] | null> {
  const last = y.slice(-7);
  const out: Record<StatisticalMember, number[] | null> = {
    seasonal_naive: y.length >= 7 ? Array.from({ length: horizon }, (_, h) => last[h % 7]!) : null,
    last_year: lastYearForecast(y, horizon),
    theta: thetaForecast(y, horizon, 7),
    mstl_ets: mstlEtsForecast(y, horizon, [7]),
    mstl_ets_yearly: mstlEtsForecast(y, horizon, [7, 365]),
    combination: null,
    tsb: isIntermittent(y) ? tsbForecast(y, horizon) : null,
  };
  const parts = COMBINED.map((m) => out[m]).filter((f): f is number[] => f !== null);
  if (parts.length >= 2) out.combination = Array.from({ length: horizon }, (_, h) => parts.reduce((a, f) => a + f[h]!, 0) / parts.length);
  return out;
}
