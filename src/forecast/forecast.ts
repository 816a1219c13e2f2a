import { ModelFitError } from "../errors.ts";
import { quantileSorted } from "../data/quantile.ts";
import { outsideBy, widenQuantiles, wideningFor } from "./band-widening.ts";
import { bandAround, errorQuantiles, zeroRows } from "./bands.ts";
import { addDays } from "./calendar.ts";
import { memberForecast, memberForecasts, STATISTICAL_MEMBERS, type StatisticalMember } from "./members/index.ts";
import { disposeLstm, LSTM_DEFAULTS, predictLstm, trainLstm, type LstmOptions, type TrainedLstm, type TrainedVariant } from "./lstm-model.ts";
import { coverage, mae, maseScale, pinball, rmsse, smape, wmape } from "./metrics.ts";
import { isIntermittent } from "./members/tsb.ts";
import type { EventInputs } from "./members/events.ts";
import { holidayInputs } from "./members/holidays.ts";
import { holidayNames } from "../data/holidays.ts";
import { reconcile, reconciliation, type Reconciliation, type ReconciliationMethod } from "./hierarchy.ts";
import { bestOnOtherFolds, heldOutFoldScores, POOL_SIZE, poolChoice, poolMembers, poolPoint, POOLS, type PoolName } from "./pools.ts";
import type { MethodName, SeriesForecast, SeriesInput } from "./types.ts";

export interface ForecastOptions extends Partial<Omit<LstmOptions, "horizon" | "levels" | "seed" | "onEpoch">> {
  readonly horizon?: number;
  readonly levels?: readonly number[];
  readonly seed?: number;
  /** Rolling-origin backtest folds of `horizon` days each (0 to skip; then the LSTM is used). */
  readonly folds?: number;
  /** Series that must add up (hierarchy.ts buildHierarchy's nodes, bottom and S; the series include every node) and how to reconcile them. */
  readonly hierarchy?: {
    readonly nodes: readonly string[];
    readonly bottom: readonly string[];
    readonly summing: readonly (readonly number[])[];
    readonly method: ReconciliationMethod;
  };
  readonly onProgress?: (fraction: number, message: string) => void;
  /** Widen the statistical members' bands on the backtest, leave one fold out (band-widening.ts); default true. False is for measuring it. */
  readonly widenBands?: boolean;
  /**
   * Offer the statistical members the holidays as known inputs (members/holidays.ts), each member taking them where
   * its backtest is better with them; default true (with a backtest). False is for measuring it.
   */
  readonly memberHolidays?: boolean;
}

export interface MethodScore {
  readonly method: MethodName;
  readonly mase: number;
  /** M5's root mean squared scaled error: what intermittent series are chosen by. */
  readonly rmsse: number;
  readonly smape: number;
  readonly wmape: number;
  /** Null for a statistical member with one fold: its band comes from the other folds, and there are none. */
  readonly pinball: number | null;
  /** Share of held-out days inside the outermost interval (e.g. p10..p90); null as pinball. */
  readonly coverage: number | null;
}

/** What one series is forecast with, why, and every member's backtest scores on it (best first). */
export interface SeriesChoice {
  readonly key: string;
  readonly method: MethodName;
  readonly reason: string;
  /** Fewer than about three days in four with any demand (Syntetos–Boylan): TSB joins, and RMSSE decides. */
  readonly intermittent: boolean;
  readonly scores: readonly MethodScore[];
  /** When the method is a pool (pools.ts): the members it averages, the series' best over the whole backtest. */
  readonly pooled?: readonly MethodName[];
  /**
   * The statistical members used (the chosen one, or the pool's) that took the holidays as known inputs, because
   * they scored better on the backtest with them than without (members/holidays.ts).
   */
  readonly holidays?: readonly MethodName[];
  /**
   * The backtest as the chosen member saw it, fold by fold (earliest first): the held-out days' first date, their
   * actuals and the member's point forecast of them (what the dashboard's fan chart draws beside the forecast).
   */
  readonly heldOut?: readonly { readonly start: string; readonly actual: readonly number[]; readonly point: readonly number[] }[];
  /** Set when the chosen member's band held far fewer backtest days than nominal (15 points or more short). */
  readonly bandWarning?: string;
  /**
   * Per interval pair (outermost first), how far each end of the band was moved out (negative: in), in units of the
   * series' MASE scale, so that the backtest's leave-one-fold-out bands held their nominal share of days, pooled over
   * the series trained together (band-widening.ts). Absent with fewer than two folds.
   */
  readonly bandWidening?: readonly number[];
  /**
   * In a hierarchy: the chosen member's backtest MASE before and after reconciliation, both scaled by the whole
   * history's weekly-naive error (so they compare with each other, not exactly with `scores`). G is estimated on
   * the same backtest errors, so `after` is slightly optimistic.
   */
  readonly reconciled?: { readonly before: number; readonly after: number };
}

