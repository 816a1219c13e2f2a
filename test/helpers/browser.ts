import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import { chromium, type Browser } from "playwright-core";

/**
 * A team reaches an internal service over plain http under a host name; loopback hides what the browser does there
 * (it treats 127.0.0.1 as secure). Debian's chromium maps this name to loopback, so no traffic leaves the machine.
 */
export const HOST = "mixcast.test";

/** Debian's chromium, headless, with the host name mapped to loopback. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** The app listening on a free loopback port; its origin under HOST. */
export async function serve(app: Express): Promise<{ server: Server; origin: string; close(): Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    origin: `http://${HOST}:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
