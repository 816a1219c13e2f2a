// Prints the matrix table for a results file: npx tsx bench/summarise-file.ts results.jsonl
import { readFileSync } from "node:fs";
import { summarise, type Row } from "./matrix-summary.ts";
const rows = readFileSync(process.argv[2]!, "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as Row);
console.log(summarise(rows));
