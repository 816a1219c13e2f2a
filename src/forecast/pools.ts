import { pairedDifference } from "../data/paired-difference.ts";

/**
 * Pools: the mean of a series' k best members on the backtest (forecast pooling, Kourentzes, Barrow & Petropoulos
 * 2019; combinations won M4 and M5). Whether a series picks its single best member or a pool is itself decided on
 * the backtest, with every rule scored the same honest way: on each fold, the member or members the rule takes are
 * the best on the other folds, so the fold it is scored on took no part in choosing them. Scoring the single best
 * member on the folds that chose it favours picking (its lead on three folds is partly luck): on real single series
 * from 7–8 origins, that in-sample comparison chose no better than picking alone (BENCHMARKS.md).
 */

export const POOLS = ["pool2", "pool3"] as const;
export type PoolName = (typeof POOLS)[number];
export const POOL_SIZE: Readonly<Record<PoolName, number>> = { pool2: 2, pool3: 3 };

/**
 * Members ranked by their mean score over `folds` (lower is better), best first; a member without a score on every
 * one of those folds is left out. scores: member → score per fold (null where the member could not forecast).
 */
export function rankMembers(scores: ReadonlyMap<string, readonly (number | null)[]>, folds: readonly number[]): string[] {
  const means: [string, number][] = [];
  for (const [m, s] of scores) {
    const at = folds.map((f) => s[f]);
    if (at.length && at.every((v) => v !== null && v !== undefined && Number.isFinite(v)))
      means.push([m, (at as number[]).reduce((a, v) => a + v, 0) / at.length]);
  }
  // ties broken by name, so the ranking does not depend on the map's order
  return means.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([m]) => m);
}

/** The mean of the points, day by day. */
export function poolPoint(points: readonly (readonly number[])[]): number[] {
  return points[0]!.map((_, h) => points.reduce((a, p) => a + p[h]!, 0) / points.length);
}

/**
 * The mean of the k best members' points on each fold, the k ranked on the other folds (null where fewer than k
 * members have scores there, or with fewer than two folds: nothing to rank on). points[f]: member → point on fold
 * f. With k = 1 it is picking the best member, scored as honestly as a pool is.
 */
export function bestOnOtherFolds(
  points: readonly Readonly<Record<string, readonly number[] | null>>[],
  scores: ReadonlyMap<string, readonly (number | null)[]>,
  k: number,
): (number[] | null)[] {
  const folds = points.length;
  return points.map((byMember, f) => {
    const ranked =
      folds >= 2
        ? rankMembers(
            scores,
            [...Array(folds).keys()].filter((g) => g !== f),
          )
        : [];
    const have = ranked
      .slice(0, k)
      .map((m) => byMember[m])
      .filter((x): x is readonly number[] => !!x);
    return have.length === k ? poolPoint(have) : null;
  });
}

/**
 * Per fold, the score of taking the k best members on the other folds (k = 1: picking; null where some fold has no
 * such pool). score(f, point) scores a point on fold f.
 */
export function heldOutFoldScores(
  points: readonly Readonly<Record<string, readonly number[] | null>>[],
  scores: ReadonlyMap<string, readonly (number | null)[]>,
  k: number,
  score: (fold: number, point: readonly number[]) => number,
): number[] | null {
  const byFold = bestOnOtherFolds(points, scores, k);
  return byFold.every((p) => p) ? byFold.map((p, f) => score(f, p!)) : null;
}

/** heldOutFoldScores' mean over the folds. */
export function heldOutScore(
  points: readonly Readonly<Record<string, readonly number[] | null>>[],
  scores: ReadonlyMap<string, readonly (number | null)[]>,
  k: number,
  score: (fold: number, point: readonly number[]) => number,
): number | null {
  const s = heldOutFoldScores(points, scores, k, score);
  return s ? s.reduce((a, v) => a + v, 0) / s.length : null;
}

/**
 * Whether a pool is used instead of picking: its held-out-fold scores beat picking's by more than one standard error
 * of their per-fold difference (Breiman's one-SE rule, as the MMM's form selection keeps the simpler form). Three
 * folds rank members noisily: a pool whose lead is within that noise pooled the sample's LSTM with members it
 * should not have (BENCHMARKS.md, session 13).
 */
function poolBeatsPicking(pool: readonly number[], pick: readonly number[]): boolean {
  const { mean, sd, n } = pairedDifference(pool, pick);
  return n < 2 ? mean < 0 : mean + sd / Math.sqrt(n) < 0;
}

/**
 * A series' pool decision: `better` is the pool (of 2 or 3) with the lower mean held-out-fold score (the smaller on a
 * tie; null when neither has a score on every fold), `use` whether it beat picking by more than one SE
 * (poolBeatsPicking). perFold(k): the held-out-fold scores of taking the k best (heldOutFoldScores; k = 1 is
 * picking), null where some fold has none. The forecast, the rules bench and the pools test all decide this way.
 */
export function poolChoice(perFold: (k: number) => readonly number[] | null): { better: PoolName | null; use: boolean } {
  let better: { pool: PoolName; mean: number; scores: readonly number[] } | null = null;
  for (const pool of POOLS) {
    const scores = perFold(POOL_SIZE[pool]);
    if (!scores) continue;
    const mean = scores.reduce((a, v) => a + v, 0) / scores.length;
    if (!better || mean < better.mean) better = { pool, mean, scores };
  }
  const pick = perFold(1);
  return { better: better?.pool ?? null, use: !!better && !!pick && poolBeatsPicking(better.scores, pick) };
}

/** The members a pool averages in the forecast: the k best over all folds. */
export function poolMembers(pool: PoolName, scores: ReadonlyMap<string, readonly (number | null)[]>, folds: number): string[] {
  return rankMembers(scores, [...Array(folds).keys()]).slice(0, POOL_SIZE[pool]);
}
