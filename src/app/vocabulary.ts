import { ValidationError } from "../errors.ts";

/**
 * One name per idea across the API, the CLI and the types; the names used before stay accepted for one release
 * (0.2), each answered with a Deprecation header (HTTP) or a line on stderr (CLI). The table is in the README.
 */
export interface Alias {
  /** Where the old name sits: a field, or a field of each item of an array ("lines[].current"). */
  readonly old: string;
  /** The name it became (in the same object). */
  readonly name: string;
  /** How an old value becomes a new one, when the meaning moved (MMM's level 0.9 is alpha 0.1). */
  readonly convert?: (v: unknown) => unknown;
}

export const VOCABULARY = {
  /** The marketing-mix model a request builds on. */
  mmmId: [{ old: "modelId", name: "mmmId" }],
  /** The column that splits the data into segments (one model each). */
  segment: [{ old: "by", name: "segment" }],
  /** Which segment's model (a level of the segment column). */
  predictSegment: [{ old: "group", name: "segment" }],
  /** Interval width: statsmodels' alpha (0.05 → 95% intervals). */
  alpha: [{ old: "level", name: "alpha", convert: (v: unknown) => (typeof v === "number" ? Number((1 - v).toPrecision(12)) : v) }],
  /** An allocation line's spend today, per period, and its adstock normalisation. */
  allocationLine: [
    { old: "lines[].current", name: "currentSpend" },
    { old: "lines[].adstock.normalized", name: "normalize" },
  ],
} satisfies Record<string, readonly Alias[]>;

/**
 * Rename old fields to their names in place of a copy; returns the copy and the renames used ("modelId → mmmId").
 * An old and a new name both given is a 400: which one was meant is not ours to guess.
 */
export function renameDeprecated(raw: unknown, aliases: readonly Alias[], where: string): { value: unknown; used: string[] } {
  if (aliases.length === 0 || raw === null || typeof raw !== "object" || Array.isArray(raw) || ArrayBuffer.isView(raw)) return { value: raw, used: [] };
  const used: string[] = [];
  const value = structuredClone(raw) as Record<string, unknown>;
  for (const a of aliases) {
    const path = a.old.split(".");
    const leaf = path.pop()!;
    for (const { obj, at } of objectsAt(value, path, [where])) {
      if (!(leaf in obj)) continue;
      if (a.name in obj) {
        throw new ValidationError(`${[...at, leaf].join(".")} is the old name of ${a.name}; give only ${a.name}.`, [
          { path: [...at, leaf], message: `old name of ${a.name}`, code: "both_names" },
        ]);
      }
      obj[a.name] = a.convert ? a.convert(obj[leaf]) : obj[leaf];
      delete obj[leaf];
      const rename = `${[...path, leaf].join(".")} -> ${[...path, a.name].join(".")}`; // ASCII: it goes in a header
      if (!used.includes(rename)) used.push(rename);
    }
  }
  return { value, used };
}

/** Every object a path such as ["lines[]", "adstock"] reaches, with its location for messages. */
function objectsAt(
  root: Record<string, unknown>,
  path: readonly string[],
  at: (string | number)[],
): { obj: Record<string, unknown>; at: (string | number)[] }[] {
  if (path.length === 0) return [{ obj: root, at }];
  const [head, ...rest] = path;
  const many = head!.endsWith("[]");
  const key = many ? head!.slice(0, -2) : head!;
  const next = root[key];
  if (many) {
    return Array.isArray(next)
      ? next.flatMap((item, i) => (item && typeof item === "object" ? objectsAt(item as Record<string, unknown>, rest, [...at, key, i]) : []))
      : [];
  }
  return next && typeof next === "object" && !Array.isArray(next) ? objectsAt(next as Record<string, unknown>, rest, [...at, key]) : [];
}

/** RFC 9745's Deprecation header value: when the old names were deprecated (2026-11-30, as an @-epoch). */
export const DEPRECATED_SINCE = `@${Date.UTC(2026, 10, 30) / 1000}`;
