import type { TestProject } from "vitest/node";
import { startPostgres, type TestPostgres } from "./helpers/postgres.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set when MIXCAST_TEST_STORE=postgres: the server every test's store is a fresh database on. */
    postgresUrl: string | undefined;
  }
}

let server: TestPostgres | undefined;

/**
 * MIXCAST_TEST_STORE=postgres runs the suite on PostgreSQL (.ci/run's second pass): one server for the run, a new
 * database per test store (helpers/store.ts). Otherwise the tests use in-memory SQLite, as users get by default.
 */
export async function setup(project: TestProject): Promise<void> {
  if (process.env.MIXCAST_TEST_STORE === "postgres") server = await startPostgres();
  else if (process.env.MIXCAST_TEST_STORE && process.env.MIXCAST_TEST_STORE !== "sqlite")
    throw new Error(`MIXCAST_TEST_STORE=${process.env.MIXCAST_TEST_STORE}: use sqlite or postgres`);
  project.provide("postgresUrl", server?.url);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
