import { sql, type RawBuilder } from "kysely";
import type { StoreKind } from "./schema.ts";

/** A top-level text field of a JSON text column (`column` is a trusted identifier, `key` a literal). */
export function jsonText(kind: StoreKind, column: string, key: string): RawBuilder<string | null> {
  return kind === "postgres" ? sql`(${sql.ref(column)}::jsonb ->> ${sql.lit(key)})` : sql`json_extract(${sql.ref(column)}, ${sql.lit(`$.${key}`)})`;
}

/** The larger of a column and a value: SQLite's two-argument max(), PostgreSQL's greatest(). */
export function larger(kind: StoreKind, column: string, value: number): RawBuilder<number> {
  return kind === "postgres" ? sql`greatest(${sql.ref(column)}, ${value})` : sql`max(${sql.ref(column)}, ${value})`;
}

/** Rows a count(*) found: PostgreSQL returns a bigint as text. */
export const countAll = sql<number | string>`count(*)`;
