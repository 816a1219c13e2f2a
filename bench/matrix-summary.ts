/**
 * The recovery matrix's table (BENCHMARKS.md) from the rows bench/mmm-matrix.ts prints or writes with --out.
 * Usage: npx tsx bench/matrix-summary.ts rows.jsonl
 */
import { readFileSync } from "node:fs";

export interface Row {
  family: string;
  seed: number;
  /** "bayes": the chosen forms' own ROI; "bayes-<averaging>": ROI averaged over the forms that way; "fast". */
  method: "bayes" | "bayes-stacking" | "bayes-pseudo-bma+" | "fast";
  channel: string;
  share: number;
  truth: number;
  roi: number;
  lower: number;
  upper: number;
  forms: string;
  seconds: number;
  maxRhat?: number;
  divergences?: number;
  candidates?: readonly object[];
  /** For a channel the answer warns is almost never off: the share of its contribution below the spend seen. */
  unseenShare?: number | null;
}

/** The p-quantile of a sample as the matrix tables report it: the value at floor(p·n) of the sorted sample. */
export function q(a: readonly number[], p: number): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
}

/** The methods a table shows, in this order, those the rows have. */
const METHODS: readonly Row["method"][] = ["bayes", "bayes-stacking", "bayes-pseudo-bma+", "fast"];

export function summarise(all: readonly Row[]): string {
  const lines = [
    "| family | method | channels ≥10% of spend | median abs ROI error | 90th pct | 90% interval coverage | smaller channels: median error, coverage | s per fit |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const fams = [...new Set(all.map((r) => r.family))];
  const stat = (rs: Row[]) => {
    const err = rs.map((r) => Math.abs(r.roi / r.truth - 1));
    const cov = rs.filter((r) => r.lower <= r.truth && r.truth <= r.upper).length;
    return { n: rs.length, med: q(err, 0.5), p90: q(err, 0.9), cov: rs.length ? cov / rs.length : NaN, covN: cov };
  };
  for (const scope of [...fams, "all families"]) {
    for (const method of METHODS.filter((m) => all.some((r) => r.method === m))) {
      const rs = all.filter((r) => (scope === "all families" || r.family === scope) && r.method === method);
      const big = stat(rs.filter((r) => r.share >= 0.1));
      const small = stat(rs.filter((r) => r.share < 0.1));
      const secs = q(
        [...new Set(rs.map((r) => `${r.family}|${r.seed}`))].map((k) => rs.find((r) => `${r.family}|${r.seed}` === k)!.seconds),
        0.5,
      );
      lines.push(
        `| ${scope} | ${method} | ${big.n} | ${(100 * big.med).toFixed(1)}% | ${(100 * big.p90).toFixed(1)}% | ${big.covN}/${big.n} (${(100 * big.cov).toFixed(0)}%) | ${small.n ? `${(100 * small.med).toFixed(0)}%, ${small.covN}/${small.n}` : "–"} | ${secs.toFixed(1)} |`,
      );
    }
  }
  return lines.join("\n");
}

if (process.argv[1]?.endsWith("matrix-summary.ts") && process.argv[2]) {
  const rows = readFileSync(process.argv[2], "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
  console.log(summarise(rows));
}
