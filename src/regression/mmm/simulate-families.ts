import { seededRng, type Rng } from "../../data/random.ts";
import { adstock, type AdstockSpec } from "./adstock.ts";
import type { AdstockForm, SaturationForm } from "./forms.ts";
import type { MmmInput } from "./types.ts";
import { saturate, type SaturationSpec } from "./saturation.ts";

/**
 * Data-generating families for the recovery matrix (issue 13): known truth across saturation and adstock forms,
 * spend patterns, frequencies, lengths, channel counts and noise levels. Each family fixes the structure; the seed
 * draws the parameters from ranges, so a family is many datasets, not one. Deliberately unlike the model in places
 * (unnormalised adstock, a concave trend, seasonality with several harmonics, events), as other tools' generators are.
 */
export type SpendPattern = "always" | "bursts" | "pauses" | "sparse";

export interface ChannelFamily {
  readonly saturation: SaturationForm;
  readonly adstock: AdstockForm;
  readonly pattern: SpendPattern;
  /** Share of the baseline's mean that the channel's mean contribution is, before noise. */
  readonly effectShare: number;
  /** Relative spend level (spend shares follow these). */
  readonly spendLevel: number;
}

export interface Family {
  readonly name: string;
  readonly frequency: "W" | "D";
  readonly periods: number;
  readonly channels: readonly ChannelFamily[];
  /** Noise SD as a share of the baseline's mean. */
  readonly noise: number;
  readonly trend: "linear" | "concave";
  /** One-period events with a known effect (given to the model as controls). */
  readonly events: number;
  /** Range Hill's slope is drawn from (default [0.8, 2]); Robyn's search range for it runs to 3. */
  readonly hillSlope?: readonly [number, number];
}

export interface ChannelTruth {
  readonly channel: string;
  readonly adstock: AdstockSpec;
  readonly saturation: SaturationSpec;
  readonly coefficient: number;
  /** Contribution / spend over the fitting rows (the model's ROI). */
  readonly roi: number;
  readonly shareOfSpend: number;
}

export interface SimulatedFamily {
  readonly input: MmmInput;
  readonly truth: readonly ChannelTruth[];
}

const uniform = (r: Rng, lo: number, hi: number) => lo + (hi - lo) * r.uniform();

function spendSeries(r: Rng, pattern: SpendPattern, n: number, level: number, frequency: "W" | "D"): number[] {
  const block = frequency === "W" ? 1 : 7;
  const x = new Array<number>(n).fill(0);
  switch (pattern) {
    case "always":
      // on every period, spread over its range (PyMC-Marketing's x1: uniform, the low half halved)
      for (let t = 0; t < n; t++) {
        const u = r.uniform();
        x[t] = level * (u > 0.9 ? u : u / 2) * 2;
      }
      break;
    case "sparse":
      // on in about a fifth of the periods (PyMC-Marketing's x2)
      for (let t = 0; t < n; t++) {
        const u = r.uniform();
        x[t] = u > 0.8 ? level * u * 5 : 0;
      }
      break;
    case "bursts": {
      // campaigns of 2-6 blocks on, 1-5 off, at a level drawn per campaign
      let t = 0;
      while (t < n) {
        const on = block * Math.floor(uniform(r, 2, 7));
        const amp = level * uniform(r, 1, 3);
        for (let k = 0; k < on && t < n; k++, t++) x[t] = amp * uniform(r, 0.8, 1.2);
        t += block * Math.floor(uniform(r, 1, 6));
      }
      break;
    }
    case "pauses":
      // always on with a level that moves in steps, paused now and then
      {
        let amp = level;
        for (let t = 0; t < n; t++) {
          if (t % (4 * block) === 0) amp = level * uniform(r, 0.4, 1.8);
          x[t] = r.uniform() < 0.1 ? 0 : amp * uniform(r, 0.85, 1.15);
        }
      }
      break;
  }
  return x;
}

