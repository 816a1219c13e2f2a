import type { Rng } from "../../data/random.ts";
import type { LogDensity, TargetSpec } from "../../mcmc/nuts.ts";
import {
  transformGradient,
  channelBuffers,
  channelState,
  lagWeightsOf,
  paramLayout,
  POOLING_TAU_SCALE,
  transformPriors,
  type ChannelState,
  type ParamLayout,
  type PosteriorData,
} from "./posterior-model.ts";

/**
 * Partial pooling with normal geo effects, the geo ROIs integrated out. Per geo g and channel c, ROI_gc ~
 * N(μ_c, (μ_c·ρ_c)²) (Meridian's `media_effects_dist="normal"`: a shared mean and a spread, here as a coefficient
 * of variation ρ_c across geos), and the media term is Σ_c ROI_gc·m_gc(t) with m_gc = spend_gc · s_gc(t) / Σ_fit s_gc
 * (so that ROI is the coefficient). Given the transforms, μ, ρ and σ_g, each geo's target is Gaussian in its ROIs
 * and in its baseline (baseline-prior.ts), so both are integrated out exactly: with A = σ²I + UUᵀ the baseline's
 * covariance, T = diag((μρ)²) and M = [m_gc], y_g − Xμ0 − Mμ ~ N(0, A + MTMᵀ), by Woodbury through the C × C matrix
 * T⁻¹ + MᵀA⁻¹M. The sampler moves only the transforms, log μ, log ρ and log σ_g (about 60 numbers for 40 geos and
 * 5 channels instead of 260), whose posterior is far easier to traverse; the geo ROIs are then drawn from their exact
 * Gaussian conditional for every kept draw (Rao-Blackwellised).
 *
 * Layout: the transforms as paramLayout has them, then per channel [log μ_c, log ρ_c], then log σ per geo.
 */
export function geoLayout(d: PosteriorData): ParamLayout {
  const base = paramLayout({ ...d, pooling: "single", segments: d.segments.slice(0, 1) });
  const names = base.names.slice(0, base.roiOffset);
  const roiOffset = names.length;
  for (const c of d.channels) names.push(`${c}.log_roi_mean`, `${c}.log_roi_cv`);
  const sigmaOffset = names.length;
  for (const g of d.segments) names.push(`log_sigma[${g.name}]`);
  return { ...base, roiOffset, sigmaOffset, dim: names.length, names };
}

/** One geo's Gaussian pieces at q (transforms, μ, ρ, σ given); its arrays are the scratch's, overwritten by the next call. */
interface GeoTerms {
  lp: number;
  /** A⁻¹r and the C columns A⁻¹m_c over the fitting rows. */
  a: Float64Array;
  P: Float64Array[];
  /** (T⁻¹ + MᵀA⁻¹M)⁻¹, C × C row-major: the geo ROIs' conditional covariance. */
  capInv: Float64Array;
  /** Cap⁻¹·Mᵀ A⁻¹ r: the geo ROIs' conditional mean is μ + c. */
  c: Float64Array;
  sigma2: number;
  /** Σ_i 1/(σ² + λ_i), for tr(A⁻¹). */
  traceLambda: number;
}

/** Arrays geoTerms reuses across geos and evaluations (the sampler's hot loop allocates nothing). */
export interface GeoScratch {
  readonly r: Float64Array;
  readonly a: Float64Array;
  readonly P: Float64Array[];
  readonly cap: Float64Array;
  readonly capInv: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
}

export function geoScratch(d: PosteriorData): GeoScratch {
  const n = Math.max(...d.segments.map((g) => g.n));
  const C = d.channels.length;
  return {
    r: new Float64Array(n),
    a: new Float64Array(n),
    P: d.channels.map(() => new Float64Array(n)),
    cap: new Float64Array(C * C),
    capInv: new Float64Array(C * C),
    b: new Float64Array(C),
    c: new Float64Array(C),
  };
}

