import type { Column, Dataset } from "../../data/types.ts";
import { ValidationError } from "../../errors.ts";
import { findColumn } from "../design.ts";
import type { Groups } from "./anova.ts";

/** A numeric column's values, by standardised or original name; text or dates are refused by name. */
export function numericValues(ds: Dataset, name: string, field: string): readonly (number | null)[] {
  const col = findColumn(ds, name, [field]);
  if (col.type === "boolean") return col.values.map((v) => (v === null ? null : Number(v)));
  if (col.type !== "number" && col.type !== "integer") {
    throw new ValidationError(`${field}: ${col.name} is ${col.type === "category" ? "text" : `a ${col.type}`}; it must be numeric.`, [
      { path: [field], message: "not numeric", code: "not_numeric", value: name },
    ]);
  }
  return col.values;
}

function labels(col: Column): readonly (string | null)[] {
  return col.values.map((v) => (v === null ? null : String(v)));
}

/** Values of `value` grouped by the levels of `group` (sorted), rows with either missing left out. */
export function groupedValues(ds: Dataset, value: string, group: string): Groups {
  const v = numericValues(ds, value, "value");
  const g = labels(findColumn(ds, group, ["group"]));
  const out = new Map<string, number[]>();
  v.forEach((x, i) => {
    const k = g[i];
    if (x === null || k === null || k === undefined) return;
    const arr = out.get(k);
    if (arr) arr.push(x);
    else out.set(k, [x]);
  });
  const levels = [...out.keys()].sort();
  if (levels.length > 100)
    throw new ValidationError(`group: ${group} has ${levels.length} levels; at most 100 are compared.`, [
      { path: ["group"], message: "too many levels", value: group },
    ]);
  return new Map(levels.map((l) => [l, out.get(l)!]));
}

/** Counts of each (row level, column level) pair of two columns. */
export function crossTab(ds: Dataset, rowsName: string, colsName: string) {
  const r = labels(findColumn(ds, rowsName, ["rows"]));
  const c = labels(findColumn(ds, colsName, ["cols"]));
  const rows = [...new Set(r.filter((x): x is string => x !== null))].sort();
  const cols = [...new Set(c.filter((x): x is string => x !== null))].sort();
  if (rows.length * cols.length > 10_000)
    throw new ValidationError("The cross-tabulation would have over 10,000 cells; pick columns with fewer levels.", [
      { path: ["rows"], message: "too many levels" },
    ]);
  const table = rows.map(() => new Array<number>(cols.length).fill(0));
  r.forEach((x, i) => {
    const y = c[i];
    if (x !== null && y !== null && y !== undefined) table[rows.indexOf(x)]![cols.indexOf(y)]!++;
  });
  return { rows, cols, table };
}
