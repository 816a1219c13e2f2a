import type { Issue } from "../errors.ts";
import { columnNumberFormat, formattingUsed, parseFormatted, type NumberOptions } from "./number-format.ts";
import { dateShape, parseBoolean, parseDate, parseNumber } from "./parse-cell.ts";
import { isMissing } from "./standardize.ts";
import type { Column, ColumnType, DataWarning, DateFormat } from "./types.ts";

export interface ColumnInput {
  readonly name: string;
  readonly original: string;
  /** Raw cells, one per data row. */
  readonly cells: readonly string[];
  readonly declared?: ColumnType;
  readonly dateFormat?: DateFormat;
  /** The file's delimiter: a `;` file writes decimal commas (European Excel). */
  readonly delimiter?: string;
  /** The request's `decimal` / `thousands`, for every numeric column. */
  readonly numbers?: NumberOptions;
}

export interface ColumnOutcome {
  readonly column?: Column;
  /** Hard errors: the dataset is refused. */
  readonly issues: readonly Issue[];
  readonly warnings: readonly DataWarning[];
}

const MAX_LISTED = 20;
/** Share of non-missing cells that must look like dates before a column is read as a date column. */
const DATE_MAJORITY = 0.5;

/**
 * Type one column: the declared type when given (a misfit cell is an error naming row and value), else the
 * narrowest type every non-missing cell fits: boolean, integer, number, date, category.
 */
export function inferColumn(input: ColumnInput): ColumnOutcome {
  const { cells } = input;
  const present = cells.map((c) => !isMissing(c));
  const missing = present.filter((p) => !p).length;
  const base = { name: input.name, original: input.original, missing };
  const declared = input.declared;

  const nonMissing = cells.filter((_, i) => present[i]);
  const formatted =
    declared === "boolean" || declared === "date" || declared === "category" || input.dateFormat ? undefined : spreadsheetNumbers(input, nonMissing);
  if (formatted && "issue" in formatted) return { issues: [formatted.issue], warnings: [] };
  if (declared === "number" || declared === "integer") return numericColumn(input, base, declared, formatted?.parse);
  if (declared === "boolean") return booleanColumn(input, base, true) as ColumnOutcome;
  if (declared === "date" || input.dateFormat) return dateColumn(input, base);
  if (declared === "category") return categoryColumn(input, base);

  if (nonMissing.length === 0) return categoryColumn(input, base);
  const bool = booleanColumn(input, base, false);
  if (bool) return bool;
  if (formatted) {
    const out = numericColumn(input, base, undefined, formatted.parse);
    return { ...out, warnings: [...out.warnings, ...formatted.warnings] };
  }
  const numericCount = nonMissing.filter((c) => parseNumber(c) !== undefined).length;
  if (numericCount === nonMissing.length) return numericColumn(input, base, undefined);
  const dateCount = nonMissing.filter((c) => dateShape(c) !== undefined).length;
  if (dateCount >= DATE_MAJORITY * nonMissing.length) return dateColumn(input, base);
  const category = categoryColumn(input, base);
  if (numericCount >= 0.9 * nonMissing.length) {
    const bad = listRows(cells, (c) => !isMissing(c) && parseNumber(c) === undefined);
    return {
      ...category,
      warnings: [
        ...category.warnings,
        {
          code: "mixed_column",
          column: input.name,
          message:
            `Column ${input.name} is numeric except ${bad.count} cell(s) such as "${cells[bad.rows[0]! - 1]!.trim()}" ` +
            `(row ${bad.rows[0]}); it was read as a category. Fix the cells, or declare the column numeric to get an error per bad cell.`,
          rows: bad.rows,
          count: bad.count,
        },
      ],
    };
  }
  return category;
}

type Base = { name: string; original: string; missing: number };

function listRows(cells: readonly string[], bad: (c: string) => boolean): { rows: number[]; count: number } {
  const rows: number[] = [];
  let count = 0;
  cells.forEach((c, i) => {
    if (bad(c)) {
      count++;
      if (rows.length < MAX_LISTED) rows.push(i + 1);
    }
  });
  return { rows, count };
}

