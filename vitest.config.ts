import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Recording re-reads every record it skips by revision and throws on a difference (snapshot.ts).
    env: { FSCACHE_SNAPSHOT_VERIFY: "1" },
    // Both cores: most suites wait on TLC or on child processes (vitest's default leaves one core idle).
    maxWorkers: 2,
  },
});
