import { ModelFitError } from "../../errors.ts";
import { lruGet } from "../../lru.ts";
import { adstock } from "./adstock.ts";
import { constrainedLeastSquares } from "./nnls.ts";
import { baselineProjector } from "./projector.ts";
import type { RowLayout } from "./row-layout.ts";
import { hillSaturation } from "./saturation.ts";
import type { MmmInput } from "./types.ts";

/** One channel's transform in the fast fit: geometric retention, Hill half-saturation relative to mean spend, Hill slope. */
export interface Params {
  alpha: number;
  kappaRel: number;
  slope: number;
}

/** A target to fit: y in the fit's row order and, with the projector, its residual on the baseline. */
export interface Target {
  readonly y: Float64Array;
  readonly resid: Float64Array | null;
}

/** What the objective is built from: the rows in the fit's order (fitting rows first) and the baseline design. */
export interface ObjectiveSetup {
  readonly input: MmmInput;
  readonly names: readonly string[];
  readonly layout: RowLayout;
  readonly perm: (a: ArrayLike<number>) => Float64Array;
  readonly baseColumns: readonly Float64Array[];
  readonly lMax: number;
  readonly fitPeriods: number;
  /** Per channel: mean spend over the fitting rows (kappa is relative to it). */
  readonly meanSpend: readonly number[];
  /** Share of the fitting window's end scored by a fit on the rest; 0 scores the in-sample profile likelihood. */
  readonly validation: number;
}

/**
 * The fast fit's objective: for a candidate set of transforms, the media columns (cached), the non-negative media
 * coefficients, and the score. Frisch–Waugh–Lovell: with the baseline partialled out once (`projector`), each
 * candidate is a small fit on the media columns alone; without it (a validation split refits the baseline on the
 * shorter window, or the baseline is rank-deficient) the full design is fitted. Lift tests are extra weighted rows.
 */
export class FastObjective {
  readonly intercept: Float64Array;
  readonly mediaOffset: number;
  readonly nonNeg: ReadonlySet<number>;
  readonly valStart: number;
  readonly scoreFrom: number;
  readonly projector: ((x: Float64Array) => Float64Array) | null;
  /** The media columns of the candidate last used (the lift rows and the final fit read them). */
  readonly mediaCols: Float64Array[] = [];
  /** Candidates scored so far (the search reports it). */
  evaluations = 0;
  private readonly allMedia: ReadonlySet<number>;
  private readonly adstocked = new Map<string, Float64Array>();
  private readonly columns = new Map<string, { raw: Float64Array; proj: Float64Array | null }>();
  private readonly lifts: readonly { readonly j: number; readonly idx: readonly number[]; readonly liftAbs: number; readonly liftSe: number }[];
  /** Residual SD of a first, uncalibrated fit: what weighs the lift rows (calibrateLifts). */
  private sigma = 0;

  constructor(private readonly s: ObjectiveSetup) {
    const n = s.input.dates.length;
    this.intercept = new Float64Array(n).fill(1);
    this.mediaOffset = 1 + s.baseColumns.length;
    this.nonNeg = new Set(s.names.map((_, j) => this.mediaOffset + j));
    this.allMedia = new Set(s.names.map((_, j) => j));
    this.valStart = s.validation > 0 ? Math.floor(s.fitPeriods * (1 - s.validation)) : s.fitPeriods;
    this.scoreFrom = s.validation > 0 ? this.valStart : 0;
    this.projector = s.validation === 0 ? baselineProjector([this.intercept, ...s.baseColumns], s.fitPeriods) : null;
    this.lifts = (s.input.lifts ?? []).map((l, i) => {
      const j = s.names.indexOf(l.channel);
      if (j < 0) throw new ModelFitError(`lifts[${i}]: ${l.channel} is not one of the channels (${s.names.join(", ")}).`);
      if (!(l.liftSe > 0)) throw new ModelFitError(`lifts[${i}]: liftSe must be positive; got ${l.liftSe}.`);
      const idx = s.input.dates.flatMap((d, t) => (d >= l.start && d <= l.end ? [t] : []));
      if (idx.length === 0) throw new ModelFitError(`lifts[${i}]: no period of the data falls in ${l.start}..${l.end}.`);
      return { j, idx, liftAbs: l.liftAbs, liftSe: l.liftSe };
    });
  }

  kappaOf(j: number, p: Params): number {
    return p.kappaRel * Math.max(this.s.meanSpend[j]!, 1e-9);
  }

  /**
   * Channel j's adstocked spend at retention alpha. Cached, least recently used out first: the refinement changes one
   * channel at a time, and every bootstrap replicate searches the neighbourhood of the fitted transforms again.
   */
  private adstockOf(j: number, alpha: number): Float64Array {
    const { input, names, layout, lMax, perm } = this.s;
    return lruGet(this.adstocked, `${j}:${alpha}`, 200, () => {
      // carry-over runs within a segment, in date order, then follows the rows' order
      const natural = input.channels[names[j]!]!;
      return perm(layout.segments.flatMap((g) => adstock(natural.slice(g.from, g.to), { kind: "geometric", alpha, lMax, normalize: true })));
    });
  }

