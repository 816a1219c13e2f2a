import { epochDay } from "../../data/parse-cell.ts";
import type { Column, Dataset } from "../../data/types.ts";
import { ModelFitError, ValidationError, type Issue } from "../../errors.ts";
import { findColumn } from "../design.ts";
import { fitOls } from "../ols.ts";
import type { ChainRunner } from "../../mcmc/nuts.ts";
import { fitBayesMmm, type BayesOptions } from "./fit-bayes.ts";
import { fitMmm } from "./fit-mmm.ts";
import type { FittedMmm, LiftTest, MmmInput, MmmOptions } from "./types.ts";
import type { FormAveraging, FormRequest } from "./form-selection.ts";
import type { AdstockForm, SaturationForm } from "./forms.ts";
import type { RoiPrior } from "./posterior-model.ts";

export type FormChoice<F extends string> = F | "auto" | Readonly<Record<string, F | "auto">>;

export interface MmmRequest extends MmmOptions {
  /** "bayes" (default): NUTS posterior; "fast": profile likelihood + block bootstrap (geometric + Hill only). */
  readonly method?: "bayes" | "fast";
  readonly adstock?: FormChoice<AdstockForm>;
  readonly saturation?: FormChoice<SaturationForm>;
  readonly roiPriors?: Readonly<Record<string, RoiPrior>>;
  /** bayes with "auto" forms: how ROI and mROI combine the candidate forms. */
  readonly formAveraging?: FormAveraging;
  readonly chains?: number;
  readonly warmup?: number;
  readonly draws?: number;
  readonly targetAccept?: number;
  /** bayes: "piecewise" (default) or "linear" trend. */
  readonly trend?: "piecewise" | "linear";
  readonly date: string;
  readonly target: string;
  /** Spend columns, currency per period. */
  readonly channels: readonly string[];
  /** Numeric or category columns held as controls (categories become 0/1 dummies, first level the reference). */
  readonly controls?: readonly string[];
  /** Fit one model per level of this column (or, with `pooled`, one model across them). */
  readonly segment?: string;
  /**
   * With `segment`: "none" (one model per segment), "full" (or true: one model across segments, shared media
   * effects, baseline per segment), "partial" (bayes: each segment's ROI drawn from a shared distribution).
   */
  readonly pooled?: boolean | "none" | "full" | "partial";
  /** With pooled "partial": "normal" (default; segment ROIs integrated out) or "log-normal" segment effects. */
  readonly geoEffects?: "normal" | "log-normal";
  /** Lift-test results to calibrate against; with `segment`, each names its segment. */
  readonly lifts?: readonly (LiftTest & { readonly segment?: string })[];
}

export type SegmentModel = { readonly segment: string | null; readonly model: FittedMmm } | { readonly segment: string; readonly error: string };

export interface MmmResult {
  readonly request: MmmRequest;
  readonly segments: readonly SegmentModel[];
  /** Data checks made before fitting (collinear channels, gaps, ...). */
  readonly warnings: readonly string[];
}

/** Checked, per-segment model inputs: what the fit needs, small enough to hand to a worker thread. */
export interface PreparedMmm {
  readonly request: MmmRequest;
  readonly inputs: readonly { readonly segment: string | null; readonly input: MmmInput }[];
  readonly warnings: readonly string[];
}

/** Check the data, then fit one marketing-mix model per segment (or one for all rows). */
export function fitMmmDataset(ds: Dataset, req: MmmRequest, runChains?: ChainRunner): Promise<MmmResult> {
  return fitPreparedMmm(prepareMmm(ds, req), req.onProgress, runChains);
}

/** true → "full", false/undefined → "none". */
export function poolingOf(req: Pick<MmmRequest, "pooled">): "none" | "full" | "partial" {
  return req.pooled === true ? "full" : req.pooled === false || req.pooled === undefined ? "none" : req.pooled;
}

/** Each channel's requested forms ("auto" where the request leaves them open). */
export function formRequests(req: MmmRequest): Record<string, FormRequest> {
  const pick = <F extends string>(choice: FormChoice<F> | undefined, c: string): F | "auto" =>
    choice === undefined ? "auto" : typeof choice === "string" ? choice : (choice[c] ?? "auto");
  return Object.fromEntries(req.channels.map((c) => [c, { adstock: pick(req.adstock, c), saturation: pick(req.saturation, c) }]));
}

