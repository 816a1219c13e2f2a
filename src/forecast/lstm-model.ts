import * as tf from "@tensorflow/tfjs";
import { seededRng } from "../data/random.ts";
import { addDays, calendarFeatures, dayOfWeek } from "./calendar.ts";
import { countryHolidays, isHoliday } from "../data/holidays.ts";
import { createNetwork, forward, networkVariables, type Network, type NetworkShape } from "./network.ts";
import type { SeriesForecast, SeriesInput } from "./types.ts";

export interface LstmOptions {
  readonly horizon: number;
  readonly levels: readonly number[];
  readonly seed: number;
  readonly lookback: number;
  readonly units: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  /** Epochs without a better validation loss before stopping (the best weights are kept). */
  readonly patience: number;
  readonly learningRate: number;
  /** Days at the end of the training data whose targets form the validation set. */
  readonly validationDays: number;
  /**
   * Training windows drawn per epoch across all series (all of them when there are fewer), and the most validation
   * windows kept: as global models (DeepAR, neuralforecast) do, so an epoch costs the same for 3 series or 300.
   */
  readonly windowsPerEpoch: number;
  /** ISO country code whose public holidays flag the days (date-holidays); default: the built-in US retail days. */
  readonly country?: string;
  /** Feed last year's values to the head: "auto" when there are ~150 training windows beyond a year. */
  readonly lastYear?: "auto" | boolean;
  /** Called after every epoch; `member` of `members` says which ensemble member is training (0-based). */
  readonly onEpoch?: (e: { epoch: number; loss: number; valLoss: number; member: number; members: number }) => void;
}

export const LSTM_DEFAULTS: Omit<LstmOptions, "horizon" | "levels" | "seed"> = {
  lookback: 28,
  units: 16,
  batchSize: 32,
  maxEpochs: 30,
  patience: 4,
  learningRate: 0.005,
  validationDays: 120,
  windowsPerEpoch: 4096,
};

const YEAR = 364; // 52 weeks: last year's value on the same weekday

/** Per-series scaling fitted on training data only: z = (y − mean) / sd; spend as log1p(spend / its mean). */
interface SeriesScale {
  readonly key: string;
  readonly mean: number;
  readonly sd: number;
  readonly spendMean: readonly number[];
  /** Known future inputs: mean and SD over the training days (absent in models stored before inputs existed). */
  readonly eventMean?: readonly number[];
  readonly eventSd?: readonly number[];
}

/** One or more trained networks whose quantile forecasts are averaged. */
export interface TrainedLstm {
  readonly members: readonly TrainedVariant[];
}

/** A trained network plus what is needed to rebuild its inputs. Plain data except `network`. */
export interface TrainedVariant {
  readonly network: Network;
  readonly options: Omit<LstmOptions, "onEpoch">;
  readonly channels: readonly string[];
  /** Known future inputs' columns (absent in models stored before they existed). */
  readonly events?: readonly string[];
  readonly useLastYear: boolean;
  readonly scales: readonly SeriesScale[];
  /** Per epoch: losses; `windows`: training windows seen per epoch (the budget, or all when fewer). */
  readonly history: {
    readonly epochs: number;
    readonly bestEpoch: number;
    readonly loss: readonly number[];
    readonly valLoss: readonly number[];
    readonly windows?: number;
  };
}

interface Prepared {
  readonly series: SeriesInput;
  readonly z: Float64Array;
  readonly spend: Float64Array[];
  /** Standardised known inputs over history and horizon. */
  readonly events: Float64Array[];
  readonly scale: SeriesScale;
  /** Calendar features and weekday of day t, for t up to the end of the horizon past the last day. */
  readonly calendar: readonly ReturnType<typeof calendarFeatures>[];
  readonly dow: readonly number[];
}