/** In place: the lower triangle of the C × C row-major SPD `L` becomes its Cholesky factor; returns log det, NaN if not SPD. */
function choleskyInPlace(L: Float64Array, C: number): number {
  let logDet = 0;
  for (let j = 0; j < C; j++) {
    let s = L[j * C + j]!;
    for (let k = 0; k < j; k++) s -= L[j * C + k]! ** 2;
    if (!(s > 0)) return NaN;
    const ljj = Math.sqrt(s);
    L[j * C + j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < C; i++) {
      let v = L[i * C + j]!;
      for (let k = 0; k < j; k++) v -= L[i * C + k]! * L[j * C + k]!;
      L[i * C + j] = v / ljj;
    }
  }
  return logDet;
}

/**
 * a = A⁻¹r and P_c = A⁻¹m_c in one sweep per baseline direction (each column of U read once for all of them):
 * the same arithmetic as applyAinv on each, in the loop order the hot path wants.
 */
function applyAinvAll(
  seg: PosteriorData["segments"][number],
  sigma2: number,
  r: Float64Array,
  a: Float64Array,
  m: readonly Float64Array[],
  P: Float64Array[],
): void {
  const { n, k, zv, lambda } = seg.baseline;
  const C = m.length;
  const inv = 1 / sigma2;
  for (let t = 0; t < n; t++) a[t] = r[t]! * inv;
  for (let j = 0; j < C; j++) {
    const mj = m[j]!;
    const pj = P[j]!;
    for (let t = 0; t < n; t++) pj[t] = mj[t]! * inv;
  }
  for (let i = 0; i < k; i++) {
    const col = zv[i]!;
    const f = inv / (sigma2 + lambda[i]!);
    let u = 0;
    for (let t = 0; t < n; t++) u += col[t]! * r[t]!;
    u *= f;
    for (let t = 0; t < n; t++) a[t]! -= col[t]! * u;
    for (let j = 0; j < C; j++) {
      const mj = m[j]!;
      const pj = P[j]!;
      let w = 0;
      for (let t = 0; t < n; t++) w += col[t]! * mj[t]!;
      w *= f;
      for (let t = 0; t < n; t++) pj[t]! -= col[t]! * w;
    }
  }
}

/**
 * In place: the C × C symmetric positive-definite `m` (row-major) becomes its inverse; returns log det of the
 * original, or NaN when it is not positive definite. Cholesky by hand because C is a handful and this runs once per
 * geo per gradient: ml-matrix's objects cost more than the arithmetic here.
 */
function invertSpd(m: Float64Array, C: number, out: Float64Array): number {
  const L = m; // lower triangle overwritten with the Cholesky factor
  const logDet = choleskyInPlace(L, C);
  if (!Number.isFinite(logDet)) return NaN;
  // inverse column by column: solve L·Lᵀ·x = e_col
  for (let col = 0; col < C; col++) {
    for (let i = 0; i < C; i++) {
      let v = i === col ? 1 : 0;
      for (let k = 0; k < i; k++) v -= L[i * C + k]! * out[k * C + col]!;
      out[i * C + col] = v / L[i * C + i]!;
    }
    for (let i = C - 1; i >= 0; i--) {
      let v = out[i * C + col]!;
      for (let k = i + 1; k < C; k++) v -= L[k * C + i]! * out[k * C + col]!;
      out[i * C + col] = v / L[i * C + i]!;
    }
  }
  // symmetrised: rounding leaves the solve slightly asymmetric, and the conditional draw's Cholesky wants it exact
  for (let i = 0; i < C; i++)
    for (let j = i + 1; j < C; j++) {
      const v = 0.5 * (out[i * C + j]! + out[j * C + i]!);
      out[i * C + j] = out[j * C + i] = v;
    }
  return logDet;
}

