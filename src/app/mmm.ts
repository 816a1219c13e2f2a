import type { z } from "zod";
import type { MmmRequestSchema } from "./schemas.ts";
import type { Dataset } from "../data/types.ts";
import { prepareMmm, type MmmResult } from "../regression/mmm/fit-dataset.ts";
import type { OnSuccess } from "../jobs/runner.ts";

export type MmmRequest = z.infer<typeof MmmRequestSchema>;
export const MMM_KIND = "mmm";
export const MMM_SCHEMA_VERSION = 2; // 2: method, forms, posterior draws and diagnostics (v1 models read as fast geometric + Hill)

/** What the job result shows: per segment fit quality and channel ROIs (the full model is at modelUrl). */
export interface MmmSummary {
  readonly modelId: string;
  readonly modelUrl: string;
  readonly warnings: readonly string[];
  readonly segments: readonly unknown[];
}

/**
 * Fitting a marketing-mix model, as HTTP and the CLI both start it: the request checked against the data now (a
 * 400 rather than a failed job later), the job's payload, and what saves the fitted model when the job succeeds.
 */
export function startMmm(ds: Dataset, req: MmmRequest): { kind: "mmm-fit"; payload: ReturnType<typeof prepareMmm>; onSuccess: OnSuccess } {
  const { datasetId, ...request } = req;
  return {
    kind: "mmm-fit",
    payload: prepareMmm(ds, request),
    onSuccess: async (result, _jobId, store): Promise<MmmSummary> => {
      const saved = await store.models.save({ kind: MMM_KIND, datasetId, schemaVersion: MMM_SCHEMA_VERSION, spec: req, result });
      return { modelId: saved.id, modelUrl: `/v1/mmm/${saved.id}`, ...summary(result as MmmResult) };
    },
  };
}

function summary(r: MmmResult) {
  return {
    warnings: r.warnings,
    segments: r.segments.map((s) =>
      "error" in s
        ? s
        : {
            segment: s.segment,
            inSample: s.model.inSample,
            holdout: s.model.holdout,
            channels: s.model.channels.map(({ channel, roi, roiInterval, mroi, mroiInterval, shareOfSpend, shareOfEffect, unseenShare }) => ({
              channel,
              roi,
              roiInterval,
              mroi,
              mroiInterval,
              shareOfSpend,
              shareOfEffect,
              ...(unseenShare !== undefined && { unseenShare }),
            })),
          },
    ),
  };
}