function adstockOf(r: Rng, form: AdstockForm, lMax: number): AdstockSpec {
  switch (form) {
    case "geometric":
      return { kind: "geometric", alpha: uniform(r, 0.1, 0.7), lMax, normalize: false };
    case "delayed":
      return { kind: "delayed", alpha: uniform(r, 0.3, 0.7), theta: uniform(r, 1, 3), lMax, normalize: false };
    case "weibull-cdf":
      return { kind: "weibull-cdf", shape: uniform(r, 0.5, 2), scale: uniform(r, 1, 4), lMax, normalize: false };
    case "weibull-pdf":
      return { kind: "weibull-pdf", shape: uniform(r, 1.5, 3), scale: uniform(r, 1.5, 4), lMax, normalize: false };
  }
}

/** A channel's transforms relative to its spend: the adstock, the half-point over the typical spend, Hill's slope. */
export interface SharedTransform {
  readonly adstock: AdstockSpec;
  readonly halfRatio: number;
  readonly slope: number;
}

function drawTransform(r: Rng, c: ChannelFamily, lMax: number, slope: readonly [number, number] = [0.8, 2]): SharedTransform {
  return { adstock: adstockOf(r, c.adstock, lMax), halfRatio: Math.exp(uniform(r, Math.log(0.5), Math.log(2))), slope: uniform(r, slope[0], slope[1]) };
}

/** Saturation with its half-point at halfRatio × the typical adstocked spend while on. */
function saturationOf(tr: SharedTransform, form: SaturationForm, typical: number): SaturationSpec {
  const half = typical * tr.halfRatio;
  switch (form) {
    case "hill":
      return { kind: "hill", kappa: half, slope: tr.slope };
    case "logistic":
      return { kind: "logistic", lam: Math.log(3) / half };
    case "michaelis-menten":
      return { kind: "michaelis-menten", alpha: 1, lam: half };
  }
}

/**
 * Simulate one dataset of a family; `holdout` is the share of the last periods the fit will not see. `shared`
 * fixes each channel's transforms (a panel's geos share them); by default the seed draws them.
 */