function geoTerms(d: PosteriorData, lay: ParamLayout, q: ArrayLike<number>, g: number, m: readonly Float64Array[], sc: GeoScratch): GeoTerms | null {
  const seg = d.segments[g]!;
  const C = d.channels.length;
  const n = seg.fit;
  const { r, a, P, cap, capInv, b, c } = sc;
  const sigma2 = Math.exp(2 * q[lay.sigmaOffset + g]!);
  let logDetT = 0;
  for (let j = 0; j < C; j++) logDetT += 2 * (q[lay.roiOffset + 2 * j]! + q[lay.roiOffset + 2 * j + 1]!);
  for (let t = 0; t < n; t++) r[t] = seg.y[t]! - seg.baseline.offset[t]!;
  for (let j = 0; j < C; j++) {
    const mu = Math.exp(q[lay.roiOffset + 2 * j]!);
    const mj = m[j]!;
    for (let t = 0; t < n; t++) r[t]! -= mu * mj[t]!;
  }
  applyAinvAll(seg, sigma2, r, a, m, P);
  for (let j = 0; j < C; j++) {
    const mj = m[j]!;
    let bj = 0;
    for (let t = 0; t < n; t++) bj += mj[t]! * a[t]!;
    b[j] = bj;
    for (let k = j; k < C; k++) {
      const pk = P[k]!;
      let qjk = 0;
      for (let t = 0; t < n; t++) qjk += mj[t]! * pk[t]!;
      // T_jj = (μ_j ρ_j)², so T⁻¹ = exp(−2(log μ + log ρ))
      cap[j * C + k] = cap[k * C + j] = qjk + (j === k ? Math.exp(-2 * (q[lay.roiOffset + 2 * j]! + q[lay.roiOffset + 2 * j + 1]!)) : 0);
    }
  }
  const logDetCap = invertSpd(cap, C, capInv);
  if (!Number.isFinite(logDetCap)) return null;
  for (let j = 0; j < C; j++) {
    let v = 0;
    for (let k = 0; k < C; k++) v += capInv[j * C + k]! * b[k]!;
    c[j] = v;
  }
  const { k, lambda } = seg.baseline;
  let logDetA = (n - k) * Math.log(sigma2);
  let traceLambda = 0;
  for (let i = 0; i < k; i++) {
    logDetA += Math.log(sigma2 + lambda[i]!);
    traceLambda += 1 / (sigma2 + lambda[i]!);
  }
  let ra = 0;
  for (let t = 0; t < n; t++) ra += r[t]! * a[t]!;
  let bc = 0;
  for (let j = 0; j < C; j++) bc += b[j]! * c[j]!;
  // rᵀK⁻¹r = ra − bc: where the geo effects' spread is vast (a ROI mean of e^140 with a spread of e^48, proposed
  // while the step size is searched for) ra and bc agree to the last digit and their difference is rounding, of
  // either sign: a log density of +1e117 there held one chain of four on a simulated panel for 20 minutes. A point
  // whose quadratic form keeps fewer than 6 of double precision's 16 digits is rejected (outside the support); real
  // posteriors sit orders of magnitude away (the ROI prior alone puts −5,000 on that point). log det(I + T·MᵀA⁻¹M)
  // = logDetT + logDetCap cannot be negative either.
  if (ra - bc < 1e-10 * ra || logDetT + logDetCap < -1e-9 * (Math.abs(logDetT) + Math.abs(logDetCap)) - 1e-9) return null;
  const lp = -0.5 * (ra - bc + logDetA + logDetT + logDetCap) - 0.5 * n * Math.log(2 * Math.PI);
  return { lp, a, P, capInv, c, sigma2, traceLambda };
}

/** m_gc(t) = spend_gc · s(t) / Σ_fit s over the fitting rows, and the factor spend / Σ_fit s (0 for a channel without spend). */
function mediaColumns(d: PosteriorData, g: number, states: readonly ChannelState[], m: Float64Array[]): number[] {
  const seg = d.segments[g]!;
  return states.map((st, j) => {
    const f = seg.total[j]! > 0 && st.sumFit > 0 ? seg.total[j]! / st.sumFit : 0;
    const col = m[j]!;
    for (let t = 0; t < seg.fit; t++) col[t] = f * st.s[t]!;
    return f;
  });
}

