/**
 * What each form rule would have given over a recovery-matrix run: for channels with at least 10% of spend, the ROI
 * and interval of the candidate a rule picks from each fit's `formSelection` (screened candidates' own ROIs; the
 * chosen forms' from the full run), beside every single candidate form. Rows from bench/mmm-matrix.ts --out.
 * Usage: npx tsx bench/matrix-forms.ts rows.jsonl [familyFilter]
 */
import { readFileSync } from "node:fs";
import { q, type Row } from "./matrix-summary.ts";

interface Candidate {
  forms: string;
  elpdDiff: number;
  seDiff: number;
  roi?: number;
  lower?: number;
  upper?: number;
}
type Picked = Required<Candidate>;

const rows = readFileSync(process.argv[2]!, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Row)
  // the averaged rows carry the candidates (either averaging: the candidates' own ROIs are the same)
  .filter((r) => r.method.startsWith("bayes-") && r.share >= 0.1 && (!process.argv[3] || r.family.includes(process.argv[3])))
  .filter((r, i, all) => all.findIndex((x) => x.family === r.family && x.seed === r.seed && x.channel === r.channel) === i);

const rules: Record<string, (chosen: string, c: Map<string, Picked>) => Picked | undefined> = {
  "the default rule (a two-parameter form must beat a one-parameter one by one SE)": (chosen, c) => c.get(chosen),
  "highest elpd under the chosen carry-over": (chosen, c) =>
    [...c.values()].filter((x) => x.forms.startsWith(`${chosen.split("+")[0]}+`)).reduce((a, x) => (x.elpdDiff > a.elpdDiff ? x : a)),
  "Hill unless a one-parameter form beats it by one SE (at least 1)": (chosen, c) => {
    const ad = chosen.split("+")[0];
    const hill = c.get(`${ad}+hill`);
    if (!hill) return c.get(chosen);
    const one = [...c.values()].filter((x) => x.forms.startsWith(`${ad}+`) && !x.forms.endsWith("+hill"));
    const best = one.reduce<Picked | undefined>((a, x) => (!a || x.elpdDiff > a.elpdDiff ? x : a), undefined);
    return best && best.elpdDiff - hill.elpdDiff > Math.max(best.seDiff, 1) ? best : hill;
  },
  "Hill always, carry-over as chosen": (chosen, c) => c.get(`${chosen.split("+")[0]}+hill`) ?? c.get("geometric+hill"),
};
for (const f of ["geometric+hill", "geometric+logistic", "geometric+michaelis-menten"]) rules[f] = (_, c) => c.get(f);

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log("| forms, or a rule for choosing them | channels | median abs ROI error | 90th pct | 90% interval coverage | within 15% and covered |");
console.log("|---|---|---|---|---|---|");
for (const [name, rule] of Object.entries(rules)) {
  const picked = rows.flatMap((r) => {
    const c = new Map((r.candidates as Candidate[]).filter((x) => x.roi !== undefined).map((x) => [x.forms, x as Picked]));
    const p = rule(r.forms, c);
    return p ? [{ err: Math.abs(p.roi / r.truth - 1), covered: p.lower <= r.truth && r.truth <= p.upper }] : [];
  });
  const err = picked.map((x) => x.err);
  const cov = picked.filter((x) => x.covered).length / picked.length;
  const both = picked.filter((x) => x.covered && x.err <= 0.15).length / picked.length;
  console.log(`| ${name} | ${picked.length} | ${pct(q(err, 0.5))} | ${pct(q(err, 0.9))} | ${pct(cov)} | ${pct(both)} |`);
}
