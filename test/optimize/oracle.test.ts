import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { InfeasibleError } from "../../src/errors.ts";
import { allocate } from "../../src/optimize/allocate.ts";
import { formulate } from "../../src/optimize/formulate.ts";
import { maxViolation, type LinearProgram } from "../../src/optimize/lp.ts";
import { highsSolver, jsLpSolver, type LpSolver } from "../../src/optimize/solvers.ts";
import { CASES } from "../fixtures/lp/make-fixtures.ts";

// scipy 1.10 linprog(method="highs") on each committed LP, from ../shared/oracles/lp_oracle.py (make-fixtures.ts)
const ORACLE = JSON.parse(readFileSync(new URL("../fixtures/lp/oracle.json", import.meta.url), "utf8")) as {
  cases: Record<string, { status: string; objective: number | null }>;
};
const lpOf = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/lp/${name}.lp.json`, import.meta.url), "utf8")) as LinearProgram;

let highs: LpSolver;
beforeAll(async () => {
  highs = await highsSolver();
});

describe("LP solvers against scipy's HiGHS on the committed allocation problems", () => {
  it("When the allocator builds each problem's LP, then it is the committed one (the fixtures are what the code builds)", () => {
    for (const [name, problem] of Object.entries(CASES)) expect(JSON.stringify(formulate({ ...problem, refine: 0 }).lp), name).toBe(JSON.stringify(lpOf(name)));
  });

  for (const [name, expected] of Object.entries(ORACLE.cases)) {
    it(`When ${name} is solved, then HiGHS-wasm ${expected.status === "optimal" ? "matches the oracle's objective within rtol 1e-7" : "also finds it infeasible"}, and so does javascript-lp-solver where it is fast enough`, () => {
      const lp = lpOf(name);
      const vars = Object.keys(lp.bounds ?? {}).length;
      const solvers = vars <= 1500 ? [highs, jsLpSolver()] : [highs];
      for (const solver of solvers) {
        const s = solver.solve(lp);
        expect(s.status, solver.name).toBe(expected.status);
        if (expected.status !== "optimal") continue;
        expect(Math.abs(s.objective! - expected.objective!) / Math.abs(expected.objective!), solver.name).toBeLessThan(1e-7);
        expect(maxViolation(lp, s.x!), solver.name).toBeLessThan(1e-6);
      }
    });
  }

  it("When the minimums cannot fit the budget, then the 422 names the budget and the minimums, with their sum", () => {
    expect(() => allocate(CASES["infeasible-minimums-4-periods"]!, highs)).toThrow(InfeasibleError);
    try {
      allocate(CASES["infeasible-minimums-4-periods"]!, highs);
    } catch (e) {
      const message = (e as Error).message;
      expect(message).toMatch(
        /^These constraints cannot all hold: total budget of at most \$[\d,]+; ch1\/seg1 at least \$[\d,]+; .* \(together the minimums need \$[\d,]+\)\. Relax one of them\.$/,
      );
      // an irreducible set: the named minimums alone exceed the budget, and without any one of them they fit
      const issues = (e as InfeasibleError).issues.map((i) => String(i.path[1]));
      const problem = CASES["infeasible-minimums-4-periods"]!;
      const mins = problem.lines.filter((l) => issues.includes(`min[${l.channel}/${l.segment}]`)).map((l) => l.min!);
      expect(issues).toContain("budget");
      expect(mins.length).toBe(issues.length - 1);
      const sum = mins.reduce((a, b) => a + b, 0);
      expect(sum).toBeGreaterThan(problem.budget!.total!);
      expect(sum - Math.min(...mins)).toBeLessThanOrEqual(problem.budget!.total!);
    }
  });
});
