import { ValidationError, type Issue } from "../errors.ts";
import { inferColumn } from "./infer-column.ts";
import { parseCsv } from "./parse-csv.ts";
import { DEFAULT_MIN_ROWS, qualityWarnings } from "./quality.ts";
import { standardizeName } from "./standardize.ts";
import type { Column, DataWarning, Dataset, IngestOptions } from "./types.ts";

/**
 * CSV bytes or text → typed, columnar Dataset with a data-quality report. Pure: the caller reads files.
 *
 * @throws ValidationError naming the line, row, column and value for anything that would make the data
 *   meaningless: empty, header-only, ragged, duplicate names, cells that do not fit a declared type, bad dates.
 */
export function csvToDataset(input: Uint8Array | string, opts: IngestOptions): Dataset {
  const raw = parseCsv(input);
  const names = raw.header.map((h, i) => standardizeName(h, i + 1));
  assertUniqueNames(raw.header, names);
  const resolve = nameResolver(raw.header, names);

  const issues: Issue[] = [];
  const types = resolveKeys(opts.types ?? {}, resolve, "types", issues);
  const dateFormats = resolveKeys(opts.dateFormats ?? {}, resolve, "dateFormats", issues);
  const dateColumn = opts.dateColumn === undefined ? undefined : resolveOne(opts.dateColumn, resolve, ["dateColumn"], issues);
  const seriesColumns = (opts.seriesColumns ?? []).map((s, i) => resolveOne(s, resolve, ["seriesColumns", i], issues));
  if (issues.length > 0) throw new ValidationError(issues[0]!.message, issues);

  const warnings: DataWarning[] = [];
  const columns: Column[] = [];
  names.forEach((name, j) => {
    const outcome = inferColumn({
      name,
      original: raw.header[j]!,
      cells: raw.rows.map((r) => r[j]!),
      declared: types[name],
      dateFormat: dateFormats[name],
      delimiter: raw.delimiter,
      numbers: { ...(opts.decimal !== undefined && { decimal: opts.decimal }), ...(opts.thousands !== undefined && { thousands: opts.thousands }) },
    });
    issues.push(...outcome.issues);
    warnings.push(...outcome.warnings);
    if (outcome.column) columns.push(outcome.column);
  });
  if (dateColumn !== undefined && !issues.length && columns.find((c) => c.name === dateColumn)?.type !== "date") {
    issues.push({ path: ["dateColumn"], message: `dateColumn ${dateColumn} does not hold dates`, code: "not_a_date_column", value: dateColumn });
  }
  if (issues.length > 0) {
    const lines = issues.map((i) => (i.path[0] === "rows" ? { ...i, line: raw.lines[(i.path[1] as number) - 1] } : i));
    throw new ValidationError(`${issues.length > 1 ? `${issues.length} problems; first: ` : ""}${issues[0]!.message}`, lines);
  }
  warnings.push(
    ...qualityWarnings(columns, {
      rawRows: raw.rows,
      dateColumn,
      seriesColumns: seriesColumns.filter((s): s is string => s !== undefined),
      minRows: opts.minRows ?? DEFAULT_MIN_ROWS,
    }),
  );
  return { name: opts.name, rows: raw.rows.length, columns, warnings };
}

function assertUniqueNames(header: readonly string[], names: readonly string[]): void {
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  names.forEach((n, i) => {
    const j = seen.get(n);
    if (j !== undefined) {
      issues.push({
        path: ["header", header[i]!],
        message: `columns "${header[j]}" and "${header[i]}" both standardise to ${n}; rename one`,
        code: "duplicate_header",
        value: header[i],
      });
    }
    seen.set(n, i);
  });
  if (issues.length > 0) throw new ValidationError(issues[0]!.message, issues);
}

/** Requests may name a column by its standardised or its original header. */
function nameResolver(header: readonly string[], names: readonly string[]): (key: string) => string | undefined {
  const map = new Map<string, string>();
  names.forEach((n, i) => {
    map.set(n, n);
    map.set(header[i]!, n);
  });
  return (key) => map.get(key) ?? map.get(key.trim());
}

function resolveOne(key: string, resolve: (k: string) => string | undefined, path: (string | number)[], issues: Issue[]): string | undefined {
  const name = resolve(key);
  if (name === undefined) issues.push({ path, message: `${path.join(".")}: no column named "${key}"`, code: "unknown_column", value: key });
  return name;
}

function resolveKeys<T>(rec: Readonly<Record<string, T>>, resolve: (k: string) => string | undefined, field: string, issues: Issue[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(rec)) {
    const name = resolveOne(k, resolve, [field, k], issues);
    if (name !== undefined) out[name] = v;
  }
  return out;
}
