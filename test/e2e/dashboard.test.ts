import { mkdirSync, readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";
import { launchChromium, serve } from "../helpers/browser.ts";

// The dashboard in a real browser (Debian's chromium), against the service on loopback under a host name, the way
// a planner would use it: upload the sample, fit an MMM, allocate, move a what-if slider, forecast. Asserts on what
// the page shows (chart marks, numbers equal to the API's), no console errors, no request off the machine, axe-core.
const SHOTS = "test-results/screenshots";
const AXE = readFileSync("node_modules/axe-core/axe.min.js", "utf8");
const t = await testApp();
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let origin = "";

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await serve(t.app);
  origin = server.origin;
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t.close();
});

/** A page that records console errors and every request it makes. */
async function open(width = 1280, height = 800) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => requests.push(r.url()));
  return { page, errors, requests };
}

/** Serious and critical axe-core violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  // expressions as strings: they run in the page, whose globals (window, document) this file's types do not know
  if (!(await page.evaluate('"axe" in window'))) await page.evaluate(AXE);
  const result: any = await page.evaluate('axe.run(document, { resultTypes: ["violations"] })');
  return (result.violations as any[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n: any) => n.target.join(" ")).join("; ")})`);
}

const rendered = (page: Page, name: string) => page.waitForSelector(`figure[data-chart="${name}"][data-rendered] svg`, { timeout: 30_000 });
const num = (v: number, digits = 3) => Number(v.toPrecision(digits)).toLocaleString("en-US");

describe("the dashboard in a real browser", () => {
  it("When a planner goes from the sample CSV to a fitted model, an allocation, a what-if and a forecast, then every page shows the API's numbers, draws its charts, makes no request off the machine and has no serious accessibility violation", async () => {
    const { page, errors, requests } = await open();
    const a11y: Record<string, string[]> = {};
    // Data: upload the sample through the file input (drag and drop goes to the same handler)
    await page.goto(`${origin}/`);
    await page.waitForSelector("#upload-file", { state: "attached" });
    await page.setInputFiles("#upload-file", "data/sample-daily-sales.csv");
    await page.waitForSelector("text=Uploaded sample-daily-sales: 3288 rows.");
    await page.waitForSelector("#dataset-detail table");
    expect(await page.locator("#dataset-detail tbody tr", { hasText: "spend_tv" }).count()).toBe(1);
    a11y.data = await axeViolations(page);
    await page.screenshot({ path: `${SHOTS}/data.png`, fullPage: true });

    // Marketing mix: fit (fast) and see its charts
    await page.click('nav a[href="#/mmm"]');
    await page.waitForSelector('form[aria-label="Fit a marketing-mix model"] button[type="submit"]');
    await page.click('form[aria-label="Fit a marketing-mix model"] button[type="submit"]');
    await page.waitForURL(/#\/mmm\?model=/, { timeout: 60_000 });
    const modelId = new URL(page.url()).hash.split("model=")[1]!;
    for (const c of ["mmm-roi", "mmm-mroi", "mmm-contribution-Consumer", "mmm-share-Consumer", "mmm-curves-Consumer"]) await rendered(page, c);
    // response curves: a band and a line per channel, the current spend marked
    expect(await page.locator('figure[data-chart="mmm-curves-Consumer"] svg .role-mark path').count()).toBeGreaterThanOrEqual(10);
    const model = (await request(t.app).get(`/v1/mmm/${modelId}`)).body;
    const tv = model.segments[0].model.channels.find((c: any) => c.channel === "spend_tv");
    const row = page
      .locator("table", { has: page.locator("caption", { hasText: "ROI per channel" }) })
      .locator("tr", { hasText: "spend_tv" })
      .first();
    await expect.poll(() => row.locator("td").nth(2).textContent()).toBe(num(tv.roi));
    expect(await row.locator("td").nth(4).textContent()).toBe(`${(tv.unseenShare * 100).toFixed(1)}%`);
    a11y.mmm = await axeViolations(page);
    await page.screenshot({ path: `${SHOTS}/mmm.png`, fullPage: true });
    // on a phone-width screen the page does not scroll sideways (wide charts scroll in their own box)
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(page.url());
    await phone.waitForSelector('figure[data-chart="mmm-curves-Consumer"][data-rendered] svg', { timeout: 30_000 });
    expect(await phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")).toBe(true);
    await phone.screenshot({ path: `${SHOTS}/mmm-phone.png`, fullPage: true });
    await phone.close();

    // Plan: a budget, a minimum on a channel and a group's minimum share
    await page.click('nav a[href="#/plan"]');
    await page.waitForSelector('form[aria-label="Budget and constraints"] input[name="total"]');
    await page.fill('input[name="total"]', "200000");
    await page.fill('input[aria-label="spend_flyer: at least ($ per line)"]', "5000");
    await page.fill('input[name="groupMinShare"]', "40");
    const allocation = page.waitForResponse((r) => r.url().endsWith("/v1/allocations") && r.request().method() === "POST");
    await page.click('form[aria-label="Budget and constraints"] button[type="submit"]');
    const answer = await (await allocation).json();
    await page.waitForSelector("#allocation-summary");
    expect(await page.textContent("#allocation-summary")).toBe(answer.summary);
    expect(answer.lines.filter((l: any) => l.channel === "spend_flyer").every((l: any) => l.spend >= 5000 - 1e-6)).toBe(true);
    const digital = answer.lines
      .filter((l: any) => ["spend_search", "spend_social", "spend_email"].includes(l.channel))
      .reduce((s: number, l: any) => s + l.spend, 0);
    expect(digital / answer.totals.spend).toBeGreaterThanOrEqual(0.4 - 1e-6);
    await rendered(page, "allocation");
    // the same plan kept within the spend each line's data show: sent as withinData, every line inside its range
    await page.check('input[name="withinData"]');
    const keptCall = page.waitForResponse((r) => r.url().endsWith("/v1/allocations") && r.request().method() === "POST");
    await page.click('form[aria-label="Budget and constraints"] button[type="submit"]');
    const keptResponse = await keptCall;
    expect(keptResponse.request().postDataJSON()).toMatchObject({ withinData: true });
    const kept = await keptResponse.json();
    await expect.poll(() => page.textContent("#allocation-summary")).toBe(kept.summary);
    const ranges = (await request(t.app).get(`/v1/mmm/${modelId}/curves`)).body.curves;
    const days = 7; // the page's plan period for a daily model
    for (const l of kept.lines) {
      const r = ranges.find((c: any) => c.channel === l.channel && c.segment === l.segment).observedSpend;
      expect(l.spend, `${l.channel} (${l.segment})`).toBeGreaterThanOrEqual(days * r.min * (1 - 1e-6) - 1e-6);
      expect(l.spend, `${l.channel} (${l.segment})`).toBeLessThanOrEqual(days * r.max * (1 + 1e-6) + 1e-6);
    }
    expect(kept.warnings.filter((w: string) => w.includes("the model's data show"))).toEqual([]);
    a11y.plan = await axeViolations(page);
    await page.screenshot({ path: `${SHOTS}/plan.png`, fullPage: true });

    // What-if: move a slider; the page shows the scenario endpoint's numbers
    await page.click('nav a[href="#/whatif"]');
    await page.waitForSelector("#whatif-latency[data-ms]");
    await rendered(page, "what-if");
    const slider = page.locator("#slider-spend_tv-Consumer");
    const max = Number(await slider.getAttribute("max"));
    // under the slider, the spend the model's data show; the slider reaches past it
    const seen = ranges.find((c: any) => c.channel === "spend_tv" && c.segment === "Consumer").observedSpend;
    const dollars = (v: number) => `$${Math.round(v).toLocaleString("en-US")}`;
    expect(await page.locator(".slider", { has: slider }).locator("small").textContent()).toBe(`the data show ${dollars(seen.min)} to ${dollars(seen.max)}`);
    expect(max).toBeGreaterThan(seen.max);
    const scenario = page.waitForResponse((r) => r.url().includes("/v1/scenarios?") && r.url().includes("spend.spend_tv.Consumer="));
    await slider.fill(String(Math.round(max * 0.9)));
    const moved = await (await scenario).json();
    await expect.poll(() => page.getAttribute("#whatif-result", "data-incremental")).toBe(String(moved.plans[0].totals.incremental));
    // the answer's warnings for spend beyond what the model's data show are on the page, as the API words them
    const beyond = (moved.warnings as string[]).filter((w) => w.includes("the model's data show")).map((w) => w.replace(/^Plan "[^"]*", /, ""));
    expect(beyond.some((w) => w.startsWith("spend_tv (Consumer): the plan spends"))).toBe(true);
    expect(await page.locator("#whatif-result ul.warn li").allTextContents()).toEqual(beyond);
    const latency = Number(await page.getAttribute("#whatif-latency", "data-ms"));
    console.log(`what-if: slider move answered and shown in ${latency.toFixed(1)} ms`);
    expect(await page.textContent("#whatif-formula")).toMatch(
      /^=IMPORTDATA\("http:\/\/mixcast\.test:\d+\/v1\/scenarios\?mmmId=.*spend\.spend_tv\.Consumer=\d+.*format=csv"\)$/,
    );
    a11y.whatif = await axeViolations(page);
    await page.screenshot({ path: `${SHOTS}/whatif.png`, fullPage: true });

    // Forecast: a short one (28 days, one fold) and its fan per series
    await page.click('nav a[href="#/forecast"]');
    await page.waitForSelector('form[aria-label="Start a forecast"] input[name="horizon"]');
    await page.fill('input[name="horizon"]', "28");
    await page.fill('input[name="folds"]', "1");
    // a small network keeps the test short (the form's request is otherwise sent as the page built it)
    await page.route("**/v1/forecasts", (route) =>
      route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), network: { maxEpochs: 2, units: 4 } }) }),
    );
    await page.click('form[aria-label="Start a forecast"] button[type="submit"]');
    await page.waitForURL(/#\/forecast\?forecast=/, { timeout: 180_000 });
    await rendered(page, "forecast-Consumer");
    // the fan: a band (area) and three lines (actual, backtest forecast, median)
    expect(await page.locator('figure[data-chart="forecast-Consumer"] svg .mark-area path').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('figure[data-chart="forecast-Consumer"] svg .mark-line path').count()).toBeGreaterThanOrEqual(3);
    a11y.forecast = await axeViolations(page);
    await page.screenshot({ path: `${SHOTS}/forecast.png`, fullPage: true });

    // Statistics and jobs render too
    await page.click('nav a[href="#/stats"]');
    await page.click('form[aria-label="Fit a formula"] button[type="submit"]');
    await page.waitForSelector("#stats-result table");
    // ROI per $1 per segment: the chart drawn, the table's numbers the API's
    const roiAnswer = page.waitForResponse((r) => r.url().endsWith("/v1/roi") && r.request().method() === "POST");
    await page.click('form[aria-label="Return per dollar"] button[type="submit"]');
    const roi = await (await roiAnswer).json();
    await rendered(page, "roi-per-dollar");
    expect(await page.locator('figure[data-chart="roi-per-dollar"] svg .mark-rect path').count()).toBeGreaterThanOrEqual(3);
    const first = roi.segments[0].tactics[0];
    const cells = page
      .locator("#stats-result tr", { hasText: `${roi.segments[0].segment}` })
      .filter({ hasText: first.tactic })
      .first()
      .locator("td");
    expect(await cells.nth(2).textContent()).toBe(num(first.roi));
    a11y.stats = await axeViolations(page);
    await page.click('nav a[href="#/jobs"]');
    await page.waitForSelector("#jobs-list td", { hasText: "mmm-fit" } as never);
    expect(await page.textContent("#jobs-runner")).toMatch(/^Jobs run in worker threads of the service: \d+ running, \d+ waiting, up to 1 at once\.$/);
    a11y.jobs = await axeViolations(page);

    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith("data:") && !u.startsWith("blob:"))).toEqual([]);
    expect(a11y).toEqual({ data: [], mmm: [], plan: [], whatif: [], forecast: [], stats: [], jobs: [] });
    await page.close();
  }, 300_000);
});
