import { Matrix, solve } from "ml-matrix";
import { ModelFitError } from "../errors.ts";
import { chi2Survival, fSurvival, tQuantile, tTwoSidedP, zQuantile, zTwoSidedP } from "./distributions.ts";
import { dependentColumns, gram, leastSquares, leverages, rFactor, singularValues } from "./linalg.ts";
import { assumptionChecks } from "./assumptions.ts";
import { durbinWatson, jarqueBera, omnibus } from "./residual-tests.ts";
import type { CovType, FittedRegression, Term } from "./types.ts";

export interface OlsOptions {
  readonly covType?: CovType;
  /** Level for confidence intervals: (1 − alpha). Default 0.05. */
  readonly alpha?: number;
  /** HAC lag; default the Newey-West (1994) rule floor(4·(n/100)^(2/9)). */
  readonly hacLags?: number;
}

/** A design: named columns (column-major), the intercept if any named `Intercept`. */
export interface Design {
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  readonly y: Float64Array;
}

/** The Newey-West (1994) automatic lag: floor(4·(n/100)^(2/9)). */
export function neweyWestLags(n: number): number {
  return Math.floor(4 * (n / 100) ** (2 / 9));
}

/**
 * Ordinary least squares with statsmodels' inference: QR of the design (ml-matrix), terms that are linear
 * combinations of earlier ones dropped and reported (statsmodels keeps them with a pseudo-inverse's arbitrary
 * values; the other coefficients, df and F are the same), nonrobust, HC0-HC3 or HAC (Bartlett kernel, no small-sample
 * correction, as statsmodels' default) covariance, t inference for nonrobust and z for robust covariances (statsmodels' default).
 *
 * @throws ModelFitError when there are fewer rows than parameters or y has no variation to explain
 */
