import { Matrix, inverse } from "ml-matrix";
import { ValidationError } from "../errors.ts";
import type { SeriesInput } from "./types.ts";

/** Parent series → the series that add up to it (segment levels, or other parents). */
export type HierarchySpec = Readonly<Record<string, readonly string[]>>;

export type ReconciliationMethod = "mint_shrink" | "wls_var" | "ols" | "bottom_up";

/**
 * How forecasts are made coherent, stored with the fit so a stored model reconciles the same way: the series in the
 * hierarchy (`nodes`, parents and parts), the ones nothing else is made of (`bottom`), and G, which maps the nodes'
 * base forecasts to bottom forecasts (the reconciled forecasts are S·G·ŷ, S summing bottoms into every node).
 */
export interface Reconciliation {
  readonly method: ReconciliationMethod;
  readonly nodes: readonly string[];
  readonly bottom: readonly string[];
  /** S: nodes × bottom, 1 where the bottom series is part of the node. */
  readonly summing: readonly (readonly number[])[];
  /** G: bottom × nodes. */
  readonly mapping: readonly (readonly number[])[];
  /** mint_shrink's shrinkage intensity toward the diagonal (Schäfer–Strimmer), null for the others. */
  readonly lambda: number | null;
  readonly reason: string;
}

/**
 * The series with the hierarchy's parents added where the data lack them (the sum of their parts, spend summed,
 * known inputs averaged), and S. A parent the data have must equal the sum of its parts on every day (to rounding),
 * and the parts must cover the same days.
 *
 * @throws ValidationError (400) naming `hierarchy.<parent>`: an unknown part, a cycle, parts over different days,
 *   or a parent whose history is not the sum of its parts (the first day that differs and by how much)
 */
export function buildHierarchy(
  series: readonly SeriesInput[],
  spec: HierarchySpec,
): { series: SeriesInput[]; nodes: string[]; bottom: string[]; summing: number[][] } {
  const byKey = new Map(series.map((s) => [s.key, s]));
  const issue = (parent: string, message: string, code: string, value?: unknown) =>
    new ValidationError(`hierarchy.${parent}: ${message}`, [{ path: ["body", "hierarchy", parent], message, code, ...(value !== undefined && { value }) }]);
  for (const [parent, parts] of Object.entries(spec)) {
    if (parts.length === 0) throw issue(parent, "has no parts", "empty_parent");
    if (new Set(parts).size !== parts.length) throw issue(parent, "names a part twice", "repeated_part");
    for (const p of parts)
      if (!byKey.has(p) && !(p in spec)) throw issue(parent, `part ${p} is neither a series in the data nor a parent in the hierarchy`, "unknown_part", p);
  }
  // bottom series each node is made of, depth first; a node met again on its own path is a cycle
  const leaves = new Map<string, string[]>();
  const leavesOf = (node: string, path: readonly string[]): string[] => {
    if (path.includes(node)) throw issue(path[0]!, `is part of itself (${[...path, node].join(" → ")})`, "cycle");
    const known = leaves.get(node);
    if (known) return known;
    const parts = spec[node];
    const out = parts ? [...new Set(parts.flatMap((p) => leavesOf(p, [...path, node])))] : [node];
    leaves.set(node, out);
    return out;
  };
  for (const parent of Object.keys(spec)) leavesOf(parent, []);
  const out = new Map(byKey);
  const made = new Set<string>();
  const sumOf = (parent: string): SeriesInput => {
    if (made.has(parent)) return out.get(parent)!;
    const parts = spec[parent]!.map((p) => (p in spec ? sumOf(p) : byKey.get(p)!));
    const first = parts[0]!;
    const odd = parts.find((p) => p.start !== first.start || p.target.length !== first.target.length);
    if (odd)
      throw issue(
        parent,
        `its parts cover different days (${first.key} from ${first.start} for ${first.target.length} days, ${odd.key} from ${odd.start} for ${odd.target.length})`,
        "misaligned_parts",
      );
    const n = first.target.length;
    const sum = Array.from({ length: n }, (_, t) => parts.reduce((a, p) => a + p.target[t]!, 0));
    const given = byKey.get(parent);
    if (given) {
      if (given.start !== first.start || given.target.length !== n)
        throw issue(
          parent,
          `covers different days from its parts (${given.start} for ${given.target.length} days; parts ${first.start} for ${n})`,
          "misaligned_parts",
        );
      // to rounding: each series may be rounded to the cent in the file
      const tolerance = 0.005 * (parts.length + 1);
      const t = sum.findIndex((v, t) => Math.abs(v - given.target[t]!) > tolerance + 1e-9 * Math.abs(v));
      if (t >= 0) {
        const day = new Date(Date.parse(`${first.start}T00:00:00Z`) + t * 86_400_000).toISOString().slice(0, 10);
        throw issue(
          parent,
          `does not add up on ${day}: the data give ${given.target[t]}, its parts (${spec[parent]!.join(", ")}) sum to ${Number(sum[t]!.toFixed(6))}`,
          "incoherent_history",
          day,
        );
      }
      made.add(parent);
      return given;
    }
    const channels = [...new Set(parts.flatMap((p) => Object.keys(p.spend ?? {})))];
    const events = [...new Set(parts.flatMap((p) => Object.keys(p.events ?? {})))];
    const add = (pick: (p: SeriesInput) => readonly number[] | undefined, len: number, mean: boolean) =>
      Array.from({ length: len }, (_, t) => parts.reduce((a, p) => a + (pick(p)?.[t] ?? 0), 0) / (mean ? parts.length : 1));
    const built: SeriesInput = {
      key: parent,
      start: first.start,
      target: sum,
      ...(channels.length && { spend: Object.fromEntries(channels.map((c) => [c, add((p) => p.spend?.[c], n, false)])) }),
      // a promotion on in half the stores is on at 0.5 in their total
      ...(events.length && {
        events: Object.fromEntries(events.map((e) => [e, add((p) => p.events?.[e], Math.min(...parts.map((p) => p.events?.[e]?.length ?? n)), true)])),
      }),
    };
    out.set(parent, built);
    made.add(parent);
    return built;
  };
  for (const parent of Object.keys(spec)) sumOf(parent);
  const bottom = [...new Set(Object.keys(spec).flatMap((p) => leaves.get(p)!))].filter((k) => !(k in spec)).sort();
  const nodes = [...Object.keys(spec).sort(), ...bottom];
  const summing = nodes.map((node) => {
    const ls = new Set(leaves.get(node) ?? [node]);
    return bottom.map((b) => (ls.has(b) ? 1 : 0));
  });
  const added = [...out.values()].filter((s) => !byKey.has(s.key));
  return { series: [...series, ...added], nodes, bottom, summing };
}

