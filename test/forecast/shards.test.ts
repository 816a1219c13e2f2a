import { beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { forecastSeries, forecastWith, summariseChoices } from "../../src/forecast/forecast.ts";
import { disposeLstm } from "../../src/forecast/lstm-model.ts";
import { forecastShardCount, mergeForecastResults, shardBounds, shardOptions, sliceFit } from "../../src/forecast/shards.ts";
import { selectTfBackend } from "../../src/forecast/tf-backend.ts";

beforeAll(async () => {
  await selectTfBackend();
});

describe("forecast shards", () => {
  it("When series are cut into shards, then each is a run of consecutive series, sizes differ by at most one, and a hierarchy stays whole", () => {
    expect(forecastShardCount(199, false)).toBe(1);
    expect(forecastShardCount(200, false)).toBe(2);
    expect(forecastShardCount(450, false)).toBe(4);
    expect(forecastShardCount(450, true)).toBe(1);
    expect(forecastShardCount(3, false, 1)).toBe(3);
    // the shards share the whole forecast's training windows per epoch: as many per series as the whole
    expect(shardOptions<{ horizon: number; windowsPerEpoch?: number }>({ horizon: 90 }, 0.5).windowsPerEpoch).toBe(2048);
    expect(shardOptions({ windowsPerEpoch: 1000 }, 0.25).windowsPerEpoch).toBe(256);
    expect(shardOptions({ windowsPerEpoch: 1000 }, 0.1).windowsPerEpoch).toBe(256); // never below 256
    for (const [n, k] of [
      [200, 2],
      [450, 4],
      [7, 3],
    ] as const) {
      const bounds = Array.from({ length: k }, (_, i) => shardBounds(n, k, i));
      expect(bounds[0]![0]).toBe(0);
      expect(bounds.at(-1)![1]).toBe(n);
      bounds.forEach(([from, to], i) => {
        if (i > 0) expect(from).toBe(bounds[i - 1]![1]);
        expect(to - from).toBeGreaterThanOrEqual(Math.floor(n / k));
        expect(to - from).toBeLessThanOrEqual(Math.ceil(n / k));
      });
    }
  });

  it("When two shards' forecasts are merged, then it reads as one forecast: series in order, the summary recomputed over all, each network forecasting its own series again", () => {
    const r = seededRng(11);
    const series = Array.from({ length: 4 }, (_, k) => ({
      key: `s${k}`,
      start: "2023-01-02",
      target: Array.from({ length: 400 }, (_, t) => 100 + 30 * k + 15 * Math.sin((2 * Math.PI * t) / 7) + 5 * r.normal()),
    }));
    const opts = { horizon: 14, folds: 2, maxEpochs: 2, units: 4, seed: 1 };
    const halves = [series.slice(0, 2), series.slice(2)].map((part) => forecastSeries(part, opts));
    const merged = mergeForecastResults(halves.map((h) => h.result));
    expect(merged.choices.map((c) => c.key)).toEqual(["s0", "s1", "s2", "s3"]);
    expect(merged.forecasts.map((f) => f.key)).toEqual(["s0", "s1", "s2", "s3"]);
    expect(merged.memberBands).toHaveLength(4);
    expect(merged.conformalMargins).toHaveLength(4);
    expect(merged.training).toHaveLength(halves[0]!.result.training.length * 2);
    // the summary is the mean of the per-series scores over all four series, as an unsharded forecast states it
    const all = summariseChoices(
      merged.choices,
      merged.choices.map((c) => c.scores),
      2,
      14,
    );
    expect(merged.backtest.scores).toEqual(all.scores);
    expect(merged.method).toBe(all.method);
    const lstm = merged.backtest.scores.find((s) => s.method === "lstm")!;
    const perSeries = merged.choices.map((c) => c.scores.find((s) => s.method === "lstm")!.mase);
    expect(lstm.mase).toBeCloseTo(perSeries.reduce((a, b) => a + b, 0) / 4, 12);
    // a stored sharded model forecasts again: each network over its slice of the fit
    halves.forEach((h, k) => {
      const again = forecastWith(h.model, series.slice(2 * k, 2 * k + 2), sliceFit(merged, 2 * k, 2 * k + 2));
      again.forEach((f, i) => expect(f.mean).toEqual(merged.forecasts[2 * k + i]!.mean));
      disposeLstm(h.model);
    });
  }, 120_000);
});
