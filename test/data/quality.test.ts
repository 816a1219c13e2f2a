import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";

const codes = (csv: string, opts = {}) => csvToDataset(csv, { name: "t", minRows: 1, ...opts }).warnings;

describe("data-quality report", () => {
  it("When cells are missing, then the column, count and rows are reported", () => {
    const w = codes("a,b\n1,\n2,3\n,4\n").filter((x) => x.code === "missing_values");
    expect(w.map((x) => [x.column, x.count, x.rows])).toEqual([
      ["a", 1, [3]],
      ["b", 1, [1]],
    ]);
  });

  it("When rows repeat exactly, then the repeats are reported", () => {
    expect(codes("a,b\n1,2\n1,2\n3,4\n1, 2\n").find((x) => x.code === "duplicate_rows")).toMatchObject({ count: 2, rows: [2, 4] });
  });

  it("When a column never changes, then it is reported constant", () => {
    expect(codes("a,b\n1,7\n2,7\n").find((x) => x.code === "constant_column")?.column).toBe("b");
  });

  it("When a spend-like column is negative, then it is reported; other columns are not", () => {
    const w = codes("tv_spend,temperature\n10,-3\n-5,4\n");
    expect(w.filter((x) => x.code === "negative_spend").map((x) => [x.column, x.rows])).toEqual([["tv_spend", [2]]]);
  });

  it("When a daily index skips or repeats days, then gaps and duplicates are reported", () => {
    const w = codes("date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3\n2024-01-05,4\n2024-01-06,5\n");
    expect(w.find((x) => x.code === "duplicate_dates")).toMatchObject({ count: 1, rows: [3] });
    expect(w.find((x) => x.code === "date_gaps")?.message).toContain("2024-01-02 → 2024-01-05");
  });

  it("When dates repeat across a segment column, then the index is checked within each segment", () => {
    const csv = "date,seg,y\n2024-01-01,A,1\n2024-01-01,B,2\n2024-01-02,A,3\n2024-01-02,B,4\n2024-01-04,A,5\n2024-01-03,B,6\n";
    const w = codes(csv);
    expect(w.find((x) => x.code === "duplicate_dates")).toBeUndefined();
    expect(w.filter((x) => x.code === "date_gaps").map((x) => x.count)).toEqual([1]);
    expect(w.find((x) => x.code === "date_gaps")?.message).toContain("within each seg");
  });

  it("When a monthly index skips a month, then the gap is counted in months", () => {
    const w = codes("month,y\n2024-01-31,1\n2024-02-29,2\n2024-04-30,3\n2024-05-31,4\n");
    expect(w.find((x) => x.code === "date_gaps")?.message).toContain("monthly");
  });

  it("When there are few rows, then a warning says so", () => {
    expect(codes("a\n1\n2\n", { minRows: 30 }).find((x) => x.code === "too_few_rows")?.count).toBe(2);
  });

  it("When the data is clean, then there are no warnings", () => {
    expect(codes("date,y\n2024-01-01,1\n2024-01-02,2\n2024-01-03,5\n")).toEqual([]);
  });
});
