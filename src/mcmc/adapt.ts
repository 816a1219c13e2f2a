/**
 * Stan's warm-up (stepsize_adaptation + windowed_adaptation): dual averaging of the log step size toward a target
 * acceptance (Nesterov 2009; Hoffman & Gelman 2014, γ 0.05, t0 10, κ 0.75, μ = log 10ε₀), and a metric (diagonal, or dense covariance)
 * estimated over a fast initial buffer (75), slow doubling windows (from 25), and a terminal buffer (50), each
 * estimate shrunk toward 1e-3 as Stan does. Short warm-ups scale the buffers to 15% / 10% as Stan does.
 */
export class WindowedAdaptation {
  private readonly initBuffer: number;
  private readonly termBuffer: number;
  private windowSize: number;
  private nextWindow: number;
  private counter = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private samples = 0;
  // dual averaging state
  private mu = 0;
  private sBar = 0;
  private xBar = 0;
  private daCounter = 0;

  constructor(
    private readonly dim: number,
    private readonly warmup: number,
    private readonly delta: number,
    private readonly dense = false,
    /**
     * A dense window sets its full covariance only from this many draws a dimension, its variances alone below
     * (default 0: always the full one, as Stan's dense_e). A covariance from n draws has rank below n, and Stan's
     * shrinkage toward 1e-3·I leaves the directions it misses with tiny variances: on the 40-geo panel (60
     * parameters) the dense metrics from the 25-, 50- and 100-draw windows took 72, 72 and 28 gradients an
     * iteration against 16 on the unit metric and 12 on the diagonal (BENCHMARKS.md, session 17).
     */
    private readonly denseDrawsPerDim = 0,
  ) {
    let init = 75;
    let term = 50;
    let base = 25;
    if (warmup < 20) {
      init = warmup;
      term = 0;
      base = 0;
    } else if (init + term + base > warmup) {
      init = Math.floor(0.15 * warmup);
      term = Math.floor(0.1 * warmup);
      base = warmup - (init + term);
    }
    this.initBuffer = init;
    this.termBuffer = term;
    this.windowSize = base;
    this.nextWindow = init + base - 1;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dense ? dim * dim : dim);
  }

  restart(eps: number): void {
    this.mu = Math.log(10 * eps);
    this.sBar = 0;
    this.xBar = 0;
    this.daCounter = 0;
  }

  /** One dual-averaging step from this iteration's mean acceptance; the step size to use next. */
  learnStepSize(acceptStat: number): number {
    this.daCounter++;
    const a = Math.min(1, acceptStat);
    const eta = 1 / (this.daCounter + 10);
    this.sBar = (1 - eta) * this.sBar + eta * (this.delta - a);
    const x = this.mu - (this.sBar * Math.sqrt(this.daCounter)) / 0.05;
    const xEta = this.daCounter ** -0.75;
    this.xBar = (1 - xEta) * this.xBar + xEta * x;
    return Math.exp(x);
  }

  finalStepSize(): number {
    return Math.exp(this.xBar);
  }

  /** Adds the draw to the current window; at a window's end sets the new metric and returns true. */
  learnMetric(_iteration: number, q: Float64Array, metric: { set(sigma: Float64Array): void }): boolean {
    if (this.windowSize === 0) return false;
    const c = this.counter;
    const inWindow = c >= this.initBuffer && c < this.warmup - this.termBuffer && c !== this.warmup;
    if (inWindow) {
      this.samples++;
      const d = this.dim;
      // Welford: m2 += (q − old mean)(q − new mean)ᵀ
      const before = Float64Array.from(q, (v, i) => v - this.mean[i]!);
      for (let i = 0; i < d; i++) this.mean[i]! += before[i]! / this.samples;
      if (this.dense) {
        for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) this.m2[i * d + j]! += before[i]! * (q[j]! - this.mean[j]!);
      } else for (let i = 0; i < d; i++) this.m2[i]! += before[i]! * (q[i]! - this.mean[i]!);
    }
    const endWindow = c === this.nextWindow && c !== this.warmup;
    this.counter++;
    if (!endWindow) return false;
    this.computeNextWindow(c);
    const n = this.samples;
    const d = this.dim;
    // shrunk toward 1e-3·I as Stan does, so a short window cannot give a singular metric
    const variancesOnly = this.dense && n < this.denseDrawsPerDim * d;
    const sigma = Float64Array.from(this.m2, (m, k) => {
      const diag = !this.dense || Math.floor(k / d) === k % d;
      if (variancesOnly && !diag) return 0;
      return (n / (n + 5)) * (n > 1 ? m / (n - 1) : diag ? 1 : 0) + (diag ? 1e-3 * (5 / (n + 5)) : 0);
    });
    metric.set(sigma);
    this.samples = 0;
    this.mean.fill(0);
    this.m2.fill(0);
    return true;
  }

  private computeNextWindow(c: number): void {
    const last = this.warmup - this.termBuffer - 1;
    if (this.nextWindow === last) return;
    this.windowSize *= 2;
    this.nextWindow = c + this.windowSize;
    if (this.nextWindow !== last && this.nextWindow + 2 * this.windowSize >= this.warmup - this.termBuffer) this.nextWindow = last;
  }
}
