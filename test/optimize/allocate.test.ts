import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ModelFitError } from "../../src/errors.ts";
import { allocate } from "../../src/optimize/allocate.ts";
import { makeCurve } from "../../src/optimize/curves.ts";
import { randomProblem } from "../../src/optimize/generate.ts";
import type { AllocationLine, AllocationProblem } from "../../src/optimize/problem.ts";
import { highsSolver, type LpSolver } from "../../src/optimize/solvers.ts";

let highs: LpSolver;
beforeAll(async () => {
  highs = await highsSolver();
});

const trueReturn = (lines: readonly AllocationLine[], spend: readonly number[]) => lines.reduce((a, l, i) => a + makeCurve(l.curve).value(spend[i]!), 0);

/** The continuous optimum of a budget split over concave curves, from the KKT conditions: f_i'(s_i) = λ for all i. */
function kktSplit(lines: readonly AllocationLine[], budget: number): number[] {
  const curves = lines.map((l) => makeCurve(l.curve));
  const spendAt = (lambda: number) =>
    curves.map((c) => {
      if (c.derivative(0) <= lambda) return 0;
      let lo = 0;
      let hi = budget;
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if (c.derivative(mid) > lambda) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    });
  let lo = 0;
  let hi = Math.max(...curves.map((c) => c.derivative(1e-9)));
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (spendAt(mid).reduce((a, b) => a + b, 0) > budget) lo = mid;
    else hi = mid;
  }
  return spendAt((lo + hi) / 2);
}

describe("allocate: optimality", () => {
  it("When concave curves share a budget, then each line's spend is within 0.1% of the continuous optimum (equal marginal ROI) and the budget's dual is that marginal ROI", () => {
    const problem = randomProblem(5, 2, 11);
    const result = allocate(problem, highs);
    const exact = kktSplit(problem.lines, problem.budget!.total!);
    result.lines.forEach((l, i) =>
      expect(Math.abs(l.spend - exact[i]!), `${l.channel}/${l.segment}`).toBeLessThan(0.001 * Math.max(exact[i]!, 0.01 * problem.budget!.total!)),
    );
    const funded = result.lines.filter((l) => l.spend > 0);
    const mrois = funded.map((l) => l.mroi);
    expect(Math.max(...mrois) / Math.min(...mrois) - 1).toBeLessThan(0.01);
    const budget = result.binding.find((b) => b.constraint === "budget")!;
    expect(Math.abs(budget.marginalValue! / mrois[0]! - 1)).toBeLessThan(0.01);
    expect(result.totals.spend).toBeCloseTo(problem.budget!.total!, 4);
    expect(result.uplift!.expectedReturn).toBeGreaterThan(0); // the current plan is not the optimum
  });

  it("When curves are S-shaped, then the integer formulation matches a brute-force search and the envelope reports how much it overstates", () => {
    const s = (coefficient: number, kappa: number) => ({ form: "hill" as const, coefficient, slope: 3, kappa });
    const lines: AllocationLine[] = [
      { channel: "tv", curve: s(10_000, 3000), currentSpend: 2000 },
      { channel: "radio", curve: s(4000, 1000), currentSpend: 2000 },
      { channel: "ooh", curve: s(6000, 2000), currentSpend: 2000 },
    ];
    const budget = 6000;
    // brute force on a $25 grid over the true curves
    let best = 0;
    for (let a = 0; a <= budget; a += 25) for (let b = 0; a + b <= budget; b += 25) best = Math.max(best, trueReturn(lines, [a, b, budget - a - b]));
    const exact = allocate({ lines, budget: { total: budget }, sShaped: "exact" }, highs);
    expect(exact.solver.integers).toBeGreaterThan(0);
    expect(exact.totals.expectedReturn).toBeGreaterThanOrEqual(best - 1e-3 * best);
    expect(exact.approximation.sShaped.map((x) => x.method)).toEqual(["exact", "exact", "exact"]);
    const envelope = allocate({ lines, budget: { total: budget }, sShaped: "envelope" }, highs);
    expect(envelope.totals.expectedReturn).toBeLessThanOrEqual(exact.totals.expectedReturn + 1e-6);
    const over = envelope.approximation.sShaped.reduce((a, x) => a + x.overstatement, 0);
    // the LP's objective overstates the true return by exactly the reported overstatement (to solver precision,
    // relative to the return: not ±0.5 in money)
    expect(Math.abs(envelope.solver.lpObjective - envelope.totals.expectedReturn - over)).toBeLessThan(1e-7 * envelope.totals.expectedReturn);
  });

  it("When spend plans carry over between periods, then a period's mROI counts the return its spend carries into later periods", () => {
    const line: AllocationLine = {
      channel: "tv",
      curve: { form: "hill", coefficient: 8000, slope: 0.8, kappa: 2000 },
      currentSpend: 1000,
      adstock: { alpha: 0.6, normalize: true, history: [1000, 1000] },
    };
    const r = allocate(
      {
        lines: [line, { channel: "search", curve: { form: "hill", coefficient: 3000, slope: 0.7, kappa: 800 }, currentSpend: 1000 }],
        periods: 4,
        budget: { total: 8000 },
      },
      highs,
    );
    const tv = r.periods.filter((p) => p.channel === "tv");
    // finite difference of the plan's true return for $1 more in period 1
    const returnOf = (extra: number) => {
      let a = 1000 * 0.4 + 0.6 * (1000 * 0.4); // carry-in from the history, normalised adstock
      let total = 0;
      let a0 = a;
      tv.forEach((p, t) => {
        a = 0.4 * (p.spend + (t === 0 ? extra : 0)) + 0.6 * a;
        a0 = 0.6 * a0;
        total += makeCurve(line.curve).value(a) - makeCurve(line.curve).value(a0);
      });
      return total;
    };
    expect(returnOf(0)).toBeCloseTo(
      tv.reduce((s, p) => s + p.expectedReturn, 0),
      6,
    );
    expect(tv[0]!.mroi).toBeCloseTo(returnOf(1) - returnOf(0), 3);
  });
});

