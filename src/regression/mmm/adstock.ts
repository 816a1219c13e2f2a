/**
 * Adstock (carry-over) transforms with the literature's parameter names (Jin et al. 2017; pymc-marketing; Robyn).
 * Each is a convolution y[t] = Σ_{l=0}^{lMax-1} w[l]·x[t−l] with spend before the series taken as 0; only the
 * weights differ. With `normalize` the weights sum to 1, so adstocked spend stays in spend units.
 */

export interface GeometricAdstock {
  readonly kind: "geometric";
  /** Retention per period, 0 ≤ alpha < 1. */
  readonly alpha: number;
  readonly lMax: number;
  readonly normalize: boolean;
}
export interface DelayedAdstock {
  readonly kind: "delayed";
  readonly alpha: number;
  /** Period of peak effect, 0 ≤ theta ≤ lMax − 1. */
  readonly theta: number;
  readonly lMax: number;
  readonly normalize: boolean;
}
export interface WeibullAdstock {
  readonly kind: "weibull-cdf" | "weibull-pdf";
  /** Weibull shape k > 0. */
  readonly shape: number;
  /** Weibull scale λ > 0, in periods. */
  readonly scale: number;
  readonly lMax: number;
  readonly normalize: boolean;
}
export type AdstockSpec = GeometricAdstock | DelayedAdstock | WeibullAdstock;

function checkLMax(lMax: number): void {
  if (!Number.isInteger(lMax) || lMax < 1) throw new RangeError(`lMax must be a positive integer; got ${lMax}`);
}
function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`alpha must be in [0, 1); got ${alpha}`);
}

const weibullCdf = (t: number, shape: number, scale: number) => 1 - Math.exp(-((t / scale) ** shape));
const weibullPdf = (t: number, shape: number, scale: number) => (shape / scale) * (t / scale) ** (shape - 1) * Math.exp(-((t / scale) ** shape));

/**
 * The lag weights w[0..lMax−1] of an adstock:
 * - geometric: alpha^l (effect peaks in the period of spend);
 * - delayed: alpha^((l − theta)²) (peaks theta periods later);
 * - weibull-cdf: w[0] = 1, w[l] = Π_{i=1}^{l} (1 − F(i)) with F the Weibull CDF (Robyn's flexible decay);
 * - weibull-pdf: f(l + 1) rescaled to [0, 1] by min-max, as pymc-marketing (a lagged, humped response).
 *
 * @throws RangeError for parameters outside their ranges
 */
export function adstockWeights(spec: AdstockSpec): number[] {
  checkLMax(spec.lMax);
  let w: number[];
  switch (spec.kind) {
    case "geometric":
      checkAlpha(spec.alpha);
      w = Array.from({ length: spec.lMax }, (_, l) => spec.alpha ** l);
      break;
    case "delayed":
      checkAlpha(spec.alpha);
      if (!(spec.theta >= 0 && spec.theta <= spec.lMax - 1)) throw new RangeError(`theta must be in [0, lMax − 1]; got ${spec.theta}`);
      w = Array.from({ length: spec.lMax }, (_, l) => spec.alpha ** ((l - spec.theta) ** 2));
      break;
    case "weibull-cdf":
    case "weibull-pdf": {
      if (!(spec.shape > 0) || !(spec.scale > 0)) throw new RangeError(`shape and scale must be > 0; got shape=${spec.shape}, scale=${spec.scale}`);
      if (spec.kind === "weibull-cdf") {
        w = [1];
        for (let l = 1; l < spec.lMax; l++) w.push(w[l - 1]! * (1 - weibullCdf(l, spec.shape, spec.scale)));
      } else {
        const f = Array.from({ length: spec.lMax }, (_, l) => weibullPdf(l + 1, spec.shape, spec.scale));
        const lo = Math.min(...f);
        const hi = Math.max(...f);
        w = hi > lo ? f.map((v) => (v - lo) / (hi - lo)) : f.map(() => 1);
      }
      break;
    }
  }
  if (!spec.normalize) return w;
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/** Convolve spend (oldest first) with lag weights; spend before the series is 0. */
export function convolve(x: readonly number[], w: readonly number[]): number[] {
  return x.map((_, t) => {
    let y = 0;
    for (let l = 0; l < w.length && l <= t; l++) y += w[l]! * x[t - l]!;
    return y;
  });
}

/** Apply any adstock to a spend series. */
export function adstock(x: readonly number[], spec: AdstockSpec): number[] {
  return convolve(x, adstockWeights(spec));
}

/**
 * Geometric adstock: y[t] = Σ_{l=0}^{lMax-1} w[l]·x[t-l], with w[l] = alpha^l (divided by Σw when `normalize`,
 * so adstocked spend stays in spend units). Effect peaks in the period of spend. Spend before the series is 0.
 *
 * @param x - spend per period (currency), oldest first
 * @param alpha - retention rate, 0 ≤ alpha < 1
 * @param lMax - carry-over window in periods, ≥ 1
 * @throws RangeError if alpha ∉ [0, 1) or lMax is not a positive integer
 * @example geometricAdstock([1, 0, 0], { alpha: 0.5, lMax: 3, normalize: false }) // → [1, 0.5, 0.25]
 * @see Jin et al. (2017) "Bayesian methods for media mix modeling with carryover and shape effects"
 */
export function geometricAdstock(x: readonly number[], p: Omit<GeometricAdstock, "kind">): number[] {
  return adstock(x, { kind: "geometric", ...p });
}

/** Delayed adstock: weights alpha^((l − theta)²), peak effect theta periods after spend (Jin et al. 2017). */
export function delayedAdstock(x: readonly number[], p: Omit<DelayedAdstock, "kind">): number[] {
  return adstock(x, { kind: "delayed", ...p });
}
