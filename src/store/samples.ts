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
export function loadSamplesOnce(store: Store): string[] {
  if (store.getMeta(SAMPLES_KEY)) return [];
  const loaded: string[] = [];
  store.db.transaction(() => {
    for (const s of SAMPLES) {
      const bytes = readFileSync(new URL(s.file, DATA_DIR));
      store.datasets.add(csvToDataset(bytes, s.options), bytes);
      loaded.push(s.options.name);
    }
    store.setMeta(SAMPLES_KEY, new Date().toISOString());
  })();
  return loaded;
}
