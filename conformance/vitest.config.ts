// The test command StrykerJS runs for each mutant of src/fscache: only the cached-trace replay
// (test/conformance/replay-cached.test.ts), which reads trace files generated once by the global setup
// (conformance/stryker/traces.ts; TLC runs only if a file is missing) and replays the protocol-goal traces of
// the trap models plus samples of seeded simulations of MCconf, MCfail, MCcalls, MCwrite and MCfault (and the
// shortest traces to the actions a sample lacks), in POST_FIX and POST_FIX_REPAIRED, stopping at the first
// divergence. Not part of `npm test` (building the cache takes minutes of TLC).

import { resolve } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: resolve(import.meta.dirname, ".."),
  test: {
    include: ["test/conformance/replay-cached.test.ts"],
    globalSetup: ["conformance/stryker/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
  },
});
