/** Regression results in statsmodels' vocabulary, camelCased. Plain, JSON-ready data. */

export type CovType = "nonrobust" | "HC0" | "HC1" | "HC2" | "HC3" | "HAC";

export interface Term {
  /** statsmodels formula name: `Intercept`, `Radio`, `C(TV)[T.Low]`, `Radio:C(TV)[T.Low]`. */
  readonly name: string;
  /** null when the term was dropped as linearly dependent on earlier ones (see `warnings`). */
  readonly coef: number | null;
  readonly stdErr: number | null;
  /** t statistic (z under robust covariances, as statsmodels reports them). */
  readonly t: number | null;
  readonly pValue: number | null;
  readonly ciLower: number | null;
  readonly ciUpper: number | null;
  /** Variance inflation factor (null for the intercept and dropped terms). */
  readonly vif: number | null;
  readonly dropped: boolean;
}

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** One plain-language reading of an assumption check. */
export interface AssumptionCheck {
  readonly check: "normality" | "homoscedasticity" | "autocorrelation" | "multicollinearity";
  readonly ok: boolean;
  readonly message: string;
}

export interface FittedRegression {
  readonly nobs: number;
  readonly dfModel: number;
  readonly dfResid: number;
  readonly covType: CovType;
  /** HAC only: the lag used and the rule that chose it. */
  readonly hacLags?: number;
  /** z-based inference (robust covariances) or t-based (nonrobust), as statsmodels' use_t default. */
  readonly useT: boolean;
  readonly alpha: number;
  readonly hasIntercept: boolean;
  readonly params: readonly Term[];
  readonly rsquared: number;
  readonly rsquaredAdj: number;
  readonly fvalue: number | null;
  readonly fPvalue: number | null;
  readonly llf: number;
  readonly aic: number;
  readonly bic: number;
  readonly ssr: number;
  /** ssr / dfResid. */
  readonly scale: number;
  readonly durbinWatson: number;
  readonly conditionNumber: number;
  readonly omnibus: number | null;
  readonly omnibusPvalue: number | null;
  readonly jarqueBera: number;
  readonly jarqueBeraPvalue: number;
  readonly skew: number;
  readonly kurtosis: number;
  /** Koenker's studentised Breusch-Pagan LM test against the regressors (statsmodels het_breuschpagan). */
  readonly breuschPagan: TestResult | null;
  readonly assumptions: readonly AssumptionCheck[];
  /** Covariance of the kept coefficients, in the order of the kept terms. */
  readonly covParams: readonly (readonly number[])[];
  readonly warnings: readonly string[];
}
