/**
 * The MMM recovery matrix (issue 13): every data-generating family of src/regression/mmm/simulate-families.ts,
 * several seeds each, fitted with the default Bayesian method (forms "auto", ROI averaged over the forms by pseudo-BMA+
 * weights: "bayes-pseudo-bma+"; "bayes" is the same fit's chosen forms' own ROI, what formAveraging "none" reports)
 * and, side by side, the fast method;
 * per family the ROI error (median and 90th percentile of |fitted/true − 1|) and the coverage of the 90%
 * intervals, over channels with at least 10% of spend (and, separately, the smaller ones).
 * Usage: npx tsx bench/mmm-matrix.ts [seeds=3] [familyFilter] [--out file.jsonl] [--from firstSeed=1]
 * MATRIX_OPTS (JSON) adds options to the Bayesian fit, e.g. '{"chains":2}'; '{"formAveraging":"stacking"}' averages by
 * stacking instead (rows "bayes-stacking"; the fits, and so the "bayes" rows, are the same).
 */
import { appendFileSync } from "node:fs";
import { parallelChains } from "../src/jobs/parallel-chains.ts";
import { DEFAULT_FORM_AVERAGING, fitBayesMmm } from "../src/regression/mmm/fit-bayes.ts";
import { fitMmm } from "../src/regression/mmm/fit-mmm.ts";
import { FAMILIES, simulateFamily } from "../src/regression/mmm/simulate-families.ts";
import { summarise, type Row } from "./matrix-summary.ts";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const seeds = Number(args[0] ?? 3);
const filter = args[1];
const outIdx = process.argv.indexOf("--out");
const out = outIdx > 0 ? process.argv[outIdx + 1] : undefined;
const fromIdx = process.argv.indexOf("--from");
const firstSeed = fromIdx > 0 ? Number(process.argv[fromIdx + 1]) : 1;
const extra = JSON.parse(process.env.MATRIX_OPTS ?? "{}");
const averaged = `bayes-${extra.formAveraging ?? DEFAULT_FORM_AVERAGING}` as Row["method"];

const rows: Row[] = [];
for (const family of FAMILIES.filter((f) => !filter || f.name.includes(filter))) {
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const sim = simulateFamily(family, seed);
    let t0 = performance.now();
    // one fit gives both: the default (the mixture over forms) and the chosen forms' own ROI (formAveraging "none")
    const bayes = await fitBayesMmm(sim.input, { seed: 1, runChains: parallelChains(), ...extra });
    const tb = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const fast = fitMmm(sim.input, { seed: 1, seasonality: "additive" });
    const tf = (performance.now() - t0) / 1000;
    const m = bayes.segments[0]!.model;
    for (const t of sim.truth) {
      const b = m.channels.find((c) => c.channel === t.channel)!;
      const f = fast.channels.find((c) => c.channel === t.channel)!;
      const common = { family: family.name, seed, channel: t.channel, share: t.shareOfSpend, truth: t.roi };
      rows.push({
        ...common,
        method: averaged,
        roi: b.roi,
        lower: b.roiInterval!.lower,
        upper: b.roiInterval!.upper,
        forms: `${b.form.adstock}+${b.form.saturation}`,
        seconds: tb,
        maxRhat: bayes.diagnostics.maxRhat,
        divergences: bayes.diagnostics.divergences,
        // the share below the spend seen (unseen-share.ts), for the channels the answer warns are almost never off
        unseenShare: m.warnings.some((w) => w.startsWith(`Channel ${t.channel} is almost never off`)) ? (b.unseenShare ?? null) : null,
        candidates: m.formSelection?.candidates.map((c) => ({
          forms: `${c.adstock}+${c.saturation}`,
          weight: c.weight,
          elpdDiff: c.elpdDiff,
          seDiff: c.seDiff,
          ...c.roi?.find((r) => r.channel === t.channel),
        })),
      });
      // formAveraging "none": the chosen forms' own ROI and interval, before averaging over forms (form-averaging.ts)
      const own = m.formSelection?.candidates
        .find((c) => c.adstock === b.form.adstock && c.saturation === b.form.saturation)
        ?.roi?.find((r) => r.channel === t.channel);
      const fixedForms = { roi: b.roi, lower: b.roiInterval!.lower, upper: b.roiInterval!.upper };
      rows.push({ ...common, method: "bayes", ...(own ?? fixedForms), forms: `${b.form.adstock}+${b.form.saturation}`, seconds: tb });
      rows.push({ ...common, method: "fast", roi: f.roi, lower: f.roiInterval!.lower, upper: f.roiInterval!.upper, forms: "geometric+hill", seconds: tf });
    }
    const last = rows.filter((r) => r.family === family.name && r.seed === seed);
    if (out) for (const r of last) appendFileSync(out, `${JSON.stringify(r)}\n`);
    console.log(
      `${family.name} seed ${seed}: bayes ${tb.toFixed(1)} s (R-hat ${bayes.diagnostics.maxRhat.toFixed(3)}, ${bayes.diagnostics.divergences} div, ${m.channels[0]!.form.adstock}+${m.channels[0]!.form.saturation}), fast ${tf.toFixed(1)} s | ` +
        last
          .filter((r) => r.method === "bayes")
          .map((r) => `${r.channel} ${(100 * r.share).toFixed(0)}% ${fmt(r)}`)
          .join(" "),
    );
  }
}

function fmt(r: Row): string {
  const covered = r.lower <= r.truth && r.truth <= r.upper;
  return `${(100 * (r.roi / r.truth - 1)).toFixed(0)}%${covered ? "" : "!"}`;
}

console.log(`\n${summarise(rows)}`);