function cellIssue(name: string, row: number, value: string, message: string, code: string): Issue {
  return { path: ["rows", row, name], message: `row ${row}, column ${name}: ${message}`, code, value };
}

/**
 * Numbers as spreadsheets write them ("$1,234.50", "1.234,5" in a `;` file), when plain parsing does not read the
 * column right: the format the column's cells settle (number-format.ts), a warning saying what was read, or the
 * refusal of a column that reads as different numbers either way. Undefined: plain parsing stands.
 */
function spreadsheetNumbers(
  input: ColumnInput,
  nonMissing: readonly string[],
): { parse: (c: string) => number | undefined; warnings: DataWarning[] } | { issue: Issue } | undefined {
  const plain = nonMissing.every((c) => parseNumber(c) !== undefined);
  const options = input.numbers ?? {};
  const explicit = options.decimal !== undefined || options.thousands !== undefined;
  // a `;` file's commas are decimal commas, which plain parsing would take for thousands separators,
  // and its d.ddd may group thousands or be a decimal dot: the column must settle which
  const europeanCommas = input.delimiter === ";" && nonMissing.some((c) => c.includes(",") || /^\s*[+-]?\d{1,3}(\.\d{3})+\s*$/.test(c));
  if (nonMissing.length === 0 || (plain && !explicit && !europeanCommas)) return undefined;
  const found = columnNumberFormat(input.name, nonMissing, input.delimiter ?? ",", options);
  if (!found) return undefined;
  if ("issue" in found) return found;
  const f = found.format;
  const used = formattingUsed(nonMissing, f);
  const warnings: DataWarning[] = used.length
    ? [
        {
          code: "formatted_numbers",
          column: input.name,
          message: `Column ${input.name} was read as numbers from spreadsheet formatting (${used.join(", ")}; decimal "${f.decimal}"). If that is wrong, say decimal and thousands in the upload's options.`,
        },
      ]
    : [];
  return { parse: (c) => parseFormatted(c, f), warnings };
}

function numericColumn(
  input: ColumnInput,
  base: Base,
  declared: "number" | "integer" | undefined,
  parse: (c: string) => number | undefined = parseNumber,
): ColumnOutcome {
  const issues: Issue[] = [];
  const values = input.cells.map((c, i) => {
    if (isMissing(c)) return null;
    const v = parse(c);
    if (v === undefined) {
      if (issues.length < MAX_LISTED) issues.push(cellIssue(input.name, i + 1, c, `"${c}" is not a number`, "not_a_number"));
      return null;
    }
    if (declared === "integer" && !Number.isInteger(v) && issues.length < MAX_LISTED) {
      issues.push(cellIssue(input.name, i + 1, c, `"${c}" is not a whole number`, "not_an_integer"));
    }
    return v;
  });
  if (issues.length > 0) return { issues, warnings: [] };
  const integer = values.every((v) => v === null || Number.isSafeInteger(v));
  const type = declared ?? (integer ? "integer" : "number");
  return { column: { ...base, type, values }, issues: [], warnings: [] };
}

function booleanColumn(input: ColumnInput, base: Base, declared: boolean): ColumnOutcome | undefined {
  const issues: Issue[] = [];
  const values: (boolean | null)[] = [];
  for (const [i, c] of input.cells.entries()) {
    if (isMissing(c)) {
      values.push(null);
      continue;
    }
    const v = parseBoolean(c);
    if (v === undefined) {
      if (!declared) return undefined;
      if (issues.length < MAX_LISTED) issues.push(cellIssue(input.name, i + 1, c, `"${c}" is not true/false/yes/no`, "not_a_boolean"));
      values.push(null);
    } else values.push(v);
  }
  if (issues.length > 0) return { issues, warnings: [] };
  return { column: { ...base, type: "boolean", values }, issues: [], warnings: [] };
}

/**
 * Dates: ISO, or day/month/year with `-`, `/` or `.`. The day/month order is read off the column: a first part
 * above 12 means day first, a second part above 12 means month first. When no cell settles it (every part ≤ 12),
 * the column is refused rather than guessed: the request must name the layout in `dateFormats`.
 */
