import type { AnovaResult, TukeyResult } from "../regression/classic/anova.ts";
import type { DatasetRecord } from "../store/datasets.ts";
import type { RegressionResult } from "../regression/fit-formula.ts";
import type { RoiTable } from "../regression/roi.ts";

/** Tables as CSV rows with stable column names: one row per term, tactic or dataset. */
export type CsvTable = { readonly header: string[]; readonly rows: (string | number | boolean | null)[][] };

export function regressionCsv(r: RegressionResult): CsvTable {
  return {
    header: ["group", "term", "coef", "std_err", "t", "p_value", "ci_lower", "ci_upper", "vif", "dropped"],
    rows: r.models.flatMap((m) => ("error" in m ? [] : m.params.map((p) => [m.group, p.name, p.coef, p.stdErr, p.t, p.pValue, p.ciLower, p.ciUpper, p.vif, p.dropped]))),
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
