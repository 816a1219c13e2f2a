import { kmeans } from "ml-kmeans";
import { seededRng } from "../../data/random.ts";
import type { Dataset } from "../../data/types.ts";
import { ValidationError } from "../../errors.ts";
import { numericValues } from "../classic/from-dataset.ts";

export interface KmeansRequest {
  /** Numeric columns to cluster on (e.g. spend per channel). */
  readonly columns: readonly string[];
  /** Extra numeric columns to describe each cluster by (e.g. sales); not used for clustering. */
  readonly profile?: readonly string[];
  readonly kMin?: number;
  readonly kMax?: number;
  /** z-score each column first (population SD, as sklearn's StandardScaler), so units do not decide the clusters. */
  readonly standardize?: boolean;
  readonly seed?: number;
  /** Restarts per k; the lowest inertia wins (sklearn's n_init). */
  readonly nInit?: number;
}

export interface KResult {
  readonly k: number;
  /** Within-cluster sum of squared distances (the elbow curve). */
  readonly inertia: number;
  /** Mean silhouette coefficient, −1..1 (higher: better separated). */
  readonly silhouette: number;
  readonly sizes: readonly number[];
}

export interface ClusterProfile {
  readonly cluster: number;
  readonly size: number;
  /** Mean of every clustering and profile column, in the data's own units. */
  readonly means: Readonly<Record<string, number>>;
}

export interface KmeansResult {
  readonly columns: readonly string[];
  readonly nobs: number;
  readonly standardize: boolean;
  readonly seed: number;
  readonly nInit: number;
  readonly results: readonly KResult[];
  /** The k with the highest silhouette. */
  readonly chosenK: number;
  readonly clusters: readonly ClusterProfile[];
  /** Cluster of each used row (0-based cluster ids), with the dataset row it came from. */
  readonly assignments: readonly { readonly row: number; readonly cluster: number }[];
  /** Rows the silhouette was computed on (all, or a seeded sample of SILHOUETTE_SAMPLE). */
  readonly silhouetteRows: number;
}

export const SILHOUETTE_SAMPLE = 3000;

const dist = (a: readonly number[], b: readonly number[]) => Math.sqrt(a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0));

/** Mean silhouette (Rousseeuw 1987), Euclidean; a point alone in its cluster scores 0, as in sklearn. */
export function silhouetteScore(points: readonly (readonly number[])[], labels: readonly number[]): number {
  const k = Math.max(...labels) + 1;
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sum = new Array<number>(k).fill(0);
    const count = new Array<number>(k).fill(0);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      sum[labels[j]!]! += dist(points[i]!, points[j]!);
      count[labels[j]!]!++;
    }
    const own = labels[i]!;
    if (count[own] === 0) continue;
    const a = sum[own]! / count[own]!;
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && count[c]! > 0) b = Math.min(b, sum[c]! / count[c]!);
    total += (b - a) / Math.max(a, b);
  }
  return total / points.length;
}

/**
 * k-means for a range of k (ml-kmeans: Lloyd's algorithm from seeded k-means++ starts, best of nInit), with the
 * elbow curve, silhouette scores, the chosen k and per-cluster profiles. Deterministic for a seed.
 */
export function kmeansAnalysis(ds: Dataset, req: KmeansRequest): KmeansResult {
  const kMin = req.kMin ?? 2;
  const kMax = req.kMax ?? 8;
  const seed = req.seed ?? 0;
  const nInit = req.nInit ?? 10;
  const standardize = req.standardize ?? true;
  if (req.columns.length < 1) throw new ValidationError("columns: name at least one numeric column.", [{ path: ["columns"], message: "empty" }]);
  if (!(kMin >= 2 && kMax >= kMin)) throw new ValidationError(`Need 2 ≤ kMin ≤ kMax; got ${kMin}..${kMax}.`, [{ path: ["kMin"], message: "invalid range" }]);
  const cols = req.columns.map((c, i) => numericValues(ds, c, `columns.${i}`));
  const prof = (req.profile ?? []).map((c, i) => numericValues(ds, c, `profile.${i}`));
  const rows = cols[0]!.flatMap((_, i) => (cols.every((c) => c[i] !== null) ? [i] : []));
  if (rows.length < kMax + 1)
    throw new ValidationError(`Need more complete rows (${rows.length}) than the largest k (${kMax}).`, [
      { path: ["kMax"], message: "too few rows", value: kMax },
    ]);
  const raw = rows.map((i) => cols.map((c) => c[i]!));
  const points = standardize ? zScore(raw) : raw;

  const rng = seededRng(seed);
  const sampleIdx =
    points.length <= SILHOUETTE_SAMPLE
      ? points.map((_, i) => i)
      : points
          .map((_, i) => ({ i, u: rng.uniform() }))
          .sort((a, b) => a.u - b.u)
          .slice(0, SILHOUETTE_SAMPLE)
          .map((x) => x.i)
          .sort((a, b) => a - b);
  const results: KResult[] = [];
  const labelsByK = new Map<number, number[]>();
  for (let k = kMin; k <= kMax; k++) {
    let best: { inertia: number; labels: number[] } | undefined;
    for (let run = 0; run < nInit; run++) {
      const r = kmeans(points as number[][], k, { initialization: "kmeans++", seed: seed * 1000 + k * 100 + run, maxIterations: 300, tolerance: 1e-10 });
      const inertia = points.reduce((s, p, i) => s + dist(p, r.centroids[r.clusters[i]!]!) ** 2, 0);
      if (!best || inertia < best.inertia - 1e-9 * inertia) best = { inertia, labels: r.clusters };
    }
    const sizes = Array.from({ length: k }, (_, c) => best!.labels.filter((l) => l === c).length);
    const silhouette = silhouetteScore(
      sampleIdx.map((i) => points[i]!),
      sampleIdx.map((i) => best!.labels[i]!),
    );
    results.push({ k, inertia: best!.inertia, silhouette, sizes });
    labelsByK.set(k, best!.labels);
  }
  const chosen = results.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
  const labels = labelsByK.get(chosen.k)!;
  const names = [...req.columns, ...(req.profile ?? [])];
  const clusters = Array.from({ length: chosen.k }, (_, c): ClusterProfile => {
    const members = rows.filter((_, i) => labels[i] === c);
    const means: Record<string, number> = {};
    [...cols, ...prof].forEach((col, j) => {
      const v = members.map((r) => col[r]).filter((x): x is number => x !== null);
      means[names[j]!] = v.reduce((s, x) => s + x, 0) / v.length;
    });
    return { cluster: c, size: members.length, means };
  });
  return {
    columns: req.columns,
    nobs: rows.length,
    standardize,
    seed,
    nInit,
    results,
    chosenK: chosen.k,
    clusters,
    assignments: rows.map((row, i) => ({ row, cluster: labels[i]! })),
    silhouetteRows: sampleIdx.length,
  };
}

function zScore(x: readonly (readonly number[])[]): number[][] {
  const d = x[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + r[j]!, 0) / x.length);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(x.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / x.length) || 1);
  return x.map((r) => r.map((v, j) => (v - mean[j]!) / sd[j]!));
}
