import { ValidationError } from "../errors.ts";
import type { MmmResult } from "../regression/mmm/fit-dataset.ts";
import { startMmm, type MmmSummary } from "../app/mmm.ts";
import type { Store } from "../store/store.ts";
import { MmmRequestSchema } from "../app/schemas.ts";
import { commaList, type RunJob, parseBody } from "./args.ts";
import { formatNumber, formatTable } from "./format.ts";
import { datasetIdByRef } from "./regression-commands.ts";

export interface MmmFlags {
  json?: boolean;
  date?: string;
  target?: string;
  channels?: string;
  controls?: string;
  segment?: string;
  seed?: string;
  method?: string;
  pooled?: string;
  "geo-effects"?: string;
  "form-averaging"?: string;
  adstock?: string;
  saturation?: string;
}

/** mixcast mmm DATASET --date D --target Y --channels a,b: fit as a job with a progress bar, print ROI per channel. */
export async function mmm(store: Store, ref: string | undefined, flags: MmmFlags, runJob: RunJob): Promise<number> {
  if (!flags.date || !flags.target || !flags.channels)
    throw new ValidationError(
      "usage: mixcast mmm DATASET --date D --target Y --channels a,b,c [--controls c1,c2] [--segment S] [--pooled none|full|partial] [--geo-effects normal|log-normal] [--method bayes|fast] [--adstock FORM] [--saturation FORM] [--form-averaging none|stacking|pseudo-bma+] [--seed N]",
    );
  const datasetId = await datasetIdByRef(store, ref);
  const ds = (await store.datasets.load(datasetId))!;
  // checked by the API's own schema, so the CLI refuses exactly what POST /v1/mmm refuses
  const request = parseBody(MmmRequestSchema, {
    datasetId,
    date: flags.date,
    target: flags.target,
    channels: commaList(flags.channels),
    controls: commaList(flags.controls),
    segment: flags.segment,
    seed: flags.seed ? Number(flags.seed) : 1,
    ...(flags.method && { method: flags.method }),
    ...(flags.pooled && { pooled: flags.pooled }),
    ...(flags["geo-effects"] && { geoEffects: flags["geo-effects"] }),
    ...(flags["form-averaging"] && { formAveraging: flags["form-averaging"] }),
    ...(flags.adstock && { adstock: flags.adstock }),
    ...(flags.saturation && { saturation: flags.saturation }),
  });
  // the same use case as POST /v1/mmm: the fitted model is saved, so `mixcast allocate` can plan on it
  const start = startMmm(ds, request);
  const summary = (await runJob(store, start.kind, request, start.payload, flags, start.onSuccess)) as MmmSummary | undefined;
  if (!summary) return 1;
  const modelId = summary.modelId;
  const result = (await store.models.get<unknown, MmmResult>(modelId))!.result;
  if (flags.json) console.log(JSON.stringify({ modelId, ...result }, null, 2));
  else {
    for (const s of result.segments) {
      if ("error" in s) {
        console.log(`${s.segment}: ${s.error}`);
        continue;
      }
      const m = s.model;
      console.log(
        `${s.segment === null ? "" : `${s.segment}: `}R² ${formatNumber(m.inSample.rsquared)}, NRMSE ${formatNumber(m.inSample.nrmse)}${m.holdout ? `; holdout NRMSE ${formatNumber(m.holdout.nrmse)}` : ""}`,
      );
      console.log(
        formatTable(
          m.channels.map((c) => ({
            ...c,
            forms: `${c.form?.adstock ?? "geometric"} + ${c.form?.saturation ?? "hill"}`,
            roiLower: c.roiInterval?.lower ?? null,
            roiUpper: c.roiInterval?.upper ?? null,
          })),
          ["channel", "forms", "spend", "shareOfSpend", "shareOfEffect", "roi", "roiLower", "roiUpper", "mroi"],
        ),
      );
      if (m.diagnostics)
        console.log(
          `sampler: max R-hat ${formatNumber(m.diagnostics.maxRhat)}, min bulk ESS ${formatNumber(m.diagnostics.minEssBulk)}, ${m.diagnostics.divergences} divergences`,
        );
      console.log("");
    }
    for (const w of result.warnings) console.log(`! ${w}`);
    console.log(`model ${modelId} saved: plan a budget on it with mixcast allocate REQUEST.json, {"mmmId": "${modelId}", "budget": {...}}`);
  }
  return 0;
}
