import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { forecastSeries } from "../../src/forecast/forecast.ts";
import { memberForecasts } from "../../src/forecast/members/index.ts";
import { prepareForecastSeries } from "../../src/forecast/from-dataset.ts";
import { disposeLstm, predictLstm } from "../../src/forecast/lstm-model.ts";
import { coverage, mae, maseScale } from "../../src/forecast/metrics.ts";
import { selectTfBackend } from "../../src/forecast/tf-backend.ts";
import type { SeriesInput } from "../../src/forecast/types.ts";
import { seededRng } from "../../src/data/random.ts";
import { countryHolidays } from "../../src/data/holidays.ts";
import { addDays } from "../../src/forecast/calendar.ts";

beforeAll(async () => {
  await selectTfBackend();
});

const H = 90;

/**
 * Hold out the last 90 days, forecast them with default settings (3-fold backtest, CQR), and score.
 * Bounds: MASE below seasonal naive's is the bar; the 10-90% interval should cover 80% of days, and with
 * 90 strongly autocorrelated days a calibrated method lands in [0.7, 0.9] (the band) most of the time; the
 * sample's three segments are checked in that band together (270 days).
 */
function holdout(series: SeriesInput[]) {
  const train = series.map((s) => ({ ...s, target: s.target.slice(0, -H) }));
  const { result, model } = forecastSeries(train, { horizon: H, seed: 1 });
  disposeLstm(model);
  return result.forecasts.map((f, i) => {
    const actual = series[i]!.target.slice(-H);
    const scale = maseScale(train[i]!.target);
    const last = train[i]!.target.slice(-7);
    return {
      key: f.key,
      method: result.method,
      choice: result.choices[i]!,
      mase: mae(actual, f.mean) / scale,
      seasonalNaiveMase:
        mae(
          actual,
          actual.map((_, h) => last[h % 7]!),
        ) / scale,
      // the strongest simple alternative on the same held-out days: the best statistical member in hindsight
      bestStatisticalMase: Math.min(...Object.values(memberForecasts(train[i]!.target, H)).flatMap((f) => (f ? [mae(actual, f) / scale] : []))),
      coverage: coverage(actual, f.quantiles[0]!, f.quantiles[2]!),
    };
  });
}

describe("90-day forecasts on held-out data", () => {
  it("When the bundled sample's last 90 days are held out, then every segment uses the LSTM (alone or pooled) and beats seasonal naive and the best statistical member on MASE in every segment, and p10-p90 covers 70-90% of the held-out days", () => {
    const ds = csvToDataset(readFileSync(new URL("../../data/sample-daily-sales.csv", import.meta.url)), {
      name: "s",
      dateColumn: "date",
      seriesColumns: ["segment"],
    });
    const { series } = prepareForecastSeries(ds, { date: "date", target: "sales", segment: "segment" });
    const results = holdout(series);
    for (const r of results) {
      // sales driven by spend: only the network sees it, so it is in every segment's forecast
      expect(r.choice.method === "lstm" || r.choice.pooled?.includes("lstm"), r.key).toBe(true);
      expect(r.mase, r.key).toBeLessThan(r.seasonalNaiveMase);
      expect(r.mase, r.key).toBeLessThan(r.bestStatisticalMase);
      // one segment's 90 autocorrelated days are few: a calibrated 80% interval can land outside [0.7, 0.9] by chance
      expect(r.coverage, r.key).toBeGreaterThanOrEqual(0.6);
      expect(r.coverage, r.key).toBeLessThanOrEqual(0.97);
    }
    // all 270 held-out days together: the band
    const pooled = results.reduce((a, r) => a + r.coverage, 0) / results.length;
    expect(pooled).toBeGreaterThanOrEqual(0.7);
    expect(pooled).toBeLessThanOrEqual(0.9);
  }, 300_000);

  it("When Prophet's Peyton Manning series has its last 90 days held out, then the forecast beats seasonal naive and the best statistical member on MASE and p10-p90 covers 70-90%", () => {
    const ds = csvToDataset(readFileSync(new URL("../../data/prophet-peyton-manning/example_wp_log_peyton_manning.csv", import.meta.url)), { name: "p" });
    const { series, warnings } = prepareForecastSeries(ds, { date: "ds", target: "y" });
    expect(warnings[0]).toMatch(/59 missing day\(s\)/);
    const [r] = holdout(series);
    expect(r!.mase).toBeLessThan(r!.seasonalNaiveMase);
    // 1.025 (pool3: the mean of the LSTM, the combination and MSTL + ETS yearly) against the best statistical member's 1.051 (seasonal
    // naive; Theta 1.119, MSTL + ETS 1.054), seed 1; the LSTM alone scored 1.005
    expect(r!.mase).toBeLessThan(r!.bestStatisticalMase);
    // 0.79 with pool3's widened band (seed 1). With the LSTM alone, seeds 1, 2, 3 gave 0.733, 0.811, 0.822 (MASE
    // 1.005-1.019 vs 1.051), calibrated by CQR. Symmetric CQR gave 0.91 here:
    // the backtest's misses were upward playoff spikes, and widening both tails for them over-covered; each tail
    // is now calibrated on its own (forecast.ts, conformalize).
    expect(r!.coverage).toBeGreaterThanOrEqual(0.7);
    expect(r!.coverage).toBeLessThanOrEqual(0.9);
  }, 400_000);
});

