import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { runChainsHere, type ChainResult, type ChainRunner, type NutsOptions } from "../mcmc/nuts.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
const ENTRY = new URL("./chain-worker.ts", import.meta.url).href;

/**
 * A ChainRunner that spreads a posterior's chains over worker threads (one per core, at most one per chain):
 * chain c is seeded by c wherever it runs, so the draws equal runChainsHere's. Each worker builds the density
 * from the spec's module and structured-cloned data; a worker that fails fails the run.
 */
export function parallelChains(threads = availableParallelism()): ChainRunner {
  return async (spec, opts) => {
    const chains = opts.chains ?? 4;
    const n = Math.min(threads, chains);
    if (n <= 1) return runChainsHere(spec, opts);
    const { onProgress, ...plain } = opts;
    const groups = Array.from({ length: n }, (_, w) => Array.from({ length: chains }, (_, c) => c).filter((c) => c % n === w));
    const progress = new Float64Array(chains);
    const results = await Promise.all(
      groups.map(
        (ids) =>
          new Promise<ChainResult[]>((resolve, reject) => {
            const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, spec, opts: plain as NutsOptions, ids, chains } });
            worker.on("message", (m: { progress?: [number, number, string]; done?: ChainResult[] }) => {
              if (m.progress) {
                const [c, f, msg] = m.progress;
                progress[c] = f;
                onProgress?.(progress.reduce((a, v) => a + v, 0) / chains, msg);
              }
              if (m.done) {
                resolve(m.done);
                void worker.terminate();
              }
            });
            worker.once("error", reject);
            worker.once("exit", (code) => code !== 0 && reject(new Error(`a sampler thread exited (${code}) before it finished`)));
          }),
      ),
    );
    const out: ChainResult[] = new Array(chains);
    groups.forEach((ids, w) => ids.forEach((c, k) => (out[c] = results[w]![k]!)));
    return { chains: out, dim: out[0]!.draws[0]?.length ?? 0 };
  };
}
