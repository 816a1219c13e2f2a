/**
 * What one gradient of the 40-geo panel's log posterior costs per adstock form (logistic saturation on every channel;
 * normal geo effects, the density "auto" and the bench's panel sample): the sampler's unit of work, so a form's
 * share of a fit's time. Same point and same numbers for every run (the log density and first gradient entries are
 * printed so that a change to the gradient code can be checked for equal results).
 * Usage: npx tsx bench/mmm-gradient.ts [evaluations=600] [forms=geometric,weibull-pdf,weibull-cdf,delayed]
 */
import type { ChainRunner, LogDensity } from "../src/mcmc/nuts.ts";
import { fitBayesMmm } from "../src/regression/mmm/fit-bayes.ts";
import { FAMILIES, simulatePanel } from "../src/regression/mmm/simulate-families.ts";

export async function gradientBench(evaluations = 600, adstocks = ["geometric", "weibull-pdf", "weibull-cdf", "delayed"]): Promise<string[]> {
  const family = FAMILIES.find((f) => f.name.startsWith("logistic-weibull-always-W208-5ch"))!;
  const panel = simulatePanel({ ...family, periods: 156 }, 40, 1, 0.3);
  const lines: string[] = [];
  for (const adstock of adstocks) {
    // the fit builds the density exactly as a run would; this runner times it and stops before sampling
    const timeIt: ChainRunner = async (spec) => {
      const mod = (await import(spec.module)) as Record<string, (d: unknown) => LogDensity>;
      const target = mod[spec.build]!(spec.data);
      const q = new Float64Array(target.dim).fill(0.1);
      const g = new Float64Array(target.dim);
      for (let i = 0; i < 50; i++) target.logDensityGrad(q, g); // warm the JIT
      const t0 = performance.now();
      let lp = 0;
      for (let i = 0; i < evaluations; i++) lp = target.logDensityGrad(q, g);
      const ms = (performance.now() - t0) / evaluations;
      lines.push(
        `40-geo panel gradient, ${adstock} + logistic: ${ms.toFixed(2)} ms (log p ${lp.toFixed(4)}, ∂/∂q[0..2] ${Array.from(g.subarray(0, 3), (v) => v.toFixed(4)).join(", ")})`,
      );
      throw new Stop();
    };
    const forms = Object.fromEntries(Object.keys(panel.input.channels).map((c) => [c, { adstock, saturation: "logistic" }]));
    await fitBayesMmm(panel.input, { pooling: "partial", geoEffects: "normal", runChains: timeIt, forms } as Parameters<typeof fitBayesMmm>[1]).catch((e) => {
      if (!(e instanceof Stop)) throw e;
    });
  }
  return lines;
}

class Stop extends Error {}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, forms] = process.argv.slice(2);
  for (const line of await gradientBench(Number(n ?? 600), forms?.split(","))) console.log(line);
}
