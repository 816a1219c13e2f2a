import jstat from "jstat";
import { ValidationError } from "../../errors.ts";
import { fSurvival } from "../distributions.ts";
import { mean } from "./describe.ts";

const { jStat } = jstat;

export interface GroupSummary {
  readonly group: string;
  readonly n: number;
  readonly mean: number;
  readonly std: number;
}

export interface AnovaResult {
  readonly groups: readonly GroupSummary[];
  readonly f: number;
  readonly pValue: number;
  readonly dfBetween: number;
  readonly dfWithin: number;
  readonly ssBetween: number;
  readonly ssWithin: number;
  readonly msBetween: number;
  readonly msWithin: number;
  /** Share of variance explained by the groups: SS_between / SS_total. */
  readonly etaSquared: number;
  readonly interpretation: string;
}

export interface TukeyPair {
  readonly group1: string;
  readonly group2: string;
  /** mean(group2) − mean(group1), statsmodels' sign. */
  readonly meandiff: number;
  readonly stdErr: number;
  readonly pAdj: number;
  readonly lower: number;
  readonly upper: number;
  readonly reject: boolean;
}

export interface TukeyResult {
  readonly alpha: number;
  readonly qCrit: number;
  readonly pairs: readonly TukeyPair[];
}

/** Values grouped by level, levels in sorted order (statsmodels' order). */
export type Groups = ReadonlyMap<string, readonly number[]>;

function checkGroups(groups: Groups): void {
  if (groups.size < 2)
    throw new ValidationError(`Need at least 2 groups; got ${groups.size}.`, [{ path: ["group"], message: "fewer than 2 groups", code: "too_few_groups" }]);
  for (const [g, v] of groups) {
    if (v.length < 2)
      throw new ValidationError(`Group "${g}" has ${v.length} value(s); each group needs at least 2.`, [
        { path: ["group"], message: "group too small", value: g },
      ]);
  }
}

/** One-way ANOVA (scipy.stats.f_oneway) with the sums of squares and eta². */
export function oneWayAnova(groups: Groups, alpha = 0.05): AnovaResult {
  checkGroups(groups);
  const all = [...groups.values()].flat();
  const grand = mean(all);
  let ssBetween = 0;
  let ssWithin = 0;
  const summaries: GroupSummary[] = [];
  for (const [group, v] of groups) {
    const m = mean(v);
    const ss = v.reduce((s, x) => s + (x - m) ** 2, 0);
    ssBetween += v.length * (m - grand) ** 2;
    ssWithin += ss;
    summaries.push({ group, n: v.length, mean: m, std: Math.sqrt(ss / (v.length - 1)) });
  }
  const dfBetween = groups.size - 1;
  const dfWithin = all.length - groups.size;
  const msBetween = ssBetween / dfBetween;
  const msWithin = ssWithin / dfWithin;
  const f = msBetween / msWithin;
  const pValue = fSurvival(f, dfBetween, dfWithin);
  const etaSquared = ssBetween / (ssBetween + ssWithin);
  return {
    groups: summaries,
    f,
    pValue,
    dfBetween,
    dfWithin,
    ssBetween,
    ssWithin,
    msBetween,
    msWithin,
    etaSquared,
    interpretation:
      pValue < alpha
        ? `The group means differ (F = ${f.toFixed(2)}, p = ${pValue.toExponential(2)}); the groups explain ${(100 * etaSquared).toFixed(1)}% of the variance. Tukey HSD says which pairs.`
        : `No evidence that the group means differ (F = ${f.toFixed(2)}, p = ${pValue.toFixed(3)}).`,
  };
}

/**
 * Tukey's HSD for all pairs (Tukey-Kramer for unequal sizes), as statsmodels pairwise_tukeyhsd: studentized range
 * distribution from jstat (Lund & Lund, AS 190), pooled within-group variance.
 */
export function tukeyHsd(groups: Groups, alpha = 0.05): TukeyResult {
  checkGroups(groups);
  const levels = [...groups.keys()];
  const k = levels.length;
  const n = [...groups.values()].reduce((s, v) => s + v.length, 0);
  const df = n - k;
  const means = levels.map((l) => mean(groups.get(l)!));
  let ssWithin = 0;
  levels.forEach((l, i) => (ssWithin += groups.get(l)!.reduce((s, x) => s + (x - means[i]!) ** 2, 0)));
  const mse = ssWithin / df;
  const qCrit = jStat.tukey.inv(1 - alpha, k, df);
  const pairs: TukeyPair[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const ni = groups.get(levels[i]!)!.length;
      const nj = groups.get(levels[j]!)!.length;
      const stdErr = Math.sqrt((mse / 2) * (1 / ni + 1 / nj));
      const meandiff = means[j]! - means[i]!;
      const q = Math.abs(meandiff) / stdErr;
      const pAdj = Math.min(1, Math.max(0, 1 - jStat.tukey.cdf(q, k, df)));
      pairs.push({
        group1: levels[i]!,
        group2: levels[j]!,
        meandiff,
        stdErr,
        pAdj,
        lower: meandiff - qCrit * stdErr,
        upper: meandiff + qCrit * stdErr,
        reject: pAdj < alpha,
      });
    }
  }
  return { alpha, qCrit, pairs };
}
