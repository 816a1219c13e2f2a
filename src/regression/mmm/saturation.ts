/**
 * Saturation (diminishing returns) curves with the literature's parameter names. All are 0 at 0, non-decreasing
 * and bounded; each maps (adstocked) spend per period to a response in [0, asymptote).
 */

export interface HillSaturation {
  readonly kind: "hill";
  /** Shape, > 0; above 1 the curve is S-shaped. */
  readonly slope: number;
  /** Half-saturation point, in spend units, > 0. */
  readonly kappa: number;
}
export interface LogisticSaturation {
  readonly kind: "logistic";
  /** Steepness, > 0 (per spend unit). */
  readonly lam: number;
}
export interface MichaelisMenten {
  readonly kind: "michaelis-menten";
  /** Asymptote (maximum response). */
  readonly alpha: number;
  /** Spend at half the asymptote, > 0. */
  readonly lam: number;
}
export type SaturationSpec = HillSaturation | LogisticSaturation | MichaelisMenten;

/**
 * Hill saturation: s^slope / (s^slope + kappa^slope). 0 at 0, increasing, approaching 1; kappa is the spend at
 * half saturation, slope > 1 gives an S-shape.
 *
 * @param s - (adstocked) spend per period, ≥ 0
 * @example hillSaturation(100, { slope: 1, kappa: 100 }) // → 0.5
 * @see Jin et al. (2017)
 */
export function hillSaturation(s: number, { slope, kappa }: { readonly slope: number; readonly kappa: number }): number {
  if (!(slope > 0) || !(kappa > 0)) throw new RangeError(`slope and kappa must be > 0; got slope=${slope}, kappa=${kappa}`);
  if (s <= 0) return 0;
  return 1 / (1 + (kappa / s) ** slope);
}

/** Logistic saturation (pymc-marketing): (1 − e^{−lam·s}) / (1 + e^{−lam·s}), in [0, 1). */
export function logisticSaturation(s: number, { lam }: { readonly lam: number }): number {
  if (!(lam > 0)) throw new RangeError(`lam must be > 0; got ${lam}`);
  if (s <= 0) return 0;
  const e = Math.exp(-lam * s);
  return (1 - e) / (1 + e);
}

/**
 * Michaelis-Menten: alpha·s / (lam + s); alpha is the asymptote, lam the spend at half of it. Evaluated as
 * alpha / (1 + lam/s): every step is monotone under rounding, so the curve never dips by an ulp as spend grows.
 */
export function michaelisMenten(s: number, { alpha, lam }: { readonly alpha: number; readonly lam: number }): number {
  if (!(lam > 0) || !(alpha >= 0)) throw new RangeError(`lam must be > 0 and alpha ≥ 0; got alpha=${alpha}, lam=${lam}`);
  if (s <= 0) return 0;
  return alpha / (1 + lam / s);
}

/** Any saturation, by spec. */
export function saturate(s: number, spec: SaturationSpec): number {
  switch (spec.kind) {
    case "hill":
      return hillSaturation(s, spec);
    case "logistic":
      return logisticSaturation(s, spec);
    case "michaelis-menten":
      return michaelisMenten(s, spec);
  }
}

/** d saturation / d spend, analytically (for marginal ROI). */
export function saturationDerivative(s: number, spec: SaturationSpec): number {
  switch (spec.kind) {
    case "hill": {
      if (s <= 0) return spec.slope === 1 ? 1 / spec.kappa : spec.slope < 1 ? Infinity : 0;
      const r = (spec.kappa / s) ** spec.slope;
      return (spec.slope * r) / (s * (1 + r) ** 2);
    }
    case "logistic": {
      const e = Math.exp(-spec.lam * Math.max(s, 0));
      return (2 * spec.lam * e) / (1 + e) ** 2;
    }
    case "michaelis-menten":
      return (spec.alpha * spec.lam) / (spec.lam + Math.max(s, 0)) ** 2;
  }
}
