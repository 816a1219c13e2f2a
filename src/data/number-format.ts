import type { Issue } from "../errors.ts";

/** How a column writes its numbers: what separates decimals, and what (if anything) groups thousands. */
export interface NumberFormat {
  readonly decimal: "." | ",";
  /** "" for no grouping; " " also matches a no-break or narrow no-break space (what Excel's French locale writes). */
  readonly thousands: "," | "." | " " | "'" | "";
}

/** What a request may say about the file's numbers (pandas' `decimal` / `thousands`, R's read.csv2). */
export interface NumberOptions {
  readonly decimal?: "." | ",";
  readonly thousands?: "," | "." | " " | "'" | "";
}

const CURRENCY = /^[$€£¥₹]|[$€£¥₹]$/g;
const SPACES = /[\s\u00a0\u202f]/g;

/**
 * A spreadsheet's formatted number as a number, or undefined: a currency symbol before or after, a sign before
 * or after the symbol, accounting parentheses for negatives, thousands grouped by the format's separator (in
 * groups of three only), the format's decimal separator.
 */
export function parseFormatted(cell: string, f: NumberFormat): number | undefined {
  let s = cell.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (/^[+-]/.test(s)) {
    negative = negative !== (s[0] === "-");
    s = s.slice(1).trim();
  }
  const before = s;
  s = s.replace(CURRENCY, "").trim();
  if (s !== before && /^[+-]/.test(s)) {
    negative = negative !== (s[0] === "-");
    s = s.slice(1).trim();
  }
  if (f.thousands === " ") s = s.replace(SPACES, " ");
  else if (/\s/.test(s)) return undefined;
  const d = f.decimal === "." ? "\\." : ",";
  const t = f.thousands === "" ? null : f.thousands === "." ? "\\." : f.thousands;
  const plain = new RegExp(`^(\\d+(${d}\\d*)?|${d}\\d+)([eE][+-]?\\d+)?$`);
  const grouped = t ? new RegExp(`^\\d{1,3}(${t}\\d{3})+(${d}\\d+)?$`) : null;
  let digits: string;
  if (plain.test(s)) digits = s;
  else if (grouped?.test(s)) digits = s.split(f.thousands).join("");
  else return undefined;
  const v = Number(f.decimal === "," ? digits.replace(",", ".") : digits);
  return Number.isFinite(v) ? (negative ? -v : v) : undefined;
}

const US: NumberFormat = { decimal: ".", thousands: "," };
const EU: NumberFormat = { decimal: ",", thousands: "." };
const EU_SPACE: NumberFormat = { decimal: ",", thousands: " " };

/**
 * The format a column's cells are written in, when the column reads as numbers in exactly one way: the request's
 * `decimal`/`thousands` when given; else the formats that read every cell, the delimiter deciding between a
 * decimal dot and a decimal comma (a `;` file is European Excel's). A column whose cells read as different numbers
 * either way (only values like "1.234" in a `;` file: 1234 grouped, or 1.234) is refused with the fix: say `decimal`.
 */
export function columnNumberFormat(
  name: string,
  cells: readonly string[],
  delimiter: string,
  opts: NumberOptions = {},
): { format: NumberFormat } | { issue: Issue } | undefined {
  if (opts.decimal !== undefined || opts.thousands !== undefined) {
    const decimal = opts.decimal ?? (opts.thousands === "." ? "," : opts.thousands === "," ? "." : delimiter === ";" ? "," : ".");
    const thousands = opts.thousands ?? (decimal === "," ? "." : ",");
    const format = { decimal, thousands };
    return cells.every((c) => parseFormatted(c, format) !== undefined) ? { format } : undefined;
  }
  const readers = (delimiter === ";" ? [EU, EU_SPACE, US] : [US, EU, EU_SPACE]).filter((f) => cells.every((c) => parseFormatted(c, f) !== undefined));
  if (readers.length === 0) return undefined;
  const [first, ...rest] = readers;
  const differs = rest.find((f) => cells.some((c) => parseFormatted(c, f) !== parseFormatted(c, first!)));
  // the delimiter settles a comma (a `,` file's quoted "1,234" groups thousands; a `;` file's "1,5" is a decimal);
  // a dot in a `;` file whose cells are all d.ddd could be either
  const ambiguousDot = differs && delimiter === ";" && first!.decimal === "," && differs.decimal === "." && !cells.some((c) => c.includes(","));
  if (ambiguousDot) {
    const example = cells.find((c) => parseFormatted(c, first!) !== parseFormatted(c, differs))!.trim();
    return {
      issue: {
        path: ["columns", name],
        message:
          `column ${name} has numbers like "${example}" that read as ${parseFormatted(example, first!)} (dot grouping thousands) or ${parseFormatted(example, differs)} (decimal dot): no value settles it. ` +
          `Say which with decimal: "," (and thousands: ".") or decimal: "."`,
        code: "ambiguous_number_format",
        value: example,
      },
    };
  }
  return { format: first! };
}

/** What reading the cells took beyond plain digits, in words (in a fixed order), for the column's warning. */
export function formattingUsed(cells: readonly string[], f: NumberFormat): string[] {
  const ungrouped = { ...f, thousands: "" as const };
  const used = {
    "currency symbols": cells.some((c) => /[$€£¥₹]/.test(c)),
    "parentheses for negatives": cells.some((c) => /^\s*\(.*\)\s*$/.test(c)),
    [`"${f.thousands === " " ? "space" : f.thousands}" grouping thousands`]:
      f.thousands !== "" && cells.some((c) => parseFormatted(c, ungrouped) === undefined),
    "decimal comma": f.decimal === "," && cells.some((c) => c.includes(",") && parseFormatted(c, ungrouped) !== undefined),
  };
  return Object.entries(used).flatMap(([what, yes]) => (yes ? [what] : []));
}