export interface ForecastResult {
  /** The member every series uses, or "per_series" when they differ (`choices` says which). */
  readonly method: MethodName | "per_series";
  readonly reason: string;
  readonly levels: readonly number[];
  readonly horizon: number;
  /** Every member's scores averaged over series and folds. */
  readonly backtest: { readonly folds: number; readonly scores: readonly MethodScore[] };
  readonly choices: readonly SeriesChoice[];
  readonly forecasts: readonly SeriesForecast[];
  /**
   * CQR margins per series (in the input's order), per interval pair (outermost first), each tail on its own, in
   * units of the series' MASE scale. Results stored before margins were per series hold one list for all series.
   */
  readonly conformalMargins: readonly (readonly ConformalMargin[])[] | readonly ConformalMargin[];
  /** Per series, for a statistical member: its backtest error quantiles [level][lead] in MASE-scale units (bands.ts). */
  readonly memberBands: readonly (readonly (readonly number[])[] | null)[];
  /**
   * Per series, for a statistical member: its point forecast from the full history, kept so that a stored model
   * forecasts again in milliseconds (MSTL + ETS refits take ~0.2 s a series).
   */
  readonly memberPoints?: readonly (readonly number[] | null)[];
  readonly training: readonly (TrainedVariant["history"] & { readonly useLastYear: boolean })[];
  /** How the hierarchy's forecasts were made to add up (absent without a hierarchy). */
  readonly reconciliation?: Reconciliation;
}

/** Members with a band from their own backtest errors: the statistical ones and the pools. */
const BANDED: readonly (StatisticalMember | PoolName)[] = [...STATISTICAL_MEMBERS, ...POOLS];
/** The LSTM and the statistical members: what pools are made of. */
const MEMBERS: readonly MethodName[] = ["lstm", ...STATISTICAL_MEMBERS];
const METHODS: readonly MethodName[] = ["lstm", ...BANDED];
const isPool = (m: MethodName): m is PoolName => (POOLS as readonly string[]).includes(m);

/**
 * What the answer says over all series: each member's backtest scores averaged over series (members scored on every
 * series only), the member used (or "per_series") and why. From the per-series choices, so a forecast trained in
 * shards (forecast/shards.ts) is summarised exactly as one trained whole.
 */
export function summariseChoices(
  choices: readonly SeriesChoice[],
  perSeries: readonly (readonly MethodScore[])[],
  folds: number,
  horizon: number,
): { method: ForecastResult["method"]; reason: string; scores: MethodScore[] } {
  const scores: MethodScore[] = METHODS.flatMap((method) => {
    const rows = perSeries.flatMap((p) => p.filter((x) => x.method === method));
    if (rows.length !== choices.length) return [];
    const mean = (f: (x: MethodScore) => number) => rows.reduce((a, x) => a + f(x), 0) / rows.length;
    const meanOrNull = (f: (x: MethodScore) => number | null) => (rows.every((x) => f(x) !== null) ? mean((x) => f(x)!) : null);
    return [
      {
        method,
        mase: mean((x) => x.mase),
        rmsse: mean((x) => x.rmsse),
        smape: mean((x) => x.smape),
        wmape: mean((x) => x.wmape),
        pinball: meanOrNull((x) => x.pinball),
        coverage: meanOrNull((x) => x.coverage),
      },
    ];
  });
  const used = [...new Set(choices.map((c) => c.method))];
  const method: ForecastResult["method"] = used.length === 1 ? used[0]! : "per_series";
  const reason =
    used.length === 1
      ? choices.length === 1
        ? choices[0]!.reason
        : isPool(method as MethodName)
          ? `${method}, the mean of each series' best members, beat picking one on every series over ${folds} rolling-origin folds of ${horizon} days (choices say which members).`
          : `${method} had the lowest mean MASE on every series over ${folds} rolling-origin folds of ${horizon} days.`
      : `Each series uses the member with its lowest backtest MASE, or the mean of its best members when that did better (${used.map((m) => `${m}: ${choices.filter((c) => c.method === m).length}`).join(", ")}); see choices.`;
  return { method, reason, scores };
}

/**
 * Forecast every series `horizon` days ahead. A rolling-origin backtest (origins at n − k·horizon, k = folds..1,
 * each member fitted only on data before its origin) scores the LSTM and the statistical members (seasonal naive,
 * same weekday last year, Theta, MSTL + ETS weekly and yearly, their combination, TSB for intermittent series) on
 * every series; each series is forecast by the member with its lowest mean MASE (RMSSE when intermittent), or by
 * the mean of its 2 or 3 best when that beat picking by more than one standard error, both scored on folds that
 * took no part in choosing (pools.ts), and the answer says which, why, and the others' scores.
 * Per-series choice rather than one method for all: the held-out data this was built against had a different best
 * member per store. Statistical members' and pools' bands are quantiles of their own backtest errors by lead; the LSTM's are
 * its quantiles conformalised on the backtest (CQR). The LSTM trained on all the data is returned for reuse (the
 * caller disposes it).
 */
export function forecastSeries(series: readonly SeriesInput[], opts: ForecastOptions = {}): { result: ForecastResult; model: TrainedLstm } {
  const plan = planForecast(series, opts);
  const lstm = lstmRuns(series, plan, opts);
  return assemble(series, plan, opts, lstm, memberRuns(series, plan.folds, plan.horizon, holidayCalendar(opts)));
}

/**
 * forecastSeries with the statistical members' work handed to `members` (the edge runs it on other threads), which
 * starts before the LSTM trains here and is awaited after: on two cores the members cost no time of their own.
 * Same answer as forecastSeries.
 */
