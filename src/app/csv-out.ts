import Papa from "papaparse";

/**
 * CSV for spreadsheets (RFC 4180, via papaparse). Text cells that a spreadsheet would run as a formula (= + - @,
 * tab, CR first) get a leading apostrophe (OWASP's CSV-injection advice); numbers are written as numbers.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return `${Papa.unparse({ fields: [...header], data: rows.map((r) => [...r]) }, { escapeFormulae: true, newline: "\r\n" })}\r\n`;
}

/** Send a table as CSV (a download named `name`.csv). */
export function sendCsv(
  res: import("express").Response,
  name: string,
  table: { readonly header: readonly string[]; readonly rows: readonly (readonly (string | number | boolean | null)[])[] },
): void {
  res.type("text/csv; charset=utf-8").attachment(`${name}.csv`).send(toCsv(table.header, table.rows));
}
