/**
 * A Meridian-style geo panel, simulated (issue 13: 40 geos × 156 weeks × 5 channels with partial pooling in under 3
 * minutes): time, sampler diagnostics, and recovery of the geo ROIs (median error, 90% coverage).
 * Usage: npx tsx bench/mmm-panel.ts [geos=40] [normal|log-normal] [seed=1] [given|auto]   (PANEL_PROGRESS=1: progress with times on stderr)
 */
import { parallelChains } from "../src/jobs/parallel-chains.ts";
import { fitBayesMmm } from "../src/regression/mmm/fit-bayes.ts";
import { FAMILIES, simulatePanel } from "../src/regression/mmm/simulate-families.ts";

export async function panelBench(geos: number, geoEffects: "normal" | "log-normal", seed = 1, forms: "given" | "auto" = "given"): Promise<string> {
  const family = FAMILIES.find((f) => f.name.startsWith("logistic-weibull-always-W208-5ch"))!;
  const panel = simulatePanel({ ...family, periods: 156 }, geos, seed, 0.3);
  const t0 = performance.now();
  const fit = await fitBayesMmm(panel.input, {
    pooling: "partial",
    geoEffects,
    ...(forms === "given" && {
      forms: Object.fromEntries(Object.keys(panel.input.channels).map((c) => [c, { adstock: "geometric", saturation: "logistic" }])),
    }),
    runChains: parallelChains(),
    ...(process.env.PANEL_PROGRESS && {
      onProgress: (f: number, m: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${(100 * f).toFixed(0)}% ${m}`),
    }),
  });
  const seconds = (performance.now() - t0) / 1000;
  const rows = panel.truth.map((t) => {
    const c = fit.segments.find((g) => g.name === t.geo)!.model.channels.find((x) => x.channel === t.channel)!;
    return { err: Math.abs(c.roi / t.roi - 1), covered: c.roiInterval!.lower <= t.roi && t.roi <= c.roiInterval!.upper };
  });
  const errs = rows.map((r) => r.err).sort((a, b) => a - b);
  const d = fit.diagnostics;
  const chosen = fit.segments[0]!.model.channels.map((c) => `${c.form?.adstock}+${c.form?.saturation}`);
  return `MMM geo panel ${geos} geos × 156 weeks × 5 channels, partial pooling (${geoEffects}), forms ${forms === "auto" ? `auto (chose ${[...new Set(chosen)].join(", ")})` : "given"}: ${seconds.toFixed(1)} s; ${d.gradientEvaluations} gradients, max R-hat ${d.maxRhat.toFixed(3)}, min bulk ESS ${d.minEssBulk.toFixed(0)}, ${d.divergences} divergences; geo ROIs: median error ${(100 * errs[Math.floor(errs.length / 2)]!).toFixed(1)}%, 90% intervals cover ${rows.filter((r) => r.covered).length} of ${rows.length}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [geos, effects, seed, forms] = process.argv.slice(2);
  console.log(await panelBench(Number(geos ?? 40), (effects as "normal" | "log-normal") ?? "normal", Number(seed ?? 1), forms === "auto" ? "auto" : "given"));
}
