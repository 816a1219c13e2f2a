import type { Store as RateLimitStore } from "express-rate-limit";
import { Redis } from "ioredis";
import { RedisStore } from "rate-limit-redis";

/**
 * Rate-limit counters in the queue's Redis, so that N API processes behind a load balancer count a key's
 * requests together (in-process counters would give each key N times its limit). Resolves once Redis answers (the
 * counting scripts are loaded then), or after `waitMs` without it: requests are then served uncounted until it does.
 */
export async function redisRateLimitStore(url: string, waitMs = 5_000): Promise<{ store: RateLimitStore; close(): void }> {
  // unlike the queue's connections, a request must not wait for Redis to come back: while it is away a count fails
  // at once and the request is served uncounted (app.ts: passOnStoreError); the client reconnects meanwhile
  const client = new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  client.on("error", () => {}); // an outage is reported by the queue's own connections
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    client.once("ready", () => (clearTimeout(timer), resolve()));
  });
  const store = new RedisStore({
    prefix: "mixcast:rate:",
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<number | string>,
  });
  return { store, close: () => client.disconnect() };
}
