import fc from "fast-check";

// Property tests run from a fixed seed so CI is reproducible; change FC_SEED (or unset it for a random one) to
// explore further. A failure prints its seed and counterexample either way.
const seed = process.env.FC_SEED === "random" ? undefined : Number(process.env.FC_SEED ?? 20261122);
fc.configureGlobal({ ...(seed !== undefined && { seed }), numRuns: 100 });
