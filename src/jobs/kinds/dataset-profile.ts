import { profileDataset } from "../../data/profile.ts";
import type { Dataset } from "../../data/types.ts";
import type { JobContext } from "../context.ts";

export interface DatasetProfilePayload {
  readonly dataset: Dataset;
  readonly segment?: string;
}

export function runDatasetProfile(payload: unknown, ctx: JobContext) {
  const { dataset, segment } = payload as DatasetProfilePayload;
  ctx.progress(0.1, `profiling ${dataset.rows} rows`);
  return profileDataset(dataset, segment);
}
