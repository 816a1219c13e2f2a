import { describe, expect, it } from "vitest";
import { parallelChains } from "../../../src/jobs/parallel-chains.ts";
import { fitBayesMmm } from "../../../src/regression/mmm/fit-bayes.ts";
import { FAMILIES, simulateFamily, simulatePanel } from "../../../src/regression/mmm/simulate-families.ts";

const family = (name: string) => FAMILIES.find((f) => f.name.startsWith(name))!;
const quick = { chains: 2, warmup: 150, draws: 150 } as const;

describe("the Bayesian marketing-mix model", () => {
  const sim = simulateFamily(family("hill-geometric-mixed-W104"), 1);
  const forms = { ch1: { adstock: "geometric", saturation: "logistic" }, ch2: { adstock: "geometric", saturation: "logistic" } } as const;

  it("When fitted twice with the same seed, in this thread or as three chains shared by two sampler threads, then the JSON is byte-identical; another seed gives other draws", async () => {
    const three = { ...quick, chains: 3 };
    const a = JSON.stringify(await fitBayesMmm(sim.input, { ...three, forms, seed: 3 }));
    const b = JSON.stringify(await fitBayesMmm(sim.input, { ...three, forms, seed: 3, runChains: parallelChains(2) }));
    const c = JSON.stringify(await fitBayesMmm(sim.input, { ...three, forms, seed: 4 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  }, 120_000);

  it("When fitted, then it reports per parameter R-hat and ESS, the posterior draws (at most the cap), and ROI inside its interval", async () => {
    const fit = await fitBayesMmm(sim.input, { ...quick, forms, storedDraws: 100 });
    const m = fit.segments[0]!.model;
    expect(m.method).toBe("bayes");
    expect(fit.diagnostics.parameters.map((p) => p.name)).toEqual(["ch1.alpha", "ch1.lam", "ch2.alpha", "ch2.lam", "ch1.log_roi", "ch2.log_roi", "log_sigma"]);
    for (const p of fit.diagnostics.parameters) {
      expect(p.rhat).toBeGreaterThan(0.99);
      expect(p.essBulk).toBeGreaterThan(0);
    }
    expect(m.posterior![0]!.roi).toHaveLength(100);
    expect(Object.keys(m.posterior![0]!.saturation)).toEqual(["lam"]);
    for (const c of m.channels) {
      expect(c.roiInterval!.lower).toBeLessThanOrEqual(c.roi);
      expect(c.roi).toBeLessThanOrEqual(c.roiInterval!.upper);
      expect(c.form).toEqual({ adstock: "geometric", saturation: "logistic" });
      expect(c.saturation.kind).toBe("logistic");
    }
    // the decomposition adds up to the fitted values
    const d = m.decomposition;
    for (const t of [0, 50, 103]) {
      const parts = d.baseline[t]! + d.trend[t]! + d.seasonality[t]! + d.controls[t]! + Object.values(d.channels).reduce((a, c) => a + c[t]!, 0);
      expect(parts).toBeCloseTo(d.fitted[t]!, 6);
    }
  }, 120_000);

  it("When a sampler check fails (20 warm-up iterations and 20 draws), then the answer says so in words", async () => {
    const fit = await fitBayesMmm(sim.input, { chains: 2, warmup: 20, draws: 20, forms });
    expect(fit.diagnostics.warnings.join(" ")).toMatch(/R-hat above 1.01|Effective sample size below/);
    expect(fit.segments[0]!.model.warnings).toEqual(expect.arrayContaining([...fit.diagnostics.warnings]));
  }, 60_000);

  it("When the full run does not converge, then it is sampled again with smaller steps and twice the warm-up, the better run is reported, and the warnings say so; a given target acceptance is not overridden", async () => {
    const fit = await fitBayesMmm(sim.input, { chains: 2, warmup: 15, draws: 30, forms });
    const said = fit.diagnostics.warnings[0]!;
    expect(said).toMatch(
      /^The full run did not converge \(max R-hat \d+\.\d{3}, \d+ divergences\) at target acceptance 0\.8; it was sampled again at 0\.95 with twice the warm-up/,
    );
    expect(said).toMatch(/the (first|second) run is reported\.$/);
    expect(fit.diagnostics.warmup).toBe(said.endsWith("second run is reported.") ? 30 : 15);
    const given = await fitBayesMmm(sim.input, { chains: 2, warmup: 15, draws: 30, forms, targetAccept: 0.8 });
    expect(given.diagnostics.warnings.join(" ")).not.toMatch(/sampled again/);
  }, 60_000);
});

describe("partial pooling across geos", () => {
  for (const [geoEffects, spreadName] of [
    ["normal", "log_roi_cv"],
    ["log-normal", "log_roi_sd"],
  ] as const)
    it(`When 8 geos' ROIs differ around a shared centre, then partial pooling (${geoEffects} geo effects) recovers them better than separate fits, and its 90% intervals cover at least 12 of 16`, async () => {
      const panel = simulatePanel(family("hill-geometric-mixed-W104"), 8, 2, 0.25);
      const forms = { ch1: { adstock: "geometric", saturation: "logistic" }, ch2: { adstock: "geometric", saturation: "logistic" } } as const;
      const pooled = await fitBayesMmm(panel.input, { ...quick, forms, pooling: "partial", geoEffects });
      const rms = (est: (geo: string, ch: string) => number) =>
        Math.sqrt(panel.truth.reduce((a, t) => a + Math.log(est(t.geo, t.channel) / t.roi) ** 2, 0) / panel.truth.length);
      const pooledRms = rms((geo, ch) => pooled.segments.find((s) => s.name === geo)!.model.channels.find((c) => c.channel === ch)!.roi);
      const separate = new Map<string, number>();
      for (const geo of [...new Set(panel.truth.map((t) => t.geo))]) {
        const rows = panel.input.groups!.flatMap((g, i) => (g === geo ? [i] : []));
        const input = {
          dates: rows.map((i) => panel.input.dates[i]!),
          target: rows.map((i) => panel.input.target[i]!),
          channels: Object.fromEntries(Object.entries(panel.input.channels).map(([k, v]) => [k, rows.map((i) => v[i]!)])),
          controls: Object.fromEntries(Object.entries(panel.input.controls ?? {}).map(([k, v]) => [k, rows.map((i) => v[i]!)])),
        };
        const m = (await fitBayesMmm(input, { ...quick, forms })).segments[0]!.model;
        for (const c of m.channels) separate.set(`${geo}|${c.channel}`, c.roi);
      }
      const separateRms = rms((geo, ch) => separate.get(`${geo}|${ch}`)!);
      expect(pooled.segments).toHaveLength(8);
      const covered = panel.truth.filter((t) => {
        const c = pooled.segments.find((s) => s.name === t.geo)!.model.channels.find((x) => x.channel === t.channel)!;
        return c.roiInterval!.lower <= t.roi && t.roi <= c.roiInterval!.upper;
      }).length;
      expect(covered).toBeGreaterThanOrEqual(12);
      expect(pooledRms).toBeLessThan(separateRms);
      expect(pooled.diagnostics.parameters.some((p) => p.name === `ch1.${spreadName}`)).toBe(true);
    }, 300_000);
});
