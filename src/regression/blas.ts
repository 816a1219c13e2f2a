import { createRequire } from "node:module";

/** The CBLAS level-3 routines mixcast uses, row-major (nblas binds OpenBLAS/any system CBLAS). */
export interface NativeBlas {
  readonly name: string;
  dsyrk(uplo: number, trans: number, n: number, k: number, alpha: number, a: Float64Array, lda: number, beta: number, c: Float64Array, ldc: number): void;
  dtrsm(
    side: number,
    uplo: number,
    transa: number,
    diag: number,
    m: number,
    n: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    b: Float64Array,
    ldb: number,
  ): void;
  readonly Upper: number;
  readonly NoTrans: number;
  readonly Trans: number;
  readonly Left: number;
  readonly NonUnit: number;
}

/**
 * The system BLAS through the optional `nblas` binding, when it is installed and computes correctly (it builds at
 * install time against libopenblas-dev, so a machine without that library simply has none); else null and the
 * pure-JS paths run. `MIXCAST_BLAS=js` forces the JS paths (tests run both). Loading a native module is not I/O
 * in the sense of the architecture rule: no files, network or database are touched by the computations.
 * nblas is not context-aware: only the first thread of a process that loads it gets it (the service's main
 * thread, which answers regressions); worker threads (MMM jobs) get an error here and use the JS path.
 */
/** Whether mixcast set OPENBLAS_NUM_THREADS itself (the bench removes it again for its statsmodels reference). */
export let blasThreadsDefaulted = false;

function loadNativeBlas(): NativeBlas | null {
  if (process.env.MIXCAST_BLAS === "js") return null;
  // One BLAS thread unless told otherwise: requests and jobs already run side by side, and on this 2-core class of
  // machine a single-threaded dsyrk measured faster (44 ms vs 56 ms per 100k×20 fit). Read when OpenBLAS loads.
  if (process.env.OPENBLAS_NUM_THREADS === undefined) {
    process.env.OPENBLAS_NUM_THREADS = "1";
    blasThreadsDefaulted = true;
  }
  try {
    const m = createRequire(import.meta.url)("nblas") as NativeBlas & Record<string, unknown>;
    // a 2×2 self-check: AAᵀ for A = [[1, 2], [3, 4]] is [[5, 11], [11, 25]] (upper triangle written)
    const c = new Float64Array(4);
    m.dsyrk(m.Upper, m.NoTrans, 2, 2, 1, new Float64Array([1, 2, 3, 4]), 2, 0, c, 2);
    if (c[0] !== 5 || c[1] !== 11 || c[3] !== 25) return null;
    return Object.assign(Object.create(m) as NativeBlas, { name: "nblas (system CBLAS)" });
  } catch {
    return null;
  }
}

export const nativeBlas: NativeBlas | null = loadNativeBlas();
