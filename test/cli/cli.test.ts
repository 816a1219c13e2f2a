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
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["bin/mixcast.js", ...args], {
      cwd: ROOT,
      env: { ...process.env, MIXCAST_DATA_DIR: dataDir },
    });
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

  it("When regress, roi and analyze run on a stored dataset, then each prints its table", async () => {
    await mixcast("datasets", "add", "data/hospital-campaign/Campaign-Data.raw.csv", "--name", "hospital");
    const tactics = "Campaign_Email,Campaign_Flyer,Campaign_Phone,Sales_Contact_1,Sales_Contact_2,Sales_Contact_3,Sales_Contact_4,Sales_Contact_5";
    const roi = await mixcast("roi", "hospital", "--target", "Amount Collected", "--tactics", tactics, "--segment", "Client_Type");
    expect(roi.code).toBe(0);
    expect(roi.stdout).toContain("Large Facility: put the next dollar into Sales_Contact_1 ($11.67 back per $1");
    const reg = await mixcast("regress", "hospital", `Amount_Collected ~ ${tactics.replaceAll(",", " + ")}`, "--json");
    expect(JSON.parse(reg.stdout).models[0].rsquared.toFixed(3)).toBe("0.480");
    const tukey = await mixcast("analyze", "tukey", "hospital", "--value", "Amount_Collected", "--group", "Client_Type");
    expect(tukey.stdout).toMatch(/Private Facility\s+Small Facility\s+-3392487\.2156\s+0\.2876/);
    const bad = await mixcast("regress", "hospital", "Amount_Collected ~ Nope");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('No column "Nope"');
  }, 60_000);

  it("When mmm runs on Robyn's demo data, then a table of channel ROIs is printed after a progress bar, and the model is saved for allocate", async () => {
    await mixcast("datasets", "add", "data/robyn-simulated-weekly/dt_simulated_weekly.csv", "--name", "robyn");
    const args = [
      "mmm",
      "robyn",
      "--date",
      "DATE",
      "--target",
      "revenue",
      "--channels",
      "tv_S,ooh_S,print_S,facebook_S,search_S",
      "--controls",
      "competitor_sales_B,events",
      "--method",
      "fast",
    ];
    const r = await mixcast(...args);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("100% done");
    expect(r.stdout).toMatch(/^search_S\s+geometric \+ hill\s+1018293\.3333/m); // forms, then total search spend over the fitting window
    // the printed table holds the saved model's numbers
    const modelId = /^model (mdl_\w+) saved/m.exec(r.stdout)?.[1];
    expect(modelId).toBeDefined();
    const json = JSON.parse((await mixcast(...args, "--json")).stdout);
    const m = json.segments[0].model;
    const f4 = (v: number) => v.toFixed(4).replace(/0+$/, "").replace(/\.$/, ""); // the CLI's number format
    expect(r.stdout).toContain(`R² ${f4(m.inSample.rsquared)}, NRMSE ${f4(m.inSample.nrmse)}; holdout NRMSE ${f4(m.holdout.nrmse)}`);
    expect(m.inSample.rsquared).toBeGreaterThan(0.8);
    // a model fitted from the CLI is stored: allocate plans on it
    const plan = join(dataDir, "plan.json");
    writeFileSync(plan, JSON.stringify({ mmmId: modelId, budget: { total: 1_000_000 } }));
    const allocated = await mixcast("allocate", plan, "--json");
    expect(allocated.code).toBe(0);
    const out = JSON.parse(allocated.stdout);
    expect(out.modelId).toBe(modelId);
    expect(out.totals.spend).toBeCloseTo(1_000_000, 0);
    expect(out.lines.map((l: { channel: string }) => l.channel).sort()).toEqual(["facebook_S", "ooh_S", "print_S", "search_S", "tv_S"]);
  }, 120_000);

  it("When --geo-effects is given without partial pooling, then the CLI refuses it as the API does, naming the field", async () => {
    const r = await mixcast("mmm", "robyn", "--date", "DATE", "--target", "revenue", "--channels", "tv_S,search_S", "--geo-effects", "normal");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('geoEffects applies to pooled "partial" only');
  });

  it("When the file is malformed, then the CLI exits 1 naming the problem", async () => {
    const bad = join(dataDir, "bad.csv");
    writeFileSync(bad, "a,b\n1,2\n3\n");
    const r = await mixcast("datasets", "add", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("row 2 (line 3) has 1 fields");
  });

  it("When --types names an unknown type, then the CLI refuses it as the API does", async () => {
    const r = await mixcast("datasets", "add", "data/islr-advertising/Advertising.csv", "--types", "TV:numbr");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--types: TV: Invalid option: expected one of "number"');
  });

  it("When the command is unknown, then it exits 2 with the usage", async () => {
    const r = await mixcast("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage:");
  });

  it("When a forecast is asked for twice, then the first trains with a progress bar, the second reuses the stored model, and --csv gives date,mean,p10,p50,p90", async () => {
    const add = JSON.parse(
      (await mixcast("datasets", "add", "data/prophet-peyton-manning/example_wp_log_peyton_manning.csv", "--name", "peyton", "--json")).stdout,
    );
    const args = ["forecast", "peyton", "--date", "ds", "--target", "y", "--horizon", "14", "--folds", "1"];
    const first = await mixcast(...args);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/epoch \d+, loss/);
    expect(first.stdout).toMatch(/^seasonal_naive\s+\d/m);
    expect(first.stdout).not.toContain("reused");
    const csv = await mixcast(...args, "--csv");
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split("\r\n");
    expect(lines[0]).toBe("date,mean,p10,p50,p90");
    expect(lines).toHaveLength(15);
    expect(lines[1]).toMatch(/^2016-01-21,[\d.]+,[\d.]+,[\d.]+,[\d.]+$/); // the series ends on 2016-01-20
    expect((await mixcast(...args)).stdout).toContain(", reused)");
    expect((await mixcast("forecast", add.id, "--date", "ds", "--target", "nope")).stderr).toContain("nope");
  }, 300_000); // trains two small LSTM ensembles in a child process: ~110 s when the suite runs in parallel on 2 cores

  it("When allocate reads a request file, then it prints the plan, the binding constraints and the summary, or CSV", async () => {
    const out = await mixcast("allocate", "data/examples/allocation-request.json");
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^flyer\s+SMB\s+4000\s+4000\s+0\s/m); // locked
    expect(out.stdout).toContain("Spend $55,000 of the $55,000 budget");
    const csv = await mixcast("allocate", "data/examples/allocation-request.json", "--csv");
    expect(csv.stdout.split("\r\n")[0]).toBe("channel,segment,period,spend,expectedReturn,roi,mroi");
    const bad = join(dataDir, "bad.json");
    writeFileSync(bad, JSON.stringify({ lines: [], budget: { total: 1 } }));
    const refused = await mixcast("allocate", bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Give at least one line");
  }, 60_000);
});
