import { seededRng, type Rng } from "../data/random.ts";
import { WindowedAdaptation } from "./adapt.ts";
import { Metric } from "./metric.ts";

/**
 * A log density over R^dim (unconstrained parameters) with its gradient. Returns log p(q) up to a constant and
 * writes ∂ log p / ∂q into `grad`; -Infinity (or NaN) outside the support.
 */
export interface LogDensity {
  readonly dim: number;
  logDensityGrad(q: Float64Array, grad: Float64Array): number;
}

export interface NutsOptions {
  readonly chains?: number;
  /** Warm-up iterations per chain (step size and metric adaptation, Stan's windows). Default 1000. */
  readonly warmup?: number;
  /** Kept draws per chain. Default 1000. */
  readonly draws?: number;
  readonly seed?: number;
  /** Default 10: at most 2^10 leapfrog steps per draw. */
  readonly maxTreeDepth?: number;
  /** Dual-averaging target for the mean Metropolis acceptance. Default 0.8. */
  readonly targetAccept?: number;
  /** Where every chain starts (each moved by `jitter`·uniform(−1, 1) per coordinate from its own stream); default uniform(−2, 2) per coordinate, as Stan. */
  readonly start?: Float64Array;
  readonly jitter?: number;
  /** "dense" (default up to 400 parameters) or "diag": the metric's shape (metric.ts). */
  readonly metric?: "dense" | "diag";
  /** A dense metric's warm-up window keeps only the variances until it has this many draws a dimension (adapt.ts). Default 0. */
  readonly denseDrawsPerDim?: number;
  /** Called every 50 iterations of each chain (fraction of all chains' work done, message). */
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface ChainResult {
  /** draws[i] is the i-th kept draw (length dim). */
  readonly draws: Float64Array[];
  /** Per kept draw: the log density, the tree depth, whether the trajectory diverged. */
  readonly logDensity: Float64Array;
  readonly treeDepth: Uint8Array;
  readonly divergent: Uint8Array;
  readonly stepSize: number;
  /** The diagonal of the adapted inverse metric (posterior variance estimates). */
  readonly inverseMetric: Float64Array;
  readonly meanAcceptance: number;
  readonly gradientEvaluations: number;
}

export interface NutsResult {
  readonly chains: readonly ChainResult[];
  readonly dim: number;
}

/** Energy above the start past which a trajectory counts as divergent (Stan's max_deltaH). */
const MAX_DELTA_H = 1000;

interface State {
  q: Float64Array;
  p: Float64Array;
  grad: Float64Array;
  logp: number;
}

const copyState = (s: State): State => ({ q: Float64Array.from(s.q), p: Float64Array.from(s.p), grad: Float64Array.from(s.grad), logp: s.logp });
function assign(to: State, from: State): void {
  to.q.set(from.q);
  to.p.set(from.p);
  to.grad.set(from.grad);
  to.logp = from.logp;
}
const logSumExp = (a: number, b: number) =>
  a === -Infinity ? b : b === -Infinity ? a : a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The No-U-Turn Sampler as Stan implements it (Hoffman & Gelman 2014; Betancourt 2017): multinomial sampling of
 * the trajectory, biased progressive sampling between subtrees, the generalised no-U-turn criterion checked across
 * merged subtrees, and a Euclidean metric, dense or diagonal (metric.ts). Warm-up follows Stan: dual averaging of the step size toward
 * `targetAccept`, with the metric estimated over doubling windows (75 / 25.. / 50 iterations).
 *
 * Chains run one after another from seeds derived from `seed`, so the same seed gives the same draws.
 */
export function nuts(target: LogDensity, opts: NutsOptions = {}): NutsResult {
  const chains = opts.chains ?? 4;
  const out: ChainResult[] = [];
  for (let c = 0; c < chains; c++) out.push(runChain(target, c, chains, opts));
  return { chains: out, dim: target.dim };
}

/**
 * Runs the chains of a posterior; the core calls one of these so the edge can choose where chains run (in this
 * thread, or in worker threads: jobs/parallel-chains.ts). Same seed, same draws, wherever they run. `build`
 * names an export of `module` that turns the structured-cloneable `data` into the density.
 */
export interface TargetSpec<D> {
  readonly module: string;
  readonly build: string;
  readonly data: D;
}
export type ChainRunner = <D>(spec: TargetSpec<D>, opts: NutsOptions) => Promise<NutsResult>;

/** The in-thread runner: chains one after another. */
export const runChainsHere: ChainRunner = async (spec, opts) => {
  const mod = (await import(spec.module)) as Record<string, (d: unknown) => LogDensity>;
  return nuts(mod[spec.build]!(spec.data), opts);
};

/** One chain (index `chain` of `chains`, which seeds it), for runners that spread chains over threads. */
export function runChain(target: LogDensity, chain: number, chains: number, opts: NutsOptions): ChainResult {
  const dim = target.dim;
  const warmup = opts.warmup ?? 1000;
  const nDraws = opts.draws ?? 1000;
  const maxDepth = opts.maxTreeDepth ?? 10;
  const rng = seededRng(((opts.seed ?? 1) * 7919 + chain * 104_729) | 0);
  let gradEvals = 0;
  const evalAt = (s: State) => {
    gradEvals++;
    let lp: number;
    try {
      lp = target.logDensityGrad(s.q, s.grad);
    } catch (e) {
      // a point outside the model's domain (a RangeError, e.g. a Weibull scale that underflowed to 0 on a wild
      // first step) rejects the proposal, as Stan rejects one whose log density throws a domain error; any other
      // error is a bug and stops the chain
      if (!(e instanceof RangeError)) throw e;
      lp = -Infinity;
    }
    s.logp = Number.isNaN(lp) ? -Infinity : lp;
  };

  // A start with a finite density and gradient: up to 100 tries, as Stan.
  const cur: State = { q: new Float64Array(dim), p: new Float64Array(dim), grad: new Float64Array(dim), logp: -Infinity };
  for (let attempt = 0; attempt < 100; attempt++) {
    // the caller's start first, then jittered copies of it; without one, uniform(-2, 2) per coordinate
    const base = opts.start;
    const spread = (opts.jitter ?? 0) + (attempt === 0 ? 0 : 0.25 * Math.min(attempt, 4));
    cur.q = base ? Float64Array.from(base, (v) => v + spread * (2 * rng.uniform() - 1)) : Float64Array.from({ length: dim }, () => 4 * rng.uniform() - 2);
    evalAt(cur);
    if (Number.isFinite(cur.logp) && cur.grad.every(Number.isFinite)) break;
    if (attempt === 99) throw new Error("NUTS: no starting point with a finite log density and gradient in 100 tries.");
  }

  const invMetric = new Metric(dim, (opts.metric ?? (dim <= 400 ? "dense" : "diag")) === "dense");
  const adapt = new WindowedAdaptation(dim, warmup, opts.targetAccept ?? 0.8, invMetric.dense, opts.denseDrawsPerDim ?? 0);
  let eps = findReasonableStepSize(cur, invMetric, rng, evalAt);
  adapt.restart(eps);

  const kept: Float64Array[] = [];
  const logDensity = new Float64Array(nDraws);
  const treeDepth = new Uint8Array(nDraws);
  const divergent = new Uint8Array(nDraws);
  let acceptSum = 0;
  const total = warmup + nDraws;
  for (let it = 0; it < total; it++) {
    const t = transition(cur, eps, invMetric, maxDepth, rng, evalAt);
    if (it < warmup) {
      eps = adapt.learnStepSize(t.acceptProb);
      if (adapt.learnMetric(it, cur.q, invMetric)) {
        eps = findReasonableStepSize(cur, invMetric, rng, evalAt);
        adapt.restart(eps);
      }
      if (it === warmup - 1) eps = adapt.finalStepSize();
    } else {
      const k = it - warmup;
      kept.push(Float64Array.from(cur.q));
      logDensity[k] = cur.logp;
      treeDepth[k] = t.depth;
      divergent[k] = t.divergent ? 1 : 0;
      acceptSum += t.acceptProb;
    }
    if (it % 50 === 49)
      opts.onProgress?.((chain + (it + 1) / total) / chains, `chain ${chain + 1} of ${chains}: ${it < warmup ? "warm-up" : "sampling"} ${it + 1} of ${total}`);
  }
  return {
    draws: kept,
    logDensity,
    treeDepth,
    divergent,
    stepSize: eps,
    inverseMetric: invMetric.variances(),
    meanAcceptance: nDraws > 0 ? acceptSum / nDraws : NaN,
    gradientEvaluations: gradEvals,
  };
}

/** Leapfrog step of size `eps` in place (the state's gradient is at its position on entry and on exit). */
function leapfrog(s: State, eps: number, invMetric: Metric, evalAt: (s: State) => void): void {
  const d = s.q.length;
  for (let i = 0; i < d; i++) s.p[i]! += 0.5 * eps * s.grad[i]!;
  const v = invMetric.velocity(s.p, new Float64Array(d));
  for (let i = 0; i < d; i++) s.q[i]! += eps * v[i]!;
  evalAt(s);
  for (let i = 0; i < d; i++) s.p[i]! += 0.5 * eps * s.grad[i]!;
}

function hamiltonian(s: State, invMetric: Metric): number {
  const h = -s.logp + invMetric.kinetic(s.p);
  return Number.isNaN(h) ? Infinity : h;
}

function sampleMomentum(s: State, invMetric: Metric, rng: Rng): void {
  invMetric.sample(() => rng.normal(), s.p);
}

/** Stan's init_stepsize: double or halve the step until one leapfrog's acceptance crosses 0.8. */
function findReasonableStepSize(cur: State, invMetric: Metric, rng: Rng, evalAt: (s: State) => void): number {
  let eps = 1;
  const s = copyState(cur);
  sampleMomentum(s, invMetric, rng);
  const h0 = hamiltonian(s, invMetric);
  const start = copyState(s);
  leapfrog(s, eps, invMetric, evalAt);
  let delta = h0 - hamiltonian(s, invMetric);
  const direction = delta > Math.log(0.8) ? 1 : -1;
  for (let k = 0; k < 100; k++) {
    assign(s, start);
    sampleMomentum(s, invMetric, rng);
    const h = hamiltonian(s, invMetric);
    leapfrog(s, eps, invMetric, evalAt);
    delta = h - hamiltonian(s, invMetric);
    if (direction === 1 && !(delta > Math.log(0.8))) break;
    if (direction === -1 && !(delta < Math.log(0.8))) break;
    eps = direction === 1 ? 2 * eps : 0.5 * eps;
    if (eps > 1e7 || eps < 1e-12) break;
  }
  return eps;
}

interface Tree {
  /** Sum of log weights of the subtree's states. */
  logSumWeight: number;
  sumMetroProb: number;
  nLeapfrog: number;
  divergent: boolean;
}

/** One NUTS transition from `cur` (updated in place to the new draw). */
function transition(cur: State, eps: number, invMetric: Metric, maxDepth: number, rng: Rng, evalAt: (s: State) => void) {
  const dim = cur.q.length;
  const z = copyState(cur);
  sampleMomentum(z, invMetric, rng);
  const h0 = hamiltonian(z, invMetric);
  const zFwd = copyState(z);
  const zBck = copyState(z);
  const zSample = copyState(z);
  const zPropose = copyState(z);
  const sharp = (p: Float64Array) => invMetric.velocity(p, new Float64Array(dim));
  // momenta and "sharp" momenta (M⁻¹p) at the four ends of the two sides
  let pSharpFwdFwd = sharp(z.p);
  let pFwdBck = Float64Array.from(z.p);
  let pSharpFwdBck = sharp(z.p);
  let pBckFwd = Float64Array.from(z.p);
  let pSharpBckFwd = sharp(z.p);
  let pSharpBckBck = sharp(z.p);
  let rho = Float64Array.from(z.p);
  let logSumWeight = 0;
  const tree: Tree = { logSumWeight: -Infinity, sumMetroProb: 0, nLeapfrog: 0, divergent: false };
  let depth = 0;
  const criterion = (pSharpMinus: Float64Array, pSharpPlus: Float64Array, r: Float64Array) => dot(pSharpPlus, r) > 0 && dot(pSharpMinus, r) > 0;
  while (depth < maxDepth) {
    const rhoFwd = new Float64Array(dim);
    const rhoBck = new Float64Array(dim);
    let valid: boolean;
    tree.logSumWeight = -Infinity;
    if (rng.uniform() > 0.5) {
      // extend forward: the old tree becomes the backward side
      rhoBck.set(rho);
      pBckFwd = pFwdBck;
      pSharpBckFwd = pSharpFwdBck;
      assign(z, zFwd);
      const ends = { pSharpBeg: new Float64Array(dim), pSharpEnd: new Float64Array(dim), pBeg: new Float64Array(dim), pEnd: new Float64Array(dim) };
      valid = buildTree(depth, z, zPropose, ends, rhoFwd, h0, 1, eps, invMetric, rng, evalAt, tree);
      pSharpFwdBck = ends.pSharpBeg;
      pSharpFwdFwd = ends.pSharpEnd;
      pFwdBck = ends.pBeg;
      assign(zFwd, z);
    } else {
      rhoFwd.set(rho);
      pFwdBck = pBckFwd;
      pSharpFwdBck = pSharpBckFwd;
      assign(z, zBck);
      const ends = { pSharpBeg: new Float64Array(dim), pSharpEnd: new Float64Array(dim), pBeg: new Float64Array(dim), pEnd: new Float64Array(dim) };
      valid = buildTree(depth, z, zPropose, ends, rhoBck, h0, -1, eps, invMetric, rng, evalAt, tree);
      pSharpBckFwd = ends.pSharpBeg;
      pSharpBckBck = ends.pSharpEnd;
      pBckFwd = ends.pBeg;
      assign(zBck, z);
    }
    if (!valid) break;
    depth++;
    // biased progressive sampling: favour the new subtree
    if (tree.logSumWeight > logSumWeight) assign(zSample, zPropose);
    else if (rng.uniform() < Math.exp(tree.logSumWeight - logSumWeight)) assign(zSample, zPropose);
    logSumWeight = logSumExp(logSumWeight, tree.logSumWeight);
    rho = Float64Array.from(rhoBck, (v, i) => v + rhoFwd[i]!);
    let persist = criterion(pSharpBckBck, pSharpFwdFwd, rho);
    persist &&= criterion(
      pSharpBckBck,
      pSharpFwdBck,
      Float64Array.from(rhoBck, (v, i) => v + pFwdBck[i]!),
    );
    persist &&= criterion(
      pSharpBckFwd,
      pSharpFwdFwd,
      Float64Array.from(rhoFwd, (v, i) => v + pBckFwd[i]!),
    );
    if (!persist) break;
  }
  assign(cur, zSample);
  return { acceptProb: tree.nLeapfrog > 0 ? tree.sumMetroProb / tree.nLeapfrog : 0, depth, divergent: tree.divergent };
}

interface Ends {
  pSharpBeg: Float64Array;
  pSharpEnd: Float64Array;
  pBeg: Float64Array;
  pEnd: Float64Array;
}

/**
 * Stan's build_tree: 2^depth leapfrog steps in direction `sign` from z (moved in place), a multinomial draw from
 * them into `propose`, their summed momentum added to `rho`. False on a divergence or an internal U-turn.
 */
function buildTree(
  depth: number,
  z: State,
  propose: State,
  ends: Ends,
  rho: Float64Array,
  h0: number,
  sign: number,
  eps: number,
  invMetric: Metric,
  rng: Rng,
  evalAt: (s: State) => void,
  tree: Tree,
): boolean {
  const dim = z.q.length;
  if (depth === 0) {
    leapfrog(z, sign * eps, invMetric, evalAt);
    tree.nLeapfrog++;
    const h = hamiltonian(z, invMetric);
    if (h - h0 > MAX_DELTA_H) tree.divergent = true;
    tree.logSumWeight = logSumExp(tree.logSumWeight, h0 - h);
    tree.sumMetroProb += h0 - h > 0 ? 1 : Math.exp(h0 - h);
    assign(propose, z);
    const ps = invMetric.velocity(z.p, new Float64Array(dim));
    ends.pSharpBeg = ps;
    ends.pSharpEnd = ps;
    for (let i = 0; i < dim; i++) rho[i]! += z.p[i]!;
    ends.pBeg = Float64Array.from(z.p);
    ends.pEnd = ends.pBeg;
    return !tree.divergent;
  }
  // the first half
  const outer = tree.logSumWeight;
  const init: Tree = { logSumWeight: -Infinity, sumMetroProb: 0, nLeapfrog: 0, divergent: false };
  const rhoInit = new Float64Array(dim);
  const initEnds: Ends = { pSharpBeg: ends.pSharpBeg, pSharpEnd: new Float64Array(dim), pBeg: ends.pBeg, pEnd: new Float64Array(dim) };
  const validInit = buildTree(depth - 1, z, propose, initEnds, rhoInit, h0, sign, eps, invMetric, rng, evalAt, init);
  merge(tree, init);
  if (!validInit) return false;
  // the second half
  const proposeFinal = copyState(z);
  const fin: Tree = { logSumWeight: -Infinity, sumMetroProb: 0, nLeapfrog: 0, divergent: false };
  const rhoFinal = new Float64Array(dim);
  const finalEnds: Ends = { pSharpBeg: new Float64Array(dim), pSharpEnd: ends.pSharpEnd, pBeg: new Float64Array(dim), pEnd: ends.pEnd };
  const validFinal = buildTree(depth - 1, z, proposeFinal, finalEnds, rhoFinal, h0, sign, eps, invMetric, rng, evalAt, fin);
  merge(tree, fin);
  if (!validFinal) return false;
  // multinomial sample from the right subtree
  const logSumWeightSubtree = logSumExp(init.logSumWeight, fin.logSumWeight);
  tree.logSumWeight = logSumExp(outer, logSumWeightSubtree);
  if (fin.logSumWeight > logSumWeightSubtree) assign(propose, proposeFinal);
  else if (rng.uniform() < Math.exp(fin.logSumWeight - logSumWeightSubtree)) assign(propose, proposeFinal);
  const rhoSubtree = Float64Array.from(rhoInit, (v, i) => v + rhoFinal[i]!);
  for (let i = 0; i < dim; i++) rho[i]! += rhoSubtree[i]!;
  ends.pSharpBeg = initEnds.pSharpBeg;
  ends.pBeg = initEnds.pBeg;
  ends.pSharpEnd = finalEnds.pSharpEnd;
  ends.pEnd = finalEnds.pEnd;
  const crit = (minus: Float64Array, plus: Float64Array, r: Float64Array) => dot(plus, r) > 0 && dot(minus, r) > 0;
  let persist = crit(ends.pSharpBeg, ends.pSharpEnd, rhoSubtree);
  persist &&= crit(
    ends.pSharpBeg,
    finalEnds.pSharpBeg,
    Float64Array.from(rhoInit, (v, i) => v + finalEnds.pBeg[i]!),
  );
  persist &&= crit(
    initEnds.pSharpEnd,
    ends.pSharpEnd,
    Float64Array.from(rhoFinal, (v, i) => v + initEnds.pEnd[i]!),
  );
  return persist;
}

/** Add a subtree's counters to its parent's (its weight is merged by the caller). */
function merge(parent: Tree, child: Tree): void {
  parent.sumMetroProb += child.sumMetroProb;
  parent.nLeapfrog += child.nLeapfrog;
  parent.divergent ||= child.divergent;
}
