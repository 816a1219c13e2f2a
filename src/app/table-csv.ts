import type { AnovaResult, TukeyResult } from "../regression/classic/anova.ts";
import type { CorrelationMatrix } from "../regression/classic/correlation.ts";
import type { LogitResult } from "../regression/logit-formula.ts";
import type { MmmResult } from "../regression/mmm/fit-dataset.ts";
import type { DatasetRecord } from "../store/datasets.ts";
import type { RegressionResult } from "../regression/fit-formula.ts";
import type { RoiTable } from "../regression/roi.ts";

/** Tables as CSV rows with stable column names: one row per term, tactic or dataset. */
export type CsvTable = { readonly header: string[]; readonly rows: (string | number | boolean | null)[][] };

export function regressionCsv(r: RegressionResult): CsvTable {
  return {
    header: ["group", "term", "coef", "std_err", "t", "p_value", "ci_lower", "ci_upper", "vif", "dropped"],
    rows: r.models.flatMap((m) =>
      "error" in m ? [] : m.params.map((p) => [m.group, p.name, p.coef, p.stdErr, p.t, p.pValue, p.ciLower, p.ciUpper, p.vif, p.dropped]),
    ),
  };
}

export function roiCsv(t: RoiTable): CsvTable {
  return {
    header: ["segment", "tactic", "roi", "std_err", "p_value", "ci_lower", "ci_upper", "significant", "estimable"],
    rows: t.segments.flatMap((s) => s.tactics.map((x) => [s.segment, x.tactic, x.roi, x.stdErr, x.pValue, x.ciLower, x.ciUpper, x.significant, x.estimable])),
  };
}

export function datasetListCsv(items: readonly DatasetRecord[]): CsvTable {
  return {
    header: ["id", "name", "rows", "columns", "warnings", "created_at"],
    rows: items.map((d) => [d.id, d.name, d.rows, d.columns.length, d.warnings.length, d.createdAt]),
  };
}

export function anovaCsv(a: AnovaResult): CsvTable {
  return { header: ["group", "n", "mean", "std"], rows: a.groups.map((g) => [g.group, g.n, g.mean, g.std]) };
}

export function tukeyCsv(t: TukeyResult): CsvTable {
  return {
    header: ["group1", "group2", "meandiff", "std_err", "p_adj", "lower", "upper", "reject"],
    rows: t.pairs.map((p) => [p.group1, p.group2, p.meandiff, p.stdErr, p.pAdj, p.lower, p.upper, p.reject]),
  };
}

export function logitCsv(r: LogitResult): CsvTable {
  return {
    header: ["term", "coef", "std_err", "z", "p_value", "ci_lower", "ci_upper", "odds_ratio", "odds_ratio_lower", "odds_ratio_upper"],
    rows: r.params.map((t) => [t.name, t.coef, t.stdErr, t.z, t.pValue, t.ciLower, t.ciUpper, t.oddsRatio, t.oddsRatioLower, t.oddsRatioUpper]),
  };
}

/** One row per pair of columns (long form: filters and pivots well in a sheet). */
export function correlationCsv(m: CorrelationMatrix): CsvTable {
  const rows: (string | number | null)[][] = [];
  m.columns.forEach((a, i) => m.columns.forEach((b, j) => j > i && rows.push([a, b, m.r[i]![j]!, m.pValue[i]![j]!, m.n[i]![j]!])));
  return { header: ["column1", "column2", "r", "p_value", "n"], rows };
}

export function mmmChannelsCsv(r: MmmResult): CsvTable {
  return {
    header: [
      "segment",
      "channel",
      "spend",
      "contribution",
      "share_of_spend",
      "share_of_effect",
      "roi",
      "roi_lower",
      "roi_upper",
      "mroi",
      "mroi_lower",
      "mroi_upper",
      "unseen_share",
      "saturation",
      "adstock",
      "alpha",
      "slope",
      "kappa",
    ],
    rows: r.segments.flatMap((s) =>
      "error" in s
        ? []
        : s.model.channels.map((c) => [
            s.segment,
            c.channel,
            c.spend,
            c.contribution,
            c.shareOfSpend,
            c.shareOfEffect,
            c.roi,
            c.roiInterval?.lower ?? null,
            c.roiInterval?.upper ?? null,
            c.mroi,
            c.mroiInterval?.lower ?? null,
            c.mroiInterval?.upper ?? null,
            c.unseenShare ?? null,
            c.form.saturation,
            c.form.adstock,
            c.transform.alpha,
            c.transform.slope,
            c.transform.kappa,
          ]),
    ),
  };
}

/** Response curves sampled for a sheet: one row per segment, channel and spend level. */
export function mmmCurvesCsv(r: MmmResult): CsvTable {
  return {
    header: ["segment", "channel", "spend", "response", "marginal", "response_lower", "response_upper", "within_data"],
    rows: r.segments.flatMap((s) =>
      "error" in s
        ? []
        : s.model.curves.flatMap((c) =>
            c.spend.map((x, k) => [
              s.segment,
              c.channel,
              x,
              c.response[k]!,
              c.marginal[k]!,
              c.responseLower?.[k] ?? null,
              c.responseUpper?.[k] ?? null,
              // the spend levels the fitting data show (null for models stored before the range was kept)
              c.observedSpend ? x >= c.observedSpend.min && x <= c.observedSpend.max : null,
            ]),
          ),
    ),
  };
}
