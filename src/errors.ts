/** Domain errors: a vocabulary of failures with no HTTP knowledge. `api/error-handler.ts` maps codes to statuses. */

export type ErrorCode =
  | "validation_failed"
  | "not_found"
  | "payload_too_large"
  | "unsupported_media_type"
  | "conflict"
  | "model_fit_failed"
  | "infeasible"
  | "unauthorized"
  | "forbidden";

/** One problem with the input, located by a path such as `["rows", 17, "Amount_Collected"]`. */
export interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code?: string;
  readonly value?: unknown;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  readonly issues: readonly Issue[];
  constructor(message: string, issues: readonly Issue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.issues = issues;
  }
}

export class ValidationError extends AppError {
  readonly code = "validation_failed";
}
export class NotFoundError extends AppError {
  readonly code = "not_found";
}
export class PayloadTooLargeError extends AppError {
  readonly code = "payload_too_large";
}
export class UnsupportedMediaTypeError extends AppError {
  readonly code = "unsupported_media_type";
}
export class ConflictError extends AppError {
  readonly code = "conflict";
}
/** Too few rows, a singular design, NaN loss: the input was valid but no meaningful model came out. */
export class ModelFitError extends AppError {
  readonly code = "model_fit_failed";
}
/** Constraints that cannot all hold. */
export class InfeasibleError extends AppError {
  readonly code = "infeasible";
}
/** No valid API key. */
export class UnauthorizedError extends AppError {
  readonly code = "unauthorized";
}
/** A valid key without the scope the request needs. */
export class ForbiddenError extends AppError {
  readonly code = "forbidden";
}
