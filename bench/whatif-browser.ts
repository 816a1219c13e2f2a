// The what-if page's answer to a slider move (issue 16: within 100 ms on the sample), measured in Debian's chromium
// against a real `mixcast serve`, beside the scenario endpoint alone called from Node (the floor the page builds on).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { sampleWithFastMmm, startServer } from "./server.ts";

const MOVES = 60;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const line = (label: string, xs: number[]) =>
  console.log(`${label.padEnd(58)} median ${pct(xs, 0.5).toFixed(1).padStart(6)} ms  p95 ${pct(xs, 0.95).toFixed(1).padStart(6)} ms  (${xs.length} moves)`);

export async function benchWhatIf(): Promise<void> {
  if (!existsSync("/usr/bin/chromium")) return console.log("what-if in a browser: skipped (apt-get install chromium)");
  const dir = mkdtempSync(join(tmpdir(), "mixcast-whatif-"));
  const server = await startServer(dir);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const { modelId } = await sampleWithFastMmm(server.url);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/#/whatif?model=${modelId}`);
    await page.waitForSelector("#whatif-latency[data-ms]");
    const slider = page.locator("#slider-spend_tv-Consumer");
    const max = Number(await slider.getAttribute("max"));
    const inPage: number[] = [];
    const api: number[] = [];
    const chart: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const before = Number(await page.getAttribute("#whatif-latency", "data-answer"));
      const value = Math.round(max * (0.2 + (0.6 * ((i * 37) % MOVES)) / MOVES));
      await slider.fill(String(value));
      // runs in the page (its globals are not in this file's types); chartMs is "pending" until the chart is redrawn
      const latency = (b: number) => {
        const el = (globalThis as any).document.getElementById("whatif-latency");
        return Number(el.dataset.answer) > b && el.dataset.chartMs !== "pending";
      };
      await page.waitForFunction(latency, before);
      inPage.push(Number(await page.getAttribute("#whatif-latency", "data-ms")));
      chart.push(Number(await page.getAttribute("#whatif-latency", "data-chart-ms")));
      const t0 = performance.now();
      await (await fetch(`${server.url}/v1/scenarios?mmmId=${modelId}&spend.spend_tv.Consumer=${value}`)).json();
      api.push(performance.now() - t0);
    }
    console.log("What-if page on the sample (15 sliders, fast MMM), Debian chromium headless:");
    line("slider move → scenario answered and shown in the page", inPage);
    line("slider move → the chart redrawn with the new numbers", chart);
    line("GET /v1/scenarios alone, from Node (the same plans)", api);
  } finally {
    await browser.close();
    server.child.kill("SIGTERM");
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("whatif-browser.ts")) await benchWhatIf();
