import type { LogDensity, TargetSpec } from "../../mcmc/nuts.ts";
import { baselineLogLik, type BaselinePrior } from "./baseline-prior.ts";
import { adstockParams, logPrior, saturationParams, toNatural, weightsWithGradient, type AdstockForm, type ParamSpec, type SaturationForm } from "./forms.ts";

export interface ChannelForm {
  readonly adstock: AdstockForm;
  readonly saturation: SaturationForm;
}

/** A log-normal prior on a channel's ROI over the fitting window, as Meridian takes it: median and spread (σ of log ROI). */
export interface RoiPrior {
  readonly median: number;
  readonly spread: number;
}
/** Meridian's default ROI prior, LogNormal(0.2, 0.9): median 1.22, 90% of its mass in [0.28, 5.4]. */
export const DEFAULT_ROI_PRIOR: RoiPrior = { median: Math.exp(0.2), spread: 0.9 };
/** Half-normal scale of the spread of log ROI across segments under partial pooling. */
export const POOLING_TAU_SCALE = 0.5;

/** One series (a segment or geo): its fitting rows come first, then its held-out rows. */
export interface SegmentData {
  readonly name: string;
  /** Rows of the segment (fit + holdout). */
  readonly n: number;
  readonly fit: number;
  /** Target over the fitting rows. */
  readonly y: Float64Array;
  /** The baseline's design and Gaussian prior, integrated out exactly (baseline-prior.ts). */
  readonly baseline: BaselinePrior;
  /** σ ~ HalfNormal(sigmaScale). */
  readonly sigmaScale: number;
  /** Spend per channel over all n rows. */
  readonly spend: readonly Float64Array[];
  /** Per channel: the typical spend while on (mean of positive spend in the fitting rows); z = adstocked / scale. */
  readonly scale: readonly number[];
  /** Per channel: total spend over the fitting rows. */
  readonly total: readonly number[];
}

export interface LiftData {
  readonly segment: number;
  readonly channel: number;
  /** Rows of the segment inside the test's window. */
  readonly rows: readonly number[];
  readonly liftAbs: number;
  readonly liftSe: number;
}

/** "single": one series; "full": segments share each channel's ROI; "partial": log ROI per segment ~ N(μ_c, τ_c). */
export type Pooling = "single" | "full" | "partial";

export interface PosteriorData {
  readonly lMax: number;
  readonly channels: readonly string[];
  readonly forms: readonly ChannelForm[];
  readonly roiPriors: readonly RoiPrior[];
  readonly pooling: Pooling;
  readonly segments: readonly SegmentData[];
  readonly lifts: readonly LiftData[];
  /**
   * Partial pooling, per channel: true samples each segment's log ROI itself (centred), false samples its z-score
   * (non-centred). Centred suits segments whose own data pin their ROI down; non-centred, weak data (funnels).
   */
  readonly centred?: readonly boolean[];
  /**
   * Partial pooling: "normal" draws each segment's ROI (not log ROI) from N(μ_c, (μ_c·ρ_c)²) and integrates the
   * segment ROIs out (posterior-geo.ts); absent, log ROI per segment ~ N(μ_c, τ_c²), sampled.
   */
  readonly geoEffects?: "normal";
}

export interface ParamLayout {
  /** Per channel: offset of its transform parameters (adstock first, then saturation) in the vector. */
  readonly transformOffset: readonly number[];
  readonly adstock: readonly ParamSpec[][];
  readonly saturation: readonly ParamSpec[][];
  /** Offset of the ROI block: one log ROI per channel ("single", "full"), or per channel μ, log τ, then z per segment. */
  readonly roiOffset: number;
  /** Offset of log σ, one per segment. */
  readonly sigmaOffset: number;
  readonly dim: number;
  /** A name per coordinate ("tv.alpha", "tv.log_roi", "tv.z[SMB]"), for diagnostics. */
  readonly names: readonly string[];
}

