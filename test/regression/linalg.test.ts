import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { csvToDataset } from "../../src/data/to-dataset.ts";
import { seededRng } from "../../src/data/random.ts";
import { fitFormula } from "../../src/regression/fit-formula.ts";
import { choleskyQr2, rFactor, tallSkinnyR } from "../../src/regression/linalg.ts";
import { expectAllClose } from "../helpers/all-close.ts";

/** NIST StRD Longley, certified values (https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml). */
const NIST = {
  coef: [-3482258.63459582, 15.0618722713733, -0.35819179292591e-1, -2.02022980381683, -1.03322686717359, -0.511041056535807e-1, 1829.15146461355],
  stdErr: [890420.383607373, 84.9149257747669, 0.334910077722432e-1, 0.488399681651699, 0.214274163161675, 0.22607320006937, 455.478499142212],
  rsquared: 0.995479004577296,
};

describe("factorisation paths", () => {
  it("When Longley (cond 4.9e9 unscaled) is fitted, then coefficients and errors match NIST's certified values", () => {
    const ds = csvToDataset(readFileSync(new URL("../fixtures/longley.csv", import.meta.url)), { name: "longley" });
    const m = fitFormula(ds, { formula: "TOTEMP ~ GNPDEFL + GNP + UNEMP + ARMED + POP + YEAR" }).models[0]!;
    if ("error" in m) throw new Error(m.error);
    // rtol 1e-7: Longley is the classic ill-conditioned test (statsmodels itself is 2e-9 off NIST)
    expectAllClose(
      m.params.map((p) => p.coef),
      NIST.coef,
      { rtol: 1e-7, label: "coef" },
    );
    expectAllClose(
      m.params.map((p) => p.stdErr),
      NIST.stdErr,
      { rtol: 1e-7, label: "stdErr" },
    );
    expectAllClose([m.rsquared], [NIST.rsquared], { rtol: 1e-10 });
  });

  it("When columns are nearly collinear, then CholeskyQR2 declines and the Householder TSQR factor is used", () => {
    const rng = seededRng(4);
    const n = 500;
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const nearCopy = x.map((v) => v + 1e-9 * rng.normal());
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const cols = [new Float64Array(n).fill(1), x, nearCopy, y];
    expect(choleskyQr2(cols, n)).toBeNull();
    expect(rFactor(cols, n).to2DArray()).toEqual(tallSkinnyR(cols, n).to2DArray());
  });

  it("When the design is well conditioned, then CholeskyQR2's R equals Householder's up to row signs", () => {
    const rng = seededRng(5);
    const n = 3000;
    const cols = [new Float64Array(n).fill(1), ...Array.from({ length: 4 }, () => Float64Array.from({ length: n }, () => rng.normal() * 100))];
    const a = choleskyQr2(cols, n)!.to2DArray();
    const b = tallSkinnyR(cols, n).to2DArray();
    a.forEach((row, i) => expectAllClose(row.map(Math.abs), b[i]!.map(Math.abs), { rtol: 1e-10, atol: 1e-9, label: `row ${i}` }));
  });
});

describe("system BLAS", () => {
  it("When CI installed libopenblas-dev, then the native path is the one in use", async () => {
    const { nativeBlas } = await import("../../src/regression/blas.ts");
    if (process.env.MIXCAST_BLAS === "js") expect(nativeBlas).toBeNull();
    else if (process.env.MIXCAST_EXPECT_BLAS === "1") expect(nativeBlas?.name).toBe("nblas (system CBLAS)");
    // elsewhere either path may be in use, but only the self-checked binding, never another
    else expect([null, "nblas (system CBLAS)"]).toContain(nativeBlas?.name ?? null);
  });
});