export function simulateFamily(
  f: Family,
  seed: number,
  holdout = 0.1,
  shared?: readonly SharedTransform[],
): SimulatedFamily & { readonly transforms: readonly SharedTransform[] } {
  const r = seededRng(seed * 7_919 + 13);
  const n = f.periods;
  const step = f.frequency === "W" ? 7 : 1;
  const t0 = Date.UTC(2021, 0, 4);
  const dates = Array.from({ length: n }, (_, t) => new Date(t0 + t * step * 86_400_000).toISOString().slice(0, 10));
  const lMax = f.frequency === "W" ? 8 : 14;
  const fit = n - Math.floor(n * holdout);
  const base = 1000;
  const years = (n * step) / 365.25;
  const phase = uniform(r, 0, 2 * Math.PI);
  const baseline = Array.from({ length: n }, (_, t) => {
    const yr = (t * step) / 365.25;
    const trend = f.trend === "linear" ? 0.15 * (yr / years) : 0.3 * (Math.sqrt(yr / years + 0.05) - 0.22);
    const season = 0.08 * Math.sin(2 * Math.PI * yr + phase) + 0.03 * Math.cos(4 * Math.PI * yr + phase);
    const weekly = f.frequency === "D" ? 0.05 * Math.cos((2 * Math.PI * t) / 7) : 0;
    return base * (1 + trend + season + weekly);
  });
  const controls: Record<string, number[]> = {};
  const taken = new Set<number>();
  for (let e = 0; e < f.events; e++) {
    let at = Math.floor(uniform(r, 0.1, 0.85) * n);
    while (taken.has(at)) at++; // two events on one period would be one event twice
    taken.add(at);
    controls[`event_${e + 1}`] = Array.from({ length: n }, (_, t) => (t === at ? 1 : 0));
    baseline[at]! += base * uniform(r, 0.15, 0.4);
  }
  const channels: Record<string, number[]> = {};
  const truth: ChannelTruth[] = [];
  const contributions: number[][] = [];
  const transforms: SharedTransform[] = [];
  f.channels.forEach((c, j) => {
    const name = `ch${j + 1}`;
    const x = spendSeries(r, c.pattern, n, 100 * c.spendLevel, f.frequency);
    const drawn = drawTransform(r, c, lMax, f.hillSlope); // drawn even when shared, so the rest of the stream does not move
    const tr = shared?.[j] ?? drawn;
    transforms.push(tr);
    const ad = tr.adstock;
    const a = adstock(x, ad);
    const on = a.slice(0, fit).filter((v) => v > 0);
    const typical = on.length > 0 ? on.reduce((s, v) => s + v, 0) / on.length : 1;
    const sat = saturationOf(tr, c.saturation, typical);
    const s = a.map((v) => saturate(v, sat));
    const meanS = s.slice(0, fit).reduce((acc, v) => acc + v, 0) / fit;
    const coefficient = meanS > 0 ? (c.effectShare * base) / meanS : 0;
    channels[name] = x;
    contributions.push(s.map((v) => coefficient * v));
    const spend = x.slice(0, fit).reduce((acc, v) => acc + v, 0);
    const contrib = contributions[j]!.slice(0, fit).reduce((acc, v) => acc + v, 0);
    truth.push({ channel: name, adstock: ad, saturation: sat, coefficient, roi: spend > 0 ? contrib / spend : 0, shareOfSpend: 0 });
  });
  const totalSpend = Object.values(channels).reduce((acc, x) => acc + x.slice(0, fit).reduce((s, v) => s + v, 0), 0);
  const withShares = truth.map((t) => ({ ...t, shareOfSpend: channels[t.channel]!.slice(0, fit).reduce((s, v) => s + v, 0) / totalSpend }));
  const target = baseline.map((b, t) => b + contributions.reduce((acc, c) => acc + c[t]!, 0) + f.noise * base * r.normal());
  return { input: { dates, target, channels, controls }, truth: withShares, transforms };
}

const ch = (saturation: SaturationForm, adstock: AdstockForm, pattern: SpendPattern, effectShare: number, spendLevel: number): ChannelFamily => ({
  saturation,
  adstock,
  pattern,
  effectShare,
  spendLevel,
});

/**
 * The recovery matrix. Each row is a family; `npm run bench` fits several seeds of each. The names say what varies:
 * saturation / adstock / spend patterns / frequency and length / channels / noise.
 */
