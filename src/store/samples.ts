import { readFileSync } from "node:fs";
import { csvToDataset } from "../data/to-dataset.ts";
import type { IngestOptions } from "../data/types.ts";
import type { Store } from "./store.ts";

/** The bundled datasets a new user can query at once; paths are relative to the repository's `data/`. */
export const SAMPLES: readonly { readonly file: string; readonly options: IngestOptions }[] = [
  { file: "sample-daily-sales.csv", options: { name: "sample-daily-sales", dateColumn: "date", seriesColumns: ["segment"] } },
  { file: "hospital-campaign/Campaign-Data.raw.csv", options: { name: "hospital-campaign" } },
  { file: "marketing-promotion-tv-radio/marketing_sales_data.csv", options: { name: "marketing-promotion" } },
  { file: "islr-advertising/Advertising.csv", options: { name: "islr-advertising" } },
];

const SAMPLES_KEY = "samples_loaded";
export const DATA_DIR = new URL("../../data/", import.meta.url);

/**
 * Load the bundled samples once, into a store that has never had them (a user who deletes them does not get
 * them back on the next start). Returns the names loaded.
 */
export async function loadSamplesOnce(store: Store): Promise<string[]> {
  if (await store.getMeta(SAMPLES_KEY)) return [];
  // one transaction: the mark and the datasets land together; of two API processes starting at once on one
  // PostgreSQL, the second waits on the first's mark and then loads nothing
  return store.transaction(async (tx) => {
    if (!(await tx.claimMeta(SAMPLES_KEY, new Date().toISOString()))) return [];
    const loaded: string[] = [];
    for (const s of SAMPLES) {
      const bytes = readFileSync(new URL(s.file, DATA_DIR));
      await tx.datasets.add(csvToDataset(bytes, s.options), bytes);
      loaded.push(s.options.name);
    }
    return loaded;
  });
}