export async function forecastSeriesWith(
  series: readonly SeriesInput[],
  opts: ForecastOptions,
  members: (series: readonly SeriesInput[], folds: number, horizon: number, calendar: HolidayCalendar) => Promise<MemberRuns>,
): Promise<{ result: ForecastResult; model: TrainedLstm }> {
  const plan = planForecast(series, opts);
  const pending = members(series, plan.folds, plan.horizon, holidayCalendar(opts));
  pending.catch(() => undefined); // handled below, after the LSTM (which blocks this thread) is done
  const lstm = lstmRuns(series, plan, opts);
  let runs: MemberRuns;
  try {
    runs = await pending;
  } catch (e) {
    disposeLstm(lstm.model);
    throw e;
  }
  return assemble(series, plan, opts, lstm, runs);
}

/** Every statistical member's point forecast per series: null where a member cannot forecast it. */
export type MemberPoints = Record<StatisticalMember, number[] | null>;

/** The statistical members' work of a forecast: per backtest run (earliest origin first) and series, and optionally on the full histories. */
export interface MemberRuns {
  readonly folds: readonly (readonly MemberPoints[])[];
  /** Per series on its full history (absent: the chosen member alone is fitted after the choice). */
  readonly final?: readonly MemberPoints[];
  /** The same with the holidays as known inputs (absent without a calendar); the backtest chooses per member and series. */
  readonly holidays?: { readonly folds: readonly (readonly MemberPoints[])[]; readonly final?: readonly MemberPoints[] };
}

/**
 * The members' backtest forecasts (and, with `final`, their forecasts from the full histories), without and, given a
 * calendar, with the holidays as known inputs: pure, for any thread.
 */
export function memberRuns(series: readonly SeriesInput[], folds: number, horizon: number, calendar: HolidayCalendar, final = false): MemberRuns {
  const variant = (cal: HolidayCalendar) => {
    const runs: MemberPoints[][] = [];
    for (let k = folds; k >= 1; k--)
      runs.push(
        series.map((s) => {
          const t = foldTrain(s, k, horizon);
          return memberForecasts(t.target, horizon, knownInputs(t, horizon, cal));
        }),
      );
    return { folds: runs, ...(final && { final: series.map((s) => memberForecasts(s.target, horizon, knownInputs(s, horizon, cal))) }) };
  };
  return { ...variant(null), ...(calendar && { holidays: variant(calendar) }) };
}

/**
 * The holidays the statistical members take as known inputs: a country's calendar, the built-in US retail days
 * (no country), or none (null). Plain data, so it crosses to the members' threads.
 */
export type HolidayCalendar = { readonly country?: string } | null;

function holidayCalendar(opts: ForecastOptions): HolidayCalendar {
  // without a backtest nothing would choose between the variants (and the LSTM is used)
  if (opts.memberHolidays === false || opts.folds === 0) return null;
  return opts.country ? { country: opts.country } : {};
}

/** Series s as fold k of the backtest sees it: history up to k horizons before its end; known inputs through the fold's horizon. */
function foldTrain(s: SeriesInput, k: number, horizon: number): SeriesInput {
  const cut = s.target.length - k * horizon;
  // known future inputs run on through the fold's horizon: they are known ahead by definition
  return { ...s, target: s.target.slice(0, cut), spend: sliceSpend(s.spend, cut), events: sliceSpend(s.events, cut + horizon) };
}

interface ForecastPlan {
  readonly horizon: number;
  readonly levels: readonly number[];
  readonly folds: number;
  readonly lstmOptions: Omit<LstmOptions, "onEpoch">;
}

function planForecast(series: readonly SeriesInput[], opts: ForecastOptions): ForecastPlan {
  const {
    horizon = 90,
    levels: requested = [0.1, 0.5, 0.9],
    seed = 1,
    folds = 3,
    onProgress: _onProgress,
    hierarchy: _h,
    widenBands: _w,
    memberHolidays: _mh,
    ...network
  } = opts;
  const levels = [...requested].sort((a, b) => a - b);
  // an option given as undefined keeps its default
  const networkOptions = Object.fromEntries(Object.entries(network).filter(([, v]) => v !== undefined));
  const lstmOptions: Omit<LstmOptions, "onEpoch"> = { ...LSTM_DEFAULTS, ...networkOptions, horizon, levels, seed };
  checkHistory(series, lstmOptions, folds);
  return { horizon, levels, folds, lstmOptions };
}

/** The LSTM's backtest forecasts per run and series, and the network trained on all the data. */
interface LstmRuns {
  readonly folds: readonly (readonly SeriesForecast[])[];
  readonly model: TrainedLstm;
}

/** Progress of the LSTM's trainings runs to LSTM_SHARE; scoring the backtest and the forecasts take the rest. */
const LSTM_SHARE = 0.97;

function lstmRuns(series: readonly SeriesInput[], plan: ForecastPlan, opts: ForecastOptions): LstmRuns {
  const { folds, horizon, lstmOptions } = plan;
  const totalRuns = folds + 1;
  const runs: SeriesForecast[][] = [];
  for (let k = folds; k >= 1; k--) {
    const run = folds - k;
    const train = series.map((s) => foldTrain(s, k, horizon));
    const model = trainLstm(train, { ...lstmOptions, onEpoch: progress(opts, run, totalRuns, `backtest fold ${run + 1} of ${folds}`) });
    runs.push(predictLstm(model, train));
    disposeLstm(model);
  }
  const model = trainLstm(series, { ...lstmOptions, onEpoch: progress(opts, folds, totalRuns, "final model") });
  return { folds: runs, model };
}

