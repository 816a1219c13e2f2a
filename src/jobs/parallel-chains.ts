import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { runChainsHere, type ChainResult, type ChainRunner, type NutsOptions } from "../mcmc/nuts.ts";

const BOOTSTRAP = new URL("./worker-bootstrap.mjs", import.meta.url);
const ENTRY = new URL("./chain-worker.ts", import.meta.url).href;

/**
 * A ChainRunner that spreads a posterior's chains over worker threads (one per core, at most one per chain). Each
 * thread takes the next chain when it finishes one, so a slow chain does not leave a core idle while another
 * thread still holds two. Chain c is seeded by c wherever it runs, so the draws equal runChainsHere's. Each worker
 * builds the density from the spec's module and structured-cloned data; a worker that fails fails the run.
 */
export function parallelChains(threads = availableParallelism()): ChainRunner {
  return async (spec, opts) => {
    const chains = opts.chains ?? 4;
    const n = Math.min(threads, chains);
    if (n <= 1) return runChainsHere(spec, opts);
    const { onProgress, ...plain } = opts;
    const progress = new Float64Array(chains);
    const out: ChainResult[] = new Array(chains);
    let next = 0;
    await Promise.all(
      Array.from(
        { length: n },
        () =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY, spec, opts: plain as NutsOptions, chains } });
            const handOut = () => {
              if (next < chains) worker.postMessage({ chain: next++ });
              else {
                worker.postMessage({ chain: null });
                resolve();
                void worker.terminate();
              }
            };
            worker.on("message", (m: { ready?: true; progress?: [number, number, string]; chain?: number; result?: ChainResult }) => {
              if (m.progress) {
                const [c, f, msg] = m.progress;
                progress[c] = f;
                onProgress?.(progress.reduce((a, v) => a + v, 0) / chains, msg);
              }
              if (m.result) out[m.chain!] = m.result;
              if (m.ready || m.result) handOut();
            });
            worker.once("error", reject);
            worker.once("exit", (code) => code !== 0 && reject(new Error(`a sampler thread exited (${code}) before it finished`)));
          }),
      ),
    );
    return { chains: out, dim: out[0]!.draws[0]?.length ?? 0 };
  };
}
