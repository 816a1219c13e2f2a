import { parentPort, workerData } from "node:worker_threads";
import { runChain, type LogDensity, type NutsOptions, type TargetSpec } from "../mcmc/nuts.ts";

// One sampler thread of parallel-chains.ts: build the density once, then run whichever chain the parent hands over
// next ({ chain }), sending each back as it ends, until told to stop ({ chain: null }).
const { spec, opts, chains } = workerData as { spec: TargetSpec<unknown>; opts: NutsOptions; chains: number };
const mod = (await import(spec.module)) as Record<string, (d: unknown) => LogDensity>;
const target = mod[spec.build]!(spec.data);
parentPort!.on("message", ({ chain: c }: { chain: number | null }) => {
  if (c === null) {
    parentPort!.close();
    return;
  }
  const result = runChain(target, c, chains, {
    ...opts,
    // runChain reports (c + share of its iterations) / chains: this chain's own share is what the parent sums
    onProgress: (f, m) => parentPort!.postMessage({ progress: [c, f * chains - c, m] }),
  });
  parentPort!.postMessage({ chain: c, result });
});
parentPort!.postMessage({ ready: true });
