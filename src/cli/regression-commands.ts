import { NotFoundError, ValidationError } from "../errors.ts";
import { kmeansAnalysis } from "../regression/cluster/kmeans.ts";
import { fitLogitFormula } from "../regression/logit-formula.ts";
import { fitFormula } from "../regression/fit-formula.ts";
import { roi as roiUseCase } from "../app/regressions.ts";
import { ChiSquareRequest, CorrelationRequest, GroupAnalysisRequest, RegressionRequest, RoiRequest, TTestRequest } from "../app/schemas.ts";
import { anova, chiSquare, correlation, tTest, tukey } from "../app/analyses.ts";
import type { Store } from "../store/store.ts";
import { parseBody, requiredList } from "./args.ts";
import { formatNumber, formatTable } from "./format.ts";

export interface RegressionFlags {
  json?: boolean;
  segment?: string;
  "cov-type"?: string;
  target?: string;
  tactics?: string;
  value?: string;
  group?: string;
  a?: string;
  b?: string;
  rows?: string;
  cols?: string;
  columns?: string;
  method?: string;
  profile?: string;
  formula?: string;
  positive?: string;
}

/** The id of the dataset a CLI argument names, by id or (the newest with that) name. */
export async function datasetIdByRef(store: Store, ref: string | undefined): Promise<string> {
  if (!ref) throw new ValidationError("Name a dataset (id or name).");
  if (await store.datasets.get(ref)) return ref;
  const match = (await store.datasets.list(10_000)).items.filter((d) => d.name === ref).at(-1);
  if (!match) throw new NotFoundError(`No dataset with id or name "${ref}". See: mixcast datasets list`);
  return match.id;
}

const out = (flags: RegressionFlags, value: unknown, human: () => string) => console.log(flags.json ? JSON.stringify(value, null, 2) : human());

/** mixcast regress DATASET "y ~ x + C(seg)" [--segment COL] [--cov-type HC3] */
export async function regress(store: Store, ref: string | undefined, formula: string | undefined, flags: RegressionFlags): Promise<number> {
  if (!formula) throw new ValidationError('usage: mixcast regress DATASET "y ~ x1 + x2" [--segment COLUMN] [--cov-type nonrobust|HC0|HC1|HC2|HC3|HAC]');
  // the request POST /v1/regressions takes, checked by its schema
  const datasetId = await datasetIdByRef(store, ref);
  const { datasetId: _d, ...request } = parseBody(RegressionRequest, { datasetId, formula, segment: flags.segment, covType: flags["cov-type"] });
  const result = fitFormula((await store.datasets.load(datasetId))!, request);
  out(flags, result, () =>
    result.models
      .map((m) => {
        if ("error" in m) return `${m.group}: ${m.error}`;
        const head = `${m.group === null ? "" : `${result.segment} = ${m.group}\n`}${result.formula}   n = ${m.nobs}, R² = ${formatNumber(m.rsquared)}, adj. R² = ${formatNumber(m.rsquaredAdj)}, F = ${m.fvalue === null ? "n/a" : formatNumber(m.fvalue)} (p = ${m.fPvalue === null ? "n/a" : formatNumber(m.fPvalue)}), DW = ${formatNumber(m.durbinWatson)}, cov = ${m.covType}`;
        const table = formatTable(
          m.params.map((p) => ({ ...p, dropped: p.dropped ? "dropped" : "" })),
          ["name", "coef", "stdErr", "t", "pValue", "ciLower", "ciUpper", "vif", "dropped"],
        );
        const notes = [...m.assumptions.filter((a) => !a.ok).map((a) => `! ${a.message}`), ...m.warnings.map((w) => `! ${w}`)];
        return [head, table, ...notes].join("\n");
      })
      .join("\n\n"),
  );
  return 0;
}

/** mixcast roi DATASET --target COL --tactics a,b,c [--segment COL] */
export async function roi(store: Store, ref: string | undefined, flags: RegressionFlags): Promise<number> {
  if (!flags.target) throw new ValidationError("--target is required.");
  const datasetId = await datasetIdByRef(store, ref);
  const table = roiUseCase(
    (await store.datasets.load(datasetId))!,
    parseBody(RoiRequest, { datasetId, target: flags.target, tactics: requiredList(flags.tactics, "tactics"), segment: flags.segment }),
  );
  out(flags, table, () =>
    table.segments
      .map(
        (s) =>
          `${s.recommendation}\n${formatTable(
            s.tactics.map((t) => ({ ...t, significant: t.significant ? "yes" : "" })),
            ["tactic", "roi", "pValue", "ciLower", "ciUpper", "significant"],
          )}`,
      )
      .join("\n\n"),
  );
  return 0;
}