export function paramLayout(d: PosteriorData): ParamLayout {
  const names: string[] = [];
  const transformOffset: number[] = [];
  const adstock = d.forms.map((f) => adstockParams(f.adstock, d.lMax));
  const saturation = d.forms.map((f) => saturationParams(f.saturation));
  d.channels.forEach((c, j) => {
    transformOffset.push(names.length);
    for (const p of [...adstock[j]!, ...saturation[j]!]) names.push(`${c}.${p.name}`);
  });
  const roiOffset = names.length;
  d.channels.forEach((c, j) => {
    if (d.pooling !== "partial") names.push(`${c}.log_roi`);
    else names.push(`${c}.log_roi_mean`, `${c}.log_roi_sd`, ...d.segments.map((g) => (d.centred?.[j] ? `${c}.log_roi[${g.name}]` : `${c}.z[${g.name}]`)));
  });
  const sigmaOffset = names.length;
  d.segments.forEach((g) => names.push(d.segments.length === 1 ? "log_sigma" : `log_sigma[${g.name}]`));
  return { transformOffset, adstock, saturation, roiOffset, sigmaOffset, dim: names.length, names };
}

/** log ROI of channel j in segment g at q (and, for partial pooling, its derivatives' pieces). */
export function logRoi(d: PosteriorData, lay: ParamLayout, q: ArrayLike<number>, j: number, g: number): number {
  if (d.pooling !== "partial") return q[lay.roiOffset + j]!;
  const base = lay.roiOffset + j * (2 + d.segments.length);
  if (d.centred?.[j]) return q[base + 2 + g]!;
  return q[base]! + Math.exp(q[base + 1]!) * q[base + 2 + g]!;
}

/** A channel's scaled-and-saturated media in one segment: s(t) over all rows, with what the gradient needs. */
export interface ChannelState {
  readonly s: Float64Array;
  /** Σ s over the fitting rows. */
  readonly sumFit: number;
  /**
   * ds/du per transform parameter (adstock first), over all rows; null when not asked for. For a convolution adstock
   * (every form but geometric) the adstock's entries are not filled: transformGradient goes through them in reverse.
   */
  readonly ds: Float64Array[] | null;
  /** ds/dz over all rows (with the gradient): what transformGradient's reverse pass needs. */
  readonly sz: Float64Array | null;
  /** A convolution adstock's lag weights and their derivatives in its parameters (null for geometric). */
  readonly lags: { readonly w: readonly number[]; readonly dw: readonly (readonly number[])[] } | null;
}

/** Reusable per-channel arrays (at least as long as the longest segment) so the sampler's hot loop allocates nothing. */
export interface ChannelBuffers {
  readonly z: Float64Array;
  readonly s: Float64Array;
  readonly sz: Float64Array;
  /** One per transform parameter (adstock first, then saturation). */
  readonly ds: Float64Array[];
}

export function channelBuffers(lay: ParamLayout, j: number, n: number): ChannelBuffers {
  const k = lay.adstock[j]!.length + lay.saturation[j]!.length;
  return { z: new Float64Array(n), s: new Float64Array(n), sz: new Float64Array(n), ds: Array.from({ length: k }, () => new Float64Array(n)) };
}

/**
 * s(t) = saturation(adstock(spend)(t) / scale) for channel j of segment g at q. With `buffers` the answer's arrays
 * are those buffers (longer than the segment: read only its n rows) and are overwritten by the next call.
 */
export function channelState(
  d: PosteriorData,
  lay: ParamLayout,
  q: ArrayLike<number>,
  j: number,
  g: number,
  withGradient: boolean,
  weights?: { w: number[]; dw: number[][] },
  buffers?: ChannelBuffers,
): ChannelState {
  const seg = d.segments[g]!;
  const form = d.forms[j]!;
  const off = lay.transformOffset[j]!;
  const na = lay.adstock[j]!.length;
  const ns = lay.saturation[j]!.length;
  const x = seg.spend[j]!;
  const scale = seg.scale[j]!;
  const n = seg.n;
  const b = buffers ?? channelBuffers(lay, j, n);
  // adstocked spend over the scale; for the geometric window also its derivative (ds[0] holds dz/du until the chain
  // rule), a convolution adstock's derivatives being left to transformGradient
  const z = b.z;
  const dz = b.ds;
  let lags: ChannelState["lags"] = null;
  if (form.adstock === "geometric") {
    geometricWindow(toNatural(lay.adstock[j]![0]!, q[off]!), d.lMax, x, scale, n, z, withGradient ? dz[0]! : null);
  } else {
    lags =
      weights ??
      weightsWithGradient(
        form.adstock,
        lay.adstock[j]!,
        Array.from({ length: na }, (_, i) => q[off + i]!),
        d.lMax,
      );
    // the derivatives in the lag weights' parameters are left to transformGradient's reverse pass
    convolveInto(lags.w, x, scale, n, z);
  }
  const v0 = ns > 0 ? toNatural(lay.saturation[j]![0]!, q[off + na]!) : 0;
  const v1 = ns > 1 ? toNatural(lay.saturation[j]![1]!, q[off + na + 1]!) : 0;
  saturateSeries(form.saturation, v0, v1, z, n, b.s, withGradient ? b.sz : null, withGradient ? dz[na]! : null, withGradient && ns > 1 ? dz[na + 1]! : null);
  const s = b.s;
  let sumFit = 0;
  for (let t = 0; t < seg.fit; t++) sumFit += s[t]!;
  if (!withGradient) return { s, sumFit, ds: null, sz: null, lags };
  // chain rule for the geometric window: ds/du = s'(z) · dz/du
  const sz = b.sz;
  if (!lags) {
    const dk = dz[0]!;
    for (let t = 0; t < n; t++) dk[t]! *= sz[t]!;
  }
  return { s, sumFit, ds: dz, sz, lags };
}

