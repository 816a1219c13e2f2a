import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/api/app.ts";
import { ThreadJobRunner } from "../../src/jobs/runner.ts";
import { redisRateLimitStore } from "../../src/queue/rate-limit-store.ts";
import type { Store } from "../../src/store/store.ts";
import { silentLogger } from "../helpers/app.ts";
import { redisAvailable, startRedis } from "../helpers/redis.ts";
import { testStore } from "../helpers/store.ts";

describe.skipIf(!redisAvailable())("rate limits behind a load balancer", () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let store: Store;
  const closers: (() => unknown)[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    store = await testStore();
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await store.close();
    await redis.close();
  });

  /** An API process of its own over the shared store, its rate-limit counters in the queue's Redis. */
  const apiProcess = async () => {
    const limits = await redisRateLimitStore(redis.url);
    const jobs = new ThreadJobRunner({ store, concurrency: 1, logger: silentLogger });
    closers.push(
      () => limits.close(),
      () => jobs.close(),
    );
    const config = {
      MIXCAST_MAX_UPLOAD_MB: 50,
      MIXCAST_MAX_JSON_MB: 50,
      MIXCAST_JOB_CONCURRENCY: 1,
      MIXCAST_DIAGNOSTIC_JOBS: false,
      MIXCAST_RATE_LIMIT_PER_MIN: 3,
    };
    return createApp({ config, store, jobs, logger: silentLogger, tf: { backend: "cpu", notes: [] }, rateLimitStore: limits.store });
  };

  it("When a client's requests go to two API processes in turn, then they are counted together: the fourth in a minute is 429; with Redis gone, requests are served", async () => {
    const [a, b] = [await apiProcess(), await apiProcess()];
    const statuses: number[] = [];
    for (const app of [a, b, a, b]) statuses.push((await request(app).get("/v1/datasets")).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await request(b).get("/v1/datasets");
    expect(limited.headers["content-type"]).toMatch(/^application\/problem\+json/);
    await redis.stop();
    expect((await request(a).get("/v1/datasets")).status).toBe(200);
  }, 30_000);
});
