// Budget optimizer timings (issue 6): the sizes, through the allocator (formulation + solve + report).
import { allocate } from "../src/optimize/allocate.ts";
import { randomProblem } from "../src/optimize/generate.ts";
import { highsSolver } from "../src/optimize/solvers.ts";

function timed(label: string, runs: number, fn: () => { solver: { variables: number; constraints: number } }): void {
  const ms: number[] = [];
  let size = "";
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = fn();
    ms.push(performance.now() - t0);
    size = `${r.solver.variables.toLocaleString("en")} variables, ${r.solver.constraints.toLocaleString("en")} rows`;
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(62)} median ${ms[Math.floor(ms.length / 2)]!.toFixed(1).padStart(8)} ms  (min ${ms[0]!.toFixed(1)}, ${runs} runs; ${size})`);
}

export async function benchAllocate(): Promise<void> {
  const highs = await highsSolver();
  const wide = randomProblem(20, 10, 1);
  timed("allocate 20 ch x 10 seg x 20 pieces, one solve (refine 0)", 7, () => allocate({ ...wide, pieces: 20, refine: 0 }, highs));
  timed("allocate 20 x 10, defaults (40 pieces, 3 refinement rounds)", 5, () => allocate(wide, highs));
  const quarter = randomProblem(20, 5, 2);
  const weekly = {
    ...quarter,
    periods: 13,
    budget: { total: quarter.budget!.total! * 13, perPeriod: new Array<number>(13).fill(quarter.budget!.total! * 1.2) },
    lines: quarter.lines.map((l, i) => ({ ...l, adstock: { alpha: 0.2 + 0.6 * ((i % 5) / 4), normalize: true, history: [l.currentSpend!, l.currentSpend!] } })),
  };
  timed("allocate 13 weeks x 20 ch x 5 seg, adstock, 20 pieces, refine 0", 5, () => allocate({ ...weekly, pieces: 20, refine: 0 }, highs));
  timed("allocate 13 weeks x 20 ch x 5 seg, adstock, defaults (40 pieces)", 5, () => allocate(weekly, highs));
  timed("allocate 13 weeks x 20 ch x 5 seg, adstock, 40 pieces, refine 1", 3, () => allocate({ ...weekly, refine: 1 }, highs));
}

if (process.argv[1]?.endsWith("allocate.ts")) await benchAllocate();
