/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000) as statsmodels' ThetaModel computes it with its defaults
 * (period 7, seasonality tested, method "auto", two-step estimation, θ = 2): so its numbers can be checked against
 * statsmodels on a fixture. Hand written: no maintained Node package has it.
 *
 * 1. Seasonality test: n·ρ_m² / Σ_{k<m} ρ_k² > χ²₁(0.90) on the sample ACF (ρ_0 = 1).
 * 2. If seasonal: classical decomposition (centred moving average, per-phase means of y / trend, normalised),
 *    multiplicative when the series is positive, else additive; the series is deseasonalised.
 * 3. b0: OLS slope of the deseasonalised series on t = 0..n−1; α: SES fitted by least squares from level y_0.
 * 4. Forecast: ½·b0·(h − 1 + 1/α − (1 − α)ⁿ/α) + the SES one-step forecast, reseasonalised.
 */
export function thetaForecast(y: readonly number[], horizon: number, period = 7): number[] {
  const n = y.length;
  const seasonal = period > 1 && n >= 2 * period && hasSeasonality(y, period) ? decompose(y, period) : null;
  const x = seasonal ? y.map((v, t) => (seasonal.multiplicative ? v / seasonal.index[t % period]! : v - seasonal.index[t % period]!)) : [...y];
  const b0 = olsSlope(x);
  const { alpha, oneStep } = fitSes(x);
  const out = new Array<number>(horizon);
  for (let h = 1; h <= horizon; h++) {
    const lead = alpha > 0 ? h - 1 + 1 / alpha - (1 - alpha) ** n / alpha : h - 1;
    const f = 0.5 * b0 * lead + oneStep;
    const s = seasonal?.index[(n + h - 1) % period];
    out[h - 1] = s === undefined ? f : seasonal!.multiplicative ? f * s : f + s;
  }
  return out;
}

/** statsmodels' ThetaModel._test_seasonality: a 90% test on the lag-m autocorrelation. */
function hasSeasonality(y: readonly number[], m: number): boolean {
  const rho = acf(y, m);
  let den = 0;
  for (let k = 0; k < m; k++) den += rho[k]! ** 2;
  return (y.length * rho[m]! ** 2) / den > 2.705543454095404;
}

function acf(y: readonly number[], lags: number): number[] {
  const n = y.length;
  const mean = y.reduce((a, v) => a + v, 0) / n;
  const d = y.map((v) => v - mean);
  const c0 = d.reduce((a, v) => a + v * v, 0);
  return Array.from({ length: lags + 1 }, (_, k) => {
    let c = 0;
    for (let t = k; t < n; t++) c += d[t]! * d[t - k]!;
    return c / c0;
  });
}

/** statsmodels' seasonal_decompose (two-sided moving average, per-phase means), then ThetaModel's fallback to additive. */
function decompose(y: readonly number[], m: number): { multiplicative: boolean; index: number[] } {
  const positive = y.every((v) => v > 0);
  const trend = movingAverage(y, m);
  const phases = (mul: boolean) => {
    const avg = Array.from({ length: m }, (_, i) => {
      let s = 0;
      let k = 0;
      for (let t = i; t < y.length; t += m) {
        const tr = trend[t]!;
        if (Number.isNaN(tr)) continue;
        s += mul ? y[t]! / tr : y[t]! - tr;
        k++;
      }
      return s / k;
    });
    const mean = avg.reduce((a, v) => a + v, 0) / m;
    return avg.map((v) => (mul ? v / mean : v - mean));
  };
  if (positive) {
    const index = phases(true);
    if (Math.min(...index) > 0) return { multiplicative: true, index };
  }
  return { multiplicative: false, index: phases(false) };
}

/** Centred moving average of order m (2×m for even m), NaN where the window leaves the series. */
function movingAverage(y: readonly number[], m: number): number[] {
  const w = m % 2 === 0 ? [0.5, ...new Array<number>(m - 1).fill(1), 0.5].map((v) => v / m) : new Array<number>(m).fill(1 / m);
  const half = Math.floor(w.length / 2);
  return y.map((_, t) => {
    if (t - half < 0 || t + half >= y.length) return NaN;
    let s = 0;
    for (let k = 0; k < w.length; k++) s += w[k]! * y[t - half + k]!;
    return s;
  });
}

function olsSlope(x: readonly number[]): number {
  const n = x.length;
  const tm = (n - 1) / 2;
  const xm = x.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let stt = 0;
  for (let t = 0; t < n; t++) {
    sxy += (t - tm) * (x[t]! - xm);
    stt += (t - tm) ** 2;
  }
  return stt > 0 ? sxy / stt : 0;
}

/** Simple exponential smoothing from level x_0 ("known" initialisation): α ∈ [0, 1] minimising the one-step SSE. */
export function fitSes(x: readonly number[]): { alpha: number; oneStep: number } {
  const sse = (a: number) => {
    let level = x[0]!;
    let s = 0;
    for (let t = 0; t < x.length; t++) {
      const e = x[t]! - level;
      s += e * e;
      level += a * e;
    }
    return s;
  };
  // the SSE is smooth in α but not always unimodal: a coarse grid, then golden-section search around the best point
  let best = 0;
  for (let i = 1; i <= 100; i++) if (sse(i / 100) < sse(best / 100)) best = i;
  let lo = Math.max(0, (best - 1) / 100);
  let hi = Math.min(1, (best + 1) / 100);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = hi - g * (hi - lo);
  let d = lo + g * (hi - lo);
  let fc = sse(c);
  let fd = sse(d);
  while (hi - lo > 1e-10) {
    if (fc < fd) {
      hi = d;
      d = c;
      fd = fc;
      c = hi - g * (hi - lo);
      fc = sse(c);
    } else {
      lo = c;
      c = d;
      fc = fd;
      d = lo + g * (hi - lo);
      fd = sse(d);
    }
  }
  const alpha = (lo + hi) / 2;
  let level = x[0]!;
  for (let t = 0; t < x.length; t++) level += alpha * (x[t]! - level);
  return { alpha, oneStep: level };
}
