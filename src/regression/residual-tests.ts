import { chi2Survival } from "./distributions.ts";

/** Moments of residuals as scipy.stats computes them (biased): skew and Pearson kurtosis (3 for a normal). */
export function skewKurtosis(e: ArrayLike<number>): { skew: number; kurtosis: number } {
  const n = e.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += e[i]!;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = e[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

/** Jarque-Bera: n/6 · (S² + (K − 3)²/4), chi-square with 2 degrees of freedom. */
export function jarqueBera(e: ArrayLike<number>) {
  const { skew, kurtosis } = skewKurtosis(e);
  const statistic = (e.length / 6) * (skew * skew + ((kurtosis - 3) * (kurtosis - 3)) / 4);
  return { statistic, pValue: chi2Survival(statistic, 2), skew, kurtosis };
}

/**
 * D'Agostino-Pearson omnibus K² = Z(skew)² + Z(kurtosis)², the algorithm of scipy.stats.normaltest
 * (D'Agostino 1971; Anscombe & Glynn 1983). Needs n ≥ 8.
 */
export function omnibus(e: ArrayLike<number>): { statistic: number; pValue: number } | null {
  const n = e.length;
  if (n < 8) return null;
  const { skew, kurtosis } = skewKurtosis(e);
  // skewtest
  let y = skew * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2 / (w2 - 1));
  if (y === 0) y = 1;
  const zs = delta * Math.log(y / alpha + Math.sqrt((y / alpha) ** 2 + 1));
  // kurtosistest
  const mean = (3 * (n - 1)) / (n + 1);
  const varb2 = (24 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1) * (n + 3) * (n + 5));
  const x = (kurtosis - mean) / Math.sqrt(varb2);
  const sqrtbeta1 = ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const a = 6 + (8 / sqrtbeta1) * (2 / sqrtbeta1 + Math.sqrt(1 + 4 / (sqrtbeta1 * sqrtbeta1)));
  const term1 = 1 - 2 / (9 * a);
  const denom = 1 + x * Math.sqrt(2 / (a - 4));
  const term2 = denom === 0 ? NaN : Math.sign(denom) * ((1 - 2 / a) / Math.abs(denom)) ** (1 / 3);
  const zk = (term1 - term2) / Math.sqrt(2 / (9 * a));
  const statistic = zs * zs + zk * zk;
  return { statistic, pValue: chi2Survival(statistic, 2) };
}

/** Durbin-Watson: Σ(e_t − e_{t−1})² / Σe_t², residuals in data order. */
export function durbinWatson(e: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < e.length; i++) {
    den += e[i]! * e[i]!;
    if (i > 0) num += (e[i]! - e[i - 1]!) ** 2;
  }
  return num / den;
}