describe("allocate: staying within the data", () => {
  const strong: AllocationLine = { channel: "tv", curve: { form: "hill", coefficient: 9000, slope: 0.9, kappa: 3000 }, observedSpend: { min: 200, max: 800 } };
  const weak: AllocationLine = {
    channel: "radio",
    curve: { form: "hill", coefficient: 2000, slope: 0.8, kappa: 1500 },
    observedSpend: { min: 100, max: 5000 },
  };

  it("When withinData is set, then every period's spend stays within the line's observedSpend, the edge binds, and the rest goes where it returns most", () => {
    for (const periods of [1, 3]) {
      const lines = [strong, weak].map((l) => ({ ...l, adstock: { alpha: 0.5, normalize: true } }));
      const budget = { total: 3000 * periods };
      const free = allocate({ lines, periods, budget }, highs);
      // without the limit tv takes more than its busiest period in the data
      expect(Math.max(...(periods > 1 ? free.periods : free.lines).filter((r) => r.channel === "tv").map((r) => r.spend))).toBeGreaterThan(800 * 1.1);
      const kept = allocate({ lines: lines.map((l) => ({ ...l, withinData: true })), periods, budget }, highs);
      const rows = periods > 1 ? kept.periods : kept.lines;
      for (const r of rows) {
        const range = (r.channel === "tv" ? strong : weak).observedSpend!;
        expect(r.spend, `${r.channel} period ${r.period}`).toBeGreaterThanOrEqual(range.min - 1e-6);
        expect(r.spend, `${r.channel} period ${r.period}`).toBeLessThanOrEqual(range.max + 1e-6);
      }
      for (const r of rows.filter((x) => x.channel === "tv")) expect(r.spend).toBeCloseTo(800, 6);
      expect(kept.totals.spend).toBeCloseTo(budget.total, 4);
      expect(kept.binding.some((b) => b.description.startsWith("tv within the spend its data show ($200 to $800 a period)"))).toBe(true);
      expect(kept.totals.expectedReturn).toBeLessThan(free.totals.expectedReturn);
    }
  });

  it("When the data's least spends cannot fit the budget, or a line has no observed range, then the answer says which limits clash or which line lacks it", () => {
    const lines = [strong, weak].map((l) => ({ ...l, withinData: true }));
    expect(() => allocate({ lines, budget: { total: 250, exact: true } }, highs)).toThrow(
      "These constraints cannot all hold: total budget of exactly $250; tv within the spend its data show ($200 to $800 a period); radio within the spend its data show ($100 to $5,000 a period). Relax one of them.",
    );
    const { observedSpend: _o, ...bare } = weak;
    expect(() => allocate({ lines: [strong, { ...bare, withinData: true }], budget: { total: 1000 } }, highs)).toThrow(
      "lines[1] (radio): withinData needs the line's observedSpend (the spend per period its data show).",
    );
  });
});

describe("allocate: target marginal ROI", () => {
  it("When spend must keep returning at least $1.50 per $1, then each funded line stops where its next $1 returns $1.50, in a single period and across periods with carry-over", () => {
    const p = randomProblem(4, 1, 21);
    const single = allocate({ ...p, budget: {}, objective: { kind: "targetMroi", mroi: 1.5 } }, highs);
    for (const l of single.lines.filter((x) => x.spend > 0)) expect(Math.abs(l.mroi - 1.5), l.channel).toBeLessThan(0.01);
    // four weeks, carry-over: a week's mROI counts what its spend returns in later weeks
    const lines = p.lines.map((l) => ({ ...l, adstock: { alpha: 0.5, normalize: true } }));
    const weekly = allocate({ lines, periods: 4, objective: { kind: "targetMroi", mroi: 1.5 } }, highs);
    for (const row of weekly.periods.filter((x) => x.spend > 1)) expect(Math.abs(row.mroi - 1.5), `${row.channel} week ${row.period}`).toBeLessThan(0.03);
  });
});

