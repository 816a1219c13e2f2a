import type { JobKind } from "../jobs/handlers.ts";
import type { OnSuccess } from "../jobs/runner.ts";
import type { Store } from "../store/store.ts";
import type { z } from "zod";
import { DateFormatPairs, TypePairs } from "../app/schemas.ts";
import { ValidationError } from "../errors.ts";

/** `a,b,c` → ["a", "b", "c"] (blank items dropped); [] when the flag is absent. */
export function commaList(s: string | undefined): string[] {
  return s
    ? s
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
}

/** A comma list that must be given. */
export function requiredList(s: string | undefined, flag: string): string[] {
  if (!s) throw new ValidationError(`--${flag} is required.`);
  return commaList(s);
}

/** --types / --date-formats, checked by the same schemas as the API's query string. */
export function typePairs(s: string | undefined): z.output<typeof TypePairs> | undefined {
  return s === undefined ? undefined : checked(TypePairs, s, "types");
}
export function dateFormatPairs(s: string | undefined): z.output<typeof DateFormatPairs> | undefined {
  return s === undefined ? undefined : checked(DateFormatPairs, s, "date-formats");
}

function checked<T extends z.ZodType>(schema: T, s: string, flag: string): z.output<T> {
  const r = schema.safeParse(s);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ValidationError(`--${flag}: ${[...issue.path, issue.message].join(": ")}`, [{ path: [flag, ...issue.path.map(String)], message: issue.message }]);
}

/** A request body built from flags, checked by the API's schema (defaults applied); a bad value names its flag. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ValidationError(`--${String(issue.path[0] ?? "request")}: ${issue.message}`, [{ path: issue.path.map(String), message: issue.message }]);
}

/** How a command runs a job in this process with a progress bar (main.ts runJob), passed in to avoid an import circle. */
export type RunJob = (store: Store, kind: JobKind, input: unknown, payload: unknown, flags: { json?: boolean }, onSuccess?: OnSuccess) => Promise<unknown>;
