import { describe, expect, it } from "vitest";
import { adstock } from "../../../src/regression/mmm/adstock.ts";
import { fitMmm, type ChannelResult, type MmmOptions } from "../../../src/regression/mmm/fit-mmm.ts";
import { hillSaturation } from "../../../src/regression/mmm/saturation.ts";
import { constrainedLeastSquares } from "../../../src/regression/mmm/nnls.ts";
import { SAMPLE_SPEC, simulatedMmmInput, simulateSales } from "../../../src/regression/mmm/simulate.ts";
import { expectAllClose } from "../../helpers/all-close.ts";

describe("constrained least squares (Lawson-Hanson on the media columns)", () => {
  it("When the unconstrained fit is negative for a constrained column, then that coefficient is 0 and the rest is the reduced fit", () => {
    const n = 50;
    const one = new Float64Array(n).fill(1);
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const z = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const y = Float64Array.from({ length: n }, (_, i) => 3 + 2 * x[i]! - 5 * z[i]!);
    expectAllClose(Array.from(constrainedLeastSquares([one, x, z], y, new Set())), [3, 2, -5], { rtol: 1e-10 });
    const c = constrainedLeastSquares([one, x, z], y, new Set([2]));
    expect(c[2]).toBe(0);
    const reduced = constrainedLeastSquares([one, x], y, new Set());
    expectAllClose([c[0]!, c[1]!], Array.from(reduced), { rtol: 1e-10 });
  });
});

