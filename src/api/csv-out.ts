import Papa from "papaparse";

/**
 * CSV for spreadsheets (RFC 4180, via papaparse). Text cells that a spreadsheet would run as a formula (= + - @,
 * tab, CR first) get a leading apostrophe (OWASP's CSV-injection advice); numbers are written as numbers.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return `${Papa.unparse({ fields: [...header], data: rows.map((r) => [...r]) }, { escapeFormulae: true, newline: "\r\n" })}\r\n`;
}
