// Regenerates data/sample-daily-sales.csv and data/sample-truth.{json,md} from the seeded simulator.
// Run: npm run gen:sample. The output is committed; a test checks that it matches this generator byte for byte.
import { writeFileSync } from "node:fs";
import { SAMPLE_SEED, sampleTruthMarkdown } from "./sample-truth.ts";
import { SAMPLE_SPEC, simulateSales, simulationToCsv } from "../src/regression/mmm/simulate.ts";

const sim = simulateSales(SAMPLE_SPEC, SAMPLE_SEED);
const dir = new URL(".", import.meta.url);
writeFileSync(new URL("sample-daily-sales.csv", dir), simulationToCsv(sim));
writeFileSync(new URL("sample-truth.json", dir), `${JSON.stringify({ seed: SAMPLE_SEED, spec: SAMPLE_SPEC, truth: sim.truth }, null, 2)}\n`);
writeFileSync(new URL("sample-truth.md", dir), sampleTruthMarkdown(sim.truth));
console.log(`wrote ${sim.rows.length} rows`);