describe("statistical members' bands widened on the backtest", () => {
  it("When Melbourne's pedestrian counts through the lockdowns are forecast from three origins, then the widened bands hold 75–88% of held-out days on average, where the plain ones held 60%", () => {
    const ds = csvToDataset(readFileSync(new URL("../../data/prophet-pedestrians/example_pedestrians_covid.csv", import.meta.url)), { name: "p" });
    const [s] = prepareForecastSeries(ds, { date: "ds", target: "y" }).series;
    const held = (widenBands: boolean) =>
      [1, 2, 3].map((k) => {
        const end = s!.target.length - (k - 1) * H;
        const { result, model } = forecastSeries([{ ...s!, target: s!.target.slice(0, end - H) }], { horizon: H, seed: 1, widenBands });
        disposeLstm(model);
        const f = result.forecasts[0]!;
        expect(result.choices[0]!.method).not.toBe("lstm");
        return coverage(s!.target.slice(end - H, end), f.quantiles[0]!, f.quantiles[2]!);
      });
    const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
    // measured: plain 0.67, 0.87, 0.27; widened 0.88, 0.99, 0.51 (bench/forecast-coverage.ts)
    expect(mean(held(false))).toBeLessThan(0.65);
    const widened = mean(held(true));
    expect(widened).toBeGreaterThanOrEqual(0.75);
    expect(widened).toBeLessThanOrEqual(0.88);
  }, 300_000);
});

describe("training progress", () => {
  it("When two ensemble networks train in every fold, then the reported fraction never goes backwards and ends at 1", () => {
    const r = seededRng(3);
    const series = [
      {
        key: "a",
        start: "2022-01-01",
        target: Array.from({ length: 700 }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 7) + 20 * Math.sin((2 * Math.PI * t) / 365) + r.normal()),
      },
    ];
    const seen: number[] = [];
    const messages: string[] = [];
    const { model } = forecastSeries(series, {
      horizon: 14,
      folds: 2,
      maxEpochs: 2,
      units: 4,
      seed: 1,
      onProgress: (f, m) => (seen.push(f), messages.push(m)),
    });
    disposeLstm(model);
    expect(messages.some((m) => m.includes("network 2 of 2"))).toBe(true);
    seen.forEach((f, i) => i > 0 && expect(f, `step ${i}: ${messages[i]}`).toBeGreaterThanOrEqual(seen[i - 1]!));
    expect(seen.at(-1)).toBe(1);
  }, 120_000);
});

describe("holidays known ahead", () => {
  it("When sales double on British bank holidays, then a forecast told country GB lifts those days (by a third of the truth) and one without it does not", () => {
    const gb = countryHolidays("GB");
    const r = seededRng(9);
    const start = "2022-04-01";
    const n = 1120; // to 2025-04-24; the 40 days ahead hold the early-May and spring bank holidays
    const target = Array.from({ length: n }, (_, t) => {
      const d = addDays(start, t);
      return (gb(d) ? 2 : 1) * (100 + 15 * Math.sin((2 * Math.PI * t) / 7)) + 4 * r.normal();
    });
    const series = [{ key: "uk", start, target }];
    const opts = { horizon: 40, folds: 0, seed: 2 };
    const withGb = forecastSeries(series, { ...opts, country: "GB" });
    const without = forecastSeries(series, opts);
    const dates = withGb.result.forecasts[0]!.dates;
    const holidays = dates.flatMap((d, h) => (gb(d) ? [h] : []));
    expect(holidays.map((h) => dates[h])).toEqual(["2025-05-05", "2025-05-26"]);
    // each holiday's forecast over the mean of the same weekday a week before and after (no holiday in either)
    const lift = (f: readonly number[]) => holidays.map((h) => f[h]! / ((f[h - 7]! + f[h + 7]!) / 2));
    // measured (seed 2, default network): 1.34 and 1.35 with GB, 1.09 and 1.06 without. The true lift is 2: the
    // flag reaches the head once per lead, so each lead learns its own weight from a few holidays (a known miss)
    for (const l of lift(withGb.result.forecasts[0]!.mean)) expect(l).toBeGreaterThan(1.25);
    for (const l of lift(without.result.forecasts[0]!.mean)) expect(l).toBeLessThan(1.15);
    disposeLstm(withGb.model);
    disposeLstm(without.model);
  }, 240_000);

  it("When a shop closes on British bank holidays, then the chosen member forecasts those days near 0 (measured 10 and 1; 47 without) and its choice says it took the holidays", () => {
    const gb = countryHolidays("GB");
    const r = seededRng(4);
    const start = "2022-04-01";
    const n = 1120;
    const target = Array.from({ length: n }, (_, t) => (gb(addDays(start, t)) ? 0 : 100 + 15 * Math.sin((2 * Math.PI * t) / 7) + 4 * r.normal()));
    const series = [{ key: "shop", start, target }];
    // a network of one epoch: the statistical members decide here
    const opts = { horizon: 40, folds: 3, seed: 2, maxEpochs: 1, units: 2, country: "GB" };
    const on = forecastSeries(series, opts);
    const off = forecastSeries(series, { ...opts, memberHolidays: false });
    disposeLstm(on.model);
    disposeLstm(off.model);
    const closed = on.result.forecasts[0]!.dates.flatMap((d, h) => (gb(d) ? [h] : []));
    expect(closed).toHaveLength(2);
    const c = on.result.choices[0]!;
    expect(c.holidays?.length).toBeGreaterThan(0);
    for (const h of closed) expect(on.result.forecasts[0]!.mean[h]!).toBeLessThan(20);
    expect(off.result.choices[0]!.holidays).toBeUndefined();
    // without them no member knows the day: measured 47 on both (a pool whose combination holds last year's closure)
    for (const h of closed) expect(off.result.forecasts[0]!.mean[h]!).toBeGreaterThan(40);
  }, 240_000);
});

