import { crostonSbaForecast } from "./croston.ts";
import { eventAdjustment, type EventInputs } from "./events.ts";
import { lastYearForecast } from "./last-year.ts";
import { mstlEtsForecast } from "./mstl-ets.ts";
import { thetaForecast } from "./theta.ts";
import { isIntermittent, tsbForecast } from "./tsb.ts";

/**
 * The statistical members the backtest scores beside the LSTM, each a point forecaster over a daily series (null
 * when the series is too short for it, and TSB and Croston only for intermittent series). Their bands come from their own
 * backtest errors (bands.ts).
 */
export const STATISTICAL_MEMBERS = ["seasonal_naive", "last_year", "theta", "mstl_ets", "mstl_ets_yearly", "combination", "tsb", "croston_sba"] as const;
export type StatisticalMember = (typeof STATISTICAL_MEMBERS)[number];

/** Members the combination averages (M4's lesson: a plain mean of a few diverse methods is hard to beat). */
const COMBINED: readonly StatisticalMember[] = ["theta", "mstl_ets", "last_year"];

/**
 * One member's point forecast (null when the series is too short for it, or TSB on a series that is not
 * intermittent). With known future inputs, the member fits the history with their effects removed and their
 * horizon values' effects are added back (events.ts).
 */
export function memberForecast(y: readonly number[], horizon: number, member: StatisticalMember, inputs?: EventInputs): number[] | null {
  const { adjusted, restore } = eventAdjustment(y, inputs);
  return restore(baseForecast(adjusted, horizon, member));
}

function baseForecast(y: readonly number[], horizon: number, member: StatisticalMember): number[] | null {
  switch (member) {
    case "seasonal_naive": {
      const last = y.slice(-7);
      return y.length >= 7 ? Array.from({ length: horizon }, (_, h) => last[h % 7]!) : null;
    }
    case "last_year":
      return lastYearForecast(y, horizon);
    case "theta":
      return thetaForecast(y, horizon, 7);
    case "mstl_ets":
      return mstlEtsForecast(y, horizon, [7]);
    case "mstl_ets_yearly":
      return mstlEtsForecast(y, horizon, [7, 365]);
    case "tsb":
      return isIntermittent(y) ? tsbForecast(y, horizon) : null;
    case "croston_sba":
      return isIntermittent(y) ? crostonSbaForecast(y, horizon) : null;
    case "combination":
      return combine(
        COMBINED.map((m) => baseForecast(y, horizon, m)),
        horizon,
      );
  }
}

/** Every member's point forecast: what the backtest scores (the combination reuses its parts' forecasts). */
export function memberForecasts(y: readonly number[], horizon: number, inputs?: EventInputs): Record<StatisticalMember, number[] | null> {
  const { adjusted, restore } = eventAdjustment(y, inputs);
  const base = Object.fromEntries(STATISTICAL_MEMBERS.filter((m) => m !== "combination").map((m) => [m, baseForecast(adjusted, horizon, m)])) as Record<
    StatisticalMember,
    number[] | null
  >;
  base.combination = combine(
    COMBINED.map((m) => base[m]),
    horizon,
  );
  return Object.fromEntries(STATISTICAL_MEMBERS.map((m) => [m, restore(base[m])])) as Record<StatisticalMember, number[] | null>;
}

/** The mean of the parts that exist, when at least two do. */
function combine(parts: readonly (number[] | null)[], horizon: number): number[] | null {
  const have = parts.filter((f): f is number[] => f !== null);
  return have.length >= 2 ? Array.from({ length: horizon }, (_, h) => have.reduce((a, f) => a + f[h]!, 0) / have.length) : null;
}
