import type { Response } from "express";
import type { Issue } from "../errors.ts";

/** RFC 9457 problem details; `issues` locate each problem (field, row, column, value). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly issues?: readonly Issue[];
  readonly requestId?: string;
}

export const PROBLEM_BASE = "https://mixcast.dev/problems/";

export function sendProblem(res: Response, p: Omit<Problem, "type"> & { type?: string }): void {
  const body: Problem = { type: p.type ?? "about:blank", ...p, requestId: res.locals.requestId as string | undefined };
  res.status(p.status).type("application/problem+json").send(JSON.stringify(body));
}
