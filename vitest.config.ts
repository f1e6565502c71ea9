import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Both cores: most suites wait on TLC or on child processes (vitest's default leaves one core idle).
    maxWorkers: 2,
  },
});