function prepare(
  series: SeriesInput,
  channels: readonly string[],
  events: readonly string[],
  horizon: number,
  country: string | undefined,
  scale?: SeriesScale,
  from = 0,
): Prepared {
  const holiday = country ? countryHolidays(country) : isHoliday;
  const y = series.target;
  const n = y.length;
  const spendRaw = channels.map((c) => series.spend?.[c] ?? new Array<number>(n).fill(0));
  const eventRaw = events.map((e) => {
    const v = series.events?.[e];
    if (!v || v.length < n + horizon)
      throw new Error(`Series ${series.key}: known input ${e} needs ${n + horizon} values (history and horizon), has ${v?.length ?? 0}.`);
    return v;
  });
  let s = scale;
  if (!s) {
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
    const eventMean = eventRaw.map((v) => v.slice(0, n).reduce((a, b) => a + b, 0) / n);
    const eventSd = eventRaw.map((v, e) => Math.sqrt(v.slice(0, n).reduce((a, b) => a + (b - eventMean[e]!) ** 2, 0) / n) || 1);
    s = { key: series.key, mean, sd, spendMean: spendRaw.map((v) => v.reduce((a, b) => a + b, 0) / n || 1), eventMean, eventSd };
  }
  const sc = s;
  // once per series, not once per window and epoch: every window reads the same days. A forecast reads only the
  // days from `from` on (its lookback and horizon): the calendar of the rest was most of a stored model's forecast
  // time, and is left out (read, it would throw)
  const calendar = new Array<[number, number, number, number, number]>(n + horizon);
  const dow = new Array<number>(n + horizon);
  for (let t = Math.max(0, from); t < n + horizon; t++) {
    const d = addDays(series.start, t);
    calendar[t] = calendarFeatures(d, holiday);
    dow[t] = dayOfWeek(d);
  }
  return {
    series,
    calendar,
    dow,
    z: Float64Array.from(y, (v) => (v - sc.mean) / sc.sd),
    spend: spendRaw.map((v, j) => Float64Array.from(v, (x) => Math.log1p(Math.max(0, x) / sc.spendMean[j]!))),
    events: eventRaw.map((v, e) => Float64Array.from(v.slice(0, n + horizon), (x) => (x - (sc.eventMean?.[e] ?? 0)) / (sc.eventSd?.[e] ?? 1))),
    scale: sc,
  };
}

function stepFeatures(channels: number, events: number): number {
  return 6 + channels + events;
}

/** Weekday, yearly phase, the horizon's holidays, each known input on every horizon day, last year's values. */
function headSize(horizon: number, useLastYear: boolean, events: number): number {
  return 7 + 2 + horizon + events * horizon + (useLastYear ? horizon : 0);
}

/**
 * Inputs for a forecast made at `origin` (the first forecast day's index): the lookback window of the target
 * (minus its mean), calendar and spend per step; the head gets the origin's weekday and yearly phase, the
 * horizon's holidays and, with enough history, last year's values on the same weekdays. Returns the anchor the
 * network's outputs are added to: for each horizon day, the mean of the last four weeks on the same weekday
 * (a smoothed seasonal naive forecast). The network learns corrections to that baseline, so an untrained or
 * strongly regularised network falls back to it rather than to noise.
 */
