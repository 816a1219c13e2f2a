import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/errors.ts";
import { csvToDataset } from "../../../src/data/to-dataset.ts";
import { fitPreparedMmm, prepareMmm } from "../../../src/regression/mmm/fit-dataset.ts";
import { CHANNELS, SAMPLE_SPEC, simulatedMmmInput, simulateSales, simulationToCsv } from "../../../src/regression/mmm/simulate.ts";

// three segments that respond alike (Enterprise's channel truth everywhere) with their own baselines
const spec = { ...SAMPLE_SPEC, segments: SAMPLE_SPEC.segments.map((s) => ({ ...s, spendScale: 1, channels: SAMPLE_SPEC.segments[0]!.channels })) };
const sim = simulateSales(spec, 1);
const inputs = spec.segments.map((s) => ({ segment: s.name, input: simulatedMmmInput(sim.rows.filter((r) => r.segment === s.name)) }));
const request = { date: "date", target: "sales", channels: [...CHANNELS], segment: "segment", method: "fast" as const, pooled: true, bootstrap: 0 };

const result = await fitPreparedMmm({ request, inputs, warnings: [] });

describe("a pooled marketing-mix model (segment intercepts, shared media)", () => {
  const model = (result.segments[0] as { model: import("../../../src/regression/mmm/types.ts").FittedMmm }).model;

  it("When segments respond alike, then one model over all of them recovers TV's ROI within 5% and search's within 10%", () => {
    const truth = (c: string) => {
      const t = sim.truth.filter((x) => x.channel === c);
      return t.reduce((a, x) => a + x.contribution, 0) / t.reduce((a, x) => a + x.spend, 0);
    };
    const roi = (c: string) => model.channels.find((x) => x.channel === c)!.roi;
    expect(Math.abs(roi("tv") / truth("tv") - 1)).toBeLessThan(0.05);
    expect(Math.abs(roi("search") / truth("search") - 1)).toBeLessThan(0.1);
    expect(result.segments).toHaveLength(1);
    expect(model.warnings).toContainEqual(expect.stringMatching(/^Pooled over 3 segments \(Enterprise, SMB, Consumer\)/));
  }, 60_000);

  it("When pooled, then each segment holds out its own last 10% and the decomposition comes back in the rows' order", () => {
    expect(model.holdoutPeriods).toBe(3 * Math.floor(1096 * 0.1));
    const d = model.decomposition;
    expect(d.dates).toEqual(inputs.flatMap((i) => i.input.dates));
    for (const i of [0, 500, 1096, 2000, 3287]) {
      const parts = d.baseline[i]! + d.trend[i]! + d.seasonality[i]! + d.controls[i]! + CHANNELS.reduce((a, c) => a + d.channels[c]![i]!, 0);
      expect(parts).toBeCloseTo(d.fitted[i]!, 6);
      expect(Math.abs(d.fitted[i]! - d.actual[i]!) / d.actual[i]!).toBeLessThan(0.2); // row i's fit is row i's
    }
    expect(Object.keys(model.baseline)).toContain("segment[T.SMB]");
  });

  it("When pooled is asked without a segment column or with lift tests, then the request is refused naming the field", () => {
    const ds = csvToDataset(simulationToCsv(sim), { name: "s", dateColumn: "date", seriesColumns: ["segment"] });
    const channels = CHANNELS.map((c) => `spend_${c}`);
    expect(() => prepareMmm(ds, { date: "date", target: "sales", channels, pooled: true })).toThrow(ValidationError);
    expect(() =>
      prepareMmm(ds, {
        date: "date",
        target: "sales",
        channels,
        segment: "segment",
        pooled: true,
        lifts: [{ channel: "spend_tv", segment: "SMB", start: "2024-01-01", end: "2024-02-01", liftAbs: 1, liftSe: 1 }],
      }),
    ).toThrow("lifts: a pooled model takes no lift tests");
  });
});