export function fitOls(design: Design, opts: OlsOptions = {}): FittedRegression {
  const { names, columns, y } = design;
  const covType = opts.covType ?? "nonrobust";
  const alpha = opts.alpha ?? 0.05;
  const n = y.length;
  const kAll = columns.length;
  if (kAll === 0) throw new ModelFitError("The model has no terms: add a regressor or an intercept.");
  if (n <= kAll) {
    throw new ModelFitError(`Need more rows than parameters: got ${n} complete rows for ${kAll} parameters (${names.join(", ")}).`, [
      { path: ["rows"], message: `${n} rows ≤ ${kAll} parameters`, code: "too_few_rows", value: n },
    ]);
  }
  const warnings: string[] = [];
  const interceptIndex = names.indexOf("Intercept");
  const hasIntercept = interceptIndex >= 0;

  let rAug = rFactor([...columns, y], n);
  const fullR = rAug.subMatrix(0, kAll - 1, 0, kAll - 1);
  const fullSv = singularValues(fullR);
  const conditionNumber = fullSv[0]! / fullSv[fullSv.length - 1]!;
  const dropped = new Set(dependentColumns(fullR, n));
  const keep = names.map((_, j) => j).filter((j) => !dropped.has(j));
  if (dropped.size > 0) {
    warnings.push(
      `Dropped ${[...dropped].map((j) => names[j]).join(", ")}: linearly dependent on earlier terms (e.g. all zero in this group, or collinear); ` +
        "its effect cannot be estimated from this data.",
    );
    rAug = rFactor([...keep.map((j) => columns[j]!), y], n);
  }
  const x = keep.map((j) => columns[j]!);
  const k = x.length;
  const ls = leastSquares(rAug);

  const fitted = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const c = ls.coef[j]!;
    const col = x[j]!;
    for (let i = 0; i < n; i++) fitted[i]! += c * col[i]!;
  }
  const resid = new Float64Array(n);
  let ssr = 0;
  let yMean = 0;
  for (let i = 0; i < n; i++) {
    resid[i] = y[i]! - fitted[i]!;
    ssr += resid[i]! * resid[i]!;
    yMean += y[i]!;
  }
  yMean /= n;
  let tss = 0;
  for (let i = 0; i < n; i++) tss += hasIntercept ? (y[i]! - yMean) ** 2 : y[i]! ** 2;
  if (tss === 0)
    throw new ModelFitError("The target is constant: there is no variation to explain.", [{ path: ["target"], message: "constant", code: "constant_target" }]);

  const kConst = hasIntercept ? 1 : 0;
  const dfModel = k - kConst;
  const dfResid = n - k;
  const scale = ssr / dfResid;
  const rsquared = 1 - ssr / tss;
  const rsquaredAdj = 1 - ((n - kConst) / dfResid) * (1 - rsquared);

  const hacLags = covType === "HAC" ? (opts.hacLags ?? neweyWestLags(n)) : undefined;
  const cov = covariance(covType, { x, resid, n, k, dfResid, scale, normCov: ls.normCov, r: ls.r, hacLags });
  const useT = covType === "nonrobust";
  const q = useT ? tQuantile(1 - alpha / 2, dfResid) : zQuantile(1 - alpha / 2);

  // F: nonrobust from sums of squares; robust as a Wald test of all slopes with the robust covariance.
  const slopes = keep.map((_, i) => i).filter((i) => keep[i] !== interceptIndex);
  let fvalue: number | null = null;
  if (dfModel > 0) {
    if (covType === "nonrobust") fvalue = (tss - ssr) / dfModel / scale;
    else {
      const b = Matrix.columnVector(slopes.map((i) => ls.coef[i]!));
      const c = new Matrix(slopes.map((a) => slopes.map((bb) => cov.get(a, bb))));
      fvalue = b.transpose().mmul(solve(c, b)).get(0, 0) / dfModel;
    }
  }
  const fPvalue = fvalue === null ? null : fSurvival(fvalue, dfModel, dfResid);

  const llf = (-n / 2) * (Math.log(2 * Math.PI) + Math.log(ssr / n) + 1);
  const jb = jarqueBera(resid);
  const omni = omnibus(resid);
  const bp = hasIntercept && dfModel > 0 ? breuschPagan(x, resid, n, dfModel, ls.r) : null;

  const params: Term[] = names.map((name, j) => {
    const i = keep.indexOf(j);
    if (i < 0) return { name, coef: null, stdErr: null, t: null, pValue: null, ciLower: null, ciUpper: null, vif: null, dropped: true };
    const coef = ls.coef[i]!;
    const stdErr = Math.sqrt(cov.get(i, i));
    const t = coef / stdErr;
    return {
      name,
      coef,
      stdErr,
      t,
      pValue: useT ? tTwoSidedP(t, dfResid) : zTwoSidedP(t),
      ciLower: coef - q * stdErr,
      ciUpper: coef + q * stdErr,
      vif: j === interceptIndex ? null : vif(ls.normCov.get(i, i), x[i]!, hasIntercept),
      dropped: false,
    };
  });
  const durbin = durbinWatson(resid);
  const vifs = params.map((p) => p.vif).filter((v): v is number => v !== null);
  return Object.freeze({
    nobs: n,
    dfModel,
    dfResid,
    covType,
    ...(hacLags !== undefined && { hacLags }),
    useT,
    alpha,
    hasIntercept,
    params,
    rsquared,
    rsquaredAdj,
    fvalue,
    fPvalue,
    llf,
    aic: -2 * llf + 2 * k,
    bic: -2 * llf + Math.log(n) * k,
    ssr,
    scale,
    durbinWatson: durbin,
    conditionNumber,
    omnibus: omni?.statistic ?? null,
    omnibusPvalue: omni?.pValue ?? null,
    jarqueBera: jb.statistic,
    jarqueBeraPvalue: jb.pValue,
    skew: jb.skew,
    kurtosis: jb.kurtosis,
    breuschPagan: bp,
    assumptions: assumptionChecks({
      jarqueBeraPvalue: jb.pValue,
      breuschPagan: bp,
      durbinWatson: durbin,
      maxVif: vifs.length ? Math.max(...vifs) : null,
      conditionNumber,
      covType,
    }),
    covParams: cov.to2DArray(),
    warnings,
  });
}

