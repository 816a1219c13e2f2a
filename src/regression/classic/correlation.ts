import { ValidationError } from "../../errors.ts";
import { tTwoSidedP } from "../distributions.ts";
import { rank } from "./describe.ts";

export interface CorrelationMatrix {
  readonly method: "pearson" | "spearman";
  readonly columns: readonly string[];
  /** r[i][j]; 1 on the diagonal. */
  readonly r: readonly (readonly number[])[];
  /** Two-sided p-values (t approximation with n − 2 df, as scipy's pearsonr/spearmanr); null on the diagonal. */
  readonly pValue: readonly (readonly (number | null)[])[];
  /** Pairwise complete observations per pair. */
  readonly n: readonly (readonly number[])[];
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Pearson or Spearman correlation matrix with p-values, on pairwise complete rows. */
export function correlationMatrix(columns: readonly { name: string; values: readonly (number | null)[] }[], method: "pearson" | "spearman"): CorrelationMatrix {
  if (columns.length < 2) throw new ValidationError("Need at least 2 numeric columns to correlate.", [{ path: ["columns"], message: "fewer than 2 columns" }]);
  const k = columns.length;
  const r = columns.map(() => new Array<number>(k).fill(1));
  const p = columns.map(() => new Array<number | null>(k).fill(null));
  const ns = columns.map(() => new Array<number>(k).fill(0));
  for (let a = 0; a < k; a++) {
    ns[a]![a] = columns[a]!.values.filter((v) => v !== null).length;
    for (let b = a + 1; b < k; b++) {
      const idx = columns[a]!.values.flatMap((v, i) => (v !== null && columns[b]!.values[i] !== null ? [i] : []));
      let x = idx.map((i) => columns[a]!.values[i]!);
      let y = idx.map((i) => columns[b]!.values[i]!);
      if (method === "spearman") {
        x = rank(x);
        y = rank(y);
      }
      const n = idx.length;
      const rr = n > 2 ? pearson(x, y) : NaN;
      const t = rr * Math.sqrt((n - 2) / ((1 - rr) * (1 + rr)));
      const pv = n > 2 ? (Math.abs(rr) === 1 ? 0 : tTwoSidedP(t, n - 2)) : NaN;
      r[a]![b] = r[b]![a] = rr;
      p[a]![b] = p[b]![a] = pv;
      ns[a]![b] = ns[b]![a] = n;
    }
  }
  return { method, columns: columns.map((c) => c.name), r, pValue: p, n: ns };
}
