import { ValidationError } from "../errors.ts";
import type { ChannelResult, Interval } from "../regression/mmm/types.ts";
import { CURRENT_SPEND_DAYS, currentSpend, responseToPlan } from "../regression/mmm/response.ts";
import { dayOfWeek } from "./calendar.ts";
import type { SeriesForecast } from "./types.ts";

/** One line of a spend plan: a channel's spend over the horizon, for one series or (no segment) every series. */
export interface PlanLine {
  readonly channel: string;
  readonly segment?: string;
  /** Spend per day of the horizon (exactly `horizon` values). */
  readonly daily?: readonly number[];
  /** Total spend over the horizon, spread over its days by the plan's `spread` rule. */
  readonly total?: number;
}

export interface SpendPlan {
  readonly lines: readonly PlanLine[];
  /** How totals become days: evenly, or in proportion to the channel's weekday pattern over the last 8 weeks. */
  readonly spread?: "even" | "weekday";
}

/** The MMM channel terms a plan needs (a FittedMmm's `channels`). */
export type MmmChannels = readonly (Pick<ChannelResult, "channel" | "coefficient" | "transform" | "coefficientInterval"> &
  Partial<Pick<ChannelResult, "adstock" | "saturation">>)[];

export interface ChannelPlanEffect {
  readonly channel: string;
  readonly bauSpend: number;
  readonly planSpend: number;
  /** MMM response to the plan minus that to business-as-usual, summed over the horizon. */
  readonly incremental: number;
  /** The same at the ends of the MMM's coefficient interval (null without a bootstrap). */
  readonly incrementalInterval: Interval | null;
}

export interface SeriesPlanEffect {
  readonly key: string;
  readonly channels: readonly ChannelPlanEffect[];
  readonly incremental: number;
  readonly incrementalInterval: Interval | null;
  /** Incremental response per day of the horizon: what was added to every quantile. */
  readonly daily: readonly number[];
}

/** Days of history that define business-as-usual spend. */
export const BAU_DAYS = CURRENT_SPEND_DAYS;

/**
 * Business-as-usual spend: each channel's mean daily spend over the last BAU_DAYS days, held for the horizon.
 * (What the LSTM forecast assumes: it sees past spend only, and recent spend is its best guess of the future.)
 */
export function bauSpend(history: readonly number[], horizon: number): number[] {
  return new Array<number>(horizon).fill(currentSpend(history, "D"));
}

/**
 * The MMM's daily response of one channel to spend over the horizon, with the history's carry-over: adstock runs
 * over history then plan (exactly the fitted model's transform), and only the horizon's days are returned.
 */
export function channelResponse(c: MmmChannels[number], history: readonly number[], future: readonly number[], coefficient = c.coefficient): number[] {
  const { alpha, lMax, slope, kappa } = c.transform;
  // models stored before forms were recorded are geometric + Hill
  const adstock = c.adstock ?? { kind: "geometric" as const, alpha, lMax, normalize: true };
  const saturation = c.saturation ?? { kind: "hill" as const, slope, kappa };
  return responseToPlan({ coefficient: c.coefficient, adstock, saturation }, history, future, coefficient);
}

/**
 * Daily spend per channel under the plan for one series (channels the plan does not name stay at BAU).
 *
 * @throws ValidationError naming the line for unknown channels, wrong lengths, negative or missing amounts
 */
