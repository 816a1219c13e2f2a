import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { roiTable } from "../../src/regression/roi.ts";
import { expectClose } from "../helpers/all-close.ts";

const hospital = csvToDataset(readFileSync(new URL("../../data/hospital-campaign/Campaign-Data.raw.csv", import.meta.url)), { name: "h" });
const TACTICS = [
  "Campaign_Email",
  "Campaign_Flyer",
  "Campaign_Phone",
  "Sales_Contact_1",
  "Sales_Contact_2",
  "Sales_Contact_3",
  "Sales_Contact_4",
  "Sales_Contact_5",
];

describe("ROI table on the hospital campaign data", () => {
  const table = roiTable(hospital, { target: "Amount Collected", tactics: TACTICS, segment: "Client Type" });
  const seg = (s: string) => table.segments.find((x) => x.segment === s)!;
  const significant = (s: string) =>
    Object.fromEntries(
      seg(s)
        .tactics.filter((t) => t.significant)
        .map((t) => [t.tactic, Number(t.roi!.toFixed(4))]),
    );

  it("When computed by Client_Type, then the significant returns are the published table (PROVENANCE.md)", () => {
    expect(significant("Large Facility")).toEqual({
      Sales_Contact_1: 11.6731,
      Sales_Contact_4: 10.6145,
      Sales_Contact_2: 4.0031,
      Campaign_Flyer: 2.7204,
      Sales_Contact_3: 2.0316,
      Campaign_Phone: -3.5361,
    });
    expect(significant("Medium Facility")).toEqual({ Campaign_Flyer: 4.1059, Sales_Contact_2: 3.5778, Sales_Contact_1: 3.1365, Sales_Contact_3: 2.1174 });
    expect(significant("Private Facility")).toEqual({ Sales_Contact_2: 6.6223 });
    // Published "Phone −0.000003" is statsmodels' pseudo-inverse value for an all-zero column: mixcast says it cannot be estimated.
    expect(significant("Small Facility")).toEqual({ Sales_Contact_2: 0.8101 });
    expect(seg("Small Facility").tactics.find((t) => t.tactic === "Campaign_Phone")).toMatchObject({ estimable: false, roi: null });
  });

  it("When ranked, then the best tactic and the tactics to stop are named, with a plain sentence", () => {
    expect(seg("Large Facility").best?.tactic).toBe("Sales_Contact_1");
    expect(seg("Large Facility").stop.map((t) => t.tactic)).toEqual(["Campaign_Phone"]);
    expect(seg("Large Facility").recommendation).toMatch(
      /^Large Facility: put the next dollar into Sales_Contact_1 \(\$11\.67 back per \$1, p < 0\.001\).*stop Campaign_Phone \(−\$3\.54 per \$1/,
    );
    expect(seg("Small Facility").recommendation).toContain("Campaign_Phone cannot be judged here");
    expect(seg("Medium Facility").rsquared!.toFixed(3)).toBe("0.437");
  });

  it("When costs per unit are given, then ROI is the coefficient divided by the cost, interval included", () => {
    const withCost = roiTable(hospital, { target: "Amount_Collected", tactics: TACTICS, costs: { Sales_Contact_4: 2 } });
    const plain = roiTable(hospital, { target: "Amount_Collected", tactics: TACTICS });
    const a = withCost.segments[0]!.tactics.find((t) => t.tactic === "Sales_Contact_4")!;
    const b = plain.segments[0]!.tactics.find((t) => t.tactic === "Sales_Contact_4")!;
    expectClose(a.roi, b.roi! / 2, { rtol: 1e-12 });
    expectClose(a.ciUpper, b.ciUpper! / 2, { rtol: 1e-12 });
    expect(a.pValue).toBe(b.pValue);
  });

  it("When a tactic is text, unknown or its cost is not positive, then the error names it", () => {
    expect(() => roiTable(hospital, { target: "Amount_Collected", tactics: ["Client_Type"] })).toThrow("tactics: Client_Type is text; it must be numeric.");
    expect(() => roiTable(hospital, { target: "Amount_Collected", tactics: ["Nope"] })).toThrow('No column "Nope"');
    expect(() => roiTable(hospital, { target: "Amount_Collected", tactics: ["Campaign_Email"], costs: { Campaign_Email: 0 } })).toThrow("must be positive");
  });
});
