import { isHoliday } from "../../data/holidays.ts";
import { seededRng, type Rng } from "../../data/random.ts";
import { geometricAdstock } from "./adstock.ts";
import type { ChannelTransform, MmmInput } from "./types.ts";
import { hillSaturation } from "./saturation.ts";

/** The true media response of one channel in one segment: beta · hill(geometricAdstock(spend)), per day. */
export interface TrueChannel extends ChannelTransform {
  /** Maximum incremental sales per day (the Hill asymptote). */
  readonly beta: number;
}

export interface TrueSegment {
  readonly name: string;
  /** Baseline sales per day at the start, before seasonality. */
  readonly base: number;
  /** Baseline growth per year, as a fraction (0.08 = +8%/yr, linear). */
  readonly trendPerYear: number;
  /** Multiplies every channel's spend (segments differ in size). */
  readonly spendScale: number;
  /** Extra sales per day on a holiday, as a fraction of baseline. */
  readonly holidayLift: number;
  /** Noise standard deviation, as a fraction of the starting baseline. */
  readonly noise: number;
  readonly channels: Readonly<Record<string, TrueChannel>>;
}

export interface SimulationSpec {
  readonly start: string;
  readonly days: number;
  /** Multipliers of baseline by day of week, Monday first. */
  readonly weekly: readonly number[];
  /** Amplitude of the yearly cycle, as a fraction of baseline; peak near `yearlyPeakDay` (day of year). */
  readonly yearlyAmplitude: number;
  readonly yearlyPeakDay: number;
  readonly segments: readonly TrueSegment[];
}

export interface SimulatedRow {
  readonly date: string;
  readonly segment: string;
  readonly spend: Readonly<Record<string, number>>;
  readonly holiday: 0 | 1;
  readonly sales: number;
}

export interface ChannelTruth {
  readonly segment: string;
  readonly channel: string;
  readonly spend: number;
  readonly contribution: number;
  /** contribution / spend over the simulated window (carry-over past its end is not counted). */
  readonly roi: number;
  readonly params: TrueChannel;
}

export interface Simulation {
  readonly rows: readonly SimulatedRow[];
  readonly truth: readonly ChannelTruth[];
}

export const CHANNELS = ["tv", "search", "social", "email", "flyer"] as const;

/**
 * Daily spend scale per channel at spendScale 1 (`mean`: the mean daily spend, except flyers, whose drops average
 * about half of it), each channel's carry-over and shape, and `on`, which puts kappa at mean / on: about the
 * channel's spend on a day it is on.
 */
const CHANNEL_SHAPE: Record<(typeof CHANNELS)[number], { mean: number; alpha: number; lMax: number; slope: number; on: number }> = {
  tv: { mean: 2000, alpha: 0.6, lMax: 14, slope: 1.0, on: 0.5 },
  search: { mean: 1100, alpha: 0.1, lMax: 14, slope: 1.0, on: 1 },
  social: { mean: 900, alpha: 0.3, lMax: 14, slope: 1.2, on: 0.5 },
  email: { mean: 120, alpha: 0.2, lMax: 14, slope: 1.0, on: 1 },
  flyer: { mean: 250, alpha: 0.4, lMax: 14, slope: 1.0, on: 0.4 },
};

/** The bundled sample's truth: 3 years daily, 3 segments, 5 channels. */
export const SAMPLE_SPEC: SimulationSpec = {
  start: "2023-01-01",
  days: 1096,
  weekly: [1.0, 1.02, 1.03, 1.05, 1.12, 0.93, 0.85],
  yearlyAmplitude: 0.15,
  yearlyPeakDay: 340,
  segments: [
    segment("Enterprise", 40_000, 0.06, 1.0, 0.25, 0.03, { tv: 1.6, search: 3.2, social: 1.1, email: 4.0, flyer: 0.7 }),
    segment("SMB", 25_000, 0.1, 0.6, 0.35, 0.035, { tv: 1.2, search: 2.6, social: 1.8, email: 3.0, flyer: 1.4 }),
    segment("Consumer", 60_000, 0.04, 1.4, 0.4, 0.03, { tv: 2.0, search: 2.2, social: 2.4, email: 1.5, flyer: 0.9 }),
  ],
};

/**
 * Choose beta and kappa so that the channel's ROI is near `roi`: kappa at the typical spend while the channel is on
 * (mean / on) gives hill = 1/2 there, so beta = 2·roi·mean / on. The realised ROI is computed from the simulated data.
 */