/**
 * Σ_{t<n} H(t)·∂s(t)/∂u_k for each transform parameter k of channel j in segment g (adstock first), times `factor`,
 * added into grad at the channel's offset. A convolution adstock goes in reverse: with h = H·s'(z),
 * Σ_t h_t Σ_l dw_kl·x_{t−l}/scale = Σ_l dw_kl·c_l where c_l = Σ_t h_t·x_{t−l}/scale, one correlation for all its
 * parameters instead of a convolution and a pass per parameter. H is scratch: it is overwritten.
 */
export function transformGradient(
  d: PosteriorData,
  lay: ParamLayout,
  j: number,
  g: number,
  st: ChannelState,
  H: Float64Array,
  n: number,
  factor: number,
  grad: Float64Array,
): void {
  const off = lay.transformOffset[j]!;
  const ds = st.ds!;
  const first = st.lags ? st.lags.dw.length : 0;
  for (let k = first; k < ds.length; k++) {
    const dsk = ds[k]!;
    let v = 0;
    for (let t = 0; t < n; t++) v += H[t]! * dsk[t]!;
    grad[off + k]! += factor * v;
  }
  if (!st.lags) return;
  const seg = d.segments[g]!;
  const x = seg.spend[j]!;
  const sz = st.sz!;
  const { w, dw } = st.lags;
  // H becomes h = H·s'(z) in place (the callers' scratch, read no more)
  for (let t = 0; t < n; t++) H[t]! *= sz[t]!;
  const scaled = factor / seg.scale[j]!;
  for (let l = 0; l < w.length; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += H[t]! * x[t - l]!;
    c *= scaled;
    for (let k = 0; k < first; k++) grad[off + k]! += dw[k]![l]! * c;
  }
}

/**
 * The normalised geometric window a_t = Σ_{l<L} α^l x_{t−l} / Σ_{l<L} α^l, over the scale, by the sliding-window
 * recursion A_t = α·A_{t−1} + x_t − α^L·x_{t−L} (O(n) rather than O(nL)), and, when `dz` is given, its derivative
 * in u = logit α from B_t = ∂A_t/∂α = A_{t−1} + α·B_{t−1} − L·α^{L−1}·x_{t−L}. Same numbers as the convolution of
 * adstockWeights (tested), at an eighth of the work for weekly data.
 */
function geometricWindow(alpha: number, L: number, x: Float64Array, scale: number, n: number, z: Float64Array, dz: Float64Array | null): void {
  const aL = alpha ** L;
  const aL1 = L * alpha ** (L - 1);
  let S = 0;
  let dS = 0;
  for (let l = 0; l < L; l++) {
    S += alpha ** l;
    if (l > 0) dS += l * alpha ** (l - 1);
  }
  const dAlpha = alpha * (1 - alpha);
  let A = 0;
  let B = 0;
  for (let t = 0; t < n; t++) {
    const old = t >= L ? x[t - L]! : 0;
    B = A + alpha * B - aL1 * old;
    A = alpha * A + x[t]! - aL * old;
    z[t] = A / (S * scale);
    if (dz) dz[t] = ((B * S - A * dS) / (S * S)) * (dAlpha / scale);
  }
}

/**
 * out[t] += Σ_l w_l · x[t − l] / scale, lag-outer (long, simple inner loops). A module-level function on purpose:
 * a closure made per call starts without type feedback every time, and this is the sampler's hottest loop.
 */
