import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "mixcast-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function mixcast(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["bin/mixcast.js", ...args], { cwd: ROOT, env: { ...process.env, MIXCAST_DATA_DIR: dataDir } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("mixcast CLI", () => {
  it("When a CSV is added, listed, profiled and removed, then each step answers for people and with --json for scripts", async () => {
    const add = await mixcast("datasets", "add", "data/islr-advertising/Advertising.csv", "--json");
    expect(add.code).toBe(0);
    const rec = JSON.parse(add.stdout);
    expect(rec).toMatchObject({ name: "Advertising", rows: 200 });
    expect(rec.columns.map((c: { name: string }) => c.name)).toEqual(["column_1", "TV", "Radio", "Newspaper", "Sales"]);

    const list = await mixcast("datasets", "list");
    expect(list.stdout).toMatch(new RegExp(`${rec.id}\\s+Advertising\\s+200\\s+5`));

    const profile = await mixcast("datasets", "profile", rec.id);
    expect(profile.code).toBe(0);
    expect(profile.stdout).toMatch(/^TV\s+200\s+0\s+147\.0425/m); // ISLR: mean TV budget 147.0425
    expect(profile.stderr).toContain("100%");

    expect((await mixcast("datasets", "rm", rec.id)).stdout).toContain(`Deleted ${rec.id}`);
    expect((await mixcast("datasets", "show", rec.id)).code).toBe(1);
  }, 60_000);

  it("When the file is malformed, then the CLI exits 1 naming the problem", async () => {
    const bad = join(dataDir, "bad.csv");
    writeFileSync(bad, "a,b\n1,2\n3\n");
    const r = await mixcast("datasets", "add", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("row 2 (line 3) has 1 fields");
  });

  it("When the command is unknown, then it exits 2 with the usage", async () => {
    const r = await mixcast("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage:");
  });
});
