import { readFileSync } from "node:fs";
import { allocationCsvRows, runAllocation } from "../app/allocations.ts";
import { toCsv } from "../app/csv-out.ts";
import { parseOrThrow } from "../app/parse.ts";
import { AllocationRequestSchema } from "../app/schemas.ts";
import { ValidationError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { formatTable } from "./format.ts";

/** mixcast allocate REQUEST.json [--csv|--json]: the same request body as POST /v1/allocations, from a file. */
export async function allocateCommand(store: Store, file: string | undefined, flags: { json?: boolean; csv?: boolean }): Promise<number> {
  if (!file) throw new ValidationError("usage: mixcast allocate REQUEST.json [--csv | --json]   (the body of POST /v1/allocations)");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (e) {
    throw new ValidationError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { id, output } = await runAllocation(store, parseOrThrow(AllocationRequestSchema, raw, "body"));
  if (flags.csv) {
    const { header, rows } = allocationCsvRows(output);
    process.stdout.write(toCsv(header, rows));
  } else if (flags.json) console.log(JSON.stringify({ id, ...output }, null, 2));
  else {
    console.log(
      formatTable(
        output.lines.map((l) => ({ ...l, segment: l.segment ?? "" })),
        ["channel", "segment", "current", "spend", "change", "expectedReturn", "roi", "mroi"],
      ),
    );
    if (output.binding.length) console.log(`\n${formatTable(output.binding, ["description", "marginalValue"])}`);
    console.log(`\n${output.summary}`);
    for (const w of output.warnings) console.log(`! ${w}`);
    console.log(`(saved as allocation ${id})`);
  }
  return 0;
}
