import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, waitFor } from "../helpers/app.ts";
import { launchChromium, serve } from "../helpers/browser.ts";

// Keys and the keyboard: a service with auth on asks for a key once and keeps it for the tab, a read key shows the
// pages read-only, errors are shown in words; the main flow works without a mouse.
const t = await testApp({ MIXCAST_AUTH: "on" });
const read = (await t.store.keys.create("default", "viewer", ["read"])).token;
const write = (await t.store.keys.create("default", "planner", ["write"])).token;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let origin = "";
let modelId = "";

beforeAll(async () => {
  server = await serve(t.app);
  origin = server.origin;
  browser = await launchChromium();
  // a fitted model to look at, made through the API
  const auth = { Authorization: `Bearer ${write}` };
  const ds = await request(t.app).post("/v1/datasets?name=sample").set(auth).set("content-type", "text/csv").send(readFileSync("data/sample-daily-sales.csv"));
  const fit = await request(t.app)
    .post("/v1/mmm")
    .set(auth)
    .send({ datasetId: ds.body.id, date: "date", target: "sales", segment: "segment", channels: ["spend_tv", "spend_search", "spend_social"], method: "fast" });
  const job = await waitFor(async () => {
    const j = (await request(t.app).get(`/v1/jobs/${fit.body.jobId}`).set(auth)).body;
    return j.status === "succeeded" ? j : undefined;
  }, 60_000);
  modelId = job.result.modelId;
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t.close();
});

async function enterKey(page: Page, key: string) {
  await page.waitForSelector("#key-dialog[open]");
  await page.fill("#key-input", key);
  await page.press("#key-input", "Enter");
}

/** Press Tab until the focused element matches `selector` (keyboard only). */
async function tabTo(page: Page, selector: string, limit = 120) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe("the dashboard's keys and keyboard", () => {
  it("When auth is on, then the page asks for a key once, keeps it for the tab and never in a URL; a read key sees read-only pages; a wrong key and a missing model are said in words", async () => {
    const page = await browser.newPage();
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await page.goto(`${origin}/`);
    await enterKey(page, "mxk_000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro");
    await page.waitForSelector("#key-dialog[open]");
    expect(await page.textContent("#key-why")).toMatch(/not accepted/);
    await page.fill("#key-input", read);
    await page.press("#key-input", "Enter");
    await page.waitForSelector("text=Read-only key: uploads and deletes are off.");
    expect(await page.textContent("#access")).toMatch(/read-only/);
    expect(await page.locator("#upload-file").count()).toBe(0);
    expect(await page.locator('button[aria-label^="Delete"]').first().isDisabled()).toBe(true);
    // other pages: no fit form, but the model opens
    await page.goto(`${origin}/#/mmm?model=${modelId}`);
    await page.waitForSelector('figure[data-chart="mmm-roi"][data-rendered]');
    expect(await page.locator('form[aria-label="Fit a marketing-mix model"]').count()).toBe(0);
    expect(await page.evaluate('sessionStorage.getItem("mixcast.key")')).toBe(read);
    // the key went in headers only
    expect(urls.filter((u) => u.includes(read) || u.includes("key="))).toEqual([]);
    await page.goto(`${origin}/#/mmm?model=mdl_0000000000000000`);
    await page.waitForSelector("text=Something went wrong");
    expect(await page.textContent("main")).toContain("Not found: No marketing-mix model mdl_0000000000000000.");
    await page.close();
  }, 60_000);

  it("When a CSV is dropped on the data page, then it is uploaded and its columns and warnings are shown", async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await enterKey(page, write);
    await page.waitForSelector(".drop");
    // a file dropped as a browser drops one: a DataTransfer holding a File, on a drop event
    const transfer = await page.evaluateHandle(() => {
      const dt = new (globalThis as any).DataTransfer();
      dt.items.add(
        new (globalThis as any).File(["week,tv,sales\n2024-01-01,10,100\n2024-01-08,12,104\n2024-01-15, 9 ,99\n"], "dropped.csv", { type: "text/csv" }),
      );
      return dt;
    });
    await page.dispatchEvent(".drop", "drop", { dataTransfer: transfer });
    await page.waitForSelector("text=Uploaded dropped: 3 rows.");
    // the message can show before the dataset's detail has rendered: wait for its table, then count
    await page.waitForSelector("#dataset-detail tbody tr");
    expect(await page.locator("#dataset-detail tbody tr").count()).toBe(3);
    expect(await page.textContent("#dataset-detail .warn")).toContain("Only 3 data rows; models need at least 30 for stable estimates.");
    await page.close();
  }, 60_000);

  it("When a planner uses only the keyboard, then they reach the what-if page, move a slider and get an allocation", async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await enterKey(page, write);
    await page.waitForSelector("#upload-file", { state: "attached" });
    await tabTo(page, 'nav a[href="#/whatif"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector("#whatif-result[data-incremental]");
    const before = await page.getAttribute("#whatif-result", "data-incremental");
    await tabTo(page, "#slider-spend_tv-Consumer");
    for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => page.getAttribute("#whatif-result", "data-incremental")).not.toBe(before);
    await tabTo(page, 'nav a[href="#/plan"]');
    await page.keyboard.press("Enter");
    await tabTo(page, 'input[name="total"]');
    await page.keyboard.press("Control+A");
    await page.keyboard.type("150000");
    await tabTo(page, 'form[aria-label="Budget and constraints"] button[type="submit"]');
    await page.keyboard.press("Enter");
    await page.waitForSelector("#allocation-summary");
    expect(await page.textContent("#allocation-summary")).toMatch(/^Spend \$150,000 of the \$150,000 budget/);
    await page.close();
  }, 60_000);
});
