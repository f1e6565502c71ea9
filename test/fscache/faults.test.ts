// Backend faults (lookup, write and invalidate I/O errors, a full disk) under fast-check schedules: the object
// fails as the kernel's does (LOOKUP_FAILURE / abort → KILL_OBJECT → DEAD), the netfs keeps working without
// the cache, nothing leaks, and no read returns data other than what the netfs last wrote.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { failOnce, type FaultRule, FaultyBackend, fullDisk } from "../../src/fscache/backends/faults.ts";
import { choicesChooser, roundRobin, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { workloadArb } from "./arbitraries.ts";
import { endStateProblems, newScenario, spawnWorkload } from "./workload.ts";

const ruleArb: fc.Arbitrary<FaultRule> = fc.oneof(
  fc.constant(failOnce("lookupObject", "EIO", ["netfs"])),
  fc.constant(failOnce("lookupObject", "EIO", ["netfs", "f0"])),
  fc.constant(failOnce("writePage", "EIO")),
  fc.constant(failOnce("invalidateObject", "EIO")),
  fc.integer({ min: 0, max: 2 }).map((n) => fullDisk(n)),
);

describe("backend faults (POST_FIX_REPAIRED)", () => {
  it("objects fail cleanly, the netfs carries on, no data is lost or corrupted", async () => {
    await fc.assert(
      fc.asyncProperty(
        workloadArb,
        fc.array(ruleArb, { maxLength: 2 }),
        fc.array(fc.nat(), { maxLength: 300 }),
        async (w, rules, choices) => {
          const runtime = new SteppedRuntime();
          const backend = new FaultyBackend(new MemoryBackend(), rules);
          const s = newScenario(runtime, { backend });
          spawnWorkload(s, runtime, w);
          const r = await runtime.runUntilQuiescent(choicesChooser(choices, roundRobin()), {
            maxSteps: 50_000,
          });
          const problems = endStateProblems(s);
          if (r.end !== "done")
            problems.unshift(`run ended ${r.end} ${r.failure ? String(r.failure.error) : ""}`);
          if (problems.length > 0) throw new Error(`${problems.join("\n")}\nreplay token: ${r.token}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a lookup error on the index kills the waiting children (KILL_DEPENDENTS → ABORT_INIT)", async () => {
    const runtime = new SteppedRuntime();
    const backend = new FaultyBackend(new MemoryBackend(), [failOnce("lookupObject", "EIO", ["netfs"])]);
    const s = newScenario(runtime, { backend });
    spawnWorkload(s, runtime, { threads: [{ ops: [{ kind: "read", page: 0 }], retire: false }] });
    const r = await runtime.runUntilQuiescent(roundRobin());
    expect(r.end).toBe("done");
    expect(backend.injected()).toHaveLength(1);
    expect(endStateProblems(s)).toEqual([]);
    const actions = runtime
      .log()
      .map((l) => `${l.label.action}:${String(l.label.params.o ?? l.label.params.t)}`);
    expect(actions).toContain("LOOKUP_FAILURE:I");
  });

  it("POST_FIX leaks that child (ABORT_INIT keeps INIT_OBJECT's ref): object and cookie are never freed", async () => {
    const runtime = new SteppedRuntime();
    const backend = new FaultyBackend(new MemoryBackend(), [failOnce("lookupObject", "EIO", ["netfs"])]);
    const s = newScenario(runtime, { backend, design: "POST_FIX" });
    spawnWorkload(s, runtime, { threads: [{ ops: [], retire: false }] });
    await runtime.runUntilQuiescent(roundRobin());
    const problems = endStateProblems(s);
    expect(problems).toContain("object D0 not freed (OBJECT_DEAD, usage 1)");
  });
});
