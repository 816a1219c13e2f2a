import { describe, expect, it } from "vitest";
import { beyondObservedWarnings } from "../../src/app/mmm-lines.ts";
import type { AllocationLine } from "../../src/optimize/problem.ts";

const line = (channel: string, observedSpend?: { min: number; max: number }, segment?: string): AllocationLine => ({
  channel,
  ...(segment && { segment }),
  curve: { form: "hill", coefficient: 1, slope: 1, kappa: 1 },
  ...(observedSpend && { observedSpend }),
});

describe("plans beyond the spend a model's data show", () => {
  const lines = [line("tv", { min: 200, max: 1500 }, "SMB"), line("radio", { min: 0, max: 40 }), line("print")];

  it("When every period stays inside each line's range (edges included), then nothing is said", () => {
    expect(beyondObservedWarnings(lines, (i) => [[200, 1500], [0, 40], [1e9]][i]!)).toEqual([]);
  });

  it("When a period goes above or below, then one warning per line names the furthest period and the edge it passed", () => {
    expect(beyondObservedWarnings(lines, (i) => [[900, 0, 100], [41.5, 3], [5]][i]!, 'Plan "x", ')).toEqual([
      `Plan "x", tv (SMB): the plan spends 0 in a period, below the least the model's data show (200); the return there is the curve's form below the data (the channel's unseen share), not measured.`,
      `Plan "x", radio: the plan spends 41.5 in a period, above the most the model's data show (40); the return there is the curve's form extrapolated, not measured.`,
    ]);
  });

  it("When a line goes both ways, then above is said (the larger extrapolation of money)", () => {
    expect(beyondObservedWarnings([lines[0]!], () => [100, 2000000])).toEqual([
      `tv (SMB): the plan spends 2,000,000 in a period, above the most the model's data show (1,500); the return there is the curve's form extrapolated, not measured.`,
    ]);
  });
});
