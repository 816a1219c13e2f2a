import { levenbergMarquardt } from "ml-levenberg-marquardt";
import type { Rng } from "../../data/random.ts";
import type { FastObjective, Params, Target } from "./fast-objective.ts";

interface Bounds {
  readonly alpha: readonly [number, number];
  /** kappa as a multiple of the channel's mean adstocked spend (log scale). */
  readonly kappaRel: readonly [number, number];
  readonly slope: readonly [number, number];
}
export const BOUNDS: Bounds = { alpha: [0, 0.9], kappaRel: [0.1, 10], slope: [0.5, 3] };

/** Which channels' transforms are given (not searched): their Params, or undefined. */
export type Fixed = (j: number) => Params | undefined;

/** A random candidate: alpha uniform, kappa log-uniform relative to the channel's mean spend, slope uniform. */
export function drawParams(r: Rng): Params {
  return {
    alpha: BOUNDS.alpha[0] + r.uniform() * (BOUNDS.alpha[1] - BOUNDS.alpha[0]),
    kappaRel: Math.exp(Math.log(BOUNDS.kappaRel[0]) + r.uniform() * Math.log(BOUNDS.kappaRel[1] / BOUNDS.kappaRel[0])),
    slope: BOUNDS.slope[0] + r.uniform() * (BOUNDS.slope[1] - BOUNDS.slope[0]),
  };
}

/** Cyclic coordinate refinement over shrinking grids, from `start`. */
export function refine(
  obj: FastObjective,
  fixed: Fixed,
  start: readonly Params[],
  startScore: number,
  rounds: number,
  tg: Target,
  onRound?: (round: number) => void,
): { best: readonly Params[]; score: number } {
  let best = start;
  let bestScore = startScore;
  let width = 0.5;
  for (let round = 0; round < rounds; round++, width /= 2) {
    onRound?.(round);
    for (let j = 0; j < start.length; j++) {
      if (fixed(j)) continue;
      for (const key of ["alpha", "kappaRel", "slope"] as const) {
        const cur = best[j]![key];
        const [lo, hi] = BOUNDS[key];
        const grid =
          key === "kappaRel"
            ? [-2, -1, 1, 2].map((s) => Math.min(hi, Math.max(lo, cur * Math.exp(s * width))))
            : [-2, -1, 1, 2].map((s) => Math.min(hi, Math.max(lo, cur + (s * width * (hi - lo)) / 4)));
        for (const v of grid) {
          if (v === cur) continue;
          const trial = best.map((p, i) => (i === j ? { ...p, [key]: v } : p));
          const s = obj.score(trial, tg);
          if (s < bestScore) {
            bestScore = s;
            best = trial;
          }
        }
      }
    }
  }
  return { best, score: bestScore };
}

/**
 * Levenberg-Marquardt (ml-levenberg-marquardt) on every searched transform parameter at once, from the refined
 * point: Hill's slope and kappa trade off along a curved ridge that moves along one axis at a time cannot follow
 * (on noise-free data the coordinate search stopped at TV slope 0.7, kappa 4x the truth). The model is the
 * baseline-partialled media fit with β solved exactly for each parameter vector (variable projection), so LM
 * sees the same residuals the score does; parameters are (alpha, ln kappaRel, slope) within the bounds. Kept only
 * if it scores better. Needs the projector (no validation split).
 */
export function polish(
  obj: FastObjective,
  fixed: Fixed,
  start: readonly Params[],
  startScore: number,
  tg: Target,
  fitPeriods: number,
  iterations: number,
): { best: readonly Params[]; score: number } {
  const free = start.flatMap((_, j) => (fixed(j) ? [] : [j]));
  if (!obj.projector || free.length === 0) return { best: start, score: startScore };
  // clamped: the finite differences step past the bounds
  const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, v));
  const toParams = (u: readonly number[]) => {
    const ps = [...start];
    free.forEach(
      (j, k) =>
        (ps[j] = {
          alpha: clamp(u[3 * k]!, BOUNDS.alpha),
          kappaRel: clamp(Math.exp(u[3 * k + 1]!), BOUNDS.kappaRel),
          slope: clamp(u[3 * k + 2]!, BOUNDS.slope),
        }),
    );
    return ps;
  };
  const model = (u: number[]) => {
    obj.evaluations++;
    const ps = toParams(u);
    const b = obj.mediaCoefficients(ps, tg);
    const rx = ps.map((p, j) => obj.column(j, p).proj!);
    const fit = new Float64Array(fitPeriods);
    rx.forEach((c, j) => {
      for (let i = 0; i < fitPeriods; i++) fit[i]! += b[j]! * c[i]!;
    });
    return (i: number) => fit[i]!;
  };
  const r = levenbergMarquardt({ x: Array.from({ length: fitPeriods }, (_, i) => i), y: tg.resid! }, model, {
    initialValues: free.flatMap((j) => [start[j]!.alpha, Math.log(start[j]!.kappaRel), start[j]!.slope]),
    minValues: free.flatMap(() => [BOUNDS.alpha[0], Math.log(BOUNDS.kappaRel[0]), BOUNDS.slope[0]]),
    maxValues: free.flatMap(() => [BOUNDS.alpha[1], Math.log(BOUNDS.kappaRel[1]), BOUNDS.slope[1]]),
    gradientDifference: free.flatMap(() => [0.005, 0.01, 0.01]),
    centralDifference: true,
    maxIterations: iterations,
    errorTolerance: 0,
  });
  const ps = toParams(r.parameterValues);
  const sc = obj.score(ps, tg);
  return sc < startScore ? { best: ps, score: sc } : { best: start, score: startScore };
}