function segment(
  name: string,
  base: number,
  trendPerYear: number,
  spendScale: number,
  holidayLift: number,
  noise: number,
  roi: Record<(typeof CHANNELS)[number], number>,
): TrueSegment {
  const channels = Object.fromEntries(
    CHANNELS.map((c) => {
      const s = CHANNEL_SHAPE[c];
      const mean = s.mean * spendScale;
      return [c, { alpha: s.alpha, lMax: s.lMax, slope: s.slope, kappa: round(mean / s.on), beta: round((2 * roi[c] * mean) / s.on) }];
    }),
  );
  return { name, base, trendPerYear, spendScale, holidayLift, noise, channels };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function spendSeries(channel: (typeof CHANNELS)[number], dates: readonly string[], scale: number, rng: Rng): number[] {
  const mean = CHANNEL_SHAPE[channel].mean * scale;
  // Budgets are re-planned (search weekly, as bid caps follow the week's plan; the rest monthly) to a level between
  // 0.3× and 1.7× the mean, and search pauses every August. Without such variation an always-on channel's effect
  // cannot be told apart from the baseline by any model.
  const levels = new Map<string, number>();
  const budget = (d: string, t: number) => {
    const key = channel === "search" ? `week ${Math.floor(t / 7)}, ${d.slice(5, 7)}` : d.slice(0, 7);
    if (!levels.has(key)) levels.set(key, channel === "search" && d.slice(5, 7) === "08" ? 0 : 0.3 + 1.4 * rng.uniform());
    return levels.get(key)!;
  };
  // Social runs campaigns: bursts of one to three weeks with gaps of one to three weeks.
  const socialOn: boolean[] = [];
  for (let on = true; channel === "social" && socialOn.length < dates.length; on = !on) {
    const weeks = 1 + Math.floor(3 * rng.uniform());
    for (let k = 0; k < 7 * weeks; k++) socialOn.push(on);
  }
  // Flyers are dropped every 9 to 19 days, as print schedules allow.
  const drops = new Set<number>();
  for (let t = Math.floor(9 * rng.uniform()); channel === "flyer" && t < dates.length; t += 9 + Math.floor(11 * rng.uniform())) drops.add(t);
  return dates.map((d, t) => {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    const jitter = () => Math.exp(0.25 * rng.normal() - 0.03125);
    switch (channel) {
      case "tv": // flights: four weeks on at 2× the mean, four weeks off
        return Math.floor(t / 28) % 2 === 0 ? round(2 * mean * budget(d, t) * jitter()) : 0;
      case "search": // always on, following demand through the week
        return round(mean * budget(d, t) * (dow === 0 || dow === 6 ? 0.8 : 1.08) * jitter());
      case "social": // at 2× the mean while a campaign runs
        return socialOn[t] ? round(2 * mean * budget(d, t) * jitter()) : 0;
      case "email": // two sends a week
        return dow === 2 || dow === 4 ? round(3.5 * mean * budget(d, t) * jitter()) : 0;
      case "flyer": // one day's drop
        return drops.has(t) ? round(7 * mean * budget(d, t) * jitter()) : 0;
    }
  });
}

/**
 * Simulate daily sales for each segment from known truth:
 * sales = base·(1 + trend·t/365)·weekly[dow]·(1 + A·cos(2π(doy − peak)/365.25)) + base·lift·holiday
 *         + Σ_channels beta·hill(geometricAdstock(spend)) + noise.
 * Deterministic for a seed.
 */
export function simulateSales(spec: SimulationSpec = SAMPLE_SPEC, seed = 20240601): Simulation {
  const rng = seededRng(seed);
  const t0 = Date.UTC(Number(spec.start.slice(0, 4)), Number(spec.start.slice(5, 7)) - 1, Number(spec.start.slice(8, 10)));
  const dates = Array.from({ length: spec.days }, (_, t) => new Date(t0 + t * 86_400_000).toISOString().slice(0, 10));
  const rows: SimulatedRow[] = [];
  const truth: ChannelTruth[] = [];
  for (const seg of spec.segments) {
    const spend = Object.fromEntries(CHANNELS.map((c) => [c, spendSeries(c, dates, seg.spendScale, rng)]));
    const effect = Object.fromEntries(
      CHANNELS.map((c) => {
        const p = seg.channels[c]!;
        const ad = geometricAdstock(spend[c]!, { alpha: p.alpha, lMax: p.lMax, normalize: true });
        return [c, ad.map((a) => p.beta * hillSaturation(a, p))];
      }),
    );
    for (const c of CHANNELS) {
      const s = spend[c]!.reduce((a, b) => a + b, 0);
      const contribution = effect[c]!.reduce((a, b) => a + b, 0);
      truth.push({ segment: seg.name, channel: c, spend: round(s), contribution: round(contribution), roi: contribution / s, params: seg.channels[c]! });
    }
    dates.forEach((date, t) => {
      const day = new Date(`${date}T00:00:00Z`);
      const dow = (day.getUTCDay() + 6) % 7; // Monday = 0
      const doy = (day.getTime() - Date.UTC(day.getUTCFullYear(), 0, 1)) / 86_400_000 + 1;
      const holiday = isHoliday(date) ? 1 : 0;
      const baseline =
        seg.base *
        (1 + (seg.trendPerYear * t) / 365) *
        spec.weekly[dow]! *
        (1 + spec.yearlyAmplitude * Math.cos((2 * Math.PI * (doy - spec.yearlyPeakDay)) / 365.25));
      const media = CHANNELS.reduce((acc, c) => acc + effect[c]![t]!, 0);
      const sales = baseline + seg.base * seg.holidayLift * holiday + media + seg.noise * seg.base * rng.normal();
      rows.push({ date, segment: seg.name, spend: Object.fromEntries(CHANNELS.map((c) => [c, spend[c]![t]!])), holiday, sales: round(sales) });
    });
  }
  return { rows, truth };
}

/** Simulated rows of one segment as marketing-mix model input: every channel, the holiday flag as a control. */
export function simulatedMmmInput(rows: readonly SimulatedRow[]): MmmInput {
  return {
    dates: rows.map((r) => r.date),
    target: rows.map((r) => r.sales),
    channels: Object.fromEntries(CHANNELS.map((c) => [c, rows.map((r) => r.spend[c]!)])),
    controls: { holiday: rows.map((r) => r.holiday) },
  };
}

/** The simulation as CSV: date, segment, spend_<channel>..., holiday, sales. */
export function simulationToCsv(sim: Simulation): string {
  const header = ["date", "segment", ...CHANNELS.map((c) => `spend_${c}`), "holiday", "sales"];
  const lines = sim.rows.map((r) => [r.date, r.segment, ...CHANNELS.map((c) => r.spend[c]!.toFixed(2)), String(r.holiday), r.sales.toFixed(2)].join(","));
  return `${[header.join(","), ...lines].join("\n")}\n`;
}
