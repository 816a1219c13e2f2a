/**
 * Is a family's ROI miss the model's or the data's? Fits each seed with the true forms given (no form choice), at the
 * family's own noise and at a lower one, Bayesian and fast side by side, and prints per seed the first channel's
 * signed ROI error, its 90% interval (relative to the truth), and the fitted against the true Hill slope, kappa and
 * adstock alpha. A model that cannot express the truth misses at low noise too; one that only lacks data recovers.
 * Usage: npx tsx bench/mmm-true-forms.ts [family=hill-geometric-always+bursts] [seeds=1,2,4,5] [noise: the family's]
 */
import { parallelChains } from "../src/jobs/parallel-chains.ts";
import { fitBayesMmm } from "../src/regression/mmm/fit-bayes.ts";
import { fitMmm } from "../src/regression/mmm/fit-mmm.ts";
import type { FormRequest } from "../src/regression/mmm/form-selection.ts";
import { FAMILIES, simulateFamily } from "../src/regression/mmm/simulate-families.ts";

const [name = "hill-geometric-always+bursts", seedList = "1,2,4,5", noise] = process.argv.slice(2);
const base = FAMILIES.find((f) => f.name.startsWith(name))!;
const family = { ...base, noise: noise !== undefined ? Number(noise) : base.noise };
const pct = (v: number) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(1)}%`;
const param = (spec: object, key: string) => (key in spec ? (spec as Record<string, number>)[key]!.toFixed(2) : "–");
console.log(`${family.name}, noise ${family.noise} (the family's: ${base.noise}), true forms given`);
for (const seed of seedList.split(",").map(Number)) {
  const sim = simulateFamily(family, seed);
  const forms: Record<string, FormRequest> = Object.fromEntries(sim.truth.map((t) => [t.channel, { adstock: t.adstock.kind, saturation: t.saturation.kind }]));
  const bayes = (await fitBayesMmm(sim.input, { seed: 1, runChains: parallelChains(), forms })).segments[0]!.model.channels[0]!;
  const fast = fitMmm(sim.input, { seed: 1, seasonality: "additive" }).channels[0]!;
  const t = sim.truth[0]!;
  const rel = (v: number) => pct(v / t.roi - 1);
  console.log(
    `seed ${seed} ${t.channel}: bayes ${rel(bayes.roi)} [${rel(bayes.roiInterval!.lower)}, ${rel(bayes.roiInterval!.upper)}], fast ${rel(fast.roi)}; ` +
      `slope ${param(bayes.saturation, "slope")} (true ${param(t.saturation, "slope")}), kappa ${param(bayes.saturation, "kappa")} (true ${param(t.saturation, "kappa")}), ` +
      `alpha ${param(bayes.adstock, "alpha")} (true ${param(t.adstock, "alpha")})`,
  );
}
