import { hillSaturation, logisticSaturation, saturationDerivative } from "../regression/mmm/saturation.ts";

/**
 * A response curve: (adstocked) spend per period → incremental return per period. Hill and logistic are the
 * saturation forms of Robyn, Meridian and PyMC-Marketing times a coefficient; `points` are sampled curves
 * (linear between points, starting at (0, 0)) from any tool.
 */
export type CurveSpec =
  | {
      readonly form: "hill";
      readonly coefficient: number;
      readonly slope: number;
      readonly kappa: number;
      readonly coefficientInterval?: { readonly lower: number; readonly upper: number };
    }
  | {
      readonly form: "logistic";
      readonly coefficient: number;
      readonly lam: number;
      readonly coefficientInterval?: { readonly lower: number; readonly upper: number };
    }
  | { readonly form: "points"; readonly spend: readonly number[]; readonly response: readonly number[] };

export interface Curve {
  value(s: number): number;
  derivative(s: number): number;
  /** Breakpoints a piecewise form must keep (a sampled curve's own points). */
  readonly knots: readonly number[];
  /** The response at the ends of the coefficient interval, when the curve has one. */
  readonly band: ((s: number) => { readonly lower: number; readonly upper: number }) | null;
  /** Spend past which the curve is 99% saturated (a sampled curve: its last point). */
  readonly saturation: number;
}

export function makeCurve(spec: CurveSpec): Curve {
  switch (spec.form) {
    case "hill": {
      const sat = { kind: "hill" as const, slope: spec.slope, kappa: spec.kappa };
      // slope > 1 is S-shaped, convex up to the inflection point: knots there so the pieces show the bend
      const inflection = spec.slope > 1 ? spec.kappa * ((spec.slope - 1) / (spec.slope + 1)) ** (1 / spec.slope) : 0;
      return {
        value: (s) => spec.coefficient * hillSaturation(s, sat),
        derivative: (s) => spec.coefficient * saturationDerivative(s, sat),
        knots: inflection > 0 ? Array.from({ length: 8 }, (_, i) => (inflection * (i + 1)) / 4) : [],
        band: band(spec.coefficientInterval, (s) => hillSaturation(s, sat)),
        saturation: spec.kappa * 99 ** (1 / spec.slope),
      };
    }
    case "logistic": {
      const sat = { kind: "logistic" as const, lam: spec.lam };
      return {
        value: (s) => spec.coefficient * logisticSaturation(s, sat),
        derivative: (s) => spec.coefficient * saturationDerivative(s, sat),
        knots: [],
        band: band(spec.coefficientInterval, (s) => logisticSaturation(s, sat)),
        saturation: Math.log(199) / spec.lam,
      };
    }
    case "points": {
      const xs = [0, ...spec.spend];
      const ys = [0, ...spec.response];
      const seg = (s: number) => {
        let k = 1;
        while (k < xs.length - 1 && s > xs[k]!) k++;
        return k;
      };
      const last = xs[xs.length - 1]!;
      // beyond the last sample the curve is held flat: extrapolating its last slope would promise unmeasured return
      return {
        value: (s) => {
          if (s >= last) return ys[ys.length - 1]!;
          const k = seg(s);
          return ys[k - 1]! + ((ys[k]! - ys[k - 1]!) * (s - xs[k - 1]!)) / (xs[k]! - xs[k - 1]!);
        },
        derivative: (s) => {
          if (s >= last) return 0;
          const k = seg(s);
          return (ys[k]! - ys[k - 1]!) / (xs[k]! - xs[k - 1]!);
        },
        knots: spec.spend,
        band: null,
        saturation: last,
      };
    }
  }
}

function band(ci: { readonly lower: number; readonly upper: number } | undefined, saturation: (s: number) => number) {
  return ci ? (s: number) => ({ lower: ci.lower * saturation(s), upper: ci.upper * saturation(s) }) : null;
}

/** A piecewise-linear form of a curve on [0, end]: breakpoints, values there, and its worst error. */
export interface Pieces {
  readonly breaks: readonly number[];
  readonly values: readonly number[];
  /** Largest |curve − chord| found between breakpoints (per period, in return units). */
  readonly maxError: number;
  /** Slopes never increase: the curve is concave on [0, end] and an LP fills pieces in order by itself. */
  readonly concave: boolean;
}

/**
 * Cut a curve into at most `maxPieces` linear pieces on [0, end], splitting the piece with the largest chord
 * error until every error is below `tolerance` × curve(end): breakpoints gather where the curve bends. The
 * error of a piece is measured at 16 interior points.
 */
export function piecewise(curve: Curve, end: number, maxPieces = 40, tolerance = 1e-4, extra: readonly number[] = []): Pieces {
  const points = [...new Set([0, end, ...curve.knots.filter((k) => k > 0 && k < end), ...extra.filter((k) => k > 0 && k < end)])].sort((a, b) => a - b);
  const scale = Math.max(Math.abs(curve.value(end)), 1e-12);
  const errorOf = (a: number, b: number) => {
    const fa = curve.value(a);
    const fb = curve.value(b);
    let worst = 0;
    let at = (a + b) / 2;
    for (let i = 1; i < 16; i++) {
      const s = a + ((b - a) * i) / 16;
      const e = Math.abs(curve.value(s) - (fa + ((fb - fa) * (s - a)) / (b - a)));
      if (e > worst) (worst = e), (at = s);
    }
    return { worst, at };
  };
  // each interval's worst chord error, kept beside it: a split recomputes only the two new intervals
  const errors = points.slice(1).map((b, k) => errorOf(points[k]!, b));
  for (;;) {
    let split = -1;
    for (let k = 0; k < errors.length; k++) if (split < 0 || errors[k]!.worst > errors[split]!.worst) split = k;
    const worst = split < 0 ? 0 : errors[split]!.worst;
    if (worst <= tolerance * scale || points.length - 1 >= maxPieces || split < 0) {
      const values = points.map((s) => curve.value(s));
      const slopes = values.slice(1).map((v, k) => (v - values[k]!) / (points[k + 1]! - points[k]!));
      const concave = slopes.every((s, k) => k === 0 || s <= slopes[k - 1]! * (1 + 1e-12) + 1e-15);
      return { breaks: points, values, maxError: worst, concave };
    }
    // split where the chord is worst: for a smooth curve that is near where it bends
    const at = errors[split]!.at;
    points.splice(split + 1, 0, at);
    errors.splice(split, 1, errorOf(points[split]!, at), errorOf(at, points[split + 2]!));
  }
}

/**
 * The smallest concave function above the pieces (upper hull of the breakpoints): an S-shaped curve's LP
 * relaxation. Where the plan lands on a hull piece that is above the curve, the return is overstated by the gap,
 * which the allocator reports.
 */
export function concaveEnvelope(p: Pieces): Pieces {
  const hull: number[] = [];
  for (let i = 0; i < p.breaks.length; i++) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      const cross = (p.breaks[b]! - p.breaks[a]!) * (p.values[i]! - p.values[a]!) - (p.values[b]! - p.values[a]!) * (p.breaks[i]! - p.breaks[a]!);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(i);
  }
  return { breaks: hull.map((i) => p.breaks[i]!), values: hull.map((i) => p.values[i]!), maxError: p.maxError, concave: true };
}
