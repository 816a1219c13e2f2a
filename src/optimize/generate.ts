import { seededRng } from "../data/random.ts";
import type { AllocationLine, AllocationProblem } from "./problem.ts";

/**
 * Random allocation problems with concave curves (Hill slope ≤ 1 or logistic), for tests, oracle fixtures and
 * the benchmark: `channels × segments` lines, current spend near a tenth of each curve's saturation point.
 */
export function randomProblem(channels: number, segments: number, seed: number, extra: Partial<AllocationProblem> = {}): AllocationProblem {
  const rng = seededRng(seed);
  const lines: AllocationLine[] = [];
  for (let c = 0; c < channels; c++) {
    for (let s = 0; s < segments; s++) {
      const kappa = 500 + 4500 * rng.uniform();
      const coefficient = 2000 + 18000 * rng.uniform();
      const curve =
        rng.uniform() < 0.75
          ? { form: "hill" as const, coefficient, slope: 0.5 + 0.5 * rng.uniform(), kappa }
          : { form: "logistic" as const, coefficient, lam: 1 / kappa };
      lines.push({
        channel: `ch${c + 1}`,
        ...(segments > 1 ? { segment: `seg${s + 1}` } : {}),
        curve,
        currentSpend: Math.round(kappa * (0.3 + 0.7 * rng.uniform())),
      });
    }
  }
  const total = Math.round(lines.reduce((a, l) => a + l.currentSpend!, 0));
  return { lines, budget: { total }, ...extra };
}