function bayesOptions(req: MmmRequest, onProgress: MmmOptions["onProgress"], runChains: ChainRunner | undefined): BayesOptions {
  return {
    seed: req.seed,
    holdout: req.holdout,
    lMax: req.lMax,
    yearlyOrder: req.yearlyOrder,
    seasonality: req.seasonality,
    alpha: req.alpha,
    forms: formRequests(req),
    roiPriors: req.roiPriors,
    formAveraging: req.formAveraging,
    geoEffects: req.geoEffects,
    chains: req.chains,
    warmup: req.warmup,
    draws: req.draws,
    targetAccept: req.targetAccept,
    trend: req.trend,
    onProgress,
    runChains,
  };
}

/**
 * Fit each prepared segment; a segment that cannot be fitted reports its error instead of failing the rest.
 * `runChains` says where the Bayesian fit's chains run (default: this thread).
 */
export async function fitPreparedMmm(p: PreparedMmm, onProgress?: MmmOptions["onProgress"], runChains?: ChainRunner): Promise<MmmResult> {
  if ((p.request.method ?? "bayes") === "bayes") return fitBayesPrepared(p, onProgress, runChains);
  if (poolingOf(p.request) === "full" && p.inputs.length > 1) {
    const { onProgress: _o, ...request } = p.request;
    return { request, segments: [{ segment: null, model: fitMmm(stack(p.inputs), { ...p.request, onProgress }) }], warnings: p.warnings };
  }
  const segments: SegmentModel[] = p.inputs.map(({ segment, input }, i) => {
    const progress = onProgress && ((f: number, m: string) => onProgress((i + f) / p.inputs.length, `${segment === null ? "" : `${segment}: `}${m}`));
    try {
      return { segment, model: fitMmm(input, { ...p.request, onProgress: progress }) };
    } catch (e) {
      if (e instanceof ModelFitError && segment !== null) return { segment, error: e.message };
      throw e;
    }
  });
  const { onProgress: _o, ...request } = p.request;
  return { request, segments, warnings: p.warnings };
}

async function fitBayesPrepared(p: PreparedMmm, onProgress: MmmOptions["onProgress"], runChains: ChainRunner | undefined): Promise<MmmResult> {
  const { onProgress: _o, ...request } = p.request;
  const pooling = poolingOf(p.request);
  if (pooling !== "none" && p.inputs.length > 1) {
    const fit = await fitBayesMmm(stack(p.inputs), { ...bayesOptions(p.request, onProgress, runChains), pooling });
    return { request, segments: fit.segments.map((s) => ({ segment: s.name, model: s.model })), warnings: p.warnings };
  }
  const segments: SegmentModel[] = [];
  for (const [i, { segment, input }] of p.inputs.entries()) {
    const progress = onProgress && ((f: number, m: string) => onProgress((i + f) / p.inputs.length, `${segment === null ? "" : `${segment}: `}${m}`));
    try {
      segments.push({ segment, model: (await fitBayesMmm(input, bayesOptions(p.request, progress, runChains))).segments[0]!.model });
    } catch (e) {
      if (e instanceof ModelFitError && segment !== null) segments.push({ segment, error: e.message });
      else throw e;
    }
  }
  return { request, segments, warnings: p.warnings };
}

/** Segments' series one after another, labelled, for a pooled fit; a control missing in a segment is 0 there. */
function stack(inputs: PreparedMmm["inputs"]): MmmInput {
  const controlNames = [...new Set(inputs.flatMap((i) => Object.keys(i.input.controls ?? {})))];
  const channelNames = Object.keys(inputs[0]!.input.channels);
  return {
    dates: inputs.flatMap((i) => i.input.dates),
    target: inputs.flatMap((i) => i.input.target),
    channels: Object.fromEntries(channelNames.map((c) => [c, inputs.flatMap((i) => i.input.channels[c]!)])),
    controls: Object.fromEntries(controlNames.map((c) => [c, inputs.flatMap((i) => i.input.controls?.[c] ?? new Array<number>(i.input.dates.length).fill(0))])),
    groups: inputs.flatMap((i) => new Array<string>(i.input.dates.length).fill(String(i.segment))),
  };
}