/** Score every member on the backtest, choose per series, calibrate the bands, and forecast. */
function assemble(
  series: readonly SeriesInput[],
  plan: ForecastPlan,
  opts: ForecastOptions,
  lstmRuns: LstmRuns,
  members: MemberRuns,
): { result: ForecastResult; model: TrainedLstm } {
  const { horizon, levels, folds } = plan;
  const hierarchy = opts.hierarchy;
  // conformity scores of each series' interval pairs' lower and upper ends, in units of its MASE scale (CQR)
  const pairs = Math.floor(levels.length / 2);
  const conformity = series.map(() => Array.from({ length: pairs }, () => ({ lower: [] as number[], upper: [] as number[] })));
  const blank = () => ({ mase: 0, rmsse: 0, smape: 0, wmape: 0, pinball: 0, coverage: 0, count: 0 });
  // per series and member: score sums over folds, and the member's errors by lead (statistical members' bands)
  const sums = series.map(() => new Map(METHODS.map((m) => [m, blank()])));
  // errors[i][member][fold][lead]: actual − point in units of the series' MASE scale
  const errors = series.map(() => new Map(BANDED.map((m) => [m, [] as number[][]])));
  const seenBy = series.map(() => new Map<MethodName, number>());
  // rawErrors[i][member][fold][lead]: actual − point in the series' units (the hierarchy's error covariance)
  const rawErrors = series.map(() => new Map<MethodName, number[][]>());
  // per run (earliest origin first): each series' history as the fold sees it, and the days it is scored on
  const runs = Array.from({ length: folds }, (_, run) => {
    const k = folds - run;
    return {
      train: series.map((s) => foldTrain(s, k, horizon)),
      actual: series.map((s) => s.target.slice(s.target.length - k * horizon, s.target.length - (k - 1) * horizon)),
    };
  });
  const intermittent = series.map((s) => isIntermittent(s.target));
  const foldScore = (run: number, i: number, point: readonly number[]) => {
    const { train, actual } = runs[run]!;
    return intermittent[i] ? rmsse(actual[i]!, point, train[i]!.target) : mae(actual[i]!, point) / (maseScale(train[i]!.target) || 1);
  };
  const holidays = withHolidays(members, folds, foldScore);
  const chosen = chosenVariants(members, holidays);
  // each member's score per fold (what the series is chosen by), and the pools' points ranked on the other folds
  const basePoint = (run: number, i: number, m: MethodName): readonly number[] | null =>
    m === "lstm" ? lstmRuns.folds[run]![i]!.mean : (chosen.folds[run]![i]![m as StatisticalMember] ?? null);
  const foldScores = series.map(
    (_, i) =>
      new Map(
        MEMBERS.map((m) => [
          m as string,
          runs.map((_, run) => {
            const p = basePoint(run, i, m);
            return p ? foldScore(run, i, p) : null;
          }),
        ]),
      ),
  );
  const byFold = series.map((_, i) => runs.map((_, run) => Object.fromEntries(MEMBERS.map((m) => [m, basePoint(run, i, m)]))));
  const pools = series.map((_, i) => new Map(POOLS.map((p) => [p, bestOnOtherFolds(byFold[i]!, foldScores[i]!, POOL_SIZE[p])])));
  // picking the best member, scored as the pools are (pools.ts): what a pool must beat to be used
  const picking = series.map((_, i) => heldOutFoldScores(byFold[i]!, foldScores[i]!, 1, (run, p) => foldScore(run, i, p)));
  const pointOf = (run: number, i: number, m: MethodName): readonly number[] | null => (isPool(m) ? pools[i]!.get(m)![run]! : basePoint(run, i, m));
  for (let run = 0; run < folds; run++) {
    const { train, actual } = runs[run]!;
    const lstm = lstmRuns.folds[run]!;
    lstm.forEach((f, i) => {
      const scale = maseScale(train[i]!.target) || 1;
      for (let k = 0; k < pairs; k++) {
        const lo = f.quantiles[k]!;
        const hi = f.quantiles[levels.length - 1 - k]!;
        actual[i]!.forEach((a, h) => {
          conformity[i]![k]!.lower.push((lo[h]! - a) / scale);
          conformity[i]![k]!.upper.push((a - hi[h]!) / scale);
        });
      }
    });
    train.forEach((s, i) => {
      const a = actual[i]!;
      const scale = maseScale(s.target) || 1;
      const score = (m: MethodName, point: readonly number[], quantiles: readonly (readonly number[])[] | null) => {
        const acc = sums[i]!.get(m)!;
        acc.mase += mae(a, point) / scale;
        acc.rmsse += rmsse(a, point, s.target);
        acc.smape += smape(a, point);
        acc.wmape += wmape(a, point);
        if (quantiles) {
          acc.pinball += pinball(a, levels, quantiles);
          acc.coverage += coverage(a, quantiles[0]!, quantiles[levels.length - 1]!);
        }
        acc.count++;
        seenBy[i]!.set(m, (seenBy[i]!.get(m) ?? 0) + 1);
        if (hierarchy) rawErrors[i]!.set(m, [...(rawErrors[i]!.get(m) ?? []), a.map((v, h) => v - point[h]!)]);
      };
      score("lstm", lstm[i]!.mean, lstm[i]!.quantiles);
      for (const m of BANDED) {
        const point = pointOf(run, i, m);
        if (!point) continue;
        // pinball and coverage need the band, which comes from the other folds' errors: scored below
        score(m, point, null);
        errors[i]!.get(m)!.push(a.map((v, h) => (v - point[h]!) / scale));
      }
    });
  }
  const byLead = (folds: readonly number[][]) => Array.from({ length: horizon }, (_, h) => folds.map((f) => f[h]!));
  const memberQuantiles = errors.map((byMember) => new Map([...byMember].map(([m, e]) => [m, errorQuantiles(byLead(e), levels)])));
  // pinball and coverage of a statistical member's band, cross-validated: each fold's actuals against the band the
  // other folds' errors give around that fold's point forecast, built as the forecast's band is (bandAround). With
  // one fold there is nothing to check against (reported as null below); a member missing from a fold is not
  // reported either.
  // the leave-one-fold-out bands themselves, per series and member, fold by fold (band-widening.ts)
  const lofoBands = series.map(() => new Map<MethodName, number[][][]>());
  errors.forEach((byMember, i) =>
    byMember.forEach((e, m) => {
      const acc = sums[i]!.get(m)!;
      if (e.length < 2 || e.length !== folds) return;
      const bands = e.map((_, f) => {
        const train = runs[f]!.train[i]!;
        const actual = runs[f]!.actual[i]!;
        const q = errorQuantiles(byLead(e.filter((_, g) => g !== f)), levels);
        const nonNegative = train.target.every((v) => v >= 0);
        const band = bandAround(pointOf(f, i, m)!, q, maseScale(train.target) || 1, nonNegative, zeroRows(levels, train.target));
        acc.pinball += pinball(actual, levels, band);
        acc.coverage += coverage(actual, band[0]!, band[levels.length - 1]!);
        return band;
      });
      lofoBands[i]!.set(m, bands);
    }),
  );
  const perSeries = sums.map((byMember, i) =>
    METHODS.filter((m) => seenBy[i]!.get(m) === folds && folds > 0)
      .map((method): MethodScore => {
        const a = byMember.get(method)!;
        const banded = method === "lstm" || folds >= 2;
        return {
          method,
          mase: a.mase / a.count,
          rmsse: a.rmsse / a.count,
          smape: a.smape / a.count,
          wmape: a.wmape / a.count,
          pinball: banded ? a.pinball / a.count : null,
          coverage: banded ? a.coverage / a.count : null,
        };
      })
      .sort((a, b) => (intermittent[i] ? a.rmsse - b.rmsse : a.mase - b.mase)),
  );
  const choicesBase: SeriesChoice[] = series.map((s, i) => {
    const by = intermittent[i] ? "rmsse" : "mase";
    const singles = perSeries[i]!.filter((x) => !isPool(x.method));
    // a pool is used when it beat picking by more than one SE, both scored on folds that took no part in choosing
    // (pools.ts); a pool's points per fold are already ranked on the other folds (pools above)
    const pickFolds = picking[i] ?? null;
    const pick = pickFolds && pickFolds.reduce((a, v) => a + v, 0) / pickFolds.length;
    const poolFolds = (p: PoolName) => {
      const points = pools[i]!.get(p)!;
      return points.every((x) => x) ? points.map((x, run) => foldScore(run, i, x!)) : null;
    };
    const decision = poolChoice((k) => (k === 1 ? pickFolds : poolFolds(POOLS.find((p) => POOL_SIZE[p] === k)!)));
    const pool = decision.better ? perSeries[i]!.find((x) => x.method === decision.better) : undefined;
    const usePool = pool !== undefined && decision.use;
    const best = usePool ? pool : singles[0];
    if (!best)
      return {
        key: s.key,
        method: "lstm",
        reason: "No backtest was run (folds = 0): the LSTM is used without comparison.",
        intermittent: intermittent[i]!,
        scores: [],
      };
    const pooled = usePool ? (poolMembers(pool.method as PoolName, foldScores[i]!, folds) as MethodName[]) : undefined;
    const usedHolidays = (pooled ?? [best.method]).filter((m) => holidays[i]!.has(m));
    const metric = `mean ${by.toUpperCase()} over ${folds} rolling-origin folds of ${horizon} days`;
    const fair = ", each fold scored with the members the other folds found best";
    const next = singles[1];
    const why = usePool
      ? `${pool.method}, the mean of ${pooled!.join(", ")} (the series' ${POOL_SIZE[pool.method as PoolName]} best members over the backtest), had a lower ${metric} (${pool[by].toFixed(3)}) than picking the single best member (${pick!.toFixed(3)}) by more than one standard error of their per-fold difference${fair}`
      : `${best.method} had the lowest ${metric} of the members (${best[by].toFixed(3)}${next ? `; next ${next.method} ${next[by].toFixed(3)}` : ""})${
          pool && pick !== null
            ? `, and ${pool.method} did not beat picking the best member by more than one standard error of their per-fold difference (${pool[by].toFixed(3)} against ${pick.toFixed(3)}${fair})`
            : ""
        }`;
    // know what we don't know: a band that held far fewer backtest days than nominal is said to be too narrow
    const nominal = levels[levels.length - 1]! - levels[0]!;
    const held = `its p${Math.round(levels[0]! * 100)}–p${Math.round(levels[levels.length - 1]! * 100)} band held ${Math.round((best.coverage ?? 0) * 100)}% of backtest days where ${Math.round(nominal * 100)}% was nominal`;
    const bandWarning =
      best.coverage !== null && best.coverage < nominal - 0.15
        ? best.method === "lstm" || opts.widenBands === false
          ? `${held}: read it as too narrow (more folds give the band more to learn from).`
          : `${held}: the members' bands are widened on the backtest (bandWidening), but a series this far off changed between folds: read its band with care.`
        : undefined;
    return {
      key: s.key,
      method: best.method,
      reason: intermittent[i] ? `${why}; the series is intermittent (under three days in four with demand), so RMSSE decided.` : `${why}.`,
      intermittent: intermittent[i]!,
      scores: perSeries[i]!,
      ...(pooled && { pooled }),
      ...(usedHolidays.length && { holidays: usedHolidays }),
      ...(bandWarning && { bandWarning }),
    };
  });
  const reconciledChoices = reconcileChoices(series, choicesBase, rawErrors, hierarchy);
  const rec = reconciledChoices.reconciliation;
  // each fold's held-out days with the chosen member's forecast of them
  const choices = reconciledChoices.choices.map((c, i): SeriesChoice => {
    if (folds === 0) return c;
    const heldOut = runs.map((r, run) => ({
      start: addDays(series[i]!.start, r.train[i]!.target.length),
      actual: r.actual[i]!,
      point: pointOf(run, i, c.method) ?? [],
    }));
    return { ...c, heldOut };
  });
  const { method, reason, scores } = summariseChoices(choices, perSeries, folds, horizon);
  opts.onProgress?.(LSTM_SHARE + (1 - LSTM_SHARE) / 2, "backtest scored, members chosen");
  const model = lstmRuns.model;
  const tail = (e: number[], p: number) =>
    e.length
      ? quantileSorted(
          [...e].sort((a, b) => a - b),
          p,
        )
      : 0;
  const marginsOf = (c: { lower: number[]; upper: number[] }[]) =>
    c.map((e, k) => ({ lower: tail(e.lower, 1 - levels[k]!), upper: tail(e.upper, levels[levels.length - 1 - k]!) }));
  // Each series is calibrated on its own backtest errors when it has enough of them (segments differ in how much
  // of their variation the LSTM misses); with fewer than 100 per tail, on all series' errors pooled.
  const pooled = marginsOf(
    Array.from({ length: pairs }, (_, k) => ({ lower: conformity.flatMap((c) => c[k]!.lower), upper: conformity.flatMap((c) => c[k]!.upper) })),
  );
  const margins = conformity.map((c) => ((c[0]?.lower.length ?? 0) >= 100 ? marginsOf(c) : pooled));
  // statistical members' bands widened on the backtest, leave one fold out (band-widening.ts): each chosen member's
  // fold scored against the band the other folds' errors give, pooled over the series that chose a member. The
  // LSTM's conformal margins are not: its fold networks, trained on less history, err more than the final one, and
  // widened the same way its bands held 89–100% of later held-out days where they held 73–97% (BENCHMARKS.md,
  // "Bands held out from several origins").
  const outside = Array.from({ length: pairs }, () => [] as number[]);
  choices.forEach((c, i) =>
    lofoBands[i]!.get(c.method)?.forEach((band, f) => {
      const train = runs[f]!.train[i]!;
      outsideBy(band, runs[f]!.actual[i]!, maseScale(train.target) || 1).forEach((days, k) => outside[k]!.push(...days));
    }),
  );
  const widening = opts.widenBands === false ? outside.map(() => 0) : wideningFor(outside, levels);
  const memberBands = choices.map((c, i) =>
    c.method === "lstm" ? null : widenQuantiles(memberQuantiles[i]!.get(c.method as StatisticalMember | PoolName)!, widening),
  );
  // the final network's point, for the series whose pool has the LSTM in it (one batch)
  const withLstm = choices.flatMap((c, i) => (c.pooled?.includes("lstm") ? [i] : []));
  const lstmFinal = new Map(
    withLstm.length
      ? predictLstm(
          model,
          withLstm.map((i) => series[i]!),
        ).map((f, j) => [withLstm[j]!, f.mean])
      : [],
  );
  const finalPoint = (i: number, m: MethodName): readonly number[] | null =>
    m === "lstm"
      ? lstmFinal.get(i)!
      : (chosen.final?.[i]?.[m as StatisticalMember] ??
        memberForecast(
          series[i]!.target,
          horizon,
          m as StatisticalMember,
          knownInputs(series[i]!, horizon, holidays[i]!.has(m) ? holidayCalendar(opts) : null),
        ));
  const memberPoints = choices.map((c, i) => {
    if (c.method === "lstm") return null;
    if (!c.pooled) return finalPoint(i, c.method);
    const parts = c.pooled.map((m) => finalPoint(i, m));
    return parts.every((p) => p) ? poolPoint(parts as number[][]) : null;
  });
  const widened = choices.map((c) => (c.method !== "lstm" && folds >= 2 && opts.widenBands !== false ? { ...c, bandWidening: widening } : c));
  const fit = { method, horizon, levels, conformalMargins: margins, choices: widened, memberBands, memberPoints, ...(rec && { reconciliation: rec }) };
  const forecasts = forecastWith(model, series, fit);
  opts.onProgress?.(1, "forecast ready");
  return {
    result: { ...fit, reason, backtest: { folds, scores }, forecasts, training: model.members.map((m) => ({ ...m.history, useLastYear: m.useLastYear })) },
    model,
  };
}