function writeInputs(
  p: Prepared,
  origin: number,
  o: Omit<LstmOptions, "onEpoch">,
  useLastYear: boolean,
  x: Float32Array,
  xOff: number,
  head: Float32Array,
  hOff: number,
): Float64Array {
  const L = o.lookback;
  let level = 0;
  for (let t = origin - L; t < origin; t++) level += p.z[t]!;
  level /= L;
  const F = stepFeatures(p.spend.length, p.events.length);
  const E = p.events.length;
  for (let s = 0; s < L; s++) {
    const t = origin - L + s;
    const cal = p.calendar[t]!;
    const base = xOff + s * F;
    x[base] = p.z[t]! - level;
    for (let k = 0; k < 5; k++) x[base + 1 + k] = cal[k]!;
    for (let j = 0; j < p.spend.length; j++) x[base + 6 + j] = p.spend[j]![t]!;
    for (let e = 0; e < E; e++) x[base + 6 + p.spend.length + e] = p.events[e]![t]!;
  }
  head[hOff + p.dow[origin]!] = 1;
  head[hOff + 7] = p.calendar[origin]![2];
  head[hOff + 8] = p.calendar[origin]![3];
  for (let h = 0; h < o.horizon; h++) {
    head[hOff + 9 + h] = p.calendar[origin + h]![4];
    for (let e = 0; e < E; e++) head[hOff + 9 + o.horizon + e * o.horizon + h] = p.events[e]![origin + h]!;
    if (useLastYear) head[hOff + 9 + o.horizon + E * o.horizon + h] = p.z[origin + h - YEAR]! - level;
  }
  const weeks = Math.min(4, Math.floor(L / 7));
  return Float64Array.from({ length: o.horizon }, (_, h) => {
    let a = 0;
    for (let k = 1; k <= weeks; k++) a += p.z[origin - 7 * k + (h % 7)]!;
    return a / weeks;
  });
}

/** Monotone quantiles from raw outputs: level 0 as is, each next level adds a softplus step (never crossing). */
function quantileHead(raw: tf.Tensor2D, levels: number): tf.Tensor3D {
  // a running sum by hand: tf.cumsum's gradient on a middle axis has the wrong shape in tfjs 4.22
  const parts = tf.split(raw, levels, 1);
  const q: tf.Tensor[] = [parts[0]!];
  for (let k = 1; k < levels; k++) q.push(tf.add(q[k - 1]!, tf.softplus(parts[k]!)));
  return tf.stack(q, 1) as tf.Tensor3D; // [batch, levels, horizon]
}

function pinballLoss(q: tf.Tensor3D, y: tf.Tensor2D, levels: tf.Tensor): tf.Scalar {
  const diff = tf.sub(tf.expandDims(y, 1), q); // y − q, [batch, levels, horizon]
  return tf.mean(tf.maximum(tf.mul(diff, levels), tf.mul(diff, tf.sub(levels, 1)))) as tf.Scalar;
}

/** Origins usable for training in a series of length n: full lookback, full horizon, last year if used. */
function firstOrigin(o: Omit<LstmOptions, "onEpoch">, useLastYear: boolean): number {
  return useLastYear ? Math.max(o.lookback, YEAR) : o.lookback;
}

/**
 * Train one LSTM across all series (per-series scaling): pinball loss on every level and horizon, Adam, seeded
 * initialisation and shuffling, early stopping on the windows whose targets fall in the last `validationDays`
 * (time-ordered: training windows end before them).
 */
export function trainLstm(series: readonly SeriesInput[], options: LstmOptions): TrainedLstm {
  const minLen = Math.min(...series.map((s) => s.target.length));
  const eligible = minLen >= YEAR + options.horizon + options.validationDays + 2 * options.batchSize;
  const tagged = (o: LstmOptions, member: number, members: number): LstmOptions => ({
    ...o,
    onEpoch: options.onEpoch && ((e) => options.onEpoch!({ ...e, member, members })),
  });
  if ((options.lastYear ?? "auto") !== "auto" || !eligible)
    return { members: [trainVariant(series, tagged(options, 0, 1), options.lastYear === true && eligible)] };
  // "auto": last year's values help a stable yearly cycle (the sample: MASE 0.76 with them, 1.29 without) and
  // mislead on a shifting one (Peyton Manning: 1.05 with, 1.03 without); the time-ordered validation loss did not
  // tell which, so both are trained and their quantiles averaged (an equal-weight ensemble, Vincentization).
  return { members: [trainVariant(series, tagged(options, 0, 2), true), trainVariant(series, tagged({ ...options, seed: options.seed + 1000 }, 1, 2), false)] };
}