describe("events known ahead", () => {
  it("When promotions on 6% of days add 40 to sales, then the LSTM told their future days forecasts them 28-52 higher than without them (measured 38.0), and ordinary days move far less", () => {
    const H2 = 90;
    const n = 1095;
    const r = seededRng(3);
    const promo = Array.from({ length: n + H2 }, () => (r.uniform() < 0.06 ? 1 : 0));
    const target = Array.from(
      { length: n },
      (_, t) => 100 + 0.02 * t + 20 * Math.sin((2 * Math.PI * t) / 7) + 15 * Math.sin((2 * Math.PI * t) / 365.25) + 40 * promo[t]! + 8 * r.normal(),
    );
    const series = [{ key: "a", start: "2022-01-01", target, events: { promo } }];
    const { model } = forecastSeries(series, { horizon: H2, folds: 0, seed: 1 });
    const on = predictLstm(model, series)[0]!.mean;
    const off = predictLstm(model, [{ ...series[0]!, events: { promo: promo.map((v, t) => (t >= n ? 0 : v)) } }])[0]!.mean;
    disposeLstm(model);
    const diff = on.map((v, h) => v - off[h]!);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const promoDays = diff.filter((_, h) => promo[n + h]);
    expect(promoDays.length).toBeGreaterThan(3);
    expect(mean(promoDays)).toBeGreaterThan(28);
    expect(mean(promoDays)).toBeLessThan(52);
    expect(mean(diff.filter((_, h) => !promo[n + h]).map(Math.abs))).toBeLessThan(10);
  }, 240_000);
});

describe("bands of intermittent series", () => {
  it("When a slow mover sells on about one day in five, then its statistical member's cross-validated p10–p90 band holds at least 75% of backtest days (zero days inside it)", () => {
    const r = seededRng(12);
    const target = Array.from({ length: 700 }, (_, t) => (r.uniform() < 0.15 + 0.1 * (t % 7 >= 5 ? 1 : 0) ? 1 + Math.floor(4 * r.uniform()) : 0));
    const { result, model } = forecastSeries([{ key: "item", start: "2023-01-02", target }], { horizon: 30, folds: 3, maxEpochs: 1, units: 2, seed: 1 });
    disposeLstm(model);
    const c = result.choices[0]!;
    expect(c.intermittent).toBe(true);
    // measured: every statistical member 0.87-0.89; before zero days were kept inside the band, 0.59-0.77
    for (const s of c.scores.filter((x) => x.method !== "lstm")) expect(s.coverage!, s.method).toBeGreaterThanOrEqual(0.75);
    expect(result.forecasts[0]!.quantiles[0]!.every((v) => v === 0)).toBe(true);
  }, 120_000);
});

describe("bands that the backtest shows too narrow", () => {
  it("When a statistical member's band held far fewer backtest days than nominal, then its choice says so in words and its band is widened", () => {
    const r = seededRng(10);
    // quiet for 600 days, then the level jumps by 30 noise SDs inside the second fold: the band the first fold's
    // small errors give cannot hold the second fold's, and the other way round
    const target = Array.from({ length: 700 }, (_, t) => (t >= 640 ? 160 : 100) + 10 * (t % 7) + 2 * r.normal());
    const { result, model } = forecastSeries([{ key: "a", start: "2023-01-02", target }], { horizon: 30, folds: 2, maxEpochs: 1, units: 2, seed: 1 });
    disposeLstm(model);
    const c = result.choices[0]!;
    expect(c.method).not.toBe("lstm");
    const chosen = c.scores.find((s) => s.method === c.method)!;
    expect(chosen.coverage!).toBeLessThan(0.65);
    expect(c.bandWarning).toMatch(
      /^its p10–p90 band held \d+% of backtest days where 80% was nominal: the members. bands are widened on the backtest \(bandWidening\), but a series this far off changed between folds/,
    );
    expect(c.bandWidening![0]!).toBeGreaterThan(0);
  }, 120_000);
});
