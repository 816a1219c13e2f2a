/** Typed, columnar tables: what ingestion produces and every model consumes. Plain, JSON-ready data. */

export type ColumnType = "number" | "integer" | "date" | "category" | "boolean";

/** Date layouts ingestion understands; `yyyy-mm-dd` is ISO 8601. */
export type DateFormat = "yyyy-mm-dd" | "dd-mm-yyyy" | "mm-dd-yyyy" | "dd/mm/yyyy" | "mm/dd/yyyy" | "dd.mm.yyyy";

interface ColumnBase {
  /** Standardised name (`Amount_Collected`); what formulas and requests use. */
  readonly name: string;
  /** The header as written in the file (`Amount Collected`). */
  readonly original: string;
  /** Count of missing cells (empty, NA, null, ...). */
  readonly missing: number;
}
export interface NumericColumn extends ColumnBase {
  readonly type: "number" | "integer";
  readonly values: readonly (number | null)[];
}
export interface DateColumn extends ColumnBase {
  readonly type: "date";
  /** ISO `yyyy-mm-dd`. */
  readonly values: readonly (string | null)[];
  readonly format: DateFormat;
}
export interface CategoryColumn extends ColumnBase {
  readonly type: "category";
  /** Trimmed values. */
  readonly values: readonly (string | null)[];
  /** Sorted distinct values (the reference level of treatment coding is the first). */
  readonly levels: readonly string[];
}
export interface BooleanColumn extends ColumnBase {
  readonly type: "boolean";
  readonly values: readonly (boolean | null)[];
}
export type Column = NumericColumn | DateColumn | CategoryColumn | BooleanColumn;

/** A data-quality finding that does not stop ingestion. */
export interface DataWarning {
  readonly code:
    | "missing_values"
    | "duplicate_rows"
    | "constant_column"
    | "negative_spend"
    | "date_gaps"
    | "duplicate_dates"
    | "too_few_rows"
    | "trimmed_values"
    | "mixed_column"
    | "formatted_numbers";
  readonly column?: string;
  readonly message: string;
  /** 1-based data rows (header excluded) that show the problem, at most 20. */
  readonly rows?: readonly number[];
  readonly count?: number;
}

export interface Dataset {
  readonly name: string;
  readonly rows: number;
  readonly columns: readonly Column[];
  readonly warnings: readonly DataWarning[];
}

/** Options a request may give to ingestion. Column keys accept standardised or original names. */
export interface IngestOptions {
  readonly name: string;
  /** Declared column types; a cell that does not fit is a hard error naming row, column and value. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Date layout per column, to settle a format the data leaves ambiguous. */
  readonly dateFormats?: Readonly<Record<string, DateFormat>>;
  /** Column holding the time index (for gap and duplicate checks); default: the only date column, if one. */
  readonly dateColumn?: string;
  /** Columns identifying a series (e.g. segment): the date index is checked within each. Default: none. */
  readonly seriesColumns?: readonly string[];
  /** Fewer rows than this draws a `too_few_rows` warning. */
  readonly minRows?: number;
  /** The file's decimal and thousands separators (pandas' `decimal`/`thousands`); default: read off each column. */
  readonly decimal?: "." | ",";
  readonly thousands?: "," | "." | " " | "'" | "";
}