export function geoDensity(d: PosteriorData): LogDensity & { layout: ParamLayout } {
  const lay = geoLayout(d);
  const C = d.channels.length;
  const G = d.segments.length;
  const nMax = Math.max(...d.segments.map((g) => g.n));
  const buffers = d.channels.map((_, j) => channelBuffers(lay, j, nMax));
  const m = d.channels.map(() => new Float64Array(nMax));
  const states: ChannelState[] = new Array(C);
  const dMu = new Float64Array(C);
  const dT = new Float64Array(C);
  const alpha = new Float64Array(nMax);
  const scratch = geoScratch(d);
  return {
    dim: lay.dim,
    layout: lay,
    logDensityGrad(q, grad) {
      grad.fill(0);
      let lp = transformPriors(lay, q, grad);
      const weights = lagWeightsOf(d, lay, q);
      const mu = d.channels.map((_, j) => Math.exp(q[lay.roiOffset + 2 * j]!));
      const T = d.channels.map((_, j) => (mu[j]! * Math.exp(q[lay.roiOffset + 2 * j + 1]!)) ** 2);
      dMu.fill(0);
      dT.fill(0);
      for (let g = 0; g < G; g++) {
        const seg = d.segments[g]!;
        const n = seg.fit;
        for (let j = 0; j < C; j++) states[j] = channelState(d, lay, q, j, g, true, weights[j], buffers[j]);
        const f = mediaColumns(d, g, states, m);
        const gt = geoTerms(d, lay, q, g, m, scratch);
        if (!gt || !Number.isFinite(gt.lp)) return -Infinity;
        lp += gt.lp;
        const { a, P, capInv, c, sigma2 } = gt;
        // α = K⁻¹r = a − P·c
        for (let t = 0; t < n; t++) {
          let v = a[t]!;
          for (let j = 0; j < C; j++) v -= P[j]![t]! * c[j]!;
          alpha[t] = v;
        }
        // ∂/∂μ = Mᵀα = T⁻¹c; ∂/∂T_cc = ½(c_c/T_cc)² − ½(1/T_cc − Cap⁻¹_cc/T_cc²)
        for (let j = 0; j < C; j++) {
          dMu[j]! += c[j]! / T[j]!;
          dT[j]! += 0.5 * (c[j]! / T[j]!) ** 2 - 0.5 * (1 / T[j]! - capInv[j * C + j]! / T[j]! ** 2);
        }
        // ∂/∂σ² = ½αᵀα − ½tr(K⁻¹), tr(K⁻¹) = tr(A⁻¹) − tr(Cap⁻¹·PᵀP)
        let aa = 0;
        for (let t = 0; t < n; t++) aa += alpha[t]! * alpha[t]!;
        let trCPP = 0;
        for (let j = 0; j < C; j++)
          for (let k = j; k < C; k++) {
            const pj = P[j]!;
            const pk = P[k]!;
            let pp = 0;
            for (let t = 0; t < n; t++) pp += pj[t]! * pk[t]!;
            trCPP += (j === k ? 1 : 2) * capInv[j * C + k]! * pp;
          }
        const trKinv = (n - seg.baseline.k) / sigma2 + gt.traceLambda - trCPP;
        const dSigma2 = 0.5 * aa - 0.5 * trKinv;
        const ls = q[lay.sigmaOffset + g]!;
        // σ ~ HalfNormal(sigmaScale), sampled as log σ (Jacobian σ)
        lp += (-0.5 * sigma2) / seg.sigmaScale ** 2 + ls;
        grad[lay.sigmaOffset + g]! += 2 * sigma2 * dSigma2 - sigma2 / seg.sigmaScale ** 2 + 1;
        // ∂/∂M = α(μ + c)ᵀ − P·Cap⁻¹, then through m_c = f_c·s_c to each transform parameter
        for (let j = 0; j < C; j++) {
          if (f[j] === 0) continue;
          const st = states[j]!;
          let h1 = 0;
          const Gj = m[j]!; // reused as ∂/∂m_c: m is rebuilt before every use
          for (let t = 0; t < n; t++) {
            let v = alpha[t]! * (mu[j]! + c[j]!);
            for (let k = 0; k < C; k++) v -= P[k]![t]! * capInv[k * C + j]!;
            Gj[t] = v;
            h1 += v * st.s[t]!;
          }
          // m_c = spend·s/Σ_fit s: ∂/∂s(t) = G(t) − h1/Σ_fit s
          const shift = h1 / st.sumFit;
          for (let t = 0; t < n; t++) Gj[t]! -= shift;
          transformGradient(d, lay, j, g, st, Gj, n, f[j]!, grad);
        }
      }
      for (let j = 0; j < C; j++) {
        const pr = d.roiPriors[j]!;
        const kMu = lay.roiOffset + 2 * j;
        const kRho = kMu + 1;
        // log μ ~ N(log median, spread²): the channel's ROI prior on the mean over geos
        const z = (q[kMu]! - Math.log(pr.median)) / pr.spread;
        lp += -0.5 * z * z;
        grad[kMu]! += -z / pr.spread + mu[j]! * dMu[j]! + 2 * T[j]! * dT[j]!;
        // ρ ~ HalfNormal(POOLING_TAU_SCALE), sampled as log ρ (Jacobian ρ)
        const rho = Math.exp(q[kRho]!);
        lp += (-0.5 * rho * rho) / POOLING_TAU_SCALE ** 2 + q[kRho]!;
        grad[kRho]! += (-rho * rho) / POOLING_TAU_SCALE ** 2 + 1 + 2 * T[j]! * dT[j]!;
      }
      return lp;
    },
  };
}

