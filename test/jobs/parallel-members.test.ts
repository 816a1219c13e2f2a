import { beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { forecastSeries, forecastSeriesWith } from "../../src/forecast/forecast.ts";
import { disposeLstm } from "../../src/forecast/lstm-model.ts";
import { selectTfBackend } from "../../src/forecast/tf-backend.ts";
import { parallelMembers } from "../../src/jobs/parallel-members.ts";

beforeAll(async () => {
  await selectTfBackend();
});

describe("the statistical members on worker threads while the LSTM trains", () => {
  it("When three series are forecast with the members on two threads, then the answer is byte-identical to the one computed in this thread", async () => {
    const r = seededRng(4);
    const series = Array.from({ length: 3 }, (_, k) => ({
      key: `s${k}`,
      start: "2023-01-02",
      target: Array.from({ length: 500 }, (_, t) => 100 + 20 * k + 10 * Math.sin((2 * Math.PI * t) / 7) + 0.05 * t + 3 * r.normal()),
    }));
    // the members without the holidays here (the test below offers them)
    const opts = { horizon: 30, folds: 2, maxEpochs: 1, units: 2, seed: 1, memberHolidays: false };
    const here = forecastSeries(series, opts);
    disposeLstm(here.model);
    const fractions: number[] = [];
    const threaded = await forecastSeriesWith(series, { ...opts, onProgress: (f) => fractions.push(f) }, parallelMembers(2));
    disposeLstm(threaded.model);
    expect(JSON.stringify(threaded.result)).toBe(JSON.stringify(here.result));
    // some series chose a statistical member, so the threads' full-history forecasts were used
    expect(threaded.result.choices.some((c) => c.method !== "lstm")).toBe(true);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
    expect(fractions.at(-1)).toBe(1);
  }, 120_000);

  it("When the members are offered the holidays, then the threads' answer is byte-identical to this thread's too", async () => {
    const r = seededRng(5);
    // two years and more: every built-in US holiday falls twice in the history
    const series = Array.from({ length: 2 }, (_, k) => ({
      key: `s${k}`,
      start: "2022-01-03",
      target: Array.from({ length: 800 }, (_, t) => 100 + 20 * k + 10 * Math.sin((2 * Math.PI * t) / 7) + 3 * r.normal()),
    }));
    const opts = { horizon: 30, folds: 2, maxEpochs: 1, units: 2, seed: 1, memberHolidays: true };
    const here = forecastSeries(series, opts);
    disposeLstm(here.model);
    const threaded = await forecastSeriesWith(series, opts, parallelMembers(2));
    disposeLstm(threaded.model);
    expect(JSON.stringify(threaded.result)).toBe(JSON.stringify(here.result));
  }, 120_000);
});