function convolveInto(w: readonly number[], x: Float64Array, scale: number, n: number, out: Float64Array): void {
  out.fill(0, 0, n);
  for (let l = 0; l < w.length; l++) {
    const wl = w[l]! / scale;
    if (wl === 0) continue;
    for (let t = l; t < n; t++) out[t]! += wl * x[t - l]!;
  }
}

/**
 * s = saturation(z) over the first n rows, with ds/dz and ds/du per unconstrained parameter (v0, v1: the natural
 * parameters) when asked: the same formulas as forms.ts's saturationWithGradient, without an allocation per row
 * (this is the sampler's hot loop). Rows with z ≤ 0 get zeros.
 */
function saturateSeries(
  form: SaturationForm,
  v0: number,
  v1: number,
  z: Float64Array,
  n: number,
  s: Float64Array,
  sz: Float64Array | null,
  su0: Float64Array | null,
  su1: Float64Array | null,
): void {
  switch (form) {
    case "hill": {
      const lk = Math.log(v0);
      for (let t = 0; t < n; t++) {
        const zt = z[t]!;
        if (zt <= 0) {
          s[t] = 0;
          if (sz) sz[t] = su0![t] = su1![t] = 0;
          continue;
        }
        const lr = v1 * (lk - Math.log(zt));
        const r = Math.exp(lr);
        const q = 1 / (1 + r);
        s[t] = q;
        if (sz) {
          const d = r * q * q;
          sz[t] = (v1 * d) / zt;
          su0![t] = -v1 * d;
          su1![t] = -lr * d;
        }
      }
      return;
    }
    case "logistic": {
      for (let t = 0; t < n; t++) {
        const zt = z[t]!;
        if (zt <= 0) {
          s[t] = 0;
          if (sz) sz[t] = su0![t] = 0;
          continue;
        }
        const e = Math.exp(-v0 * zt);
        const inv = 1 / (1 + e);
        s[t] = (1 - e) * inv;
        if (sz) {
          const d = 2 * e * inv * inv;
          sz[t] = v0 * d;
          su0![t] = v0 * zt * d;
        }
      }
      return;
    }
    case "michaelis-menten": {
      for (let t = 0; t < n; t++) {
        const zt = z[t]!;
        if (zt <= 0) {
          s[t] = 0;
          if (sz) sz[t] = su0![t] = 0;
          continue;
        }
        const inv = 1 / (zt + v0);
        s[t] = zt * inv;
        if (sz) {
          sz[t] = v0 * inv * inv;
          su0![t] = -v0 * zt * inv * inv;
        }
      }
    }
  }
}

/** β = ROI · spend / Σ s over the fitting rows: the coefficient that makes the channel's window ROI equal ROI. */
export function coefficientOf(seg: SegmentData, j: number, roi: number, sumFit: number): number {
  return seg.total[j]! > 0 && sumFit > 0 ? (roi * seg.total[j]!) / sumFit : 0;
}

/**
 * The log posterior of a Bayesian MMM, up to a constant, with its gradient. Per segment,
 * y = Xγ + Σ_c β_c·s_c + ε, ε ~ N(0, σ²), where s_c = saturation(adstock(spend_c)/scale_c) and β_c is set by the
 * channel's ROI. The baseline coefficients γ ~ N(μ0, diag τ²) are integrated out exactly (baseline-prior.ts), so
 * the sampler moves only the media parameters and log σ: a small dimension and a simple geometry. Lift tests add
 * N(liftAbs; β·Σ_window s, liftSe²). Every prior is proper, so simulation-based calibration can check it whole.
 */
