import type { Column, Dataset } from "../data/types.ts";
import { ValidationError } from "../errors.ts";
import type { Factor, FormulaTerm, ParsedFormula } from "./formula.ts";
import type { Design } from "./ols.ts";

/** Find a dataset column by its standardised or original name. */
export function findColumn(ds: Dataset, name: string, path: (string | number)[]): Column {
  const col = ds.columns.find((c) => c.name === name) ?? ds.columns.find((c) => c.original === name);
  if (!col) {
    throw new ValidationError(`No column "${name}" in dataset ${ds.name}. Columns: ${ds.columns.map((c) => c.name).join(", ")}.`, [
      { path, message: `unknown column "${name}"`, code: "unknown_column", value: name },
    ]);
  }
  return col;
}

interface ResolvedFactor {
  readonly factor: Factor;
  readonly column: Column;
  readonly categorical: boolean;
  /** Name as statsmodels prints it: `Radio`, `C(TV)`, `Q("Amount Collected")`. */
  readonly label: string;
}

function label(f: Factor): string {
  const inner = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(f.column) ? f.column : `Q("${f.column}")`;
  return f.categorical ? `C(${inner})` : inner;
}

export interface DesignResult extends Design {
  /** Levels of each categorical column, as coded (for building the same design on new data). */
  readonly levels: Readonly<Record<string, readonly string[]>>;
  /** Rows used (0-based into the dataset), after dropping rows with a missing value in a used column. */
  readonly rows: readonly number[];
  readonly warnings: readonly string[];
}

/**
 * Build the design matrix for a formula over selected rows, as patsy does for statsmodels: treatment coding with
 * the first level (sorted) as reference, full-rank coding where the term's other part is not in the model, terms
 * ordered intercept first, then by their set of numeric factors, lower degree first.
 *
 * @throws ValidationError for unknown columns, a non-numeric target, a date in a formula, or a term with two
 *   categorical factors (not supported)
 */