/**
 * Check a request against the data and build each segment's series, sorted by date.
 *
 * @throws ValidationError for unknown or mistyped columns, missing or negative values, repeated dates
 */
export function prepareMmm(ds: Dataset, req: MmmRequest): PreparedMmm {
  const date = typed(ds, req.date, ["date"], ["date"]);
  const target = typed(ds, req.target, ["target"], ["number", "integer"]);
  if (req.channels.length === 0) throw new ValidationError("channels: name at least one spend column.", [{ path: ["channels"], message: "empty" }]);
  const channels = req.channels.map((c, i) => typed(ds, c, ["channels", i], ["number", "integer"]));
  const controls = (req.controls ?? []).map((c, i) => typed(ds, c, ["controls", i], ["number", "integer", "boolean", "category"]));
  const segment = req.segment ? typed(ds, req.segment, ["segment"], ["category", "integer", "boolean"]) : undefined;

  const issues: Issue[] = [];
  const warnings: string[] = [];
  for (const c of controls) {
    if (c.type === "category" && c.missing > 0) {
      warnings.push(`${c.name}: ${c.missing} empty cell(s) (e.g. "na") are treated as their own level "(none)".`);
    }
  }
  for (const col of [date, target, ...channels, ...controls.filter((c) => c.type !== "category"), ...(segment ? [segment] : [])]) {
    const i = col.values.indexOf(null);
    if (i >= 0)
      issues.push({
        path: ["rows", i + 1, col.name],
        message: `row ${i + 1}: ${col.name} is missing; a marketing-mix model needs every period filled (use 0 for no spend)`,
        code: "missing_value",
      });
  }
  for (const ch of channels) {
    const i = (ch.values as (number | null)[]).findIndex((v) => v !== null && v < 0);
    if (i >= 0)
      issues.push({
        path: ["rows", i + 1, ch.name],
        message: `row ${i + 1}: ${ch.name} is negative (${ch.values[i]}); spend cannot be`,
        code: "negative_spend",
        value: ch.values[i],
      });
  }
  const lifts = (req.lifts ?? []).map((l, i) => {
    const channel = findColumn(ds, l.channel, ["lifts", i, "channel"]).name;
    if (!channels.some((c) => c.name === channel))
      issues.push({ path: ["lifts", i, "channel"], message: `lifts[${i}]: ${l.channel} is not one of the channels`, value: l.channel });
    if (segment && l.segment === undefined)
      issues.push({ path: ["lifts", i, "segment"], message: `lifts[${i}]: name the segment the test ran in`, code: "missing_segment" });
    return { ...l, channel };
  });
  const pooling = poolingOf(req);
  if (pooling !== "none" && !segment) issues.push({ path: ["pooled"], message: "pooled: name the segment column to pool over", code: "missing_segment" });
  if (pooling !== "none" && lifts.length > 0)
    issues.push({ path: ["lifts"], message: "lifts: a pooled model takes no lift tests; fit one model per segment to calibrate", code: "not_supported" });
  issues.push(...methodIssues(req));
  if (issues.length > 0) throw new ValidationError(issues[0]!.message, issues);

  const groups = new Map<string | null, number[]>();
  date.values.forEach((_, i) => {
    const k = segment ? String(segment.values[i]) : null;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  const inputs: PreparedMmm["inputs"][number][] = [];
  for (const [key, rowsUnsorted] of [...groups].sort((a, b) => String(a[0]).localeCompare(String(b[0])))) {
    const rows = [...rowsUnsorted].sort((a, b) => (date.values[a]! < date.values[b]! ? -1 : 1));
    const dates = rows.map((r) => date.values[r] as string);
    const dup = dates.findIndex((d, i) => i > 0 && d === dates[i - 1]);
    if (dup >= 0) {
      throw new ValidationError(
        `${key === null ? "" : `${segment!.name} = ${key}: `}date ${dates[dup]} appears twice; name a segment column or aggregate first.`,
        [{ path: ["rows", rows[dup]! + 1, date.name], message: "repeated date", code: "duplicate_date", value: dates[dup] }],
      );
    }
    const steps = dates.slice(1).map((d, i) => epochDay(d) - epochDay(dates[i]!));
    const step = steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 1;
    const gaps = dates.slice(1).filter((d, i) => epochDay(d) - epochDay(dates[i]!) > step).length;
    if (gaps > 0)
      warnings.push(`${key === null ? "" : `${key}: `}${gaps} gap(s) in the date index; carry-over is computed as if the periods were consecutive.`);
    const pick = (c: Column) => rows.map((r) => Number(c.values[r]));
    const controlValues: Record<string, number[]> = {};
    for (const c of controls) {
      if (c.type === "category") {
        const level = (r: number) => (c.values[r] as string | null) ?? "(none)";
        const levels = [...new Set(rows.map(level))].sort();
        for (const l of levels.slice(1)) controlValues[`${c.name}[T.${l}]`] = rows.map((r) => (level(r) === l ? 1 : 0));
      } else controlValues[c.name] = pick(c);
    }
    const channelValues = Object.fromEntries(channels.map((c) => [c.name, pick(c)]));
    warnings.push(...collinearChannels(channelValues).map((m) => `${key === null ? "" : `${key}: `}${m}`));
    const segmentLifts = lifts.filter((l) => key === null || l.segment === key).map(({ segment: _s, ...l }) => l);
    for (const l of segmentLifts) {
      if (!dates.some((d) => d >= l.start && d <= l.end)) {
        const i = lifts.findIndex((x) => x.start === l.start && x.end === l.end && x.channel === l.channel);
        throw new ValidationError(
          `lifts[${i}]: the window ${l.start}..${l.end} holds no period of the data${key === null ? "" : ` for ${key}`} (${dates[0]} to ${dates[dates.length - 1]}).`,
          [{ path: ["lifts", i, "start"], message: "window outside the data", code: "outside_data", value: l.start }],
        );
      }
    }
    // parameters: intercept, trend, yearly terms, weekdays (daily), controls, and up to 4 per channel
    const frequencyDays = step;
    const nParams = 2 + 2 * (req.yearlyOrder ?? 2) + (frequencyDays === 1 ? 6 : 0) + Object.keys(controlValues).length + 4 * channels.length;
    const fitRows = dates.length - Math.floor(dates.length * (req.holdout ?? 0.1));
    if (fitRows < 3 * nParams) {
      throw new ValidationError(
        `${key === null ? "" : `${segment!.name} = ${key}: `}${fitRows} periods to fit (after the holdout) are too few for about ${nParams} parameters; need at least ${3 * nParams}: name fewer channels or controls, or give more history.`,
        [{ path: ["channels"], message: "too few periods for the parameters", code: "too_few_periods", value: fitRows }],
      );
    }
    inputs.push({ segment: key, input: { dates, target: pick(target), channels: channelValues, controls: controlValues, lifts: segmentLifts } });
  }
  const { onProgress: _o, ...request } = req;
  return { request, inputs, warnings };
}

/**
 * Fields that cannot act under the request's method are refused, never ignored; forms and priors must name the
 * request's channels and be possible (a log-normal ROI prior needs median > 0 and spread > 0).
 */
function methodIssues(req: MmmRequest): Issue[] {
  const issues: Issue[] = [];
  const method = req.method ?? "bayes";
  const only = (fields: readonly (keyof MmmRequest)[], applies: string) => {
    for (const f of fields)
      if (req[f] !== undefined)
        issues.push({
          path: [f],
          message: `${f} applies to method "${applies}" only; this request's method is "${method}"`,
          code: "not_applicable",
          value: req[f],
        });
  };
  if (method === "fast") {
    only(["roiPriors", "formAveraging", "chains", "warmup", "draws", "targetAccept", "trend"], "bayes");
    if (req.pooled === "partial")
      issues.push({
        path: ["pooled"],
        message: 'pooled: "partial" needs method "bayes" (the fast fit pools fully or not at all)',
        code: "not_applicable",
        value: "partial",
      });
    for (const [field, allowed] of [
      ["adstock", "geometric"],
      ["saturation", "hill"],
    ] as const) {
      const choice = req[field];
      const bad = choice === undefined ? [] : typeof choice === "string" ? [choice] : Object.values(choice);
      for (const b of bad.filter((v) => v !== "auto" && v !== allowed))
        issues.push({ path: [field], message: `${field}: method "fast" fits ${allowed} only; use method "bayes" for ${b}`, code: "not_applicable", value: b });
    }
  } else only(["searchSize", "refineRounds", "validation", "bootstrap", "bootstrapSearch"], "fast");
  if (req.geoEffects !== undefined && req.pooled !== "partial")
    issues.push({
      path: ["geoEffects"],
      message: `geoEffects applies to pooled "partial" only; this request's pooled is ${JSON.stringify(req.pooled ?? "none")}`,
      code: "not_applicable",
      value: req.geoEffects,
    });
  const forms = Object.values(formRequests(req));
  if (method === "bayes" && req.formAveraging !== undefined && !forms.some((f) => f.adstock === "auto" || f.saturation === "auto"))
    issues.push({
      path: ["formAveraging"],
      message: "formAveraging: every channel's adstock and saturation are fixed, so there are no candidate forms to average",
      code: "not_applicable",
      value: req.formAveraging,
    });
  for (const field of ["adstock", "saturation"] as const) {
    const choice = req[field];
    if (choice && typeof choice === "object")
      for (const c of Object.keys(choice))
        if (!req.channels.includes(c))
          issues.push({ path: [field, c], message: `${field}: ${c} is not one of the channels`, code: "unknown_channel", value: c });
  }
  for (const [c, p] of Object.entries(req.roiPriors ?? {})) {
    if (!req.channels.includes(c))
      issues.push({ path: ["roiPriors", c], message: `roiPriors: ${c} is not one of the channels`, code: "unknown_channel", value: c });
    if (!(p.median > 0))
      issues.push({
        path: ["roiPriors", c, "median"],
        message: `roiPriors.${c}.median must be > 0 (effects are kept non-negative; the prior is log-normal); got ${p.median}`,
        code: "impossible_prior",
        value: p.median,
      });
    if (!(p.spread > 0))
      issues.push({
        path: ["roiPriors", c, "spread"],
        message: `roiPriors.${c}.spread must be > 0 (the SD of log ROI); got ${p.spread}`,
        code: "impossible_prior",
        value: p.spread,
      });
  }
  return issues;
}

export function typed(ds: Dataset, name: string, path: (string | number)[], types: readonly Column["type"][]): Column {
  const col = findColumn(ds, name, path);
  if (!types.includes(col.type)) {
    const what = col.type === "category" ? "text" : `${col.type === "integer" ? "an" : "a"} ${col.type} column`;
    throw new ValidationError(`${path.join(".")}: ${col.name} is ${what}; expected ${types.join(" or ")}.`, [
      { path, message: `wrong column type ${col.type}`, code: "wrong_type", value: name },
    ]);
  }
  return col;
}

/** Channels whose spend another channel mostly predicts (VIF > 10 among the spend columns). */
function collinearChannels(channels: Readonly<Record<string, readonly number[]>>): string[] {
  const names = Object.keys(channels);
  if (names.length < 2) return [];
  const n = channels[names[0]!]!.length;
  try {
    const fit = fitOls({
      names: ["Intercept", ...names],
      columns: [new Float64Array(n).fill(1), ...names.map((c) => Float64Array.from(channels[c]!))],
      y: Float64Array.from({ length: n }, (_, i) => i),
    });
    return fit.params
      .filter((p) => p.name !== "Intercept" && (p.dropped || (p.vif ?? 0) > 10))
      .map(
        (p) =>
          `${p.name} spend is ${p.dropped ? "a linear combination of" : `strongly collinear with (VIF ${p.vif!.toFixed(1)})`} other channels: their effects cannot be told apart reliably.`,
      );
  } catch {
    return [];
  }
}
