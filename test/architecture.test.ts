import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../src/", import.meta.url).pathname;
const PURE = ["data", "regression", "forecast", "optimize", "mcmc"];
/** Imports that would give the pure core side effects: HTTP, the file system, the database. */
const FORBIDDEN = [/^express$/, /^node:fs(\/promises)?$/, /^fs(\/promises)?$/, /(^|\/)store\//, /^better-sqlite3$/, /^node:http$/];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(source: string): string[] {
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

/** Every src file's relative imports, resolved to paths under src. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files(SRC)) {
    const deps = importsOf(readFileSync(f, "utf8"))
      .filter((s) => s.startsWith("."))
      .map((s) => relative(SRC, join(f, "..", s)));
    graph.set(relative(SRC, f), deps);
  }
  return graph;
}

describe("architecture: the layers", () => {
  const graph = importGraph();
  const offending = (from: RegExp, to: RegExp) =>
    [...graph].flatMap(([f, deps]) => (from.test(f) ? deps.filter((d) => to.test(d)).map((d) => `${f} imports ${d}`) : []));

  it("When the use cases (src/app) import, then never the HTTP layer or the CLI: both call them, not the other way", () => {
    expect(offending(/^app\//, /^(api|cli)\//)).toEqual([]);
  });

  it("When the CLI imports, then never the HTTP layer, and HTTP never the CLI: what both need lives in src/app", () => {
    expect(offending(/^cli\//, /^api\//)).toEqual([]);
    expect(offending(/^api\//, /^cli\//)).toEqual([]);
  });

  it("When the import graph is walked, then it has no circle", () => {
    const state = new Map<string, "open" | "done">();
    const circles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") {
        circles.push([...path.slice(path.indexOf(f)), f].join(" → "));
        return;
      }
      state.set(f, "open");
      for (const d of graph.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, "done");
    };
    for (const f of graph.keys()) visit(f, []);
    expect(circles).toEqual([]);
  });

  it("When the scanner meets a circle, then it reports it (the check can fail)", () => {
    const g = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["a.ts"]],
    ]);
    const seen: string[] = [];
    const state = new Map<string, string>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "open") return void seen.push([...path.slice(path.indexOf(f)), f].join(" → "));
      state.set(f, "open");
      for (const d of g.get(f) ?? []) visit(d, [...path, f]);
      state.set(f, "done");
    };
    visit("a.ts", []);
    expect(seen).toEqual(["a.ts → b.ts → a.ts"]);
  });
});
