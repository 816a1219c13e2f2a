import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { kmeansAnalysis, silhouetteScore } from "../../src/regression/cluster/kmeans.ts";
import { expectClose } from "../helpers/all-close.ts";

/** sklearn 1.2.1 KMeans(n_init=10, random_state=0) + silhouette_score: ../shared/oracles/kmeans_oracle.py (--labels; --standardize). */
const raw = JSON.parse(readFileSync(new URL("../fixtures/golden/kmeans_blobs.json", import.meta.url), "utf8"));
const std = JSON.parse(readFileSync(new URL("../fixtures/golden/kmeans_blobs_std.json", import.meta.url), "utf8"));
const blobs = csvToDataset(readFileSync(new URL("../fixtures/blobs_small.csv", import.meta.url)), { name: "blobs" });
const points = (["f1", "f2", "f3"] as const).map((c) => blobs.columns.find((x) => x.name === c)!.values as number[]);
const rows = points[0]!.map((_, i) => points.map((c) => c[i]!));

describe(`k-means against sklearn ${raw.sklearn}`, () => {
  it("When sklearn's own labels are scored, then the silhouette is sklearn's to 1e-12", () => {
    for (const r of raw.results) expectClose(silhouetteScore(rows, r.labels), r.silhouette, { rtol: 1e-12, label: `k=${r.k}` });
  });

  for (const [name, ref, standardize] of [
    ["raw", raw, false],
    ["standardized", std, true],
  ] as const) {
    it(`When clustering ${name} blobs for k = 2..8, then k = 3 is chosen and inertia and silhouette match where the optimum is unique`, () => {
      const r = kmeansAnalysis(blobs, { columns: ["f1", "f2", "f3"], standardize, seed: 0 });
      expect(r.chosenK).toBe(ref.best_k);
      for (const k of [2, 3]) {
        const mine = r.results.find((x) => x.k === k)!;
        const theirs = ref.results.find((x: { k: number }) => x.k === k)!;
        expectClose(mine.inertia, theirs.inertia, { rtol: 1e-9, label: `inertia k=${k}` });
        expectClose(mine.silhouette, theirs.silhouette, { rtol: 1e-9, label: `silhouette k=${k}` });
        expect([...mine.sizes].sort()).toEqual([...theirs.sizes].sort());
      }
      // beyond 3 the optimum is not unique: k-means from any start is a local search, so only check it is as good, within 2%
      for (const theirs of ref.results.filter((x: { k: number }) => x.k > 3)) {
        expect(r.results.find((x) => x.k === theirs.k)!.inertia).toBeLessThanOrEqual(theirs.inertia * 1.02);
      }
    });
  }

  it("When run twice with the same seed, then the result is identical; profiles are in the data's units", () => {
    const a = kmeansAnalysis(blobs, { columns: ["f1", "f2", "f3"], kMax: 4, seed: 5 });
    expect(kmeansAnalysis(blobs, { columns: ["f1", "f2", "f3"], kMax: 4, seed: 5 })).toEqual(a);
    const total = a.clusters.reduce((s, c) => s + c.size * c.means.f1!, 0) / blobs.rows;
    expectClose(total, points[0]!.reduce((s, v) => s + v, 0) / blobs.rows, { rtol: 1e-12 });
  });
});
