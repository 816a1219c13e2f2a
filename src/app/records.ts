import { ConflictError, NotFoundError, type Issue } from "../errors.ts";
import type { ModelRecord } from "../store/models.ts";
import type { Store } from "../store/store.ts";

/** What the store keeps under models, by kind, with the newest schema version this code reads. */
export const RECORD_KINDS = {
  ols: { what: "regression", version: 1 },
  mmm: { what: "marketing-mix model", version: 2 },
  forecast: { what: "forecast", version: 3 },
  "forecast-model": { what: "forecast model", version: 3 },
  allocation: { what: "allocation", version: 1 },
} as const;
export type RecordKind = keyof typeof RECORD_KINDS;

/**
 * A stored record of one kind, or a 404 that says what was looked for (and names the request field when given);
 * a record written by a newer mixcast than this one is a 409 rather than a misread.
 */
export async function requireRecord<S = unknown, R = unknown>(
  store: Store,
  kind: RecordKind,
  id: string,
  field?: readonly (string | number)[],
): Promise<ModelRecord<S, R>> {
  const { what, version } = RECORD_KINDS[kind];
  const m = await store.models.get<S, R>(id);
  const issues: Issue[] = field ? [{ path: [...field], message: `no such ${what}`, value: id }] : [];
  if (!m || m.kind !== kind) throw new NotFoundError(`No ${what} ${id}.`, issues);
  if (m.schemaVersion > version)
    throw new ConflictError(`${what} ${id} was stored by a newer mixcast (schema ${m.schemaVersion}; this one reads up to ${version}).`, issues);
  return m;
}
