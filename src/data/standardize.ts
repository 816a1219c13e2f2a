/**
 * Standardise a column header as the published analyses of our datasets do: parentheses vanish, every run of
 * spaces or punctuation becomes one `_`, leading and trailing `_` go. `Campaign (Email)` → `Campaign_Email`,
 * `Amount Collected` → `Amount_Collected`. A header with no letters or digits becomes `column_<position>`.
 */
export function standardizeName(original: string, position: number): string {
  const name = original
    .normalize("NFC")
    .replace(/[()[\]{}]/g, "")
    .replace(/[^\p{L}\p{N}_]+/gu, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
  return name === "" ? `column_${position}` : name;
}

/** Cell texts that mean "no value", as spreadsheets and pandas write them. */
const MISSING = new Set(["", "na", "n/a", "nan", "null", "none", "#n/a", "-"]);

export function isMissing(cell: string): boolean {
  return MISSING.has(cell.trim().toLowerCase());
}
