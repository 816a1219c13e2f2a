/**
 * Hill saturation: s^slope / (s^slope + kappa^slope). 0 at 0, increasing, approaching 1; kappa is the spend at
 * half saturation, slope > 1 gives an S-shape.
 *
 * @param s - (adstocked) spend per period, ≥ 0
 * @param slope - shape, > 0
 * @param kappa - half-saturation point, in spend units, > 0
 * @example hillSaturation(100, { slope: 1, kappa: 100 }) // → 0.5
 * @see Jin et al. (2017)
 */
export function hillSaturation(s: number, { slope, kappa }: { readonly slope: number; readonly kappa: number }): number {
  if (!(slope > 0) || !(kappa > 0)) throw new RangeError(`slope and kappa must be > 0; got slope=${slope}, kappa=${kappa}`);
  if (s <= 0) return 0;
  return 1 / (1 + (kappa / s) ** slope);
}