function trainVariant(series: readonly SeriesInput[], options: LstmOptions, useLastYear: boolean): TrainedVariant {
  const { onEpoch, ...o } = options;
  const channels = [...new Set(series.flatMap((s) => Object.keys(s.spend ?? {})))].sort();
  const events = [...new Set(series.flatMap((s) => Object.keys(s.events ?? {})))].sort();
  const prepared = series.map((s) => prepare(s, channels, events, o.horizon, o.country));
  const train: [number, number][] = [];
  const val: [number, number][] = [];
  prepared.forEach((p, si) => {
    const n = p.z.length;
    for (let origin = firstOrigin(o, useLastYear); origin + o.horizon <= n; origin++) {
      if (origin + o.horizon <= n - o.validationDays) train.push([si, origin]);
      else if (origin >= n - o.validationDays - o.horizon + o.validationDays / 2) val.push([si, origin]);
    }
  });
  if (train.length < 2 * o.batchSize) {
    throw new Error(`Too little history for the LSTM: ${train.length} training windows of ${o.lookback}+${o.horizon} days (need ${2 * o.batchSize}).`);
  }
  const F = stepFeatures(channels.length, events.length);
  const Hd = headSize(o.horizon, useLastYear, events.length);
  const Q = o.levels.length;
  const shape: NetworkShape = { lookback: o.lookback, features: F, units: o.units, headInputs: Hd, outputs: Q * o.horizon };
  const network = createNetwork(shape, o.seed);
  const batchOf = (items: readonly [number, number][]) => {
    const x = new Float32Array(items.length * o.lookback * F);
    const head = new Float32Array(items.length * Hd);
    const y = new Float32Array(items.length * o.horizon);
    items.forEach(([si, origin], r) => {
      const p = prepared[si]!;
      const anchor = writeInputs(p, origin, o, useLastYear, x, r * o.lookback * F, head, r * Hd);
      for (let h = 0; h < o.horizon; h++) y[r * o.horizon + h] = p.z[origin + h]! - anchor[h]!;
    });
    return { x, head, y, rows: items.length };
  };
  const levels = tf.tensor3d(Float32Array.from(o.levels), [1, Q, 1]);
  const optimizer = tf.train.adam(o.learningRate);
  const vars = networkVariables(network);
  const rng = seededRng(o.seed);
  // a fixed, seeded subset of validation windows when there are many series (the same one every epoch)
  const valBatch = val.length > 0 ? batchOf(val.length > o.windowsPerEpoch / 4 ? sampleWithout(val, o.windowsPerEpoch / 4, seededRng(o.seed + 7)) : val) : null;
  const lossHistory: number[] = [];
  const valHistory: number[] = [];
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] = vars.map((v) => v.clone());
  for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
    // Fisher-Yates with the seeded generator: the same seed gives the same batches; past the budget, the epoch is
    // a fresh random subset of the budget's size
    let order = train.slice();
    if (order.length > o.windowsPerEpoch) order = sampleWithout(order, o.windowsPerEpoch, rng);
    else {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
    }
    let total = 0;
    for (let s = 0; s < order.length; s += o.batchSize) {
      const b = batchOf(order.slice(s, s + o.batchSize));
      const loss = tf.tidy(() => {
        const x = tf.tensor3d(b.x, [b.rows, o.lookback, F]);
        const head = tf.tensor2d(b.head, [b.rows, Hd]);
        const y = tf.tensor2d(b.y, [b.rows, o.horizon]);
        return optimizer.minimize(() => pinballLoss(quantileHead(forward(network, x, head), Q), y, levels), true, vars)!;
      });
      total += loss.dataSync()[0]! * b.rows;
      loss.dispose();
    }
    const trainLoss = total / order.length;
    const valLoss = valBatch
      ? tf.tidy(() => {
          const x = tf.tensor3d(valBatch.x, [valBatch.rows, o.lookback, F]);
          const head = tf.tensor2d(valBatch.head, [valBatch.rows, Hd]);
          return pinballLoss(quantileHead(forward(network, x, head), Q), tf.tensor2d(valBatch.y, [valBatch.rows, o.horizon]), levels).dataSync()[0]!;
        })
      : trainLoss;
    lossHistory.push(trainLoss);
    valHistory.push(valLoss);
    onEpoch?.({ epoch, loss: trainLoss, valLoss, member: 0, members: 1 });
    if (valLoss < best) {
      best = valLoss;
      bestEpoch = epoch;
      tf.dispose(bestWeights);
      bestWeights = vars.map((v) => v.clone());
    } else if (epoch - bestEpoch >= o.patience) break;
  }
  vars.forEach((v, i) => v.assign(bestWeights[i]!));
  tf.dispose([...bestWeights, levels]);
  optimizer.dispose();
  return {
    network,
    options: o,
    channels,
    events,
    useLastYear,
    scales: prepared.map((p) => p.scale),
    history: { epochs: lossHistory.length, bestEpoch, loss: lossHistory, valLoss: valHistory, windows: Math.min(train.length, o.windowsPerEpoch) },
  };
}