export function resolvePlan(
  plan: SpendPlan,
  key: string,
  channels: readonly string[],
  history: Readonly<Record<string, readonly number[]>>,
  dates: readonly string[],
): Record<string, number[]> {
  const horizon = dates.length;
  const out: Record<string, number[]> = Object.fromEntries(channels.map((c) => [c, bauSpend(history[c] ?? [], horizon)]));
  plan.lines.forEach((line, i) => {
    const path = ["body", "plan", "lines", i];
    if (!channels.includes(line.channel)) {
      throw new ValidationError(`plan line ${i + 1}: the MMM has no channel ${line.channel} (it has ${channels.join(", ")}).`, [
        { path: [...path, "channel"], message: "unknown channel", value: line.channel },
      ]);
    }
    if (line.segment !== undefined && line.segment !== key) return;
    if ((line.daily === undefined) === (line.total === undefined)) {
      throw new ValidationError(`plan line ${i + 1} (${line.channel}): give either daily or total spend.`, [{ path, message: "exactly one of daily, total" }]);
    }
    if (line.daily && line.daily.length !== horizon) {
      throw new ValidationError(`plan line ${i + 1} (${line.channel}): daily has ${line.daily.length} values; the horizon has ${horizon} days.`, [
        { path: [...path, "daily"], message: `expected ${horizon} values` },
      ]);
    }
    const amounts = line.daily ?? [line.total!];
    const bad = amounts.findIndex((v) => !Number.isFinite(v) || v < 0);
    if (bad >= 0) {
      throw new ValidationError(`plan line ${i + 1} (${line.channel}): spend must be a finite amount ≥ 0; got ${amounts[bad]}.`, [
        { path: [...path, line.daily ? "daily" : "total"], message: "spend must be ≥ 0", value: amounts[bad] },
      ]);
    }
    out[line.channel] = line.daily ? [...line.daily] : spread(line.total!, history[line.channel] ?? [], dates, plan.spread ?? "even");
  });
  return out;
}

function spread(total: number, history: readonly number[], dates: readonly string[], rule: "even" | "weekday"): number[] {
  if (rule === "weekday") {
    const weights = new Array<number>(7).fill(0);
    const tail = history.slice(-56);
    // the history's last day precedes dates[0]; count back from it to each day's weekday
    tail.forEach((v, i) => (weights[(dayOfWeek(dates[0]!) + 7 * 9 - (tail.length - i)) % 7]! += v));
    const perDay = dates.map((d) => weights[dayOfWeek(d)]!);
    const sum = perDay.reduce((a, b) => a + b, 0);
    if (sum > 0) return perDay.map((w) => (total * w) / sum);
  }
  return dates.map(() => total / dates.length);
}

/**
 * Shift one series' forecast by the MMM's incremental response of the plan over business-as-usual (both with the
 * history's carry-over). The shift is added to the mean and every quantile: the plan moves the distribution, and
 * the MMM's own uncertainty is reported beside it (incrementalInterval) rather than mixed into the quantiles.
 */
export function applyPlan(
  forecast: SeriesForecast,
  mmm: MmmChannels,
  history: Readonly<Record<string, readonly number[]>>,
  plan: SpendPlan,
): { forecast: SeriesForecast; effect: SeriesPlanEffect } {
  const horizon = forecast.dates.length;
  const resolved = resolvePlan(
    plan,
    forecast.key,
    mmm.map((c) => c.channel),
    history,
    forecast.dates,
  );
  const daily = new Array<number>(horizon).fill(0);
  const channels = mmm.map((c): ChannelPlanEffect => {
    const h = history[c.channel] ?? [];
    const bau = bauSpend(h, horizon);
    const planned = resolved[c.channel]!;
    const diff = (coef: number) => {
      const a = channelResponse(c, h, planned, coef);
      const b = channelResponse(c, h, bau, coef);
      return a.map((v, t) => v - b[t]!);
    };
    const d = diff(c.coefficient);
    d.forEach((v, t) => (daily[t]! += v));
    const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
    const ci = c.coefficientInterval;
    const ends = ci && [sum(diff(ci.lower)), sum(diff(ci.upper))];
    return {
      channel: c.channel,
      bauSpend: sum(bau),
      planSpend: sum(planned),
      incremental: sum(d),
      incrementalInterval: ends ? { lower: Math.min(...ends), upper: Math.max(...ends) } : null,
    };
  });
  const intervals = channels.map((c) => c.incrementalInterval);
  const incrementalInterval = intervals.every((x) => x !== null)
    ? { lower: intervals.reduce((a, x) => a + x!.lower, 0), upper: intervals.reduce((a, x) => a + x!.upper, 0) }
    : null;
  return {
    forecast: { ...forecast, mean: forecast.mean.map((v, t) => v + daily[t]!), quantiles: forecast.quantiles.map((q) => q.map((v, t) => v + daily[t]!)) },
    effect: { key: forecast.key, channels, incremental: channels.reduce((a, c) => a + c.incremental, 0), incrementalInterval, daily },
  };
}
