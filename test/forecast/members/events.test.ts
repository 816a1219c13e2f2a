import { describe, expect, it } from "vitest";
import { seededRng } from "../../../src/data/random.ts";
import { eventEffects } from "../../../src/forecast/members/events.ts";
import { memberForecast, STATISTICAL_MEMBERS } from "../../../src/forecast/members/index.ts";

const H = 60;

/** Days with a known input: `rate` of them flagged, at random (seeded). */
function flags(n: number, rate: number, seed: number): number[] {
  const r = seededRng(seed);
  return Array.from({ length: n }, () => (r.uniform() < rate ? 1 : 0));
}

// Data-generating families the effect must be recovered in: what the local differences must see through.
const FAMILIES: Record<string, (t: number) => number> = {
  "flat level, weekly season": (t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 7),
  "trend, weekly and yearly season": (t) => 80 + 0.05 * t + 15 * Math.cos((2 * Math.PI * t) / 7) + 30 * Math.sin((2 * Math.PI * t) / 365.25),
  "level shift halfway, weekly spike on Saturdays": (t) => (t < 500 ? 60 : 120) + (t % 7 === 5 ? 40 : 0),
};

describe("known future inputs for the statistical members", () => {
  for (const [family, base] of Object.entries(FAMILIES)) {
    it(`When promotions add 40 and a price moves sales by -6 per unit (${family}), then both effects are recovered within 10%`, () => {
      const n = 1000;
      const promo = flags(n, 0.06, 1);
      const r = seededRng(2);
      const price = Array.from({ length: n }, () => 10 + (r.uniform() < 0.1 ? -2 + 4 * r.uniform() : 0));
      const y = Array.from({ length: n }, (_, t) => base(t) + 40 * promo[t]! - 6 * (price[t]! - 10) + 5 * r.normal());
      const [lift, slope] = eventEffects(y, { values: [promo, price] });
      expect(lift).toBeGreaterThan(36);
      expect(lift).toBeLessThan(44);
      expect(slope).toBeGreaterThan(-6.6);
      expect(slope).toBeLessThan(-5.4);
    });
  }

  it("When an input never differs from its same-weekday neighbours (every Saturday), then its effect is 0: the weekly season carries it", () => {
    const y = Array.from({ length: 400 }, (_, t) => 50 + (t % 7 === 5 ? 30 : 0));
    expect(eventEffects(y, { values: [y.map((_, t) => (t % 7 === 5 ? 1 : 0))] })[0]).toBeCloseTo(0, 9);
  });

  it("When every member forecasts with a promotion on some horizon days, then exactly the estimated lift is added on those days and nothing on the others", () => {
    const n = 800;
    const r = seededRng(5);
    const promo = flags(n + H, 0.05, 3);
    const y = Array.from({ length: n }, (_, t) => 100 + 10 * Math.sin((2 * Math.PI * t) / 7) + 30 * promo[t]! + 3 * r.normal());
    const [lift] = eventEffects(y, { values: [promo] });
    const noFuturePromo = promo.map((v, t) => (t < n ? v : 0));
    // TSB and Croston only forecast intermittent series; this one sells every day
    for (const m of STATISTICAL_MEMBERS.filter((m) => m !== "tsb" && m !== "croston_sba")) {
      const withPromo = memberForecast(y, H, m, { values: [promo] })!;
      const without = memberForecast(y, H, m, { values: [noFuturePromo] })!;
      withPromo.forEach((v, h) => expect(v - without[h]!, `${m}, day ${h}`).toBeCloseTo(promo[n + h]! * lift!, 6));
    }
  });

  it("When the history's promotions are taken out before fitting, then the forecast of an ordinary day is not pulled up by them", () => {
    // promotions on 30% of days: a member fitted on the raw history would forecast ordinary days ~15 too high
    const n = 700;
    const promo = flags(n + H, 0.3, 9);
    const y = Array.from({ length: n }, (_, t) => 100 + 50 * promo[t]!);
    const f = memberForecast(y, H, "theta", { values: [promo.map((v, t) => (t < n ? v : 0))] })!;
    for (const v of f) expect(Math.abs(v - 100)).toBeLessThan(3);
  });
});