function dateColumn(input: ColumnInput, base: Base): ColumnOutcome {
  const { name, cells } = input;
  const format = input.dateFormat ?? detectDateFormat(cells);
  if (typeof format !== "string") return { issues: [format], warnings: [] };
  const issues: Issue[] = [];
  const values = cells.map((c, i) => {
    if (isMissing(c)) return null;
    const iso = parseDate(c, format);
    if (iso === undefined && issues.length < MAX_LISTED) {
      issues.push(cellIssue(name, i + 1, c, `"${c}" is not a valid date in the column's format ${format}`, "bad_date"));
    }
    return iso ?? null;
  });
  if (issues.length > 0) return { issues, warnings: [] };
  return { column: { ...base, type: "date", format, values }, issues: [], warnings: [] };

  function detectDateFormat(all: readonly string[]): DateFormat | Issue {
    const shapes = all.filter((c) => !isMissing(c)).map((c) => ({ c, s: dateShape(c) }));
    const firstBad = shapes.find((x) => x.s === undefined);
    const kinds = new Set(shapes.map((x) => (x.s?.kind === "dmy-or-mdy" ? `sep${x.s.sep}` : x.s?.kind)));
    kinds.delete(undefined);
    if (kinds.size > 1) {
      return {
        path: ["columns", name],
        message: `column ${name} mixes date layouts (${[...kinds].join(", ")}); use one layout per column`,
        code: "mixed_date_formats",
      };
    }
    if (kinds.has("iso")) return "yyyy-mm-dd";
    if (kinds.size === 0) {
      const row = all.findIndex((c) => !isMissing(c)) + 1;
      return cellIssue(name, row, firstBad?.c ?? "", "is not a date", "bad_date");
    }
    const sep = [...kinds][0]!.slice(3) as "-" | "/" | ".";
    let dayFirst = false;
    let monthFirst = false;
    for (const { s } of shapes) {
      if (s?.kind !== "dmy-or-mdy") continue;
      if (s.a > 12) dayFirst = true;
      if (s.b > 12) monthFirst = true;
    }
    if (dayFirst && monthFirst) {
      return {
        path: ["columns", name],
        message: `column ${name} has dates with a day above 12 in both the first and the second place; its layout is inconsistent`,
        code: "inconsistent_date_order",
      };
    }
    if (!dayFirst && !monthFirst) {
      return {
        path: ["columns", name],
        message:
          `column ${name} has dates like "${shapes[0]!.c.trim()}" that read as day${sep}month or month${sep}day: ` +
          `no value settles it. Say which with dateFormats: {"${name}": "dd${sep}mm${sep}yyyy"} or "mm${sep}dd${sep}yyyy"`,
        code: "ambiguous_date_format",
      };
    }
    // '.' is only ever day-first in practice; a month-first dotted date is still read as the data says.
    return `${dayFirst ? "dd" : "mm"}${sep}${dayFirst ? "mm" : "dd"}${sep}yyyy` as DateFormat;
  }
}

function categoryColumn(input: ColumnInput, base: Base): ColumnOutcome {
  const trimmedValues = new Set<string>();
  const values = input.cells.map((c) => {
    if (isMissing(c)) return null;
    const t = c.trim();
    if (t !== c) trimmedValues.add(c);
    return t;
  });
  const levels = [...new Set(values.filter((v): v is string => v !== null))].sort();
  const warnings: DataWarning[] = [];
  if (trimmedValues.size > 0) {
    const shown = [...trimmedValues].slice(0, 5).map((v) => JSON.stringify(v));
    warnings.push({
      code: "trimmed_values",
      column: input.name,
      message: `Column ${input.name} had values with leading or trailing spaces, trimmed: ${shown.join(", ")}${trimmedValues.size > 5 ? ", ..." : ""}`,
      count: trimmedValues.size,
    });
  }
  return { column: { ...base, type: "category", values, levels }, issues: [], warnings };
}