export const FAMILIES: readonly Family[] = [
  // PyMC-Marketing's example structure: one channel always on, one on a fifth of the weeks, logistic, geometric, events
  {
    name: "logistic-geometric-always+sparse-W179-2ch-events",
    frequency: "W",
    periods: 179,
    noise: 0.04,
    trend: "concave",
    events: 2,
    channels: [ch("logistic", "geometric", "always", 0.25, 1), ch("logistic", "geometric", "sparse", 0.12, 1)],
  },
  {
    name: "hill-geometric-always+bursts-W156-3ch",
    frequency: "W",
    periods: 156,
    noise: 0.04,
    trend: "linear",
    events: 0,
    channels: [ch("hill", "geometric", "always", 0.2, 2), ch("hill", "geometric", "bursts", 0.1, 1), ch("hill", "geometric", "always", 0.08, 1)],
  },
  {
    name: "mm-geometric-pauses-W208-4ch",
    frequency: "W",
    periods: 208,
    noise: 0.05,
    trend: "linear",
    events: 1,
    channels: [
      ch("michaelis-menten", "geometric", "pauses", 0.15, 2),
      ch("michaelis-menten", "geometric", "always", 0.1, 1.5),
      ch("michaelis-menten", "geometric", "bursts", 0.08, 1),
      ch("michaelis-menten", "geometric", "sparse", 0.04, 0.5),
    ],
  },
  {
    name: "hill-delayed-bursts-W156-3ch",
    frequency: "W",
    periods: 156,
    noise: 0.04,
    trend: "concave",
    events: 0,
    channels: [ch("hill", "delayed", "bursts", 0.2, 2), ch("hill", "delayed", "always", 0.12, 1), ch("hill", "geometric", "pauses", 0.08, 1)],
  },
  {
    name: "logistic-weibull-always-W208-5ch",
    frequency: "W",
    periods: 208,
    noise: 0.04,
    trend: "linear",
    events: 2,
    channels: [
      ch("logistic", "weibull-pdf", "always", 0.15, 2),
      ch("logistic", "weibull-cdf", "pauses", 0.12, 1.5),
      ch("logistic", "geometric", "bursts", 0.1, 1),
      ch("logistic", "geometric", "sparse", 0.05, 0.5),
      ch("logistic", "geometric", "always", 0.04, 0.5),
    ],
  },
  {
    name: "hill-geometric-mixed-W104-2ch-noisy",
    frequency: "W",
    periods: 104,
    noise: 0.08,
    trend: "linear",
    events: 0,
    channels: [ch("hill", "geometric", "always", 0.25, 1.5), ch("hill", "geometric", "bursts", 0.15, 1)],
  },
  {
    name: "hill-geometric-mixed-W208-8ch",
    frequency: "W",
    periods: 208,
    noise: 0.03,
    trend: "linear",
    events: 1,
    channels: [
      ch("hill", "geometric", "always", 0.12, 2),
      ch("hill", "geometric", "bursts", 0.1, 1.5),
      ch("hill", "geometric", "pauses", 0.08, 1.5),
      ch("logistic", "geometric", "always", 0.06, 1),
      ch("hill", "geometric", "sparse", 0.05, 1),
      ch("michaelis-menten", "geometric", "bursts", 0.05, 1),
      ch("hill", "geometric", "always", 0.03, 0.5),
      ch("hill", "geometric", "pauses", 0.03, 0.5),
    ],
  },
  // added 2026-12-05 so that saturations other than Hill generate as many families as Hill does (the matrix had five
  // Hill families of eight, which favoured whatever rule prefers Hill): logistic and Michaelis–Menten (Meridian's
  // Hill with its slope fixed at 1), always-on channels among them
  {
    name: "logistic-geometric-always+pauses-W156-3ch",
    frequency: "W",
    periods: 156,
    noise: 0.04,
    trend: "linear",
    events: 1,
    channels: [ch("logistic", "geometric", "always", 0.18, 2), ch("logistic", "geometric", "pauses", 0.1, 1), ch("logistic", "geometric", "bursts", 0.08, 1)],
  },
  {
    name: "mm-geometric-always-W208-3ch",
    frequency: "W",
    periods: 208,
    noise: 0.04,
    trend: "concave",
    events: 2,
    channels: [
      ch("michaelis-menten", "geometric", "always", 0.15, 2),
      ch("michaelis-menten", "geometric", "always", 0.1, 1.5),
      ch("michaelis-menten", "geometric", "sparse", 0.06, 1),
    ],
  },
  {
    name: "logistic-geometric-mixed-D730-3ch",
    frequency: "D",
    periods: 730,
    noise: 0.05,
    trend: "concave",
    events: 2,
    channels: [
      ch("logistic", "geometric", "always", 0.12, 1.5),
      ch("logistic", "geometric", "bursts", 0.1, 1.5),
      ch("logistic", "geometric", "pauses", 0.06, 1),
    ],
  },
  {
    name: "hill-geometric-bursts-D730-3ch",
    frequency: "D",
    periods: 730,
    noise: 0.04,
    trend: "linear",
    events: 2,
    channels: [ch("hill", "geometric", "bursts", 0.15, 2), ch("hill", "geometric", "pauses", 0.1, 1), ch("logistic", "geometric", "always", 0.08, 1)],
  },
  // added 2026-12-05 (session 14): steeply S-shaped Hill curves (slopes 2–3.5, as in siMMMulator's and Robyn's
  // examples), two channels always on: below the spend the data show, a concave form and a slope prior near 1 both
  // credit the channel with sales an S-curve does not make
  {
    name: "hillS-geometric-always+bursts-W156-3ch",
    frequency: "W",
    periods: 156,
    noise: 0.04,
    trend: "linear",
    events: 1,
    hillSlope: [2, 3.5],
    channels: [ch("hill", "geometric", "always", 0.2, 2), ch("hill", "geometric", "bursts", 0.12, 1), ch("hill", "geometric", "always", 0.1, 1)],
  },
];

