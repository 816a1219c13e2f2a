import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.ts";

// A team reaches an internal service over plain http under a host name; loopback hides what the browser does there
// (it treats 127.0.0.1 as secure). Debian's chromium maps the name to loopback, so no traffic leaves the machine.
const HOST = "mixcast.test";
const t = testApp();
let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await t.close();
});

describe("/docs in a real browser", () => {
  it("When /docs is opened over plain http under a host name, then the API reference renders its operations and no script is sent to https", async () => {
    const port = (server.address() as AddressInfo).port;
    const page = await browser.newPage();
    const upgraded: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith("https:")) upgraded.push(r.url());
    });
    await page.goto(`http://${HOST}:${port}/docs`);
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
    const tls = testApp({ MIXCAST_HTTPS: true });
    const secure = await request(tls.app).get("/docs/");
    expect(secure.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(secure.headers["cross-origin-opener-policy"]).toBe("same-origin");
    expect(secure.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
    await tls.close();
  });
});
