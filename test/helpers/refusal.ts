import { ValidationError } from "../../src/errors.ts";

/** The ValidationError `f` throws; anything else thrown, or nothing, fails the test. */
export function refusal(f: () => unknown): ValidationError {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error("expected a ValidationError");
}
