/**
 * TSB (Teunter, Syntetos & Babai 2011) for intermittent demand: the demand probability p is smoothed every day
 * (p ← p + β·(1[y > 0] − p)) and the demand size z only on days with demand (z ← z + α·(y − z)); the forecast is
 * p·z for every day ahead. Unlike Croston's, p decays through a run of zeros, so a product that stopped selling is
 * forecast to fade. α = β = 0.1 (statsforecast asks for both; 0.1 is the usual choice in the literature). Started
 * as statsforecast's TSB starts its two simple exponential smoothings (src/ses.cpp): z at the first demand's size,
 * p at the first day's indicator.
 */
export function tsbForecast(y: readonly number[], horizon: number, alpha = 0.1, beta = 0.1): number[] | null {
  const first = y.find((v) => v > 0);
  if (first === undefined) return new Array<number>(horizon).fill(0);
  let z = first;
  let p = y[0]! > 0 ? 1 : 0;
  for (const v of y) {
    p += beta * ((v > 0 ? 1 : 0) - p);
    if (v > 0) z += alpha * (v - z);
  }
  return new Array<number>(horizon).fill(p * z);
}

/**
 * Syntetos–Boylan: a series is intermittent when its average interval between demands exceeds 1.32 days (fewer
 * than about three days in four have any); such series get TSB and are scored by RMSSE, not MASE, since the
 * absolute error rewards forecasting zero.
 */
export function isIntermittent(y: readonly number[]): boolean {
  const demands = y.filter((v) => v > 0).length;
  return demands === 0 || y.length / demands > 1.32;
}