export function posteriorDensity(d: PosteriorData): LogDensity & { layout: ParamLayout } {
  const lay = paramLayout(d);
  const G = d.segments.length;
  const C = d.channels.length;
  const dLogRoi = new Float64Array(C * G);
  // scratch for the hot loop, sized for the longest segment and reused across segments and evaluations
  const nMax = Math.max(...d.segments.map((g) => g.n));
  const buffers = d.channels.map((_, j) => channelBuffers(lay, j, nMax));
  const states: ChannelState[] = new Array(C);
  const beta = new Float64Array(C);
  const e = new Float64Array(nMax);
  const de = new Float64Array(nMax);
  const h = new Float64Array(nMax);
  const hLift = new Float64Array(nMax);
  const hs = new Float64Array(nMax);
  const wBase = new Float64Array(Math.max(...d.segments.map((g) => g.baseline.k)));
  return {
    dim: lay.dim,
    layout: lay,
    logDensityGrad(q, grad) {
      grad.fill(0);
      let lp = transformPriors(lay, q, grad);
      dLogRoi.fill(0);
      const weights = lagWeightsOf(d, lay, q);
      for (let g = 0; g < G; g++) {
        const seg = d.segments[g]!;
        for (let j = 0; j < C; j++) {
          states[j] = channelState(d, lay, q, j, g, true, weights[j], buffers[j]);
          beta[j] = coefficientOf(seg, j, Math.exp(logRoi(d, lay, q, j, g)), states[j]!.sumFit);
        }
        for (let t = 0; t < seg.fit; t++) {
          let m = 0;
          for (let j = 0; j < C; j++) m += beta[j]! * states[j]!.s[t]!;
          e[t] = seg.y[t]! - seg.baseline.offset[t]! - m;
        }
        const ls = q[lay.sigmaOffset + g]!;
        const sigma2 = Math.exp(2 * ls);
        const ll = baselineLogLik(seg.baseline, e, sigma2, de, wBase);
        if (!Number.isFinite(ll.lp)) return -Infinity;
        lp += ll.lp;
        // σ ~ HalfNormal(sigmaScale), sampled as log σ (Jacobian σ)
        lp += (-0.5 * sigma2) / seg.sigmaScale ** 2 + ls;
        grad[lay.sigmaOffset + g]! += 2 * sigma2 * ll.dSigma2 - sigma2 / seg.sigmaScale ** 2 + 1;
        // ∂ℓ/∂m(t) for each row of the segment: the likelihood on fitting rows (e = y − … − m), the lift tests on their windows
        for (let t = 0; t < seg.n; t++) h[t] = t < seg.fit ? -de[t]! : 0;
        for (let j = 0; j < C; j++) {
          const st = states[j]!;
          const b = beta[j]!;
          if (b === 0) continue;
          const hj = lifts(d, g, j).length > 0 ? hLift : h;
          if (hj === hLift) hLift.set(h.subarray(0, seg.n));
          for (const l of lifts(d, g, j)) {
            let pred = 0;
            for (const t of l.rows) pred += st.s[t]!;
            pred *= b;
            const z = (pred - l.liftAbs) / l.liftSe;
            lp += -0.5 * z * z;
            for (const t of l.rows) hj[t]! += -z / l.liftSe;
          }
          let h1 = 0;
          for (let t = 0; t < seg.n; t++) h1 += hj[t]! * st.s[t]!;
          dLogRoi[j * G + g] = b * h1;
          // β = ROI·spend/Σ_fit s moves with s too: ∂/∂s(t) = hj(t) − h1/Σ_fit s on the fitting rows
          const shift = h1 / st.sumFit;
          for (let t = 0; t < seg.n; t++) hs[t] = t < seg.fit ? hj[t]! - shift : hj[t]!;
          transformGradient(d, lay, j, g, st, hs, seg.n, b, grad);
        }
      }
      // ROI priors, and the chain rule from each segment's log ROI to the sampled coordinates
      for (let j = 0; j < C; j++) {
        const pr = d.roiPriors[j]!;
        const mu0 = Math.log(pr.median);
        if (d.pooling !== "partial") {
          const k = lay.roiOffset + j;
          const z = (q[k]! - mu0) / pr.spread;
          lp += -0.5 * z * z;
          grad[k]! += -z / pr.spread;
          for (let g = 0; g < G; g++) grad[k]! += dLogRoi[j * G + g]!;
          continue;
        }
        const base = lay.roiOffset + j * (2 + G);
        const zMu = (q[base]! - mu0) / pr.spread;
        lp += -0.5 * zMu * zMu;
        grad[base]! += -zMu / pr.spread;
        const tau = Math.exp(q[base + 1]!);
        // τ ~ HalfNormal(POOLING_TAU_SCALE), sampled as log τ (Jacobian τ)
        lp += (-0.5 * tau * tau) / POOLING_TAU_SCALE ** 2 + q[base + 1]!;
        grad[base + 1]! += (-tau * tau) / POOLING_TAU_SCALE ** 2 + 1;
        if (d.centred?.[j]) {
          // log ROI_g ~ N(μ, τ²), sampled directly
          for (let g = 0; g < G; g++) {
            const k = base + 2 + g;
            const r = (q[k]! - q[base]!) / tau;
            lp += -0.5 * r * r - q[base + 1]!;
            grad[k]! += -r / tau + dLogRoi[j * G + g]!;
            grad[base]! += r / tau;
            grad[base + 1]! += r * r - 1;
          }
          continue;
        }
        for (let g = 0; g < G; g++) {
          const z = q[base + 2 + g]!;
          lp += -0.5 * z * z;
          grad[base + 2 + g]! += -z;
          const dl = dLogRoi[j * G + g]!;
          grad[base]! += dl;
          grad[base + 1]! += dl * tau * z;
          grad[base + 2 + g]! += dl * tau;
        }
      }
      return lp;
    },
  };
}

