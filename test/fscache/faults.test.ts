// Backend faults (lookup, write and invalidate I/O errors, a full disk) under fast-check schedules: the object
// fails as the kernel's does (LOOKUP_FAILURE / abort → KILL_OBJECT → DEAD), the netfs keeps working without
// the cache, nothing leaks, and no read returns data other than what the netfs last wrote.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { failOnce, type FaultRule, FaultyBackend, fullDisk } from "../../src/fscache/backends/faults.ts";
import { choicesChooser, roundRobin, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { type Repair, SPEC_REPAIRS } from "../../src/fscache/names.ts";
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

  // Finding F8: the index lookup fails, KILL_DEPENDENTS kills D before its own lookup, and D drops with
  // LOOKING_UP still set. The spec's repaired set (DROP_CLEARS_LOOKING_UP among them) wakes the reader.
  const readerAfterIndexFailure = async (repairs: readonly Repair[]) => {
    const runtime = new SteppedRuntime();
    const backend = new FaultyBackend(new MemoryBackend(), [failOnce("lookupObject", "EIO", ["netfs"])]);
    const s = newScenario(runtime, { backend, repairs });
    spawnWorkload(s, runtime, { threads: [{ ops: [{ kind: "read", page: 0 }], retire: false }] });
    const r = await runtime.runUntilQuiescent(roundRobin());
    const actions = runtime
      .log()
      .map((l) => `${l.label.action}:${String(l.label.params.o ?? l.label.params.t)}`);
    return { r, s, actions };
  };

  it("F8 repaired: the reader waiting for D's lookup is woken when D drops unlooked-up", async () => {
    const { r, s, actions } = await readerAfterIndexFailure(SPEC_REPAIRS);
    expect(actions).toEqual(
      expect.arrayContaining(["ABORT_INIT:D0", "DROP_OBJECT:D0", "ReadWaitLookup:tD0"]),
    );
    expect(actions.indexOf("ReadPage:tD0")).toBeLessThan(actions.indexOf("DROP_OBJECT:D0"));
    expect(r.end).toBe("done");
    expect(endStateProblems(s)).toEqual([]);
  });

  it("F8 unrepaired: the same reader sleeps forever on LOOKING_UP", async () => {
    const { r, actions } = await readerAfterIndexFailure(
      SPEC_REPAIRS.filter((x) => x !== "DROP_CLEARS_LOOKING_UP"),
    );
    expect(actions).toContain("DROP_OBJECT:D0");
    expect(actions).not.toContain("ReadWaitLookup:tD0");
    expect(r.end).toBe("deadlock");
    // tD0 sleeps in the deferred-lookup wait; tI waits for its child cookie to be relinquished first.
    expect(r.blocked.map((b) => b.taskName)).toEqual(["netfs:tI", "netfs:tD0"]);
  });

  // Finding F12: thread 0's page write fails with EIO, which breaks the cache; thread 1's object stays available
  // and live but is no longer "active", so 3.12's submit queues its read there, and nothing starts it.
  const readAfterIoError = async (repairs: readonly Repair[]) => {
    const runtime = new SteppedRuntime();
    const backend = new FaultyBackend(new MemoryBackend(), [failOnce("writePage", "EIO")]);
    const s = newScenario(runtime, { backend, repairs });
    spawnWorkload(s, runtime, {
      threads: [
        { ops: [{ kind: "write", page: 0 }], retire: false },
        {
          ops: [
            { kind: "write", page: 0 },
            { kind: "write", page: 1 },
          ],
          retire: false,
        },
      ],
    });
    const r = await runtime.runUntilQuiescent(roundRobin());
    return { r, s, broken: s.cache.core.broken };
  };

  it("F12 repaired: after a cache I/O error a read on another cookie is refused, nothing hangs", async () => {
    const { r, s, broken } = await readAfterIoError(SPEC_REPAIRS);
    expect(broken).toBe(true);
    expect(r.end).toBe("done");
    expect(endStateProblems(s)).toEqual([]);
  });

  it("F12 unrepaired: that read is queued on an available, live object and waits forever", async () => {
    const { r, s, broken } = await readAfterIoError(
      SPEC_REPAIRS.filter((x) => x !== "BROKEN_CACHE_REFUSES_OPS"),
    );
    expect(broken).toBe(true);
    expect(r.end).toBe("deadlock");
    expect(endStateProblems(s)).toContain("op 1 (READ) not freed: PENDING");
  });
});
