import { expect } from "vitest";

/**
 * numpy.allclose semantics with named tolerances: |a − e| ≤ atol + rtol·|e|. `null` (NaN/inf in the fixture)
 * must match null. Errors name the index and both values.
 */
export function expectAllClose(
  actual: readonly (number | null)[],
  expected: readonly (number | null)[],
  { rtol = 1e-7, atol = 0, label = "" }: { rtol?: number; atol?: number; label?: string } = {},
): void {
  expect(actual, label).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (e === null || e === undefined) {
      if (a !== null && Number.isFinite(a)) throw new Error(`${label}[${i}] ${a} vs null`);
      return;
    }
    if (a === null || !(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      throw new Error(`${label}[${i}] ${a} vs ${e} (rtol=${rtol}, atol=${atol}, diff=${a === null ? "n/a" : Math.abs(a - e)})`);
    }
  });
}

export function expectClose(actual: number | null, expected: number | null, opts: { rtol?: number; atol?: number; label?: string } = {}): void {
  expectAllClose([actual], [expected], opts);
}
