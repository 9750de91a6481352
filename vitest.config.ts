import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Integration files each start their own moto_server; separate processes keep env and ports apart.
    pool: "forks",
    // The handler logs a summary and an EMF line per run; show them only for failing tests.
    silent: "passed-only",
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
