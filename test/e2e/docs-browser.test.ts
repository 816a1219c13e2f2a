import type { Browser } from "playwright-core";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";
import { launchChromium, serve } from "../helpers/browser.ts";

const t = await testApp();
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;

beforeAll(async () => {
  server = await serve(t.app);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t.close();
});

describe("/docs in a real browser", () => {
  it("When /docs is opened over plain http under a host name, then the API reference renders its operations and no script is sent to https", async () => {
    const page = await browser.newPage();
    const upgraded: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith("https:")) upgraded.push(r.url());
    });
    await page.goto(`${server.origin}/docs`);
    await page.waitForSelector(".opblock", { timeout: 20_000 });
    const operations = await page.locator(".opblock").count();
    expect(operations).toBeGreaterThan(20);
    expect(await page.locator(".info .title").textContent()).toMatch(/mixcast/);
    expect(upgraded).toEqual([]);
    await page.close();
  }, 60_000);

  it("When the service says users come over https, then HSTS, upgrade-insecure-requests and Cross-Origin-Opener-Policy are sent; over plain http none is", async () => {
    const plain = await request(t.app).get("/docs/");
    expect(plain.headers["strict-transport-security"]).toBeUndefined();
    expect(plain.headers["cross-origin-opener-policy"]).toBeUndefined(); // ignored on http, with a console error
    expect(plain.headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    const tls = await testApp({ MIXCAST_HTTPS: true });
    const secure = await request(tls.app).get("/docs/");
    expect(secure.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(secure.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(secure.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
    await tls.close();
  });
});