export interface SimulatedPanel {
  /** Geos one after another, labelled by `groups` (as a pooled fit takes them). */
  readonly input: MmmInput;
  /** Per geo and channel: the true ROI over the geo's fitting rows. */
  readonly truth: readonly (ChannelTruth & { readonly geo: string })[];
}

/**
 * A Meridian-style geo panel: `geos` geos of one family sharing each channel's transforms (relative to the geo's
 * typical spend), each with its own size (spend and baseline scale by a log-normal population) and each
 * channel's effect multiplied by exp(roiSpread·z), z ~ N(0, 1) per geo and channel, so true ROIs differ across
 * geos around a shared centre (what partial pooling assumes).
 */
export function simulatePanel(f: Family, geos: number, seed: number, roiSpread = 0.3, holdout = 0.1): SimulatedPanel {
  const r = seededRng(seed * 104_729 + 7);
  const shared = simulateFamily(f, seed * 1000, holdout).transforms;
  const parts = Array.from({ length: geos }, (_, g) => {
    const sim = simulateFamily(f, seed * 1000 + g, holdout, shared);
    const size = Math.exp(0.5 * r.normal());
    const lift = sim.truth.map(() => Math.exp(roiSpread * r.normal()));
    const n = sim.input.dates.length;
    // rebuild the target with this geo's effect multipliers: baseline = target − contributions
    const contribution = (j: number, t: number) =>
      sim.truth[j]!.coefficient * saturate(adstock(sim.input.channels[sim.truth[j]!.channel]!, sim.truth[j]!.adstock)[t]!, sim.truth[j]!.saturation);
    const contributions = sim.truth.map((_, j) => Array.from({ length: n }, (_, t) => contribution(j, t)));
    const target = sim.input.target.map((y, t) => size * (y + contributions.reduce((a, c, j) => a + (lift[j]! - 1) * c[t]!, 0)));
    const channels = Object.fromEntries(Object.entries(sim.input.channels).map(([k, v]) => [k, v.map((x) => x * size)]));
    // spend × size and target × size: ROI scales by lift only
    const truth = sim.truth.map((t, j) => ({ ...t, geo: `geo${g + 1}`, roi: t.roi * lift[j]!, coefficient: t.coefficient * lift[j]! * size }));
    return { dates: sim.input.dates, target, channels, controls: sim.input.controls ?? {}, truth, name: `geo${g + 1}` };
  });
  const names = Object.keys(parts[0]!.channels);
  const controlNames = Object.keys(parts[0]!.controls);
  return {
    input: {
      dates: parts.flatMap((p) => p.dates),
      target: parts.flatMap((p) => p.target),
      channels: Object.fromEntries(names.map((c) => [c, parts.flatMap((p) => p.channels[c]!)])),
      controls: Object.fromEntries(controlNames.map((c) => [c, parts.flatMap((p) => p.controls[c]!)])),
      groups: parts.flatMap((p) => p.dates.map(() => p.name)),
    },
    truth: parts.flatMap((p) => p.truth),
  };
}
