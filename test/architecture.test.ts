import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;
const PURE = ["data", "regression", "forecast", "optimize", "mcmc"];
/** Imports that would give the pure core side effects: HTTP, the file system, the database. */
const FORBIDDEN = [/^express$/, /^node:fs(\/promises)?$/, /^fs(\/promises)?$/, /(^|\/)store\//, /^better-sqlite3$/, /^node:http$/];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
export function importsOf(source: string): string[] {
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe("architecture: the pure core has no I/O", () => {
  it("When the scanner reads imports, then it finds static, side-effect and dynamic ones", () => {
    expect(importsOf(`import x from "express";\nimport { a } from '../store/db.ts';\nimport "node:fs";\nawait import("fs");`)).toEqual([
      "express",
      "../store/db.ts",
      "node:fs",
      "fs",
    ]);
  });

  for (const folder of PURE) {
    it(`When a file under src/${folder} imports, then it is never express, fs or the store`, () => {
      const offenders = files(join(SRC, folder)).flatMap((f) =>
        importsOf(readFileSync(f, "utf8"))
          .filter((spec) => FORBIDDEN.some((re) => re.test(spec)))
          .map((spec) => `${relative(SRC, f)} imports ${spec}`),
      );
      expect(offenders).toEqual([]);
    });
  }
});
