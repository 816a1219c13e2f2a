// npm run bench: prints timings for the frame's hot paths. Record results in BENCHMARKS.md with machine and date.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { csvToDataset } from "../src/data/to-dataset.ts";
import { openStore } from "../src/store/store.ts";

function time<T>(label: string, runs: number, fn: () => T): T {
  let out: T | undefined;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} median ${ms[Math.floor(ms.length / 2)]!.toFixed(1).padStart(8)} ms  (min ${ms[0]!.toFixed(1)}, ${runs} runs)`);
  return out!;
}

console.log(`mixcast bench: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString()}\n`);
const hospital = readFileSync(new URL("../data/hospital-campaign/Campaign-Data.raw.csv", import.meta.url));
const sample = readFileSync(new URL("../data/sample-daily-sales.csv", import.meta.url));
time("ingest hospital CSV (2,976 x 17)", 10, () => csvToDataset(hospital, { name: "h" }));
const ds = time("ingest sample daily sales (3,288 x 9)", 10, () => csvToDataset(sample, { name: "s", dateColumn: "date", seriesColumns: ["segment"] }));
const big = Buffer.concat(Array.from({ length: 100 }, (_, i) => (i === 0 ? sample : sample.subarray(sample.indexOf(10) + 1))));
time(`ingest 100x sample (${(big.length / 2 ** 20).toFixed(1)} MB, 328,800 rows)`, 3, () => csvToDataset(big, { name: "big" }));
const { store } = openStore(":memory:");
time("store a 3,288-row dataset (SQLite, one statement)", 20, () => store.datasets.add(ds, sample));
const id = store.datasets.list().items[0]!.id;
time("load a 3,288-row dataset", 20, () => store.datasets.load(id));
store.close();
