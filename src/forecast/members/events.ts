import { inverse, Matrix } from "ml-matrix";

/**
 * Known future inputs (events, promotions, prices) for the statistical members, none of which takes regressors
 * itself: each input's effect is estimated from the history, taken out before the member fits, and put back on
 * the horizon's days from the input's known future values (the way Prophet treats extra regressors, additively).
 */
export interface EventInputs {
  /** Per input: its values on every history day and then every horizon day (length = history + horizon). */
  readonly values: readonly (readonly number[])[];
}

/** Same-weekday neighbours one and two weeks either side: the local baseline an input's effect is measured against. */
const NEIGHBOURS = [-14, -7, 7, 14] as const;

/**
 * Each input's additive effect per unit, by least squares on local differences: a day's target minus the mean of
 * its same-weekday neighbours (±7, ±14 days), against the same difference of each input. Differencing removes
 * level, trend and weekly season without a model of them, so a promotion is compared with the ordinary days around
 * it. Inputs with no variation against their neighbours (e.g. every Saturday) get 0: the weekly season has them.
 * Each effect is then shrunk by max(0, 1 − se²/β²), its standard error from the local differences of the days no
 * input touches: an effect within noise of zero (a holiday that changes nothing, seen on three days) would only add
 * that noise to the forecast, while a clear one (t = 10) keeps 99% of itself.
 */
export function eventEffects(y: readonly number[], inputs: EventInputs): number[] {
  const n = y.length;
  const E = inputs.values.length;
  if (E === 0) return [];
  const local = (v: readonly number[], t: number) => {
    let s = 0;
    let k = 0;
    for (const d of NEIGHBOURS) {
      const u = t + d;
      if (u >= 0 && u < n) {
        s += v[u]!;
        k++;
      }
    }
    return v[t]! - s / k;
  };
  const xtx = Matrix.zeros(E, E);
  const xty = Matrix.zeros(E, 1);
  let quiet = 0;
  let quietSq = 0;
  for (let t = 0; t < n; t++) {
    const dx = inputs.values.map((v) => local(v, t));
    const dy = local(y, t);
    if (dx.every((d) => d === 0)) {
      quiet++;
      quietSq += dy * dy;
      continue;
    }
    for (let a = 0; a < E; a++) {
      xty.set(a, 0, xty.get(a, 0) + dx[a]! * dy);
      for (let b = 0; b < E; b++) xtx.set(a, b, xtx.get(a, b) + dx[a]! * dx[b]!);
    }
  }
  // a tiny ridge keeps an input that never varies (all zeros) at 0 instead of a singular system
  const ridge = 1e-9 * Math.max(1, ...Array.from({ length: E }, (_, a) => xtx.get(a, a)));
  for (let a = 0; a < E; a++) xtx.set(a, a, xtx.get(a, a) + ridge);
  const inv = inverse(xtx);
  const beta = inv.mmul(xty).getColumn(0);
  const noise = quiet ? quietSq / quiet : 0;
  return beta.map((b, e) => (b === 0 ? 0 : b * Math.max(0, 1 - (noise * inv.get(e, e)) / (b * b))));
}

/** Each input's usual value (its median over the history): effects are measured from it, so a price has no effect at its usual level. */
function usual(v: readonly number[], n: number): number {
  const s = v.slice(0, n).sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * What makes a point forecaster event-aware: the history with the inputs' effects removed (fit on this), and the
 * step that adds the effects of the inputs' known values on the horizon's days to its forecast.
 */
export function eventAdjustment(
  y: readonly number[],
  inputs: EventInputs | undefined,
): { adjusted: readonly number[]; restore: (point: number[] | null) => number[] | null; effects: number[] } {
  if (!inputs || inputs.values.length === 0) return { adjusted: y, restore: (p) => p, effects: [] };
  const n = y.length;
  const beta = eventEffects(y, inputs);
  const centre = inputs.values.map((v) => usual(v, n));
  const effect = (t: number) => inputs.values.reduce((a, v, e) => a + beta[e]! * (v[t]! - centre[e]!), 0);
  return { adjusted: y.map((v, t) => v - effect(t)), restore: (point) => (point === null ? null : point.map((v, h) => v + effect(n + h))), effects: beta };
}
