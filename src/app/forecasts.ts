import { createHash } from "node:crypto";
import { beyondObservedWarnings } from "./mmm-lines.ts";
import { requireRecord } from "./records.ts";
import type { z } from "zod";
import type { Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import { checkHistory, forecastWith, type ForecastResult } from "../forecast/forecast.ts";
import { prepareForecastSeries } from "../forecast/from-dataset.ts";
import { disposeLstm } from "../forecast/lstm-model.ts";
import { restoreLstm, type SavedLstm } from "../forecast/persist.ts";
import { sliceFit } from "../forecast/shards.ts";
import { applyPlan, BAU_DAYS, resolvePlan, type MmmChannels, type SeriesPlanEffect, type SpendPlan } from "../forecast/plan.ts";
import type { TfBackendPreference } from "../forecast/tf-backend.ts";
import type { SeriesForecast, SeriesInput } from "../forecast/types.ts";
import { addDays } from "../forecast/calendar.ts";
import { buildHierarchy } from "../forecast/hierarchy.ts";
import type { ForecastTrainOutput, ForecastTrainPayload } from "../jobs/kinds/forecast-train.ts";
import type { OnSuccess } from "../jobs/runner.ts";
import type { MmmResult } from "../regression/mmm/fit-dataset.ts";
import type { Store } from "../store/store.ts";
import type { ForecastRequestSchema } from "./schemas.ts";

export type ForecastRequest = z.infer<typeof ForecastRequestSchema>;

const MODEL_KIND = "forecast-model";
export const FORECAST_KIND = "forecast";
const SCHEMA_VERSION = 3; // 2: conformal margins per tail; 3: a member chosen per series
const WEIGHTS = "weights.bin";
/** The weights of shard k's network, for a model trained in shards. */
const shardWeights = (k: number) => `weights-${k}.bin`;

/** A stored trained model: the backtest and training record plus what rebuilds the networks (weights beside). */
interface ModelResult {
  readonly fit: Omit<ForecastResult, "forecasts">;
  /** One network for every series (its weights in weights.bin) … */
  readonly saved?: Omit<SavedLstm, "weightData">;
  /** … or, trained in shards, one per run of consecutive series (weights-<k>.bin). */
  readonly shards?: readonly { readonly series: number; readonly saved: Omit<SavedLstm, "weightData"> }[];
  readonly backend: string;
}

/** Each network forecasts its own series; the forecasts in series order. */
function forecastWithNetworks(
  networks: readonly { readonly series: number; readonly saved: SavedLstm }[],
  series: readonly SeriesInput[],
  fit: Omit<ForecastResult, "forecasts">,
): SeriesForecast[] {
  let from = 0;
  return networks.flatMap(({ series: n, saved }) => {
    const model = restoreLstm(saved);
    try {
      return forecastWith(model, series.slice(from, from + n), sliceFit(fit, from, from + n));
    } finally {
      disposeLstm(model);
      from += n;
    }
  });
}

export interface PlanSummary {
  readonly mmmId: string;
  readonly spread: "even" | "weekday";
  readonly businessAsUsual: string;
  readonly effects: readonly SeriesPlanEffect[];
}

/** What GET /v1/forecasts/:id returns (besides id and dates). */
export interface ForecastOutput extends Omit<ForecastResult, "forecasts" | "training"> {
  readonly modelId: string;
  readonly reusedModel: boolean;
  readonly segmentColumn: string | null;
  readonly forecasts: readonly SeriesForecast[];
  readonly plan: PlanSummary | null;
  readonly warnings: readonly string[];
}

export interface ForecastSummary {
  readonly forecastId: string;
  readonly forecastUrl: string;
  readonly modelId: string;
  readonly reusedModel: boolean;
  readonly method: ForecastResult["method"];
  readonly reason: string;
  readonly plan: { readonly incremental: number } | null;
  readonly warnings: readonly string[];
}

export type ForecastStart =
  | { readonly kind: "ready"; readonly summary: ForecastSummary }
  | { readonly kind: "train"; readonly payload: ForecastTrainPayload; readonly onSuccess: OnSuccess };

interface PlanContext {
  readonly mmmId: string;
  readonly plan: SpendPlan;
  readonly bySeries: ReadonlyMap<string, { readonly channels: MmmChannels; readonly history: Readonly<Record<string, readonly number[]>> }>;
  /** Plan days whose spend leaves what the MMM's data show (mmm-lines.ts). */
  readonly warnings: readonly string[];
}

/**
 * Check a forecast request against the data (400/404/422 now, not a failed job later) and either forecast at once
 * from a stored model trained on the same data with the same options, or say what to train and how to save it.
 */
export async function startForecast(store: Store, ds: Dataset, req: ForecastRequest, backend: TfBackendPreference): Promise<ForecastStart> {
  refuseInapplicable(req);
  const { series: parts, warnings } = prepareForecastSeries(ds, req);
  const tree = req.hierarchy ? buildHierarchy(parts, req.hierarchy) : null;
  const series = tree?.series ?? parts;
  const options = {
    horizon: req.horizon,
    levels: [...req.levels].sort((a, b) => a - b),
    seed: req.seed,
    folds: req.folds,
    ...(req.country && { country: req.country.toUpperCase() }),
    // always in the options, so a model stored before the members had holidays is not taken for one with them
    memberHolidays: req.memberHolidays ?? req.folds > 0,
    ...(tree && { hierarchy: { nodes: tree.nodes, bottom: tree.bottom, summing: tree.summing, method: req.reconciliation ?? "mint_shrink" } }),
    ...req.network,
  };
  checkHistory(series, options);
  const trainingKey = createHash("sha256")
    .update(JSON.stringify({ v: SCHEMA_VERSION, series, options }))
    .digest("hex");
  const planCtx = await planContext(store, ds, req, series);
  // saves the forecast with `into` (the job's transaction when it follows a training)
  const finish = async (
    into: Store,
    modelId: string,
    reusedModel: boolean,
    fit: Omit<ForecastResult, "forecasts">,
    bau: readonly SeriesForecast[],
  ): Promise<ForecastSummary> => {
    const bandWarnings = (fit.choices ?? []).flatMap((c) => (c.bandWarning ? [`${c.key ? `${c.key}: ` : ""}${c.method}'s ${c.bandWarning}`] : []));
    const planned = planCtx ? bau.map((f) => applyPlan(f, planCtx.bySeries.get(f.key)!.channels, planCtx.bySeries.get(f.key)!.history, planCtx.plan)) : null;
    const { training: _t, ...rest } = fit;
    const output: ForecastOutput = {
      ...rest,
      modelId,
      reusedModel,
      segmentColumn: req.segment ?? null,
      forecasts: planned ? planned.map((p) => p.forecast) : bau,
      plan:
        planned && planCtx
          ? {
              mmmId: planCtx.mmmId,
              spread: planCtx.plan.spread ?? "even",
              businessAsUsual: `each channel's mean daily spend over the last ${BAU_DAYS} days`,
              effects: planned.map((p) => p.effect),
            }
          : null,
      warnings: [...warnings, ...bandWarnings, ...(planCtx?.warnings ?? [])],
    };
    const saved = await into.models.save({ kind: FORECAST_KIND, datasetId: req.datasetId, schemaVersion: SCHEMA_VERSION, spec: req, result: output });
    return {
      forecastId: saved.id,
      forecastUrl: `/v1/forecasts/${saved.id}`,
      modelId,
      reusedModel,
      method: fit.method,
      reason: fit.reason,
      plan: output.plan && { incremental: output.plan.effects.reduce((a, e) => a + e.incremental, 0) },
      warnings: output.warnings,
    };
  };

  const stored = await store.models.findByTrainingKey<unknown, ModelResult>(MODEL_KIND, trainingKey);
  if (stored) {
    const artifacts = await store.models.artifacts(stored.id);
    const parts = stored.result.shards ?? (stored.result.saved ? [{ series: series.length, saved: stored.result.saved }] : []);
    const networks = parts.map((p, k) => {
      const weights = artifacts.find((a) => a.name === (stored.result.shards ? shardWeights(k) : WEIGHTS));
      return weights && { series: p.series, saved: { ...p.saved, weightData: weights.bytes } };
    });
    if (networks.length > 0 && networks.every((n) => n !== undefined)) {
      const forecasts = forecastWithNetworks(networks, series, stored.result.fit);
      return { kind: "ready", summary: await finish(store, stored.id, true, stored.result.fit, forecasts) };
    }
  }
  return {
    kind: "train",
    payload: { series, options, backend },
    onSuccess: async (out, _jobId, into) => {
      const { result, networks, backend: used } = out as ForecastTrainOutput;
      const { forecasts, ...fit } = result;
      const metas = networks.map(({ series: n, saved: { weightData: _w, ...meta } }) => ({ series: n, saved: meta }));
      // one network: stored as before shards existed (weights.bin), so older mixcast versions read it too
      const layout: Pick<ModelResult, "saved" | "shards"> = networks.length === 1 ? { saved: metas[0]!.saved } : { shards: metas };
      const artifacts = networks.map((n, k) => ({
        name: networks.length === 1 ? WEIGHTS : shardWeights(k),
        contentType: "application/octet-stream",
        bytes: n.saved.weightData,
      }));
      const model = await into.models.save<unknown, ModelResult>({
        kind: MODEL_KIND,
        datasetId: req.datasetId,
        schemaVersion: SCHEMA_VERSION,
        spec: {
          trainingKey,
          datasetId: req.datasetId,
          date: req.date,
          target: req.target,
          segment: req.segment ?? null,
          channels: req.channels ?? [],
          events: req.events ?? [],
          options,
        },
        result: { fit, ...layout, backend: used },
        artifacts,
      });
      return finish(into, model.id, false, fit, forecasts);
    },
  };
}

/** Fields that cannot act in this request are refused, not ignored (before the data are read). */
function refuseInapplicable(req: ForecastRequest): void {
  const refuse = (field: string, message: string, code: string) => new ValidationError(message, [{ path: ["body", field], message, code }]);
  if (req.plan && !req.mmmId)
    throw refuse(
      "plan",
      "A plan needs mmmId: a daily marketing-mix model to turn its spend into sales. Name one, or leave plan out for the business-as-usual forecast.",
      "needs_mmm",
    );
  if (req.memberHolidays === true && req.folds === 0)
    throw refuse(
      "memberHolidays",
      "memberHolidays needs a backtest to decide each member's holidays: set folds to 1 or more, or leave memberHolidays out.",
      "needs_folds",
    );
  if (req.reconciliation && !req.hierarchy)
    throw refuse("reconciliation", "reconciliation applies only with a hierarchy: name one, or leave reconciliation out.", "needs_hierarchy");
  if (req.hierarchy && !req.segment) throw refuse("hierarchy", "hierarchy needs segment: its parts are levels of the segment column.", "needs_segment");
  if (req.hierarchy && req.mmmId)
    throw refuse(
      "hierarchy",
      "hierarchy cannot be combined with mmmId yet: a plan's effects are per MMM segment and are not reconciled.",
      "unsupported_combination",
    );
}

/** The MMM's channels and each series' spend history for a plan, checked up front; null without an MMM. */
async function planContext(store: Store, ds: Dataset, req: ForecastRequest, series: readonly SeriesInput[]): Promise<PlanContext | null> {
  if (!req.mmmId) {
    return null;
  }
  const record = await requireRecord<unknown, MmmResult>(store, "mmm", req.mmmId, ["body", "mmmId"]);
  const mmmSegment = record.result.request.segment ?? null;
  if (mmmSegment !== (req.segment ?? null)) {
    throw new ValidationError(
      `The MMM ${req.mmmId} was fitted ${mmmSegment ? `per ${mmmSegment}` : "without segments"}; forecast ${mmmSegment ? `with segment: "${mmmSegment}"` : "without a segment"} to apply its curves.`,
      [{ path: ["body", "segment"], message: "must match the MMM's segment column" }],
    );
  }
  const channels = [...new Set(record.result.segments.flatMap((s) => ("model" in s ? s.model.channels.map((c) => c.channel) : [])))];
  // spend history of the MMM's channels, from the same rows as the forecast (carry-over into the horizon)
  const { series: withSpend } = prepareForecastSeries(ds, { date: req.date, target: req.target, segment: req.segment, channels });
  const plan: SpendPlan = req.plan ?? { lines: [] };
  const beyond: string[] = [];
  const bySeries = new Map(
    series.map((s, i) => {
      const seg = record.result.segments.find((m) => (m.segment === null ? "all" : String(m.segment)) === s.key);
      if (!seg) throw new ValidationError(`The MMM ${req.mmmId} has no model for ${s.key}.`, [{ path: ["body", "mmmId"], message: `no segment ${s.key}` }]);
      if ("error" in seg)
        throw new ValidationError(`The MMM ${req.mmmId} could not be fitted for ${s.key}: ${seg.error}`, [
          { path: ["body", "mmmId"], message: "segment not fitted" },
        ]);
      if (seg.model.frequency !== "D")
        throw new ValidationError(`The MMM ${req.mmmId} is weekly; daily forecasts need a daily model.`, [
          { path: ["body", "mmmId"], message: "weekly model" },
        ]);
      const history = withSpend[i]!.spend ?? {};
      const dates = Array.from({ length: req.horizon }, (_, h) => addDays(s.start, s.target.length + h));
      const daily = resolvePlan(
        plan,
        s.key,
        seg.model.channels.map((c) => c.channel),
        history,
        dates,
      ); // throws 400s now
      const lines = seg.model.curves.map((c) => ({
        channel: c.channel,
        ...(seg.segment !== null && { segment: String(seg.segment) }),
        observedSpend: c.observedSpend,
      }));
      beyond.push(...beyondObservedWarnings(lines, (j) => daily[lines[j]!.channel] ?? [], "Plan: "));
      return [s.key, { channels: seg.model.channels, history }] as const;
    }),
  );
  const known = new Set(series.map((s) => s.key));
  plan.lines.forEach((l, i) => {
    if (l.segment !== undefined && !known.has(l.segment)) {
      throw new ValidationError(`plan line ${i + 1}: no series ${l.segment} (there are ${[...known].join(", ")}).`, [
        { path: ["body", "plan", "lines", i, "segment"], message: "unknown segment", value: l.segment },
      ]);
    }
  });
  return { mmmId: req.mmmId, plan, bySeries, warnings: beyond };
}

/** The forecast as CSV: one row per day and series; `date,mean,p10,p50,p90` (a segment column first when there are several). */
export function forecastCsvRows(out: ForecastOutput): { header: string[]; rows: (string | number)[][] } {
  const quantileNames = out.levels.map((l) => `p${+(l * 100).toFixed(4)}`);
  const seg = out.segmentColumn;
  const header = [...(seg ? [seg] : []), "date", "mean", ...quantileNames];
  const rows = out.forecasts.flatMap((f) => f.dates.map((d, h) => [...(seg ? [f.key] : []), d, f.mean[h]!, ...f.quantiles.map((q) => q[h]!)]));
  return { header, rows };
}

export function getForecast(store: Store, id: string) {
  return requireRecord<ForecastRequest, ForecastOutput>(store, FORECAST_KIND, id);
}
