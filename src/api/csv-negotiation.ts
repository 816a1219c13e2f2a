import type { Request, Response } from "express";

/** CSV when asked by `?format=csv` (spreadsheets cannot send headers) or `Accept: text/csv`; JSON otherwise. */
export function wantsCsv(req: Request, res: Response): boolean {
  res.vary("Accept");
  const format = typeof req.query.format === "string" ? req.query.format : undefined;
  if (format) return format === "csv";
  return req.accepts(["application/json", "text/csv"]) === "text/csv";
}
