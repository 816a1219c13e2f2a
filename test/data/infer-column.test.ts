import { describe, expect, it } from "vitest";
import { inferColumn } from "../../src/data/infer-column.ts";
import { standardizeName } from "../../src/data/standardize.ts";

const col = (cells: string[], extra: Partial<Parameters<typeof inferColumn>[0]> = {}) => inferColumn({ name: "c", original: "c", cells, ...extra });

describe("standardizeName", () => {
  it("When headers have spaces and parentheses, then they read as the published analyses name them", () => {
    expect(standardizeName("Amount Collected", 1)).toBe("Amount_Collected");
    expect(standardizeName("Campaign (Email)", 1)).toBe("Campaign_Email");
    expect(standardizeName("  Sales Contact 1 ", 1)).toBe("Sales_Contact_1");
    expect(standardizeName("Spend ($) / day", 1)).toBe("Spend_day");
    expect(standardizeName("", 4)).toBe("column_4");
  });
});

describe("inferColumn", () => {
  it("When cells are whole numbers, including Excel scientific notation, then the column is integer and exact", () => {
    const r = col(["0", "1.29E+06", "-3", ""]);
    expect(r.column).toMatchObject({ type: "integer", values: [0, 1_290_000, -3, null], missing: 1 });
  });

  it("When cells have decimals or thousands separators, then the column is number", () => {
    expect(col(["1.5", "2", "1,234.5"]).column).toMatchObject({ type: "number", values: [1.5, 2, 1234.5] });
  });

  it("When cells are true/false/yes/no, then the column is boolean", () => {
    expect(col(["TRUE", "no", "Yes", "NA"]).column).toMatchObject({ type: "boolean", values: [true, false, true, null] });
  });

  it("When dates are ISO, then they are kept as ISO", () => {
    expect(col(["2024-01-31", "2024-02-01"]).column).toMatchObject({ type: "date", format: "yyyy-mm-dd", values: ["2024-01-31", "2024-02-01"] });
  });

  it("When a day above 12 comes first, then the column is read dd-mm-yyyy", () => {
    expect(col(["16-01-2014", "05-02-2014"]).column).toMatchObject({ type: "date", format: "dd-mm-yyyy", values: ["2014-01-16", "2014-02-05"] });
  });

  it("When a day above 12 comes second, then the column is read mm/dd/yyyy", () => {
    expect(col(["01/16/2014", "02/05/2014"]).column).toMatchObject({ type: "date", format: "mm/dd/yyyy", values: ["2014-01-16", "2014-02-05"] });
  });

  it("When no value settles day/month order, then the column is refused, not guessed, and the fix is named", () => {
    const r = col(["01/02/2014", "03/04/2014"]);
    expect(r.column).toBeUndefined();
    expect(r.issues[0]!.code).toBe("ambiguous_date_format");
    expect(r.issues[0]!.message).toContain('dateFormats: {"c": "dd/mm/yyyy"}');
    expect(col(["01/02/2014"], { dateFormat: "dd/mm/yyyy" }).column).toMatchObject({ values: ["2014-02-01"] });
  });

  it("When a date does not exist or is text among dates, then its row and value are named", () => {
    const r = col(["2023-02-28", "2023-02-30", "soon", "2023-03-01"]);
    expect(r.issues.map((i) => [i.path, i.value])).toEqual([
      [["rows", 2, "c"], "2023-02-30"],
      [["rows", 3, "c"], "soon"],
    ]);
  });

  it("When a column mixes date layouts, then it is refused", () => {
    expect(col(["2023-01-05", "16-01-2023"]).issues[0]!.code).toBe("mixed_date_formats");
  });

  it("When a declared numeric column has a text cell, then the row, column and value are named", () => {
    const r = col(["1", "2", "n/a?", "4"], { declared: "number", name: "Amount_Collected" });
    expect(r.column).toBeUndefined();
    expect(r.issues).toEqual([
      { path: ["rows", 3, "Amount_Collected"], message: 'row 3, column Amount_Collected: "n/a?" is not a number', code: "not_a_number", value: "n/a?" },
    ]);
  });

  it("When an undeclared column is numeric but for a few cells, then it becomes a category with a warning naming them", () => {
    const cells = Array.from({ length: 20 }, (_, i) => String(i));
    cells[7] = "twelve";
    const r = col(cells);
    expect(r.column?.type).toBe("category");
    expect(r.warnings[0]).toMatchObject({ code: "mixed_column", rows: [8], count: 1 });
  });

  it("When category values carry stray spaces, then they are trimmed and the originals named", () => {
    const r = col(["Large Facility ", "Small", " Small"]);
    expect(r.column).toMatchObject({ type: "category", values: ["Large Facility", "Small", "Small"], levels: ["Large Facility", "Small"] });
    expect(r.warnings[0]!.message).toContain('"Large Facility "');
  });
});
