import { leastSquares, rFactor } from "../linalg.ts";

/**
 * Least squares with the coefficients of some columns constrained to be ≥ 0 (media effects cannot be negative),
 * by the active-set method of Lawson & Hanson (1974) restricted to those columns: fit, move the most negative
 * constrained coefficient to the active set (fixed at 0), refit, and let a fixed one back in when its gradient
 * says it would enter positive. Each fit is a QR least squares (linalg.ts).
 */
export function constrainedLeastSquares(columns: readonly Float64Array[], y: Float64Array, nonNegative: ReadonlySet<number>, maxIter = 100): Float64Array {
  const n = y.length;
  const k = columns.length;
  const fixed = new Set<number>();
  const solve = () => {
    const free = columns.map((_, j) => j).filter((j) => !fixed.has(j));
    const b = leastSquares(rFactor([...free.map((j) => columns[j]!), y], n)).coef;
    const coef = new Float64Array(k);
    free.forEach((j, i) => (coef[j] = b[i]!));
    return coef;
  };
  let coef = solve();
  for (let iter = 0; iter < maxIter; iter++) {
    let worst = -1;
    for (const j of nonNegative) if (!fixed.has(j) && coef[j]! < 0 && (worst < 0 || coef[j]! < coef[worst]!)) worst = j;
    if (worst >= 0) {
      fixed.add(worst);
      coef = solve();
      continue;
    }
    if (fixed.size === 0) break; // all free and feasible: the unconstrained fit is the answer
    // KKT: a fixed coefficient may re-enter if the residual correlates positively with its column
    const resid = y.map((v, i) => v - columns.reduce((s, c, j) => s + coef[j]! * c[i]!, 0));
    let enter = -1;
    let best = 0;
    for (const j of fixed) {
      const g = columns[j]!.reduce((s, v, i) => s + v * resid[i]!, 0);
      if (g > best * (1 + 1e-12) && g > 1e-9 * Math.abs(y.reduce((s, v) => s + v * v, 0))) {
        best = g;
        enter = j;
      }
    }
    if (enter < 0) break;
    fixed.delete(enter);
    const trial = solve();
    if (trial[enter]! <= 0) {
      fixed.add(enter);
      break;
    }
    coef = trial;
  }
  return coef;
}
