import { parallelChains } from "../src/jobs/parallel-chains.ts";
import { fitBayesMmm } from "../src/regression/mmm/fit-bayes.ts";
import { FAMILIES, simulateFamily } from "../src/regression/mmm/simulate-families.ts";
const fam = FAMILIES.find((f) => f.name.includes(process.argv[2]!))!;
const sim = simulateFamily(fam, Number(process.argv[3] ?? 1));
const m = (await fitBayesMmm(sim.input, { seed: 1, runChains: parallelChains() })).segments[0]!.model;
for (const c of m.formSelection!.candidates)
  console.log(
    c.adstock,
    c.saturation,
    "w",
    c.weight.toFixed(3),
    "elpdDiff",
    c.elpdDiff.toFixed(1),
    "±",
    c.seDiff.toFixed(1),
    "rhat",
    c.maxRhat.toFixed(3),
    c.roi!.map((r) => `${r.channel} ${r.roi.toFixed(2)} [${r.lower.toFixed(2)}, ${r.upper.toFixed(2)}]`).join(" "),
  );
for (const c of m.channels)
  console.log(c.channel, c.form, c.roi.toFixed(2), c.roiInterval, "truth", sim.truth.find((t) => t.channel === c.channel)!.roi.toFixed(2));