/** mixcast analyze anova|tukey|ttest|chisquare|correlation DATASET ... */
export async function analyze(store: Store, kind: string | undefined, ref: string | undefined, flags: RegressionFlags): Promise<number> {
  const datasetId = await datasetIdByRef(store, ref);
  const ds = (await store.datasets.load(datasetId))!;
  // the request POST /v1/analyses/<kind> takes, checked by its schema, and the same use case
  const group = () => parseBody(GroupAnalysisRequest, { datasetId, value: need(flags.value, "value"), group: need(flags.group, "group") });
  switch (kind) {
    case "anova": {
      const r = anova(ds, group());
      out(flags, r, () => `${formatTable(r.groups, ["group", "n", "mean", "std"])}\n\n${r.interpretation}`);
      return 0;
    }
    case "tukey": {
      const r = tukey(ds, group());
      out(flags, r, () =>
        formatTable(
          r.pairs.map((p) => ({ ...p, reject: p.reject ? "yes" : "" })),
          ["group1", "group2", "meandiff", "pAdj", "lower", "upper", "reject"],
        ),
      );
      return 0;
    }
    case "ttest": {
      const r = tTest(
        ds,
        parseBody(TTestRequest, {
          kind: "welch",
          datasetId,
          value: need(flags.value, "value"),
          group: need(flags.group, "group"),
          a: need(flags.a, "a"),
          b: need(flags.b, "b"),
        }),
      );
      out(
        flags,
        r,
        () => `Welch t = ${formatNumber(r.t)}, df = ${formatNumber(r.df)}, p = ${formatNumber(r.pValue)}, d = ${formatNumber(r.cohenD)}\n${r.interpretation}`,
      );
      return 0;
    }
    case "chisquare": {
      const r = chiSquare(ds, parseBody(ChiSquareRequest, { datasetId, rows: need(flags.rows, "rows"), cols: need(flags.cols, "cols") }));
      out(flags, r, () => r.interpretation);
      return 0;
    }
    case "correlation": {
      const r = correlation(ds, parseBody(CorrelationRequest, { datasetId, columns: requiredList(flags.columns, "columns"), method: flags.method }));
      out(flags, r, () =>
        formatTable(
          r.columns.map((c, i) => ({ "": c, ...Object.fromEntries(r.columns.map((d, j) => [d, r.r[i]![j]])) })),
          ["", ...r.columns],
        ),
      );
      return 0;
    }
    case "kmeans": {
      const r = kmeansAnalysis(ds, {
        columns: requiredList(flags.columns, "columns"),
        profile: flags.profile ? requiredList(flags.profile, "profile") : undefined,
      });
      out(
        flags,
        { ...r, assignments: undefined },
        () => `${formatTable(r.results, ["k", "inertia", "silhouette"])}

chosen k = ${r.chosenK} (highest silhouette)
${formatTable(
  r.clusters.map((c) => ({ cluster: c.cluster, size: c.size, ...c.means })),
  ["cluster", "size", ...Object.keys(r.clusters[0]!.means)],
)}`,
      );
      return 0;
    }
    case "logit": {
      const r = fitLogitFormula(ds, { formula: need(flags.formula, "formula"), positive: flags.positive });
      out(
        flags,
        r,
        () =>
          `${formatTable(r.params, ["name", "coef", "stdErr", "z", "pValue", "oddsRatio", "oddsRatioLower", "oddsRatioUpper"])}

pseudo R² = ${formatNumber(r.prsquared)}, LLR p = ${formatNumber(r.llrPvalue)}` +
          (r.holdout
            ? `
holdout (${r.holdout.n} rows): accuracy ${formatNumber(r.holdout.accuracy)}, precision ${r.holdout.precision === null ? "n/a" : formatNumber(r.holdout.precision)}, recall ${r.holdout.recall === null ? "n/a" : formatNumber(r.holdout.recall)}, F1 ${r.holdout.f1 === null ? "n/a" : formatNumber(r.holdout.f1)}, ROC AUC ${r.holdout.rocAuc === null ? "n/a" : formatNumber(r.holdout.rocAuc)}`
            : ""),
      );
      return 0;
    }
    default:
      throw new ValidationError(
        "usage: mixcast analyze anova|tukey|ttest|chisquare|correlation|kmeans|logit DATASET [--value V --group G] [--a L --b L] [--rows R --cols C] [--columns a,b] [--profile c] [--formula F --positive L]",
      );
  }
}

function need(v: string | undefined, flag: string): string {
  if (!v) throw new ValidationError(`--${flag} is required.`);
  return v;
}
