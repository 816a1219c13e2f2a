import { readFileSync } from "node:fs";
import { seededRng } from "../src/data/random.ts";
import { usRetailHoliday } from "../src/data/holidays.ts";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { addDays } from "../src/forecast/calendar.ts";
import { prepareForecastSeries } from "../src/forecast/from-dataset.ts";
import type { SeriesInput } from "../src/forecast/types.ts";

// The forecast evaluation's datasets (bench/forecast-eval.ts, forecast-coverage.ts, forecast-combos.ts,
// forecast-rules.ts): real daily series from Prophet's examples, the bundled sample, and simulated stores, slow
// movers, a pharmacy's product classes and a grocery chain's stores.
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

/** A Poisson draw (Knuth's product of uniforms for small means, the normal approximation above 30). */
function poisson(r: ReturnType<typeof seededRng>, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * r.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = r.uniform(); p > limit; p *= r.uniform()) k++;
  return k;
}

/**
 * Eight product classes of a pharmacy, five years of daily unit sales: counts (Poisson around a mean that carries
 * day-to-day overdispersion), means from 3 to 60 a day, a weekday pattern with a quiet Sunday, yearly seasons of
 * different strength and phase (one class peaking in spring as allergy drugs do), a slow drift, and in some classes
 * a step in level. Made to stand beside the held-out pharmacy panel the issue describes, which is not in the repository.
 */
function pharmacy(): SeriesInput[] {
  const r = seededRng(13);
  const levels = [3, 6, 12, 25, 40, 60, 8, 18];
  return levels.map((level, k) => {
    const weekly = Array.from({ length: 7 }, (_, d) => (d === 6 ? 0.5 : 0.8 + 0.4 * r.uniform()));
    const amplitude = k === 2 ? 0.8 : 0.5 * r.uniform();
    const peak = k === 2 ? 130 : 365 * r.uniform();
    const drift = -0.1 + 0.25 * r.uniform();
    const stepAt = r.uniform() < 0.4 ? Math.floor(400 + 1200 * r.uniform()) : Infinity;
    const target = Array.from({ length: 1826 }, (_, t) => {
      const doy = (t + 4) % 365.25;
      const season = 1 + amplitude * Math.cos((2 * Math.PI * (doy - peak)) / 365.25);
      const mean = level * weekly[t % 7]! * season * Math.exp((drift * t) / 365) * (t >= stepAt ? 1.3 : 1) * Math.exp(0.2 * r.normal() - 0.02);
      return poisson(r, mean);
    });
    return { key: `class${k + 1}`, start: "2015-01-05", target };
  });
}

/**
 * Ten grocery stores' daily receipts over four years: a strong weekday pattern (Saturday busiest), a summer dip and a
 * December that builds to Christmas Eve, closed on Christmas Day and New Year's Day, busier on Black Friday and
 * quieter on Independence Day, a drift per store, noise. Stands beside the held-out grocery chain the issue
 * describes (not in the repository); its holidays are the built-in US retail days.
 */
function grocery(): SeriesInput[] {
  const r = seededRng(14);
  const start = "2021-01-04";
  return Array.from({ length: 10 }, (_, k) => {
    const level = 800 + 1200 * r.uniform();
    const weekly = [0.9, 0.85, 0.9, 0.95, 1.1, 1.35, 0.95].map((w) => w * (0.95 + 0.1 * r.uniform()));
    const drift = -0.05 + 0.15 * r.uniform();
    const target = Array.from({ length: 1461 }, (_, t) => {
      const iso = addDays(start, t);
      const holiday = usRetailHoliday(iso);
      if (holiday === "Christmas Day" || holiday === "New Year's Day") return 0;
      const month = Number(iso.slice(5, 7));
      const day = Number(iso.slice(8, 10));
      // December builds to Christmas Eve; summer a little quieter
      const season =
        (month === 12 && day <= 24 ? 1 + 0.5 * (day / 24) ** 2 : 1) * (1 - 0.08 * Math.sin((Math.PI * Math.max(0, Math.min(92, (t % 365) - 151))) / 92));
      const lift = holiday === "Black Friday" ? 1.4 : holiday === "Independence Day" ? 0.6 : holiday === "Christmas Eve" ? 1.1 : 1;
      return Math.round(level * weekly[t % 7]! * season * lift * Math.exp((drift * t) / 365) * (1 + 0.06 * r.normal()));
    });
    return { key: `store${k + 1}`, start, target };
  });
}

/**
 * The same chain's total: the ten stores summed, as the issue's held-out table has the chain's total beside its
 * stores. The stores' noise averages down, so the yearly pattern repeats closely: "same weekday last year" is strong.
 */
function groceryTotal(): SeriesInput[] {
  const stores = grocery();
  return [{ key: "total", start: stores[0]!.start, target: stores[0]!.target.map((_, t) => stores.reduce((a, s) => a + s.target[t]!, 0)) }];
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
  pharmacy,
  grocery,
  groceryTotal,
};
