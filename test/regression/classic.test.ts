import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import type { NumericColumn } from "../../src/data/types.ts";
import { oneWayAnova, tukeyHsd, type Groups } from "../../src/regression/classic/anova.ts";
import { chiSquareIndependence, twoProportionTest } from "../../src/regression/classic/contingency.ts";
import { correlationMatrix } from "../../src/regression/classic/correlation.ts";
import { pairedTTest, welchTTest } from "../../src/regression/classic/ttest.ts";
import { expectAllClose, expectClose } from "../helpers/all-close.ts";

/** scipy 1.10.1 / statsmodels 0.13.5 values: test/fixtures/make_golden_classic.py. */
const g = JSON.parse(readFileSync(new URL("../fixtures/golden/classic.json", import.meta.url), "utf8"));
const load = (p: string) => csvToDataset(readFileSync(new URL(p, import.meta.url)), { name: p });
const groupsCsv = load("../fixtures/groups_small.csv");
const tv = load("../../data/marketing-promotion-tv-radio/marketing_sales_data.csv");
const islr = load("../../data/islr-advertising/Advertising.csv");

function groupsOf(ds: ReturnType<typeof load>, value: string, group: string): Groups {
  const v = ds.columns.find((c) => c.name === value)!.values as (number | null)[];
  const k = ds.columns.find((c) => c.name === group)!.values as (string | null)[];
  const m = new Map<string, number[]>();
  v.forEach((x, i) => {
    if (x === null || k[i] === null) return;
    m.set(k[i]!, [...(m.get(k[i]!) ?? []), x]);
  });
  return new Map([...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}
const col = (ds: ReturnType<typeof load>, n: string) => ds.columns.find((c) => c.name === n) as NumericColumn;

describe(`classic analyses against ${g.source}`, () => {
  for (const [name, data] of [
    ["anovaGroups", groupsOf(groupsCsv, "value", "group")],
    ["anovaTv", groupsOf(tv, "Sales", "TV")],
  ] as const) {
    it(`When ${name} is analysed, then ANOVA F and p and every Tukey pair match`, () => {
      const ref = g[name];
      const a = oneWayAnova(data);
      expectClose(a.f, ref.f, { rtol: 1e-10, label: "F" });
      expectClose(a.pValue, ref.p, { rtol: 1e-6, atol: 1e-12, label: "p" });
      const t = tukeyHsd(data);
      expectClose(t.qCrit, ref.qCrit, { rtol: 1e-8, label: "qCrit" });
      expect(t.pairs.map((p) => [p.group1, p.group2])).toEqual(ref.pairs.map((p: any) => [p.group1, p.group2]));
      expectAllClose(
        t.pairs.map((p) => p.meandiff),
        ref.pairs.map((p: any) => p.meandiff),
        { rtol: 1e-10, label: "meandiff" },
      );
      // jstat's AS 190 studentized range: ~1e-11 absolute against scipy's quadrature
      expectAllClose(
        t.pairs.map((p) => p.pAdj),
        ref.pairs.map((p: any) => p.pAdj),
        { rtol: 1e-6, atol: 1e-9, label: "pAdj" },
      );
      expectAllClose(
        t.pairs.map((p) => p.lower),
        ref.pairs.map((p: any) => p.lower),
        { rtol: 1e-8, label: "lower" },
      );
      expectAllClose(
        t.pairs.map((p) => p.upper),
        ref.pairs.map((p: any) => p.upper),
        { rtol: 1e-8, label: "upper" },
      );
      expect(t.pairs.map((p) => p.reject)).toEqual(ref.pairs.map((p: any) => p.reject));
    });
  }

  it("When two groups are compared with Welch's t-test, then t, df and p match scipy", () => {
    const data = groupsOf(groupsCsv, "value", "group");
    const r = welchTTest(data.get("ctrl")!, data.get("t2")!);
    expectClose(r.t, g.welch.t, { rtol: 1e-10 });
    expectClose(r.df, g.welch.df, { rtol: 1e-10 });
    expectClose(r.pValue, g.welch.p, { rtol: 1e-6, atol: 1e-12 });
    expect(r.ciLower < r.estimate && r.estimate < r.ciUpper).toBe(true);
  });

  it("When paired samples are compared, then t and p match scipy's ttest_rel", () => {
    const r = pairedTTest(col(islr, "TV").values.slice(0, 50) as number[], col(islr, "Radio").values.slice(0, 50) as number[]);
    expectClose(r.t, g.paired.t, { rtol: 1e-10 });
    expectClose(r.pValue, g.paired.p, { rtol: 1e-6, atol: 1e-12 });
  });

  it("When TV level is crossed with influencer size, then chi-square, dof, p and expected counts match", () => {
    const r = chiSquareIndependence(g.chi2Tv.rows, g.chi2Tv.cols, g.chi2Tv.table);
    expectClose(r.chi2, g.chi2Tv.chi2, { rtol: 1e-10 });
    expect(r.dof).toBe(g.chi2Tv.dof);
    expectClose(r.pValue, g.chi2Tv.p, { rtol: 1e-6, atol: 1e-12 });
    expectAllClose(r.expected.flat(), g.chi2Tv.expected.flat(), { rtol: 1e-12 });
  });

  it("When a 2×2 table is tested, then Yates' correction applies by default, as in scipy", () => {
    const t = g.chi2x2.table;
    const r = chiSquareIndependence(["A", "B"], ["yes", "no"], t);
    expectClose(r.chi2, g.chi2x2.chi2, { rtol: 1e-10 });
    expectClose(r.pValue, g.chi2x2.p, { rtol: 1e-6 });
    const raw = chiSquareIndependence(["A", "B"], ["yes", "no"], t, { correction: false });
    expectClose(raw.chi2, g.chi2x2.chi2NoCorrection, { rtol: 1e-10 });
    // without correction the 2×2 chi-square is the square of the two-proportion z
    expectClose(raw.pValue, g.proportions.p, { rtol: 1e-8 });
  });

  it("When an A/B conversion test is run, then z, p, Cohen's h and power match statsmodels", () => {
    const r = twoProportionTest([120, 150], [1000, 1000]);
    expectClose(r.z, g.proportions.z, { rtol: 1e-10 });
    expectClose(r.pValue, g.proportions.p, { rtol: 1e-8 });
    expectClose(r.cohenH, g.proportions.cohenH, { rtol: 1e-10 });
    expectClose(r.power, g.proportions.power, { rtol: 1e-8 });
    // at the suggested size the test would have 80% power
    const n = r.nFor80Power!;
    expect(twoProportionTest([0.12 * n, 0.15 * n].map(Math.round) as [number, number], [n, n]).power).toBeGreaterThan(0.79);
  });

  for (const method of ["pearson", "spearman"] as const) {
    it(`When ISLR columns are correlated (${method}), then r and p match scipy`, () => {
      const names = ["TV", "Radio", "Newspaper", "Sales"];
      const m = correlationMatrix(
        names.map((n) => ({ name: n, values: col(islr, n).values })),
        method,
      );
      for (const [key, ref] of Object.entries(g[method]) as [string, { r: number; p: number }][]) {
        const [a, b] = key.split("|").map((n) => names.indexOf(n));
        expectClose(m.r[a!]![b!]!, ref.r, { rtol: 1e-10, label: `${key} r` });
        expectClose(m.pValue[a!]![b!]!, ref.p, { rtol: 1e-6, atol: 1e-12, label: `${key} p` });
      }
    });
  }
});