  /** Channel j's media column at p, and its residual on the baseline (with the projector). */
  column(j: number, p: Params): { raw: Float64Array; proj: Float64Array | null } {
    return lruGet(this.columns, `${j}:${p.alpha}:${p.kappaRel}:${p.slope}`, 1000, () => {
      const raw = this.adstockOf(j, p.alpha).map((a) => hillSaturation(a, { slope: p.slope, kappa: this.kappaOf(j, p) }));
      return { raw, proj: this.projector ? this.projector(raw) : null };
    });
  }

  use(ps: readonly Params[]): void {
    ps.forEach((p, j) => (this.mediaCols[j] = this.column(j, p).raw));
  }

  targetOf(y: Float64Array): Target {
    return { y, resid: this.projector ? this.projector(y) : null };
  }

  /**
   * Calibration: each lift test is one more weighted observation, β_j · Σ_{t∈window} media_j(t) = liftAbs, scaled by
   * σ/liftSe so it counts like (σ/liftSe)² periods of data; σ is the residual SD of a first fit at `ps` without them.
   */
  calibrateLifts(ps: readonly Params[], y: Float64Array): void {
    if (this.lifts.length === 0) return;
    const fit = this.s.fitPeriods;
    this.use(ps);
    const cols0 = [this.intercept, ...this.s.baseColumns, ...this.mediaCols].map((c) => c.subarray(0, fit));
    const c0 = constrainedLeastSquares(cols0, y.subarray(0, fit), this.nonNeg);
    let ss = 0;
    for (let i = 0; i < fit; i++) ss += (y[i]! - cols0.reduce((acc, col, j) => acc + c0[j]! * col[i]!, 0)) ** 2;
    this.sigma = Math.sqrt(ss / (fit - cols0.length));
  }

  /** Media coefficients are fitted with the lift rows appended (a no-op without lifts). */
  private withLifts(cols: readonly Float64Array[], yy: Float64Array, offset = this.mediaOffset): { cols: readonly Float64Array[]; y: Float64Array } {
    if (this.lifts.length === 0) return { cols, y: yy };
    const m = yy.length;
    const out = cols.map((c) => {
      const a = new Float64Array(m + this.lifts.length);
      a.set(c.subarray(0, m));
      return a;
    });
    const ya = new Float64Array(m + this.lifts.length);
    ya.set(yy.subarray(0, m));
    this.lifts.forEach((l, r) => {
      const w = this.sigma / l.liftSe;
      let sum = 0;
      for (const t of l.idx) sum += this.mediaCols[l.j]![t]!;
      out[offset + l.j]![m + r] = w * sum;
      ya[m + r] = w * l.liftAbs;
    });
    return { cols: out, y: ya };
  }

  /** All coefficients (intercept, baseline, media ≥ 0) of a fit of `cols` to yy's first `upTo` periods. */
  fitTo(upTo: number, cols: readonly Float64Array[], yy: Float64Array): Float64Array {
    const a = this.withLifts(
      cols.map((c) => c.subarray(0, upTo)),
      yy.subarray(0, upTo),
    );
    return constrainedLeastSquares(a.cols, a.y, this.nonNeg);
  }

  /** The media coefficients of candidate `ps` on a target (β ≥ 0), fitted on its first `upTo` periods. */
  mediaCoefficients(ps: readonly Params[], tg: Target, upTo = this.valStart): Float64Array {
    this.use(ps);
    if (!this.projector) return this.fitTo(upTo, [this.intercept, ...this.s.baseColumns, ...this.mediaCols], tg.y).subarray(this.mediaOffset);
    const m = this.withLifts(
      ps.map((p, j) => this.column(j, p).proj!),
      tg.resid!,
      0,
    );
    return constrainedLeastSquares(m.cols, m.y, this.allMedia);
  }

  /**
   * The score of a candidate: without a validation share (the default), the in-sample RMSE of the fit on the whole
   * window, i.e. the profile likelihood of the transform parameters under Gaussian noise (variable projection: the
   * linear coefficients are solved exactly for every candidate); with one, the RMSE on [valStart, fitPeriods) of a
   * fit on [0, valStart).
   */
  score(ps: readonly Params[], tg: Target): number {
    this.evaluations++;
    const fitPeriods = this.s.fitPeriods;
    let ss = 0;
    if (this.projector) {
      const b = this.mediaCoefficients(ps, tg);
      const rx = ps.map((p, j) => this.column(j, p).proj!);
      for (let i = 0; i < fitPeriods; i++) {
        let f = 0;
        for (let j = 0; j < rx.length; j++) f += b[j]! * rx[j]![i]!;
        ss += (tg.resid![i]! - f) ** 2;
      }
      return Math.sqrt(ss / fitPeriods);
    }
    this.use(ps);
    const cols = [this.intercept, ...this.s.baseColumns, ...this.mediaCols];
    const coef = this.fitTo(this.valStart, cols, tg.y);
    for (let i = this.scoreFrom; i < fitPeriods; i++) {
      let f = 0;
      for (let j = 0; j < cols.length; j++) f += coef[j]! * cols[j]![i]!;
      ss += (tg.y[i]! - f) ** 2;
    }
    return Math.sqrt(ss / (fitPeriods - this.scoreFrom));
  }
}