/** Σ of the transforms' log priors at q, their gradient added into `grad`. */
export function transformPriors(lay: ParamLayout, q: ArrayLike<number>, grad: Float64Array): number {
  let lp = 0;
  lay.transformOffset.forEach((off, j) => {
    const specs = [...lay.adstock[j]!, ...lay.saturation[j]!];
    specs.forEach((p, i) => {
      const r = logPrior(p, q[off + i]!);
      lp += r.lp;
      grad[off + i]! += r.grad;
    });
  });
  return lp;
}

/** Lag weights per channel at q, once per evaluation (every segment shares them); geometric takes its own recursion instead. */
export function lagWeightsOf(d: PosteriorData, lay: ParamLayout, q: ArrayLike<number>): ({ w: number[]; dw: number[][] } | undefined)[] {
  return d.forms.map((f, j) =>
    f.adstock === "geometric"
      ? undefined
      : weightsWithGradient(
          f.adstock,
          lay.adstock[j]!,
          Array.from({ length: lay.adstock[j]!.length }, (_, i) => q[lay.transformOffset[j]! + i]!),
          d.lMax,
        ),
  );
}

/** The density as a runner builds it, in this thread or another (PosteriorData is structured-cloneable). */
export function posteriorSpec(d: PosteriorData): TargetSpec<PosteriorData> {
  return { module: import.meta.url, build: "posteriorDensity", data: d };
}

const liftCache = new WeakMap<PosteriorData, Map<string, LiftData[]>>();
function lifts(d: PosteriorData, g: number, j: number): LiftData[] {
  let m = liftCache.get(d);
  if (!m) {
    m = new Map();
    for (const l of d.lifts) {
      const k = `${l.segment}:${l.channel}`;
      m.set(k, [...(m.get(k) ?? []), l]);
    }
    liftCache.set(d, m);
  }
  return m.get(`${g}:${j}`) ?? [];
}

/**
 * log p(y_t | θ, σ, γ̂) for every fitting row of every segment at the draw q, with the baseline at its conditional
 * posterior mean given the draw: the pointwise terms PSIS-LOO needs.
 */
export function pointwiseLogLik(d: PosteriorData, lay: ParamLayout, q: ArrayLike<number>): Float64Array {
  const out = new Float64Array(d.segments.reduce((a, g) => a + g.fit, 0));
  let at = 0;
  d.segments.forEach((seg, g) => {
    const e = Float64Array.from(seg.y, (y, t) => y - seg.baseline.offset[t]!);
    d.channels.forEach((_, j) => {
      const st = channelState(d, lay, q, j, g, false);
      const b = coefficientOf(seg, j, Math.exp(logRoi(d, lay, q, j, g)), st.sumFit);
      for (let t = 0; t < seg.fit; t++) e[t]! -= b * st.s[t]!;
    });
    const v = Math.exp(2 * q[lay.sigmaOffset + g]!);
    const w = new Float64Array(seg.baseline.k);
    baselineLogLik(seg.baseline, e, v, null, w);
    // residual after the baseline at its conditional mean: e − Z·V·w
    for (let i = 0; i < seg.baseline.k; i++) {
      const col = seg.baseline.zv[i]!;
      for (let t = 0; t < seg.fit; t++) e[t]! -= col[t]! * w[i]!;
    }
    for (let t = 0; t < seg.fit; t++) out[at + t] = -0.5 * Math.log(2 * Math.PI * v) - (e[t]! * e[t]!) / (2 * v);
    at += seg.fit;
  });
  return out;
}

export interface PreparedSegment {
  readonly data: SegmentData;
  readonly dates: readonly string[];
  readonly target: readonly number[];
  readonly columns: readonly Float64Array[];
  readonly columnNames: readonly string[];
  readonly groups: readonly ("intercept" | "trend" | "seasonality" | "control")[];
}
