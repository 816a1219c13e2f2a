import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    globalSetup: ["test/global-store.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on CI: two test files at a time keeps worker-thread and subprocess tests from starving.
    maxWorkers: 2,
  },
});