describe("fitMmm on the bundled sample (first cut)", () => {
  const sim = simulateSales(SAMPLE_SPEC, 20240601);
  const rows = sim.rows.filter((r) => r.segment === "Enterprise");
  const input = simulatedMmmInput(rows);

  it("When fitted twice with the same seed, then the JSON is byte-identical", () => {
    const a = fitMmm(input, { seed: 7, searchSize: 40, refineRounds: 1, bootstrap: 50 });
    const b = fitMmm(input, { seed: 7, searchSize: 40, refineRounds: 1, bootstrap: 50 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.channels.every((c) => c.coefficient >= 0)).toBe(true);
    expect(a.holdout).not.toBeNull();
  });

  it("When fitted, then TV's adstock alpha is within 0.05 of the truth", () => {
    const fit = fitMmm(input, { seed: 1, holdout: 0, bootstrap: 0 });
    expect(Math.abs(fit.channels.find((c) => c.channel === "tv")!.transform.alpha - 0.6)).toBeLessThan(0.05);
    expect(fit.inSample.rsquared).toBeGreaterThan(0.9);
  });
});

describe("fitMmm recovers the sample's truth", () => {
  // Channels with a meaningful share of spend: at least 10% of the segment's. In the sample that is TV, search and
  // social (46-52%, 23-24%, 19-24%); email and flyer have about 3% each, with effects under a tenth of the daily
  // noise, and are reported with wide intervals. Across 10 simulated copies of the sample the default fit has TV
  // and social within 10% every time and search 6-8 times in 10 (bench/mmm-recovery.ts, BENCHMARKS.md).
  // Stated tolerances: ROI within 10%; adstock alpha within 0.15; the steady-state response curve within 10% at the
  // median daily spend the channel had while on, and within 25% from its 10th to its 90th percentile. Hill's slope
  // and kappa trade off against each other under noise; the noise-free test below holds them tightly.
  const sim = simulateSales(SAMPLE_SPEC, 20240601);
  for (const seg of SAMPLE_SPEC.segments) {
    it(`When the ${seg.name} segment is fitted with default settings, then each channel with ≥ 10% of spend has its ROI, adstock and response curve within the stated tolerances`, () => {
      const rows = sim.rows.filter((r) => r.segment === seg.name);
      const fit = fitMmm(simulatedMmmInput(rows), { seed: 1, holdout: 0, bootstrap: 0 });
      const meaningful = fit.channels.filter((c) => c.shareOfSpend >= 0.1);
      expect(meaningful.map((c) => c.channel)).toEqual(["tv", "search", "social"]);
      for (const c of meaningful) {
        const truth = seg.channels[c.channel]!;
        const trueRoi = sim.truth.find((t) => t.segment === seg.name && t.channel === c.channel)!.roi;
        expect(Math.abs(c.roi / trueRoi - 1), `${c.channel} ROI`).toBeLessThan(0.1);
        expect(Math.abs(c.transform.alpha - truth.alpha), `${c.channel} alpha`).toBeLessThan(0.15);
        const on = rows
          .map((r) => r.spend[c.channel]!)
          .filter((v) => v > 0)
          .sort((a, b) => a - b);
        const curveError = (q: number) => {
          const s = on[Math.floor(q * (on.length - 1))]!;
          return Math.abs((c.coefficient * hillSaturation(s, c.transform)) / (truth.beta * hillSaturation(s, truth)) - 1);
        };
        expect(curveError(0.5), `${c.channel} curve at the median`).toBeLessThan(0.1);
        expect(Math.max(curveError(0.1), curveError(0.9)), `${c.channel} curve at p10, p90`).toBeLessThan(0.25);
      }
    }, 30_000);
  }

  it("When a channel's spend follows the weekdays (email on Tuesdays and Thursdays), then the fit warns that its ROI is unreliable, and only for that channel", () => {
    const rows = sim.rows.filter((r) => r.segment === "SMB");
    const fit = fitMmm(simulatedMmmInput(rows), { seed: 1, holdout: 0, bootstrap: 0, searchSize: 1, refineRounds: 0, polishIterations: 0 });
    const flagged = fit.warnings.filter((w) => w.includes("follows the trend, day-of-week and seasonal terms"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/^Channel email: \d+% of its spend's variation/);
  });

  it("When the sample is simulated without noise, then the search finds every transform but email's (alpha within 0.02, slope and kappa within 10%)", () => {
    // Email is sent on Tuesdays and Thursdays: its shape is confounded with the day-of-week effects.
    const quiet = { ...SAMPLE_SPEC, segments: SAMPLE_SPEC.segments.map((s) => ({ ...s, noise: 0 })) };
    const sim0 = simulateSales(quiet, 20240601);
    for (const seg of quiet.segments) {
      const fit = fitMmm(simulatedMmmInput(sim0.rows.filter((r) => r.segment === seg.name)), { seed: 1, holdout: 0, bootstrap: 0 });
      for (const c of fit.channels.filter((x) => x.channel !== "email")) {
        const truth = seg.channels[c.channel]!;
        const where = `${seg.name} ${c.channel}`;
        expect(Math.abs(c.transform.alpha - truth.alpha), `${where} alpha`).toBeLessThan(0.02);
        expect(Math.abs(c.transform.slope / truth.slope - 1), `${where} slope`).toBeLessThan(0.1);
        expect(Math.abs(c.transform.kappa / truth.kappa - 1), `${where} kappa`).toBeLessThan(0.1);
      }
    }
  }, 60_000);
});

describe("multiplicative seasonality", () => {
  // The sample's weekly and yearly cycles multiply a growing baseline. Without noise and with the true transforms,
  // the multiplicative baseline recovers every ROI; the additive one leaves the interactions in the residual, where
  // they masquerade as media (one channel 18% off in noise-free data).
  const spec = { ...SAMPLE_SPEC, segments: SAMPLE_SPEC.segments.map((s) => ({ ...s, noise: 0 })) };
  const sim = simulateSales(spec, 20240601);
  const seg = spec.segments[0]!;
  const rows = sim.rows.filter((r) => r.segment === seg.name);
  const input = simulatedMmmInput(rows);
  const worstError = (mode: "additive" | "multiplicative") => {
    const fit = fitMmm(input, { holdout: 0, bootstrap: 0, transforms: seg.channels, seasonality: mode });
    // email (Tuesday and Thursday sends) is confounded with the day-of-week terms either way
    return Math.max(
      ...fit.channels
        .filter((c) => c.channel !== "email")
        .map((c) => Math.abs(c.roi / sim.truth.find((t) => t.segment === seg.name && t.channel === c.channel)!.roi - 1)),
    );
  };

  it("When noise-free data from a multiplicative baseline is fitted with the true transforms, then every ROI but email's is within 5% (multiplicative) and not (additive)", () => {
    expect(worstError("multiplicative")).toBeLessThan(0.05);
    expect(worstError("additive")).toBeGreaterThan(0.1);
  });
});

describe("bootstrap intervals", () => {
  /** How many of the 90% ROI intervals of the `keep` channels cover the true ROI, over two-year SMB datasets. */
  const coverage = (seeds: number, how: { trueTransforms: boolean; searchSize?: number }, keep: (c: ChannelResult) => boolean) => {
    const seg = SAMPLE_SPEC.segments[1]!;
    const spec = { ...SAMPLE_SPEC, days: 730, segments: [seg] };
    let covered = 0;
    let total = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const sim = simulateSales(spec, seed);
      const opts: MmmOptions = {
        seed,
        holdout: 0,
        bootstrap: 100,
        alpha: 0.1,
        searchSize: how.searchSize,
        transforms: how.trueTransforms ? seg.channels : undefined,
      };
      const fit = fitMmm(simulatedMmmInput(sim.rows), opts);
      for (const c of fit.channels.filter(keep)) {
        const truth = sim.truth.find((t) => t.channel === c.channel)!.roi;
        total++;
        if (c.roiInterval!.lower <= truth && truth <= c.roiInterval!.upper) covered++;
      }
    }
    return { covered, total };
  };

  it("When 30 datasets are simulated from known transforms, then 90% ROI intervals cover the true ROI about 90% of the time", () => {
    // Transforms fixed at their true values: the bootstrap alone, without the search (see fitMmm).
    const { covered, total } = coverage(30, { trueTransforms: true }, () => true);
    // 150 intervals: a correct 90% method lands in [0.82, 0.97] with probability > 99%
    expect(total).toBe(150);
    expect(covered / total).toBeGreaterThan(0.82);
    expect(covered / total).toBeLessThan(0.97);
  }, 60_000);

  it("When 16 datasets are fitted with the transforms searched (100 random candidates), then the 90% ROI intervals of channels with ≥ 10% of spend cover the truth in 75-97% of cases", () => {
    // Measured: 41 of 48 (85%) with every replicate searching the transforms again (the default), 34 of 48 (71%)
    // with them held at their fitted values: the re-search brings the intervals closer to their claim but they
    // still run somewhat narrow (TV's most of all), which README and fit-mmm.ts say.
    const { covered, total } = coverage(16, { trueTransforms: false, searchSize: 100 }, (c) => c.shareOfSpend >= 0.1);
    expect(total).toBe(48);
    expect(covered / total).toBeGreaterThan(0.75);
    expect(covered / total).toBeLessThan(0.97);
  }, 120_000);
});

describe("calibration with lift tests", () => {
  it("When a 2-month lift test on social is given (5% SE), then social's ROI lands within 10% of the truth in every segment", () => {
    const sim = simulateSales(SAMPLE_SPEC, 20240601);
    for (const seg of SAMPLE_SPEC.segments) {
      const rows = sim.rows.filter((r) => r.segment === seg.name);
      const p = seg.channels.social!;
      // the experiment measures the true incremental sales of social over the window
      const effect = adstock(
        rows.map((r) => r.spend.social!),
        { kind: "geometric", alpha: p.alpha, lMax: p.lMax, normalize: true },
      ).map((a) => p.beta * hillSaturation(a, p));
      const liftAbs = rows.reduce((s, r, t) => (r.date >= "2024-05-01" && r.date <= "2024-06-30" ? s + effect[t]! : s), 0);
      const fit = fitMmm(
        {
          ...simulatedMmmInput(rows),
          lifts: [{ channel: "social", start: "2024-05-01", end: "2024-06-30", liftAbs, liftSe: 0.05 * liftAbs }],
        },
        { seed: 1, holdout: 0, bootstrap: 0 },
      );
      const truth = sim.truth.find((t) => t.segment === seg.name && t.channel === "social")!.roi;
      expect(Math.abs(fit.channels.find((c) => c.channel === "social")!.roi / truth - 1), seg.name).toBeLessThan(0.1);
    }
  }, 60_000);

  it("When a lift names an unknown channel, an empty window or a zero SE, then the fit says so", () => {
    const rows = simulateSales(SAMPLE_SPEC, 1).rows.filter((r) => r.segment === "SMB");
    const base = { dates: rows.map((r) => r.date), target: rows.map((r) => r.sales), channels: { tv: rows.map((r) => r.spend.tv!) } };
    const lift = { channel: "tv", start: "2024-01-01", end: "2024-01-31", liftAbs: 1000, liftSe: 100 };
    const opts = { searchSize: 1, refineRounds: 0, bootstrap: 0 };
    expect(() => fitMmm({ ...base, lifts: [{ ...lift, channel: "radio" }] }, opts)).toThrow("lifts[0]: radio is not one of the channels (tv).");
    expect(() => fitMmm({ ...base, lifts: [{ ...lift, start: "2030-01-01", end: "2030-02-01" }] }, opts)).toThrow(
      "lifts[0]: no period of the data falls in 2030-01-01..2030-02-01.",
    );
    expect(() => fitMmm({ ...base, lifts: [{ ...lift, liftSe: 0 }] }, opts)).toThrow("lifts[0]: liftSe must be positive; got 0.");
  });
});
