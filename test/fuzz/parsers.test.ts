// A small fuzzing run of every parser that must never throw (the inputs and properties are in fuzz.ts).
// FUZZ_RUNS sets the inputs per parser (default 100); a failure prints fast-check's seed and path to replay
// it (`fc.assert(…, { seed, path })`). The large run is test/fuzz/run.ts (see README.md there).

import fc from "fast-check";
import { describe, it } from "vitest";
import { TARGETS } from "./fuzz.ts";

const RUNS = Number(process.env["FUZZ_RUNS"] ?? 100);

describe("fuzzing: never throws, never hangs, errors carry 1-based lines", () => {
  for (const target of TARGETS) {
    it(target.name, async () => {
      await fc.assert(target.property(), { numRuns: RUNS });
    });
  }
});
