// Properties over random multi-threaded netfs workloads: on the stepped runtime fast-check chooses both the
// workload and the schedule (a failure shrinks and prints the stepped runtime's replay token); the same
// workloads then run with real overlap on the event loop, over the memory and the disk backends.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiskBackend } from "../../src/fscache/backends/disk.ts";
import type { Design } from "../../src/fscache/names.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { choicesChooser, replayChooser, roundRobin, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { workloadArb } from "./arbitraries.ts";
import { endStateProblems, newScenario, spawnWorkload, type Workload } from "./workload.ts";

/** Runs a workload under a schedule; returns the problems found and the replay token. */
async function runStepped(
  w: Workload,
  choices: readonly number[],
  design: Design = "POST_FIX_REPAIRED",
): Promise<{ problems: string[]; token: string }> {
  const runtime = new SteppedRuntime();
  const s = newScenario(runtime, { design });
  spawnWorkload(s, runtime, w);
  const r = await runtime.runUntilQuiescent(choicesChooser(choices, roundRobin()), { maxSteps: 50_000 });
  const problems = endStateProblems(s);
  if (r.end !== "done") {
    problems.unshift(
      `run ended ${r.end}` +
        (r.failure ? `: ${String(r.failure.error)}` : "") +
        (r.blocked.length
          ? ` blocked: ${r.blocked.map((b) => `${b.taskName} ${b.label.action}`).join(", ")}`
          : ""),
    );
  }
  return { problems, token: r.token };
}

describe("stepped runtime, fast-check schedules (POST_FIX_REPAIRED)", () => {
  it("relinquish waits for n_active 0, netfs data is never touched after, every object dies and is freed, reads return the last write", async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb, fc.array(fc.nat(), { maxLength: 400 }), async (w, choices) => {
        const { problems, token } = await runStepped(w, choices);
        if (problems.length > 0) throw new Error(`${problems.join("\n")}\nreplay token: ${token}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe("stepped runtime, the other designs", () => {
  it("POST_FIX: fast-check finds 3.12's ABORT_INIT ref leak (relinquish while waiting for the parent)", async () => {
    const out = await fc.check(
      fc.asyncProperty(workloadArb, fc.array(fc.nat(), { maxLength: 300 }), async (w, choices) => {
        const { problems, token } = await runStepped(w, choices, "POST_FIX");
        if (problems.length > 0) throw new Error(`${problems.join("\n")}\nreplay token: ${token}`);
      }),
      { numRuns: 300, seed: 1 },
    );
    expect(out.failed).toBe(true);
    expect(String(out.errorInstance)).toMatch(/object D\d+ not freed \(OBJECT_DEAD, usage 1\)/);
  });

  it("PRE_FIX oopses when relinquish overtakes an invalidation (§4.3), and the replay token reproduces it", async () => {
    const w: Workload = { threads: [{ ops: [{ kind: "invalidate", wait: false }], retire: false }] };
    let found: { problems: string[]; token: string } | undefined;
    for (let seed = 0; seed < 400 && !found; seed++) {
      const rng =
        fc.sample(fc.array(fc.nat(), { minLength: 300, maxLength: 300 }), { numRuns: 1, seed })[0] ?? [];
      const choices = rng;
      const r = await runStepped(w, choices, "PRE_FIX");
      if (r.problems.some((p) => p.includes("oops"))) found = r;
    }
    expect(found, "no schedule found the PRE_FIX oops").toBeDefined();
    if (!found) return;
    expect(found.problems.join("\n")).toMatch(
      /oops: (InvalidateWrites|InvalidateSubmitOp|InvalidateDone|OpInvalidateObject|UPDATE_OBJECT|UpdateObject): .*(NULL\/freed|cleared netfs data)/,
    );
    // The token is the schedule: replaying it on a fresh setup gives the same failure.
    const runtime = new SteppedRuntime();
    const s = newScenario(runtime, { design: "PRE_FIX" });
    spawnWorkload(s, runtime, w);
    await runtime.runUntilQuiescent(replayChooser(found.token));
    expect(s.cache.inspect().oops).not.toBe("NONE");
  });
});

describe("event-loop runtime, real overlap", () => {
  it("keeps the same properties over the memory backend", async () => {
    await fc.assert(
      fc.asyncProperty(workloadArb, async (w) => {
        const runtime = new EventLoopRuntime();
        const s = newScenario(runtime);
        spawnWorkload(s, runtime, w);
        await runtime.whenIdle();
        expect(runtime.blocked()).toEqual([]);
        expect(endStateProblems(s)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps the same properties over the disk backend", async () => {
    const root = await mkdtemp(join(tmpdir(), "fscache-"));
    try {
      await fc.assert(
        fc.asyncProperty(workloadArb, async (w) => {
          const runtime = new EventLoopRuntime();
          const s = newScenario(runtime, { backend: new DiskBackend(await mkdtemp(join(root, "c"))) });
          spawnWorkload(s, runtime, w);
          await runtime.whenIdle();
          expect(runtime.blocked()).toEqual([]);
          expect(endStateProblems(s)).toEqual([]);
        }),
        { numRuns: 20 },
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