/** VIF_j = [(XᵀX)⁻¹]_jj · Σ(x_j − x̄_j)² (uncentred without an intercept): 1/(1 − R²_j) without k extra fits. */
function vif(normCovJJ: number, col: Float64Array, centred: boolean): number {
  let mean = 0;
  if (centred) {
    for (let i = 0; i < col.length; i++) mean += col[i]!;
    mean /= col.length;
  }
  let ss = 0;
  for (let i = 0; i < col.length; i++) ss += (col[i]! - mean) ** 2;
  return normCovJJ * ss;
}

interface CovInput {
  readonly x: readonly Float64Array[];
  readonly resid: Float64Array;
  readonly n: number;
  readonly k: number;
  readonly dfResid: number;
  readonly scale: number;
  readonly normCov: Matrix;
  readonly r: Matrix;
  readonly hacLags?: number;
}

/** Coefficient covariance: scale·(XᵀX)⁻¹, or the sandwich (XᵀX)⁻¹ · meat · (XᵀX)⁻¹. */
function covariance(covType: CovType, c: CovInput): Matrix {
  if (covType === "nonrobust") return c.normCov.clone().mul(c.scale);
  const { x, resid, n, k } = c;
  if (covType === "HAC") {
    const meat = new Matrix(k, k);
    const L = c.hacLags!;
    // scores u_t = x_t·e_t
    const u = x.map((col) => col.map((v, i) => v * resid[i]!));
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += u[a]![t]! * u[b]![t]!;
        for (let l = 1; l <= L; l++) {
          const w = 1 - l / (L + 1);
          let g = 0;
          for (let t = l; t < n; t++) g += u[a]![t]! * u[b]![t - l]! + u[a]![t - l]! * u[b]![t]!;
          s += w * g;
        }
        meat.set(a, b, s);
        meat.set(b, a, s);
      }
    }
    return c.normCov.mmul(meat).mmul(c.normCov); // statsmodels' default: no small-sample correction
  }
  const h = covType === "HC2" || covType === "HC3" ? leverages(x, n, c.r) : undefined;
  // meat = Σ w_i x_i x_iᵀ = (√w·X)ᵀ(√w·X): one Gram product (BLAS dsyrk when available); every w_i ≥ 0
  const sw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e2 = resid[i]! * resid[i]!;
    const w = covType === "HC2" ? e2 / (1 - h![i]!) : covType === "HC3" ? e2 / (1 - h![i]!) ** 2 : e2;
    sw[i] = Math.sqrt(w);
  }
  const meat = gram(
    x.map((col) => col.map((v, i) => v * sw[i]!)),
    n,
  );
  const sandwich = c.normCov.mmul(meat).mmul(c.normCov);
  return covType === "HC1" ? sandwich.mul(n / c.dfResid) : sandwich;
}

/**
 * Koenker's studentised Breusch-Pagan test (statsmodels het_breuschpagan, robust=True): LM = n·R² of e² on the
 * regressors, chi-square with as many degrees of freedom as slopes. The auxiliary fit reuses X's R factor:
 * Qᵀe² = R⁻ᵀXᵀe² (one O(nk) pass instead of a second factorisation), and SSR = ‖e²‖² − ‖Qᵀe²‖².
 */
function breuschPagan(x: readonly Float64Array[], resid: Float64Array, n: number, df: number, r: Matrix) {
  const k = x.length;
  const e2 = new Float64Array(n);
  for (let i = 0; i < n; i++) e2[i] = resid[i]! * resid[i]!;
  const xte = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = x[j]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += col[i]! * e2[i]!;
    xte[j] = s;
  }
  // forward substitution with Rᵀ (lower triangular)
  const q = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let v = xte[j]!;
    for (let l = 0; l < j; l++) v -= r.get(l, j) * q[l]!;
    q[j] = v / r.get(j, j);
  }
  let mean = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    mean += e2[i]!;
    ss += e2[i]! * e2[i]!;
  }
  mean /= n;
  let tss = 0;
  for (let i = 0; i < n; i++) tss += (e2[i]! - mean) ** 2;
  const ssr = ss - q.reduce((s, v) => s + v * v, 0);
  const statistic = n * (1 - ssr / tss);
  return { statistic, pValue: chi2Survival(statistic, df) };
}
