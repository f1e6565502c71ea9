// The test command of the whole-suite mutation run (stryker.config.json, `npm run mutation`): every test of
// `npm test` that exercises src/fscache in-process, plus the cached conformance replay (see
// conformance/vitest.config.ts; its global setup builds the trace cache with TLC once, before the dry run).
// Every other test file is left out for the reason LEFT_OUT gives; test/conformance/stryker-config.test.ts
// checks that each test file of test/ is in exactly one of the two lists.

import { defineConfig } from "vitest/config";

/** The test files (or `dir/*.test.ts`) each mutant may run: those of them that cover it. */
export const MUTATION_TESTS: readonly string[] = [
  "test/fscache/*.test.ts",
  "test/backends/disk.test.ts",
  "test/backends/disk-errors.test.ts",
  "test/backends/memory.test.ts",
  "test/backends/memory-errors.test.ts",
  "test/backends/common.test.ts",
  "test/backends/faults.test.ts",
  "test/runtime/*.test.ts",
  "test/validate/listener.test.ts",
  "test/validate/inprocess.test.ts",
  "test/conformance/mapping.test.ts",
  "test/conformance/lockstep.test.ts",
  "test/conformance/replay-cached.test.ts",
];

const TLC =
  "runs TLC or the CLI per test: minutes per mutant, and per-test coverage would see it cover every mutant";
const SOURCES =
  "reads or copies the sources, which Stryker instruments with every mutant at once (mutation switching): it would judge the instrumentation, not one mutant";
const ELSEWHERE = "exercises conformance/ or src/tla/ code, not src/fscache";

/** The test files (or directories) left out, and why. */
export const LEFT_OUT: Readonly<Record<string, string>> = {
  "test/spec/": TLC,
  "test/tla/": TLC,
  "test/cli/": TLC,
  "test/conformance/e2e.test.ts": TLC,
  "test/conformance/tlc-dump.test.ts": TLC,
  "test/conformance/stryker-successors.test.ts": TLC,
  "test/conformance/trap-goals.test.ts": TLC,
  "test/validate/tlc.test.ts": TLC,
  "test/static/": SOURCES,
  "test/review/": SOURCES,
  "test/validate/touch.test.ts": SOURCES,
  "test/validate/shrink.test.ts": SOURCES,
  "test/backends/crash.test.ts":
    "kills child processes with SIGKILL at random points: not repeatable per mutant, and seconds per trial",
  "test/conformance/atomic-write.test.ts": ELSEWHERE,
  "test/conformance/cover.test.ts": ELSEWHERE,
  "test/conformance/field-shapes.test.ts": ELSEWHERE,
  "test/conformance/edge-cover.test.ts": ELSEWHERE,
  "test/conformance/trace-reader.test.ts": ELSEWHERE,
  "test/conformance/stryker-equivalent.test.ts": ELSEWHERE,
  "test/conformance/stryker-sample.test.ts": ELSEWHERE,
  "test/conformance/stryker-config.test.ts": ELSEWHERE,
  "test/fuzz/": ELSEWHERE,
};

export default defineConfig({
  test: {
    include: [...MUTATION_TESTS],
    globalSetup: ["conformance/stryker/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: "forks",
    env: { FSCACHE_SNAPSHOT_VERIFY: "1" },
  },
});