export function buildDesign(
  ds: Dataset,
  formula: ParsedFormula,
  rows?: readonly number[],
  fixedLevels?: Readonly<Record<string, readonly string[]>>,
): DesignResult {
  const target = findColumn(ds, formula.target.column, ["formula"]);
  if (target.type !== "number" && target.type !== "integer" && target.type !== "boolean") {
    throw new ValidationError(`The target ${target.name} is ${target.type === "category" ? "text" : `a ${target.type}`}; it must be numeric.`, [
      { path: ["formula"], message: `target ${target.name} is not numeric`, code: "target_not_numeric", value: target.name },
    ]);
  }
  const resolved = formula.terms.map((term) =>
    term.map((f): ResolvedFactor => {
      const column = findColumn(ds, f.column, ["formula"]);
      if (column.type === "date") {
        throw new ValidationError(`Column ${column.name} holds dates; a formula cannot use it directly (derive a trend or season column).`, [
          { path: ["formula"], message: `date column ${column.name}`, code: "date_in_formula", value: column.name },
        ]);
      }
      const categorical = f.categorical || column.type === "category" || column.type === "boolean";
      return { factor: f, column, categorical, label: label(f) };
    }),
  );
  for (const term of resolved) {
    if (term.filter((f) => f.categorical).length > 1) {
      throw new ValidationError(`Interactions of two categorical factors (${term.map((f) => f.label).join(":")}) are not supported yet.`, [
        { path: ["formula"], message: "two categorical factors in one term", code: "unsupported_term" },
      ]);
    }
  }

  // Rows with every used value present.
  const used = [target, ...resolved.flat().map((f) => f.column)];
  const candidate = rows ?? ds.columns[0]!.values.map((_, i) => i);
  const kept = candidate.filter((i) => used.every((c) => c.values[i] !== null));
  const warnings: string[] = [];
  if (kept.length < candidate.length) warnings.push(`${candidate.length - kept.length} row(s) with a missing value in a used column were dropped.`);
  const n = kept.length;

  const ordered = patsyOrder(resolved);
  const present = new Set(ordered.map(termKey));
  if (formula.intercept) present.add("");
  const names: string[] = [];
  const columns: Float64Array[] = [];
  const levelsUsed: Record<string, readonly string[]> = {};
  if (formula.intercept) {
    names.push("Intercept");
    columns.push(new Float64Array(n).fill(1));
  }
  for (const term of ordered) {
    const numeric = term.filter((f) => !f.categorical);
    const numericProduct = new Float64Array(n).fill(1);
    for (const f of numeric) {
      const v = f.column.values as readonly (number | boolean)[];
      kept.forEach((row, i) => (numericProduct[i]! *= Number(v[row])));
    }
    const cat = term.find((f) => f.categorical);
    if (!cat) {
      names.push(term.map((f) => f.label).join(":"));
      columns.push(numericProduct);
      continue;
    }
    const values = kept.map((row) => String(cat.column.values[row]));
    const levels = fixedLevels?.[cat.column.name] ?? [...new Set(values)].sort(levelOrder(cat.column));
    const unknown = fixedLevels ? values.find((v) => !levels.includes(v)) : undefined;
    if (unknown !== undefined) {
      throw new ValidationError(`${cat.column.name} = "${unknown}" was not seen when the model was fitted (levels: ${levels.join(", ")}).`, [
        { path: ["rows", cat.column.name], message: "unknown level", code: "unknown_level", value: unknown },
      ]);
    }
    levelsUsed[cat.column.name] = levels;
    // Reduced (treatment) coding when the term without this factor is already in the model.
    const rest = term.filter((f) => f !== cat);
    const reduced = present.has(termKey(rest));
    for (const level of reduced ? levels.slice(1) : levels) {
      const col = new Float64Array(n);
      values.forEach((v, i) => (col[i] = v === level ? numericProduct[i]! : 0));
      const catName = `${cat.label}[${reduced ? "T." : ""}${level === "true" ? "True" : level === "false" ? "False" : level}]`;
      names.push(term.map((f) => (f === cat ? catName : f.label)).join(":"));
      columns.push(col);
    }
  }
  const yv = target.values as readonly (number | boolean)[];
  const y = Float64Array.from(kept, (row) => Number(yv[row]));
  return { names, columns, y, rows: kept, warnings, levels: levelsUsed };
}

const termKey = (t: readonly ResolvedFactor[]) =>
  t
    .map((f) => `${f.categorical ? "C" : "N"}:${f.column.name}`)
    .sort()
    .join("\u0001");

/** Booleans sort False before True, as Python does; other levels by code point (Python's sorted on str). */
function levelOrder(col: Column): (a: string, b: string) => number {
  if (col.type === "boolean") return (a, b) => Number(a === "true") - Number(b === "true");
  return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * patsy's term order: terms grouped by their set of numeric factors; the group without numeric factors first,
 * then groups in order of first appearance; within a group, lower degree first, formula order for ties.
 */
function patsyOrder(terms: readonly (readonly ResolvedFactor[])[]): (readonly ResolvedFactor[])[] {
  const groupKey = (t: readonly ResolvedFactor[]) =>
    t
      .filter((f) => !f.categorical)
      .map((f) => f.column.name)
      .sort()
      .join("\u0001");
  const groups: string[] = [];
  for (const t of terms) if (!groups.includes(groupKey(t))) groups.push(groupKey(t));
  groups.sort((a, b) => (a === "" ? -1 : b === "" ? 1 : 0));
  return groups.flatMap((g) =>
    terms
      .map((t, i) => ({ t, i }))
      .filter(({ t }) => groupKey(t) === g)
      .sort((a, b) => a.t.length - b.t.length || a.i - b.i)
      .map(({ t }) => t),
  );
}

export type { FormulaTerm };
