import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { parseFormatted } from "../../src/data/number-format.ts";
import { refusal } from "../helpers/refusal.ts";

const column = (csv: string, name: string, opts: Parameters<typeof csvToDataset>[1] = { name: "t" }) => {
  const ds = csvToDataset(csv, opts);
  return { col: ds.columns.find((c) => c.name === name)!, warnings: ds.warnings.filter((w) => w.column === name && w.code === "formatted_numbers") };
};

describe("numbers as spreadsheets write them", () => {
  it("When a column carries money formatting ($1,234.50, accounting negatives), then it is read as numbers and a warning says how", () => {
    const { col, warnings } = column('week,spend\n1,"$1,234.50"\n2,$980.00\n3,"($1,000.25)"\n4,-$12\n5,\n', "spend");
    expect(col.type).toBe("number");
    expect(col.values).toEqual([1234.5, 980, -1000.25, -12, null]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toBe(
      'Column spend was read as numbers from spreadsheet formatting (currency symbols, parentheses for negatives, "," grouping thousands; decimal "."). If that is wrong, say decimal and thousands in the upload\'s options.',
    );
  });

  it("When a European Excel file (;-separated) writes 1.234,5 and 12,5, then they are 1234.5 and 12.5, and plain columns stay as they were", () => {
    const { col, warnings } = column("day;sales;units\n1;1.234,5;3\n2;12,5;4\n3;€ 7,25;5\n", "sales");
    expect(col.type).toBe("number");
    expect(col.values).toEqual([1234.5, 12.5, 7.25]);
    expect(warnings[0]!.message).toContain('(currency symbols, "." grouping thousands, decimal comma; decimal ",")');
    const units = column("day;sales;units\n1;1.234,5;3\n2;12,5;4\n", "units");
    expect(units.col.type).toBe("integer");
    expect(units.warnings).toEqual([]);
  });

  it("When a ;-separated column only holds values like 1.234 (thousands or a decimal dot?), then it is refused with the fix, and decimal settles it either way", () => {
    const csv = "day;units\n1;1.234\n2;2.500\n3;17\n";
    const e = refusal(() => csvToDataset(csv, { name: "t" }));
    expect(e.issues[0]!.path).toEqual(["columns", "units"]);
    expect(e.message).toBe(
      'column units has numbers like "1.234" that read as 1234 (dot grouping thousands) or 1.234 (decimal dot): no value settles it. Say which with decimal: "," (and thousands: ".") or decimal: "."',
    );
    expect(column(csv, "units", { name: "t", decimal: "," }).col.values).toEqual([1234, 2500, 17]);
    expect(column(csv, "units", { name: "t", decimal: "." }).col.values).toEqual([1.234, 2.5, 17]);
    // a value with two decimals settles it: the column writes decimal dots
    expect(column("day;units\n1;1.234\n2;2.50\n", "units").col.values).toEqual([1.234, 2.5]);
  });

  it("When the request says thousands are spaces (French Excel: 1 234,5 with a no-break space), then they are read so", () => {
    expect(column("a;b\n1;1\u00a0234,5\n2;3 000\n", "b", { name: "t", thousands: " " }).col.values).toEqual([1234.5, 3000]);
  });

  it("When cells only look like numbers in part, then the parser refuses them rather than guessing", () => {
    const us = { decimal: ".", thousands: "," } as const;
    for (const bad of ["1,23", "12,3456.7", "$", "1.2.3", "1 234", "--5", "$$5", "12abc"]) expect(parseFormatted(bad, us), bad).toBeUndefined();
    expect(parseFormatted("1,234,567.891", us)).toBe(1234567.891);
    expect(parseFormatted("+£3", us)).toBe(3);
    expect(parseFormatted("1.5e3", us)).toBe(1500);
  });
});
