import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { refusal } from "../helpers/refusal.ts";
import { buildHierarchy, reconcile, reconciliation } from "../../src/forecast/hierarchy.ts";
import type { SeriesInput } from "../../src/forecast/types.ts";

const golden = JSON.parse(readFileSync(new URL("../fixtures/golden/mint.json", import.meta.url), "utf8"));

const series = (key: string, target: number[], start = "2025-01-01"): SeriesInput => ({ key, start, target });
const SPEC = { total: ["north", "south"], north: ["a", "b"], south: ["c"] };
const parts = [series("a", [1, 2, 3]), series("b", [10, 20, 30]), series("c", [100, 200, 300])];

describe("hierarchies: building the parents and checking the given ones", () => {
  it("When parents are missing from the data, then each is the sum of its parts, and S sums the bottom series into every node", () => {
    const h = buildHierarchy(parts, SPEC);
    expect(h.nodes).toEqual(golden.nodes);
    expect(h.summing).toEqual(golden.summing);
    const by = new Map(h.series.map((s) => [s.key, s.target]));
    expect(by.get("north")).toEqual([11, 22, 33]);
    expect(by.get("total")).toEqual([111, 222, 333]);
  });

  it("When the data give a parent that adds up to rounding, then it is kept; when it does not, then a 400 names the parent, the day and both values", () => {
    expect(buildHierarchy([...parts, series("south", [100.004, 200, 300])], SPEC).series.find((s) => s.key === "south")!.target[0]).toBe(100.004);
    const e = refusal(() => buildHierarchy([...parts, series("north", [11, 22.5, 33])], SPEC));
    expect(e.message).toBe("hierarchy.north: does not add up on 2025-01-02: the data give 22.5, its parts (a, b) sum to 22");
    expect(e.issues[0]!.path).toEqual(["body", "hierarchy", "north"]);
  });

  it("When a part is unknown, a parent is part of itself, or parts cover different days, then a 400 says which", () => {
    expect(refusal(() => buildHierarchy(parts, { total: ["a", "zz"] })).message).toBe(
      "hierarchy.total: part zz is neither a series in the data nor a parent in the hierarchy",
    );
    expect(refusal(() => buildHierarchy(parts, { x: ["y", "a"], y: ["x", "b"] })).message).toMatch(/^hierarchy\.x: is part of itself \(x → y → x\)/);
    expect(refusal(() => buildHierarchy([...parts.slice(0, 2), series("c", [1, 2, 3], "2025-01-02")], { total: ["a", "c"] })).message).toMatch(
      /^hierarchy\.total: its parts cover different days/,
    );
  });
});

describe("reconciliation against the published formulas (numpy fixture)", () => {
  const errors = golden.errors as number[][];
  const base = golden.base as number[][];
  const bottom = ["a", "b", "c"];
  for (const method of ["mint_shrink", "wls_var", "ols"] as const) {
    it(`When ${method} reconciles, then G and the reconciled forecasts match the reference to 1e-9 and every parent is the sum of its parts`, () => {
      const r = reconciliation(golden.summing, golden.nodes, bottom, method, errors);
      expect(r.method).toBe(method);
      r.mapping.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(golden[method].mapping[i][j], 9)));
      if (method === "mint_shrink") expect(r.lambda).toBeCloseTo(golden.mint_shrink.lambda, 12);
      const out = reconcile(r, base);
      out.forEach((row, i) => row.forEach((v, h) => expect(v).toBeCloseTo(golden[method].reconciled[i][h], 9)));
      // coherent: north = a + b, south = c, total = north + south
      for (let h = 0; h < 5; h++) {
        expect(out[0]![h]).toBeCloseTo(out[3]![h]! + out[4]![h]!, 9);
        expect(out[1]![h]).toBeCloseTo(out[5]![h]!, 9);
        expect(out[2]![h]).toBeCloseTo(out[0]![h]! + out[1]![h]!, 9);
      }
    });
  }

  it("When the base forecasts already add up, then MinT leaves them unchanged; bottom_up sums the bottom; without backtest errors mint_shrink says it fell back to ols", () => {
    // a = 3, b = 5, c = 7: north 8, south 7, total 15
    const coherent = [[8], [7], [15], [3], [5], [7]];
    const r = reconciliation(golden.summing, golden.nodes, bottom, "mint_shrink", errors);
    reconcile(r, coherent).forEach((row, i) => expect(row[0]).toBeCloseTo(coherent[i]![0]!, 9));
    const bu = reconciliation(golden.summing, golden.nodes, bottom, "bottom_up", null);
    expect(reconcile(bu, base).map((row) => row[0])).toEqual([
      base[3]![0]! + base[4]![0]!,
      base[5]![0],
      base[3]![0]! + base[4]![0]! + base[5]![0]!,
      base[3]![0],
      base[4]![0],
      base[5]![0],
    ]);
    const none = reconciliation(golden.summing, golden.nodes, bottom, "mint_shrink", null);
    expect(none.method).toBe("ols");
    expect(none.reason).toMatch(/^ols: mint_shrink needs backtest errors/);
  });
});
