import { readFileSync } from "node:fs";
import { seededRng } from "../src/data/random.ts";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { prepareForecastSeries } from "../src/forecast/from-dataset.ts";
import type { SeriesInput } from "../src/forecast/types.ts";

// The forecast evaluation's datasets (bench/forecast-eval.ts, bench/forecast-coverage.ts): real daily series from
// Prophet's examples, the bundled sample, and simulated stores and slow movers.
/** Ten stores, three years: weekly and yearly cycles, a level shift in some, year-end peaks, noise. */
function stores(): SeriesInput[] {
  const r = seededRng(11);
  return Array.from({ length: 10 }, (_, k) => {
    const level = 500 + 400 * r.uniform();
    const shiftAt = r.uniform() < 0.5 ? Math.floor(700 + 300 * r.uniform()) : Infinity;
    const weekly = Array.from({ length: 7 }, () => 0.8 + 0.4 * r.uniform());
    const target = Array.from({ length: 1095 }, (_, t) => {
      const doy = t % 365;
      const yearly = 1 + 0.25 * Math.sin((2 * Math.PI * (doy - 80)) / 365) + (doy >= 350 ? 0.6 : 0);
      return Math.max(0, level * (t >= shiftAt ? 1.2 : 1) * weekly[t % 7]! * yearly * (1 + 0.08 * r.normal()));
    });
    return { key: `store${k + 1}`, start: "2022-01-03", target };
  });
}

/** Eight slow movers: a few units on about one day in four, a weekday pattern, no trend. */
function slowMovers(): SeriesInput[] {
  const r = seededRng(12);
  return Array.from({ length: 8 }, (_, k) => ({
    key: `item${k + 1}`,
    start: "2022-01-03",
    target: Array.from({ length: 1095 }, (_, t) => (r.uniform() < 0.15 + 0.1 * (t % 7 >= 5 ? 1 : 0) ? 1 + Math.floor(4 * r.uniform()) : 0)),
  }));
}

/** Where a real dataset's days are, for its holidays (the others take the default: the built-in US retail days). */
export const COUNTRIES: Record<string, string | undefined> = { peyton: "US", wpLogR: "US", pedestrians: "AU" };

export const DATASETS: Record<string, () => SeriesInput[]> = {
  sample: () => {
    const ds = csvToDataset(readFileSync("data/sample-daily-sales.csv"), { name: "s", dateColumn: "date", seriesColumns: ["segment"] });
    return prepareForecastSeries(ds, { date: "date", target: "sales", segment: "segment" }).series;
  },
  peyton: () => {
    const ds = csvToDataset(readFileSync("data/prophet-peyton-manning/example_wp_log_peyton_manning.csv"), { name: "p" });
    return prepareForecastSeries(ds, { date: "ds", target: "y" }).series;
  },
  // two more real daily series from Prophet's examples: R's Wikipedia page views (log), and pedestrian counts in
  // Melbourne through COVID's lockdowns (a structural break inside the history)
  wpLogR: () => {
    const ds = csvToDataset(readFileSync("data/prophet-wp-log-r/example_wp_log_R.csv"), { name: "r" });
    return prepareForecastSeries(ds, { date: "ds", target: "y" }).series;
  },
  pedestrians: () => {
    const ds = csvToDataset(readFileSync("data/prophet-pedestrians/example_pedestrians_covid.csv"), { name: "p" });
    return prepareForecastSeries(ds, { date: "ds", target: "y" }).series;
  },
  stores,
  slowMovers,
};
