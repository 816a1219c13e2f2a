import type { AssumptionCheck, CovType, TestResult } from "./types.ts";

export interface AssumptionInput {
  readonly jarqueBeraPvalue: number;
  readonly breuschPagan: TestResult | null;
  readonly durbinWatson: number;
  readonly maxVif: number | null;
  readonly conditionNumber: number;
  readonly covType: CovType;
  /** Significance level for the tests; 0.05. */
  readonly level?: number;
}

/**
 * The four OLS assumptions a planner's audience asks about, each with a one-line reading and what to do.
 * Thresholds: p < 0.05 for the tests; Durbin-Watson outside [1.5, 2.5]; VIF > 10 or condition number > 1e3
 * (statsmodels' own warning threshold, on unscaled data).
 */
export function assumptionChecks(a: AssumptionInput): AssumptionCheck[] {
  const level = a.level ?? 0.05;
  const robust = a.covType !== "nonrobust";
  const out: AssumptionCheck[] = [];
  const jbOk = a.jarqueBeraPvalue >= level;
  out.push({
    check: "normality",
    ok: jbOk,
    message: jbOk
      ? `residuals look normal (Jarque-Bera p = ${fmt(a.jarqueBeraPvalue)})`
      : `residuals are not normal (Jarque-Bera p = ${fmt(a.jarqueBeraPvalue)}): intervals rely on the large-sample approximation; check for outliers or a skewed target (try log)`,
  });
  if (a.breuschPagan) {
    const ok = a.breuschPagan.pValue >= level;
    out.push({
      check: "homoscedasticity",
      ok,
      message: ok
        ? `residual variance looks constant (Breusch-Pagan p = ${fmt(a.breuschPagan.pValue)})`
        : `residual variance changes with the regressors (Breusch-Pagan p = ${fmt(a.breuschPagan.pValue)}): ${robust ? "robust errors are in use" : 'use robust errors (covType "HC3")'}`,
    });
  }
  const dwOk = a.durbinWatson >= 1.5 && a.durbinWatson <= 2.5;
  out.push({
    check: "autocorrelation",
    ok: dwOk,
    message: dwOk
      ? `no sign of autocorrelated residuals (DW ${a.durbinWatson.toFixed(2)})`
      : `residuals are autocorrelated (DW ${a.durbinWatson.toFixed(2)}): ${a.covType === "HAC" ? "HAC errors are in use" : 'use HAC errors (covType "HAC")'}, or model the time structure`,
  });
  const multiOk = (a.maxVif === null || a.maxVif <= 10) && a.conditionNumber <= 1e3;
  out.push({
    check: "multicollinearity",
    ok: multiOk,
    message: multiOk
      ? `no strong multicollinearity (max VIF ${a.maxVif === null ? "n/a" : a.maxVif.toFixed(1)})`
      : a.maxVif !== null && a.maxVif > 10
        ? `regressors overlap strongly (max VIF ${a.maxVif.toFixed(1)}): individual coefficients are unstable; combine or drop overlapping terms`
        : `the condition number is large (${a.conditionNumber.toExponential(2)}) but VIFs are moderate: this mostly reflects the scale of the data, not collinearity`,
  });
  return out;
}

function fmt(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : p.toFixed(4);
}
