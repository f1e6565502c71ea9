import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // StrykerJS's test command (conformance/vitest.config.ts): its trace cache takes minutes of TLC to build;
    // test/conformance/stryker-sample.test.ts checks the sampling without it.
    exclude: ["test/conformance/replay-cached.test.ts", "**/node_modules/**"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Recording re-reads every record it skips by revision and throws on a difference (snapshot.ts).
    env: { FSCACHE_SNAPSHOT_VERIFY: "1" },
    // Both cores: most suites wait on TLC or on child processes (vitest's default leaves one core idle).
    maxWorkers: 2,
  },
});