describe("allocate: clear answers for unbounded and degenerate input", () => {
  it("When nothing limits spend and return keeps rising, then the answer says the return is unbounded", () => {
    const p = randomProblem(2, 1, 3);
    expect(() => allocate({ ...p, budget: {} }, highs)).toThrow(ModelFitError);
    expect(() => allocate({ ...p, budget: {} }, highs)).toThrow(
      "The return is unbounded: no budget or maximum limits spend on a curve that keeps rising. Set budget.total or a max per line.",
    );
  });

  it("When the budget is 0 or a curve returns nothing, then the plan spends nothing there, deterministically", () => {
    const p = randomProblem(3, 1, 4);
    const zero = allocate({ ...p, budget: { total: 0 } }, highs);
    expect(zero.totals).toMatchObject({ spend: 0, expectedReturn: 0, roi: null });
    const dead = allocate(
      { ...p, lines: p.lines.map((l, i) => (i === 0 ? { ...l, curve: { form: "hill" as const, coefficient: 0, slope: 0.8, kappa: 1000 } } : l)) },
      highs,
    );
    expect(dead.lines[0]!.spend).toBe(0);
    expect(JSON.stringify(allocate(p, highs))).toBe(JSON.stringify(allocate(p, highs)));
  });

  it("When two lines are identical, then they get the same spend (the strictly concave optimum is unique)", () => {
    const line = randomProblem(1, 1, 5).lines[0]!;
    const r = allocate({ lines: [line, { ...line, channel: "twin" }], budget: { total: 4000 } }, highs);
    expect(Math.abs(r.lines[0]!.spend - r.lines[1]!.spend)).toBeLessThan(0.001 * 4000);
  });
});

describe("allocate: properties (fast-check)", () => {
  const problems = fc.record({
    seed: fc.integer({ min: 1, max: 10_000 }),
    channels: fc.integer({ min: 1, max: 4 }),
    budgetScale: fc.double({ min: 0.2, max: 3, noNaN: true }),
    maxFraction: fc.double({ min: 0.2, max: 1, noNaN: true }),
  });
  const build = ({
    seed,
    channels,
    budgetScale,
    maxFraction,
  }: {
    seed: number;
    channels: number;
    budgetScale: number;
    maxFraction: number;
  }): AllocationProblem => {
    const p = randomProblem(channels, 2, seed);
    const total = Math.round(p.budget!.total! * budgetScale);
    return {
      ...p,
      lines: p.lines.map((l, i) => (i % 2 ? { ...l, max: maxFraction * total } : { ...l, min: (0.05 * total) / p.lines.length })),
      budget: { total },
    };
  };

  it("When solved, then the plan respects every bound and the budget", () => {
    fc.assert(
      fc.property(problems, (args) => {
        const p = build(args);
        const r = allocate(p, highs);
        expect(r.totals.spend).toBeLessThanOrEqual(p.budget!.total! * (1 + 1e-9) + 1e-6);
        p.lines.forEach((l, i) => {
          if (l.max !== undefined) expect(r.lines[i]!.spend).toBeLessThanOrEqual(l.max * (1 + 1e-9) + 1e-6);
          if (l.min !== undefined) expect(r.lines[i]!.spend).toBeGreaterThanOrEqual(l.min * (1 - 1e-9) - 1e-6);
        });
      }),
      { numRuns: 25 },
    );
  });

  it("When the budget grows, then the optimum never falls", () => {
    fc.assert(
      fc.property(problems, fc.double({ min: 1.01, max: 2, noNaN: true }), (args, grow) => {
        const p = build(args);
        const a = allocate(p, highs).totals.expectedReturn;
        const b = allocate({ ...p, budget: { total: p.budget!.total! * grow } }, highs).totals.expectedReturn;
        expect(b).toBeGreaterThanOrEqual(a * (1 - 1e-6));
      }),
      { numRuns: 20 },
    );
  });

  it("When random feasible plans are drawn, then none beats the optimum (beyond the pieces' reported error)", () => {
    fc.assert(
      fc.property(problems, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }), (args, weights) => {
        const p = build({ ...args, maxFraction: 1 });
        const r = allocate(p, highs);
        const free = p.budget!.total! - p.lines.reduce((a, l) => a + (l.min ?? 0), 0);
        const w = p.lines.map((_, i) => weights[i]! + 1e-9);
        const sw = w.reduce((a, b) => a + b, 0);
        const plan = p.lines.map((l, i) => (l.min ?? 0) + (free * w[i]!) / sw);
        if (p.lines.some((l, i) => l.max !== undefined && plan[i]! > l.max)) return; // not feasible: skip
        const slack = r.approximation.maxPieceError * p.lines.length + 1e-9;
        expect(trueReturn(p.lines, plan)).toBeLessThanOrEqual(r.totals.expectedReturn + slack);
      }),
      { numRuns: 30 },
    );
  });
});
