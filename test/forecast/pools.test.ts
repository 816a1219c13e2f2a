import { describe, expect, it } from "vitest";
import { seededRng } from "../../src/data/random.ts";
import { forecastWith } from "../../src/forecast/forecast.ts";
import { bestOnOtherFolds, heldOutFoldScores, POOL_SIZE, poolChoice, poolMembers, poolPoint, rankMembers } from "../../src/forecast/pools.ts";

describe("pools of a series' best members", () => {
  it("When members are ranked on some folds, then a member missing from one of them is left out and ties go by name", () => {
    const scores = new Map<string, (number | null)[]>([
      ["theta", [1, 2, 9]],
      ["lstm", [2, 1, 0]],
      ["last_year", [null, 1, 1]],
      ["mstl_ets", [1.5, 1.5, 5]],
    ]);
    expect(rankMembers(scores, [0, 1])).toEqual(["lstm", "mstl_ets", "theta"]);
    expect(rankMembers(scores, [1, 2])).toEqual(["lstm", "last_year", "mstl_ets", "theta"]);
    expect(poolMembers("pool2", scores, 3)).toEqual(["lstm", "mstl_ets"]);
    expect(
      poolPoint([
        [1, 2],
        [3, 6],
      ]),
    ).toEqual([2, 4]);
  });

  it("When a pool is scored on a fold, then its members are the best on the other folds, never on that fold", () => {
    // a is best on fold 0 alone, b on folds 1 and 2: on fold 0 the pick is b; on folds 1 and 2, ranked on the
    // remaining two folds (a 0 + 5 = 5 and a 0 + 5; b 9 + 0 = 9), it is a
    const scores = new Map([
      ["a", [0, 5, 5]],
      ["b", [9, 0, 0]],
    ]);
    const points = [0, 1, 2].map((f) => ({ a: [10 + f], b: [20 + f] }));
    expect(bestOnOtherFolds(points, scores, 1)).toEqual([[20], [11], [12]]);
    expect(bestOnOtherFolds(points, scores, 2)).toEqual([[15], [16], [17]]);
    expect(bestOnOtherFolds(points, scores, 3)).toEqual([null, null, null]);
    expect(bestOnOtherFolds(points.slice(0, 1), scores, 1)).toEqual([null]);
  });

  it("When pools are weighed against picking, then the better pool is named and used only with a lead of more than one standard error", () => {
    const of = (table: Record<number, number[] | null>) => (k: number) => table[k] ?? null;
    // pool3 has the lower mean; its per-fold lead over picking (0.3, 0.2, 0.4) is steady: used
    expect(poolChoice(of({ 1: [1, 1, 1], 2: [0.9, 0.9, 0.9], 3: [0.7, 0.8, 0.6] }))).toEqual({ better: "pool3", use: true });
    // a mean lead too (0.2), but one fold goes the other way: within one SE, so picking stays
    expect(poolChoice(of({ 1: [1, 1, 1], 2: [0.5, 1.5, 0.4] }))).toEqual({ better: "pool2", use: false });
    // a tie between the pools goes to the smaller; no pool scored on every fold: nothing to weigh
    expect(poolChoice(of({ 1: [1, 1, 1], 2: [0.5, 0.5, 0.5], 3: [0.5, 0.5, 0.5] })).better).toBe("pool2");
    expect(poolChoice(of({ 1: [1, 1, 1] }))).toEqual({ better: null, use: false });
    // no picking score (a fold without a member): a pool is never used
    expect(poolChoice(of({ 2: [0.5, 0.5, 0.5] }))).toEqual({ better: "pool2", use: false });
  });

  it("When six members are equally good, then the best one's score on the folds that chose it is optimistic and its score on the other folds is not", () => {
    // why a pool is compared with picking scored on held-out folds (pools.ts): each member's fold score is
    // |N(0, 1)|-like noise around the same mean, so the next fold's error of whichever member looks best is 1 on average
    const r = seededRng(5);
    const inSample: number[] = [];
    const honest: number[] = [];
    const next: number[] = [];
    for (let s = 0; s < 2_000; s++) {
      const members = ["a", "b", "c", "d", "e", "f"];
      const error = () => Math.abs(r.normal()) / 0.7979; // mean 1
      const scores = new Map(members.map((m) => [m, [error(), error(), error(), error()]]));
      const folds = [0, 1, 2];
      const best = rankMembers(scores, folds)[0]!;
      inSample.push(folds.reduce((a, f) => a + scores.get(best)![f]!, 0) / 3);
      // points that are the member's own score on that fold, so a pick's point is its score
      const points = folds.map((f) => Object.fromEntries(members.map((m) => [m, [scores.get(m)![f]!]])));
      honest.push(bestOnOtherFolds(points, scores, 1).reduce((a, p) => a + p![0]!, 0) / 3);
      next.push(scores.get(best)![3]!);
    }
    const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
    expect(mean(next)).toBeCloseTo(1, 1);
    expect(mean(inSample)).toBeLessThan(0.8);
    expect(Math.abs(mean(honest) - mean(next))).toBeLessThan(0.03);
  });

  it("When members are equally good, then pooling beats picking on the next window; when one member half as noisy, the rule still beats picking; when one member errs five times less, then picking it wins the held-out-fold comparison and pooling is not used", () => {
    // the forecast's rule on simulated backtests: each member's point is the truth plus its own noise on every
    // fold, and a fourth window plays the future; the rule takes the better pool when its held-out-fold scores beat
    // picking's by more than one SE of their per-fold difference, as forecast.ts does (measured: equal members pool
    // 92% of the time and err 37% less than picking; a member with a fifth of the others' noise is always picked)
    const r = seededRng(9);
    const H = 30;
    const run = (noise: readonly number[]) => {
      const names = noise.map((_, m) => `m${m}`);
      const window = () => {
        const truth = Array.from({ length: H }, () => r.normal());
        // a level error per member and window, and day-to-day noise: what a fold's forecast gets wrong
        const points = Object.fromEntries(names.map((m, j) => [m, truth.map((v) => v + noise[j]! * r.normal())]));
        const bias = Object.fromEntries(names.map((m, j) => [m, noise[j]! * r.normal()]));
        for (const m of names) points[m] = points[m]!.map((v) => v + bias[m]!);
        return { truth, points };
      };
      const mae = (a: readonly number[], p: readonly number[]) => a.reduce((s, v, h) => s + Math.abs(v - p[h]!), 0) / a.length;
      const folds = [window(), window(), window()];
      const future = window();
      const scores = new Map(names.map((m) => [m, folds.map((f) => mae(f.truth, f.points[m]!))]));
      const points = folds.map((f) => f.points);
      // the forecast's rule: the better pool, used when it beats picking by more than one SE of their per-fold difference
      const choice = poolChoice((k) => heldOutFoldScores(points, scores, k, (f, p) => mae(folds[f]!.truth, p)));
      const k = choice.use && choice.better ? POOL_SIZE[choice.better] : 1;
      const ranked = rankMembers(scores, [0, 1, 2]);
      const forecast = (n: number) => mae(future.truth, poolPoint(ranked.slice(0, n).map((m) => future.points[m]!)));
      return { k, rule: forecast(k), pick: forecast(1) };
    };
    const many = (noise: readonly number[]) => Array.from({ length: 600 }, () => run(noise));
    const mean = (x: number[]) => x.reduce((a, v) => a + v, 0) / x.length;
    const equal = many([1, 1, 1, 1, 1, 1]);
    expect(equal.filter((x) => x.k > 1).length / equal.length).toBeGreaterThan(0.7);
    expect(mean(equal.map((x) => x.rule))).toBeLessThan(0.9 * mean(equal.map((x) => x.pick)));
    const dominant = many([0.3, 1.5, 1.5, 1.5, 1.5, 1.5]);
    expect(dominant.filter((x) => x.k === 1).length / dominant.length).toBeGreaterThan(0.7);
    expect(mean(dominant.map((x) => x.rule))).toBeLessThan(1.05 * mean(dominant.map((x) => x.pick)));
    // in between (one member half as noisy): measured, it pools a third of the time and errs 2.6% less than picking
    // (without the one-SE margin it pooled 59% of the time and tied picking)
    const half = many([0.5, 1, 1, 1, 1, 1]);
    expect(mean(half.map((x) => x.rule))).toBeLessThan(mean(half.map((x) => x.pick)));
  });

  it("When a stored forecast used a pool, then forecasting again gives the stored pool's point inside its band, and a pool without its point is refused", () => {
    const s = { key: "a", start: "2024-01-01", target: Array.from({ length: 60 }, (_, t) => 10 + (t % 7)) };
    const fit = {
      horizon: 3,
      levels: [0.1, 0.5, 0.9],
      conformalMargins: [],
      choices: [{ key: "a", method: "pool2" as const, reason: "", intermittent: false, scores: [], pooled: ["lstm" as const, "theta" as const] }],
      memberBands: [
        [
          [-1, -1, -1],
          [0, 0, 0],
          [1, 1, 1],
        ],
      ],
    };
    // no network runs: the pool's point (its LSTM part included) was stored with the fit
    const again = forecastWith({ members: [] }, [s], { ...fit, memberPoints: [[12, 13, 14]] })[0]!;
    expect(again.mean).toEqual([12, 13, 14]);
    expect(again.quantiles[0]![0]!).toBeLessThan(12);
    expect(again.quantiles[2]![0]!).toBeGreaterThan(12);
    expect(() => forecastWith({ members: [] }, [s], fit)).toThrow(/pool2 cannot forecast/);
  });
});