export function geoSpec(d: PosteriorData): TargetSpec<PosteriorData> {
  return { module: import.meta.url, build: "geoDensity", data: d };
}

/**
 * Draws of a normal-geo-effects run in the centred partial-pooling layout the report reads (paramLayout with every
 * channel centred): each geo's log ROI drawn from its Gaussian conditional (μ + c, Cap⁻¹) at each draw. A geo ROI
 * drawn at or below zero is kept at a millionth of μ (counted: the normal allows it, the report's log ROI does
 * not). Returns the data that layout belongs to.
 */
export function expandGeoDraws(d: PosteriorData, draws: readonly Float64Array[], rng: Rng): { draws: Float64Array[]; data: PosteriorData; clamped: number } {
  const lay = geoLayout(d);
  const data: PosteriorData = { ...d, geoEffects: undefined, centred: d.channels.map(() => true) };
  const out = paramLayout(data);
  const C = d.channels.length;
  const G = d.segments.length;
  const nMax = Math.max(...d.segments.map((g) => g.n));
  const m = d.channels.map(() => new Float64Array(nMax));
  const L = new Float64Array(C * C);
  const scratch = geoScratch(d);
  let clamped = 0;
  const expand = (q: Float64Array): Float64Array => {
    const x = new Float64Array(out.dim);
    x.set(q.subarray(0, lay.roiOffset), 0);
    const weights = lagWeightsOf(d, lay, q);
    d.channels.forEach((_, j) => {
      const base = out.roiOffset + j * (2 + G);
      x[base] = q[lay.roiOffset + 2 * j]!;
      x[base + 1] = q[lay.roiOffset + 2 * j + 1]!; // log ρ stands where log τ of log ROI would (ρ ≈ that spread)
    });
    for (let g = 0; g < G; g++) {
      const states = d.channels.map((_, j) => channelState(d, lay, q, j, g, false, weights[j]));
      mediaColumns(d, g, states, m);
      const gt = geoTerms(d, lay, q, g, m, scratch);
      const z = d.channels.map(() => rng.normal());
      if (gt) {
        L.set(gt.capInv);
        if (!Number.isFinite(choleskyInPlace(L, C))) L.fill(0);
      }
      for (let j = 0; j < C; j++) {
        const mu = Math.exp(q[lay.roiOffset + 2 * j]!);
        let roi = mu + (gt ? gt.c[j]! : 0);
        if (gt) for (let k = 0; k <= j; k++) roi += L[j * C + k]! * z[k]!;
        if (!(roi > 0)) {
          clamped++;
          roi = 1e-6 * mu;
        }
        x[out.roiOffset + j * (2 + G) + 2 + g] = Math.log(roi);
      }
      x[out.sigmaOffset + g] = q[lay.sigmaOffset + g]!;
    }
    return x;
  };
  return { draws: draws.map(expand), data, clamped };
}
