import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded random source (xoroshiro128+ from pure-rand): same seed, same stream, on every machine. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

export function seededRng(seed: number): Rng {
  const gen = xoroshiro128plus(seed | 0);
  let spare: number | undefined;
  return {
    uniform: () => uniformFloat64(gen),
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      const u = 1 - uniformFloat64(gen); // (0, 1]: log is finite
      const v = uniformFloat64(gen);
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