/**
 * G for the chosen method. The MinT family (Wickramasuriya, Athanasopoulos & Hyndman 2019) weighs each node's base
 * forecast by how wrong it was: G = (S′W⁻¹S)⁻¹S′W⁻¹ with W the covariance of the nodes' forecast errors, here their
 * rolling-origin backtest errors (columns: nodes; rows: fold × lead). mint_shrink shrinks W toward its diagonal by
 * Schäfer and Strimmer's intensity as R's hts (shrink.estim) does; wls_var keeps the diagonal; ols takes W = I;
 * bottom_up takes the bottom forecasts as they are. Without backtest errors, mint_shrink and wls_var fall back to ols.
 */
export function reconciliation(
  summing: readonly (readonly number[])[],
  nodes: readonly string[],
  bottom: readonly string[],
  method: ReconciliationMethod,
  errors: readonly (readonly number[])[] | null,
): Reconciliation {
  const S = new Matrix(summing.map((r) => [...r]));
  const m = nodes.length;
  if (method === "bottom_up") {
    const mapping = bottom.map((b) => nodes.map((n) => (n === b ? 1 : 0)));
    return { method, nodes, bottom, summing, mapping, lambda: null, reason: "bottom_up: the bottom series' own forecasts, summed into every parent." };
  }
  const usable = errors && errors.length >= 2 && method !== "ols";
  let W: Matrix;
  let lambda: number | null = null;
  let reason: string;
  if (!usable) {
    W = Matrix.eye(m);
    reason =
      method === "ols"
        ? "ols: every node's forecast weighed equally (W = I)."
        : `ols: ${method} needs backtest errors to weigh the nodes by, and there were none (folds = 0).`;
  } else {
    const X = new Matrix(errors.map((r) => [...r]));
    const shrunk = shrinkCovariance(X);
    if (method === "wls_var") {
      W = Matrix.diag(shrunk.target);
      reason = `wls_var: each node weighed by the inverse of its backtest error variance (${errors.length} backtest days).`;
    } else {
      W = shrunk.covariance;
      lambda = shrunk.lambda;
      reason = `mint_shrink: the nodes' backtest error covariance (${errors.length} backtest days) shrunk toward its diagonal with intensity ${shrunk.lambda.toFixed(3)} (Schäfer–Strimmer).`;
    }
  }
  const Wi = inverse(W);
  const StWi = S.transpose().mmul(Wi);
  const G = inverse(StWi.mmul(S)).mmul(StWi);
  return { method: usable || method === "ols" ? method : "ols", nodes, bottom, summing, mapping: G.to2DArray(), lambda, reason };
}

/**
 * Schäfer & Strimmer (2005) shrinkage of the (uncentred) error covariance toward its diagonal, as R's hts package
 * computes it for MinT: λ = Σ_{i≠j} Var(r_ij) / Σ_{i≠j} r_ij², clipped to [0, 1].
 */
export function shrinkCovariance(X: Matrix): { covariance: Matrix; target: number[]; lambda: number } {
  const n = X.rows;
  const p = X.columns;
  const cov = X.transpose().mmul(X).div(n);
  const sd = Array.from({ length: p }, (_, j) => Math.sqrt(cov.get(j, j)) || 1);
  const xs = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xs.set(i, j, X.get(i, j) / sd[j]!);
  const xs2 = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xs2.set(i, j, xs.get(i, j) ** 2);
  const a = xs2.transpose().mmul(xs2);
  const b = xs.transpose().mmul(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      if (i === j) continue;
      num += (a.get(i, j) - b.get(i, j) ** 2 / n) / (n * (n - 1));
      den += (cov.get(i, j) / (sd[i]! * sd[j]!)) ** 2;
    }
  }
  const lambda = den > 0 ? Math.max(0, Math.min(1, num / den)) : 1;
  const target = Array.from({ length: p }, (_, j) => cov.get(j, j));
  const covariance = cov.clone();
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) if (i !== j) covariance.set(i, j, (1 - lambda) * cov.get(i, j));
  return { covariance, target, lambda };
}

/** The nodes' reconciled forecasts, S·G·ŷ, from their base forecasts (rows in `nodes` order, one value per day). */
export function reconcile(r: Pick<Reconciliation, "summing" | "mapping">, base: readonly (readonly number[])[]): number[][] {
  const yhat = new Matrix(base.map((row) => [...row]));
  return new Matrix(r.summing.map((x) => [...x]))
    .mmul(new Matrix(r.mapping.map((x) => [...x])))
    .mmul(yhat)
    .to2DArray();
}
