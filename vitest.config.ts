import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Quiet runs: drops the SDK's Node version warning, routes raw stdout/stderr through console.
    setupFiles: ["test/support/setup.ts"],
    // Integration files each start their own moto_server; separate processes keep env and ports apart.
    pool: "forks",
    // The handler logs a summary and an EMF line per run; show them only for failing tests.
    silent: "passed-only",
    maxWorkers: 2,
    // A green run lists files, not tests: on a shared 2-core machine per-test times are load noise
    // (benchmarks measure speed, scripts/bench). A test this slow is still worth a line.
    slowTestThreshold: 30_000,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
