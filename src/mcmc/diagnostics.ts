import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";

/**
 * Convergence diagnostics of Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-normalization, folding,
 * and localization: an improved R-hat", as ArviZ and Stan's posterior package compute them: split chains,
 * rank-normalised R-hat (max of bulk and folded), bulk and tail effective sample sizes with Geyer's initial
 * monotone sequence. Input: one array of draws per chain, equal lengths.
 */

/** Split each chain into its two halves (an odd middle draw dropped), as the paper does. */
function split(chains: readonly ArrayLike<number>[]): Float64Array[] {
  return chains.flatMap((c) => {
    const h = Math.floor(c.length / 2);
    const a = Float64Array.from({ length: h }, (_, i) => c[i]!);
    const b = Float64Array.from({ length: h }, (_, i) => c[c.length - h + i]!);
    return [a, b];
  });
}

/** Normal scores of the pooled ranks (average ranks for ties): Φ⁻¹((r − 3/8) / (S + 1/4)), Blom's offset. */
function rankNormalize(chains: readonly Float64Array[]): Float64Array[] {
  const n = chains[0]!.length;
  const all = chains.flatMap((c, j) => Array.from(c, (v, i) => ({ v, k: j * n + i })));
  all.sort((a, b) => a.v - b.v);
  const ranks = new Float64Array(all.length);
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[all[k]!.k] = r;
    i = j + 1;
  }
  const s = all.length;
  return chains.map((_, j) => Float64Array.from({ length: n }, (_, i) => normalQuantile((ranks[j * n + i]! - 0.375) / (s + 0.25), 0, 1)));
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

function rhatBasic(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = chains[0]!.length;
  const means = chains.map(mean);
  const grand = mean(means);
  const b = (n / (m - 1)) * means.reduce((a, v) => a + (v - grand) ** 2, 0);
  const w = chains.reduce((acc, c, j) => acc + c.reduce((a, v) => a + (v - means[j]!) ** 2, 0) / (n - 1), 0) / m;
  if (!(w > 0)) return b > 0 ? Infinity : 1;
  const varHat = ((n - 1) / n) * w + b / n;
  return Math.sqrt(varHat / w);
}

/** Effective sample size of several chains (no splitting or normalising here). */
function essBasic(chains: readonly Float64Array[]): number {
  const m = chains.length;
  const n = chains[0]!.length;
  const means = chains.map(mean);
  const centred = chains.map((c, j) => Float64Array.from(c, (v) => v - means[j]!));
  /** Mean over chains of the biased autocovariance at lag t. */
  const acov = (t: number) => {
    let s = 0;
    for (const c of centred) {
      let a = 0;
      for (let i = 0; i + t < n; i++) a += c[i]! * c[i + t]!;
      s += a / n;
    }
    return s / m;
  };
  const acov0 = acov(0);
  if (!(acov0 > 0)) return NaN;
  const meanVar = (acov0 * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) {
    const g = mean(means);
    varPlus += means.reduce((a, v) => a + (v - g) ** 2, 0) / (m - 1);
  }
  const rho = new Float64Array(n);
  rho[0] = 1;
  let rhoEven = 1;
  let rhoOdd = 1 - (meanVar - acov(1)) / varPlus;
  rho[1] = rhoOdd;
  let t = 1;
  while (t < n - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - acov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - acov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  // Geyer's initial monotone sequence
  for (t = 1; t <= maxT - 2; t += 2) {
    if (rho[t + 1]! + rho[t + 2]! > rho[t - 1]! + rho[t]!) {
      rho[t + 1] = (rho[t - 1]! + rho[t]!) / 2;
      rho[t + 2] = rho[t + 1]!;
    }
  }
  let sum = 0;
  for (let k = 0; k <= maxT; k++) sum += rho[k]!;
  const total = m * n;
  let tau = -1 + 2 * sum + (maxT + 1 < n ? rho[maxT + 1]! : 0);
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

export interface Convergence {
  /** Rank-normalised split R-hat: max of the bulk and the folded (tails) versions. */
  readonly rhat: number;
  readonly essBulk: number;
  /** min of the ESS of the 5% and 95% quantile indicators. */
  readonly essTail: number;
}

/** R-hat and effective sample sizes of one scalar quantity, one array of draws per chain. */
export function convergence(chains: readonly ArrayLike<number>[]): Convergence {
  const s = split(chains);
  const allEqual = s.every((c) => c.every((v) => v === s[0]![0]));
  if (allEqual) return { rhat: NaN, essBulk: NaN, essTail: NaN };
  const z = rankNormalize(s);
  const all = s.flatMap((c) => Array.from(c)).sort((a, b) => a - b);
  const med = all[Math.floor(all.length / 2)]!;
  const folded = rankNormalize(s.map((c) => Float64Array.from(c, (v) => Math.abs(v - med))));
  const rhat = Math.max(rhatBasic(z), rhatBasic(folded));
  const q = (p: number) => all[Math.min(all.length - 1, Math.floor(p * all.length))]!;
  const tail = (p: number) => essBasic(s.map((c) => Float64Array.from(c, (v) => (v <= q(p) ? 1 : 0))));
  return { rhat, essBulk: essBasic(z), essTail: Math.min(tail(0.05), tail(0.95)) };
}