/** Forecast `horizon` days after the end of each series (which must be series the model was trained on). */
export function predictLstm(model: TrainedLstm, series: readonly SeriesInput[]): SeriesForecast[] {
  const runs = model.members.map((m) => predictVariant(m, series));
  const k = runs.length;
  return runs[0]!.map((first, i) => {
    const avg = (pick: (f: SeriesForecast) => readonly number[]) => pick(first).map((_, h) => runs.reduce((a, r) => a + pick(r[i]!)[h]!, 0) / k);
    return { ...first, mean: avg((f) => f.mean), quantiles: first.quantiles.map((_, q) => avg((f) => f.quantiles[q]!)) };
  });
}

function predictVariant(model: TrainedVariant, series: readonly SeriesInput[]): SeriesForecast[] {
  const o = model.options;
  const events = model.events ?? [];
  const F = stepFeatures(model.channels.length, events.length);
  const Hd = headSize(o.horizon, model.useLastYear, events.length);
  const Q = o.levels.length;
  const B = series.length;
  // every series in one batch: one forward pass, not one per series
  const x = new Float32Array(B * o.lookback * F);
  const head = new Float32Array(B * Hd);
  const prepared = series.map((s, i) => {
    const scale = model.scales.find((sc) => sc.key === s.key);
    if (!scale) throw new Error(`The model was not trained on series ${s.key}.`);
    const p = prepare(s, model.channels, events, o.horizon, o.country, scale, s.target.length - o.lookback);
    const n = p.z.length;
    if (n < firstOrigin(o, model.useLastYear)) throw new Error(`Series ${s.key} is too short to forecast from.`);
    return { scale, n, anchor: writeInputs(p, n, o, model.useLastYear, x, i * o.lookback * F, head, i * Hd) };
  });
  const q =
    B === 0
      ? new Float32Array(0)
      : tf.tidy(() => quantileHead(forward(model.network, tf.tensor3d(x, [B, o.lookback, F]), tf.tensor2d(head, [B, Hd])), Q).dataSync());
  return series.map((s, i) => {
    const { scale, n, anchor } = prepared[i]!;
    const off = i * Q * o.horizon;
    const quantiles = o.levels.map((_, k) => Array.from({ length: o.horizon }, (_, h) => (q[off + k * o.horizon + h]! + anchor[h]!) * scale.sd + scale.mean));
    const median = o.levels.indexOf(0.5);
    const mean = median >= 0 ? quantiles[median]! : quantiles[0]!.map((_, h) => quantiles.reduce((a, qq) => a + qq[h]!, 0) / Q);
    const last = addDays(s.start, n - 1);
    return { key: s.key, dates: Array.from({ length: o.horizon }, (_, h) => addDays(last, h + 1)), mean, quantiles };
  });
}

export function disposeLstm(model: TrainedLstm): void {
  for (const m of model.members) tf.dispose(networkVariables(m.network));
}

/** k items drawn without replacement in random order (a partial Fisher-Yates over a copy). */
function sampleWithout<T>(items: readonly T[], k: number, rng: { uniform(): number }): T[] {
  const a = items.slice();
  const m = Math.min(k, a.length);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.uniform() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, m);
}
