import type { z } from "zod";
import { ValidationError, type Issue } from "../errors.ts";

/** Turn a zod failure into a ValidationError whose issue paths start at the request part (`body`, `query`). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: "body" | "query" | "params"): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues: Issue[] = r.error.issues.map((i) => ({
    path: [where, ...i.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: i.message,
    code: i.code,
  }));
  const first = issues[0]!;
  throw new ValidationError(`${first.path.join(".")}: ${first.message}`, issues);
}
