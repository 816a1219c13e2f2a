import { ValidationError } from "../errors.ts";

/** One factor of a term: a column, read as numeric or (with C(), or because it is text) categorical. */
export interface Factor {
  /** Column as written (a name or the string inside Q("...")). */
  readonly column: string;
  /** C(col) forces categorical coding. */
  readonly categorical: boolean;
}

/** A term is a product of factors; the empty term is the intercept. */
export type FormulaTerm = readonly Factor[];

export interface ParsedFormula {
  readonly target: Factor;
  readonly intercept: boolean;
  /** Non-intercept terms, deduplicated, in formula order (design.ts applies patsy's ordering). */
  readonly terms: readonly FormulaTerm[];
}

type Token = { kind: "name" | "string" | "number" | "op"; text: string; pos: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i))!;
      tokens.push({ kind: "name", text: m[0], pos: i });
      i += m[0].length;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+/.exec(src.slice(i))!;
      tokens.push({ kind: "number", text: m[0], pos: i });
      i += m[0].length;
    } else if (ch === '"' || ch === "'") {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) throw syntax(src, i, "unterminated string");
      tokens.push({ kind: "string", text: src.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if ("~+-:*()".includes(ch)) {
      tokens.push({ kind: "op", text: ch, pos: i });
      i++;
    } else throw syntax(src, i, `unexpected character "${ch}"`);
  }
  return tokens;
}

function syntax(src: string, pos: number, what: string): ValidationError {
  return new ValidationError(`Formula syntax error at position ${pos + 1}: ${what}. In: ${src}`, [
    { path: ["formula"], message: `${what} at position ${pos + 1}`, code: "formula_syntax", value: src },
  ]);
}

const key = (t: FormulaTerm) =>
  t
    .map((f) => `${f.categorical ? "C" : "N"}:${f.column}`)
    .sort()
    .join("\u0001");

/**
 * Parse a statsmodels/R formula: `y ~ a + b + C(seg) + a:b`, `a*b` (= a + b + a:b), `- 1` or `+ 0` (no intercept),
 * `- term`, `Q("name with spaces")`, `C(Q("a b"))`.
 *
 * @throws ValidationError naming the position of a syntax error
 */
export function parseFormula(src: string): ParsedFormula {
  const tokens = tokenize(src);
  let p = 0;
  const peek = () => tokens[p];
  const expect = (text: string) => {
    const t = tokens[p];
    if (!t || t.text !== text) throw syntax(src, t?.pos ?? src.length, `expected "${text}"${t ? ` but found "${t.text}"` : " at the end"}`);
    p++;
  };

  function column(): string {
    const t = tokens[p];
    if (!t) throw syntax(src, src.length, "expected a column name at the end");
    if (t.kind === "name" && t.text === "Q" && tokens[p + 1]?.text === "(") {
      p += 2;
      const s = tokens[p];
      if (s?.kind !== "string") throw syntax(src, s?.pos ?? src.length, 'Q() takes a quoted column name, as Q("Amount Collected")');
      p++;
      expect(")");
      return s.text;
    }
    if (t.kind !== "name") throw syntax(src, t.pos, `expected a column name but found "${t.text}"`);
    p++;
    return t.text;
  }

  function factor(): Factor {
    const t = peek();
    if (t?.kind === "name" && t.text === "C" && tokens[p + 1]?.text === "(") {
      p += 2;
      const c = column();
      expect(")");
      return { column: c, categorical: true };
    }
    return { column: column(), categorical: false };
  }

  function interaction(): FormulaTerm {
    const fs = [factor()];
    while (peek()?.text === ":") {
      p++;
      fs.push(factor());
    }
    return fs;
  }

  function product(): FormulaTerm[] {
    let terms: FormulaTerm[] = [interaction()];
    while (peek()?.text === "*") {
      p++;
      const right = interaction();
      terms = [...terms, right, ...terms.map((t) => [...t, ...right])];
    }
    return terms;
  }

  const lhsTok = peek();
  if (!lhsTok || lhsTok.text === "~") throw syntax(src, lhsTok?.pos ?? 0, "a formula needs a target before ~, as in Sales ~ TV + Radio");
  const target = factor();
  expect("~");
  let intercept = true;
  const terms: FormulaTerm[] = [];
  const removed = new Set<string>();
  let sign: "+" | "-" = "+";
  let first = true;
  while (p < tokens.length) {
    const t = peek()!;
    if (!first) {
      if (t.text !== "+" && t.text !== "-") throw syntax(src, t.pos, `expected + or - but found "${t.text}"`);
      sign = t.text;
      p++;
    } else if (t.text === "-") {
      sign = "-";
      p++;
    }
    first = false;
    const next = peek();
    if (!next) throw syntax(src, src.length, "the formula ends after an operator");
    if (next.kind === "number") {
      if (next.text !== "0" && next.text !== "1") throw syntax(src, next.pos, `only 0 or 1 may stand alone, found ${next.text}`);
      p++;
      intercept = (next.text === "1") === (sign === "+");
      continue;
    }
    for (const term of product()) {
      if (sign === "+") terms.push(term);
      else removed.add(key(term));
    }
  }
  if (first) throw syntax(src, src.length, "nothing after ~");
  const seen = new Set<string>();
  const unique = terms.filter((t) => {
    const k = key(t);
    if (seen.has(k) || removed.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { target, intercept, terms: unique };
}
