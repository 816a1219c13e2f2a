import { parentPort, workerData } from "node:worker_threads";
import { runChain, type LogDensity, type NutsOptions, type TargetSpec } from "../mcmc/nuts.ts";

// One sampler thread of parallel-chains.ts: build the density, run its chains, send them back.
const { spec, opts, ids, chains } = workerData as { spec: TargetSpec<unknown>; opts: NutsOptions; ids: number[]; chains: number };
const mod = (await import(spec.module)) as Record<string, (d: unknown) => LogDensity>;
const target = mod[spec.build]!(spec.data);
const done = ids.map((c) =>
  runChain(target, c, chains, {
    ...opts,
    // runChain reports (c + share of its iterations) / chains: this chain's own share is what the parent sums
    onProgress: (f, m) => parentPort!.postMessage({ progress: [c, f * chains - c, m] }),
  }),
);
parentPort!.postMessage({ done });
