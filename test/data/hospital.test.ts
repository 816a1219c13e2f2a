import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";

const RAW = new URL("../../data/hospital-campaign/Campaign-Data.raw.csv", import.meta.url);
const NORMALISED = new URL("../../data/hospital-campaign/Campaign-Data.csv", import.meta.url);

describe("the hospital campaign data (raw, as published)", () => {
  const ds = csvToDataset(readFileSync(RAW), { name: "hospital" });
  const byName = (n: string) => ds.columns.find((c) => c.name === n)!;

  it("When uploaded, then it has 2,976 rows and the analysts' column names with the originals kept", () => {
    expect(ds.rows).toBe(2976);
    expect(byName("Amount_Collected")).toMatchObject({ original: "Amount Collected", type: "integer" });
    expect(byName("Campaign_Email").original).toBe("Campaign (Email)");
    expect(byName("Sales_Contact_1").original).toBe("Sales Contact 1");
  });

  it("When dates are dd-mm-yyyy, then they are parsed to ISO", () => {
    const d = byName("Calendardate");
    expect(d).toMatchObject({ type: "date", format: "dd-mm-yyyy" });
    expect(d.values.slice(0, 3)).toEqual(["2014-01-16", "2014-02-16", "2014-03-18"]);
  });

  it("When a cell is written 1.29E+06, then it is the integer 1,290,000", () => {
    expect(byName("Sales_Contact_3").values[3]).toBe(1_290_000);
  });

  it("When segment names end in a space, then they are trimmed and the warning names them", () => {
    expect(byName("Client_Type")).toMatchObject({ levels: ["Large Facility", "Medium Facility", "Private Facility", "Small Facility"] });
    const w = ds.warnings.find((x) => x.code === "trimmed_values" && x.column === "Client_Type");
    expect(w?.message).toContain('"Large Facility "');
    expect(w?.message).toContain('"Small Facility "');
  });

  it("When compared cell by cell with the normalised copy, then every typed value is equal", () => {
    const norm = csvToDataset(readFileSync(NORMALISED), { name: "n" });
    expect(norm.columns.map((c) => c.name)).toEqual(ds.columns.map((c) => c.name));
    for (const c of norm.columns) expect(c.values, c.name).toEqual(byName(c.name).values);
  });
});