/**
 * Every series must be long enough for the earliest backtest fold to train an LSTM (2 batches of windows beside
 * the validation days).
 *
 * @throws ModelFitError (422) saying how many days are needed and why
 */
export function checkHistory(series: readonly SeriesInput[], opts: ForecastOptions = {}, folds = opts.folds ?? 3): void {
  const o = { ...LSTM_DEFAULTS, horizon: 90, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  const needed = o.lookback + (folds + 1) * o.horizon + o.validationDays + 2 * o.batchSize - 1;
  const shortest = Math.min(...series.map((s) => s.target.length));
  if (shortest < needed) {
    throw new ModelFitError(
      `The shortest series has ${shortest} days; a ${o.horizon}-day forecast with ${folds} backtest folds needs ${needed} (lookback ${o.lookback} + ${folds + 1} × horizon + ${o.validationDays} validation days + ${2 * o.batchSize} training windows). Shorten the horizon or use fewer folds.`,
    );
  }
}

/**
 * The forecast of each series by its chosen member: the LSTM's quantiles widened by the backtest's conformal
 * margins, or a statistical member's point forecast with its backtest error band. Also what a stored model
 * reproduces (same model and data → same forecast).
 */
export function forecastWith(
  model: TrainedLstm,
  series: readonly SeriesInput[],
  fit: Pick<ForecastResult, "horizon" | "levels" | "conformalMargins" | "choices" | "memberBands" | "memberPoints" | "reconciliation">,
): SeriesForecast[] {
  // the networks run only over the series that chose them
  const chosen = series.flatMap((_, i) => (fit.choices[i]!.method === "lstm" ? [i] : []));
  const predicted = chosen.length
    ? predictLstm(
        model,
        chosen.map((i) => series[i]!),
      )
    : [];
  const lstm = new Map(chosen.map((i, j) => [i, predicted[j]!]));
  const base = series.map((s, i): SeriesForecast => {
    const m = fit.choices[i]!.method;
    const nonNegative = s.target.every((v) => v >= 0);
    if (m === "lstm") {
      const f = conformalize(lstm.get(i)!, s, marginsFor(fit.conformalMargins, i));
      return nonNegative ? { ...f, quantiles: f.quantiles.map((row) => row.map((v) => Math.max(0, v))) } : f;
    }
    // a pool's point is always stored (its members' points are not)
    // results stored without memberPoints predate the members' holidays
    const point = fit.memberPoints?.[i] ?? (isPool(m) ? null : memberForecast(s.target, fit.horizon, m, knownInputs(s, fit.horizon, null)));
    if (!point) throw new Error(`${s.key}: ${m} cannot forecast this series.`);
    const quantiles = bandAround(point, fit.memberBands[i]!, maseScale(s.target) || 1, nonNegative, zeroRows(fit.levels, s.target));
    const lastDate = addDays(s.start, s.target.length - 1);
    return { key: s.key, dates: Array.from({ length: fit.horizon }, (_, h) => addDays(lastDate, h + 1)), mean: point, quantiles };
  });
  return fit.reconciliation ? reconciled(base, series, fit.reconciliation) : base;
}

/**
 * The hierarchy's forecasts made to add up: the point forecasts reconciled (S·G·ŷ), and each node's quantiles moved
 * with its point (a band keeps its width; quantiles of a sum are not sums of quantiles, so bands are not summed).
 */
function reconciled(base: readonly SeriesForecast[], series: readonly SeriesInput[], r: Reconciliation): SeriesForecast[] {
  const index = new Map(base.map((f, i) => [f.key, i]));
  const rows = r.nodes.map((k) => base[index.get(k)!]!.mean);
  const out = reconcile(r, rows);
  const next = [...base];
  r.nodes.forEach((k, j) => {
    const i = index.get(k)!;
    const f = base[i]!;
    const nonNegative = series[i]!.target.every((v) => v >= 0);
    const shift = out[j]!.map((v, h) => v - f.mean[h]!);
    next[i] = { ...f, mean: out[j]!, quantiles: f.quantiles.map((q) => q.map((v, h) => (nonNegative ? Math.max(0, v + shift[h]!) : v + shift[h]!))) };
  });
  return next;
}

/**
 * With a hierarchy: its reconciliation, from the chosen members' backtest errors, and each node's backtest MASE
 * after it. Backtest actuals add up, so a reconciled forecast's errors are S·G applied to the base errors.
 */
function reconcileChoices(
  series: readonly SeriesInput[],
  choices: SeriesChoice[],
  rawErrors: readonly Map<MethodName, number[][]>[],
  hierarchy: ForecastOptions["hierarchy"],
): { choices: SeriesChoice[]; reconciliation?: Reconciliation } {
  if (!hierarchy) return { choices };
  const index = new Map(series.map((s, i) => [s.key, i]));
  const byNode = hierarchy.nodes.map((k) => {
    const i = index.get(k)!;
    return (rawErrors[i]!.get(choices[i]!.method) ?? []).flat();
  });
  const days = Math.min(...byNode.map((e) => e.length));
  const errors = days > 0 ? Array.from({ length: days }, (_, t) => byNode.map((e) => e[t]!)) : null;
  const r = reconciliation(hierarchy.summing, hierarchy.nodes, hierarchy.bottom, hierarchy.method, errors);
  if (!errors) return { choices, reconciliation: r };
  const after = reconcile(
    r,
    byNode.map((e) => e.slice(0, days)),
  );
  const next = [...choices];
  hierarchy.nodes.forEach((k, j) => {
    const i = index.get(k)!;
    const scale = maseScale(series[i]!.target) || 1;
    const mase = (e: readonly number[]) => e.reduce((a, v) => a + Math.abs(v), 0) / days / scale;
    next[i] = { ...choices[i]!, reconciled: { before: mase(byNode[j]!.slice(0, days)), after: mase(after[j]!) } };
  });
  return { choices: next, reconciliation: r };
}

/** How far to move one interval's ends outward (negative: inward), in units of the series' MASE scale. */
export interface ConformalMargin {
  readonly lower: number;
  readonly upper: number;
}

/** Series i's margins: results stored before margins were per series hold one list for all series. */
function marginsFor(margins: ForecastResult["conformalMargins"], i: number): readonly ConformalMargin[] {
  return Array.isArray(margins[0]) ? (margins as readonly (readonly ConformalMargin[])[])[i]! : (margins as readonly ConformalMargin[]);
}

/**
 * Conformalized quantile regression on the backtest, each tail on its own (Romano, Patterson & Candès 2019,
 * the asymmetric variant): the lower end moves by the (1 − τ_lo) quantile of how far actuals fell below it, the
 * upper end by the τ_hi quantile of how far they rose above it, so each end's backtest exceedance becomes nominal.
 * One-sided surprises (Peyton Manning's playoff spikes are all upward) widen only the side they happen on.
 * Quantiles stay ordered.
 */
function conformalize(f: SeriesForecast, series: SeriesInput, margins: readonly ConformalMargin[]): SeriesForecast {
  const scale = maseScale(series.target) || 1;
  const q = f.quantiles.map((row) => [...row]);
  margins.forEach((m, k) => {
    q[k] = q[k]!.map((v) => v - m.lower * scale);
    q[q.length - 1 - k] = q[q.length - 1 - k]!.map((v) => v + m.upper * scale);
  });
  for (let k = 1; k < q.length; k++) q[k] = q[k]!.map((v, h) => Math.max(v, q[k - 1]![h]!));
  return { ...f, quantiles: q };
}

function progress(opts: ForecastOptions, run: number, runs: number, label: string) {
  const maxEpochs = opts.maxEpochs ?? LSTM_DEFAULTS.maxEpochs;
  // each ensemble member gets its share of the run, so the fraction never goes back when the next one starts
  return (e: { epoch: number; loss: number; valLoss: number; member: number; members: number }) =>
    opts.onProgress?.(
      (LSTM_SHARE * (run + (e.member + Math.min(1, e.epoch / maxEpochs)) / e.members)) / runs,
      `${label}${e.members > 1 ? `, network ${e.member + 1} of ${e.members}` : ""}: epoch ${e.epoch}, loss ${e.loss.toFixed(4)}, validation loss ${e.valLoss.toFixed(4)}`,
    );
}

function sliceSpend(spend: SeriesInput["spend"], to: number): SeriesInput["spend"] {
  return spend && Object.fromEntries(Object.entries(spend).map(([c, v]) => [c, v.slice(0, to)]));
}

/**
 * Per series, the statistical members that forecast better with the holidays as known inputs than without: lower
 * mean backtest score over the folds. Chosen per member, not once: an effect measured against the days around it
 * also takes up a seasonal step beside the holiday (a December peak that starts a week before Christmas), which a
 * member that models the yearly season then counts twice.
 */
export function withHolidays(members: MemberRuns, folds: number, foldScore: (run: number, i: number, point: readonly number[]) => number): Set<MethodName>[] {
  const h = members.holidays;
  return (members.folds[0] ?? []).map((_, i) => {
    const mean = (runs: readonly (readonly MemberPoints[])[], m: StatisticalMember) => {
      let sum = 0;
      for (let run = 0; run < folds; run++) {
        const p = runs[run]![i]![m];
        if (!p) return Number.POSITIVE_INFINITY;
        sum += foldScore(run, i, p);
      }
      return sum / folds;
    };
    return new Set(h ? STATISTICAL_MEMBERS.filter((m) => mean(h.folds, m) < mean(members.folds, m)) : []);
  });
}

/** The members' runs with each series' points taken with the holidays for the members withHolidays chose them for. */
export function chosenVariants(members: MemberRuns, holidays: readonly ReadonlySet<MethodName>[]): Pick<MemberRuns, "folds" | "final"> {
  const h = members.holidays;
  if (!h) return members;
  const pick = (plain: MemberPoints, withThem: MemberPoints, i: number) =>
    Object.fromEntries(STATISTICAL_MEMBERS.map((m) => [m, (holidays[i]!.has(m) ? withThem : plain)[m]])) as MemberPoints;
  return {
    folds: members.folds.map((run, r) => run.map((p, i) => pick(p, h.folds[r]![i]!, i))),
    ...(members.final && h.final && { final: members.final.map((p, i) => pick(p, h.final![i]!, i)) }),
  };
}

/** A series' known future inputs as the statistical members take them (its columns in name order, then the holidays; history then horizon). */
export function knownInputs(s: SeriesInput, horizon: number, calendar: HolidayCalendar): EventInputs | undefined {
  const names = Object.keys(s.events ?? {}).sort();
  const values = [
    ...names.map((e) => s.events![e]!.slice(0, s.target.length + horizon)),
    ...(calendar ? holidayInputs(s.start, s.target.length, horizon, holidayNames(calendar.country)) : []),
  ];
  return values.length ? { values } : undefined;
}
