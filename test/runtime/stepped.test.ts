// The stepped runtime: the runtime law suite, plus the scheduler's own promises: enabled lists in creation
// order, exactly one step per runStep, deadlock detection, a log and replay token that reproduce a schedule.

import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { label, type StepLabel } from "../../src/runtime/runtime.ts";
import { decodeReplayToken, encodeReplayToken, ReplayTokenError } from "../../src/runtime/replay-token.ts";
import {
  choicesChooser,
  firstEnabled,
  formatStep,
  randomChooser,
  replayChooser,
  roundRobin,
  SchedulerError,
  SteppedRuntime,
  type StepOutcome,
} from "../../src/runtime/stepped.ts";
import { runtimeContract } from "./contract.ts";

runtimeContract("stepped", () => {
  const runtime = new SteppedRuntime();
  return {
    runtime,
    settle: async () => {
      await runtime.runUntilQuiescent(roundRobin(), { stopOnError: false });
    },
    sleepers: () => runtime.blocked().map((t) => t.taskName),
  };
});

const L = (action: string, params: Record<string, string | number> = {}): StepLabel => label(action, params);

/**
 * A small system of three tasks sharing a counter and a wait queue: two workers bump the counter in
 * separate steps and wake the queue; a waiter sleeps until the counter reaches 4, then spawns a child.
 */
function system(rt: SteppedRuntime): { state: () => number[] } {
  const q = rt.waitQueue("q");
  let counter = 0;
  const trail: number[] = [];
  for (const w of ["w1", "w2"]) {
    rt.spawn(w, L("Bump", { t: w, i: 0 }), async (task) => {
      for (let i = 0; i < 2; i++) {
        if (i > 0) await task.step(L("Bump", { t: w, i }));
        counter++;
        trail.push(counter);
        rt.wake(q);
      }
    });
  }
  rt.spawn("waiter", L("Start"), async (task) => {
    await task.waitUntil(L("Woken"), q, () => counter === 4);
    trail.push(-1);
    rt.spawn("child", L("Child"), async (c) => {
      trail.push(-2);
      await c.step(L("ChildEnd"));
    });
  });
  return { state: () => [...trail] };
}

describe("SteppedRuntime", () => {
  it("lists enabled steps in creation order, with spawned tasks at their first label", () => {
    const rt = new SteppedRuntime();
    rt.spawn("b", L("First", { t: "b" }), () => Promise.resolve());
    rt.spawn("a", L("First", { t: "a" }), () => Promise.resolve());
    expect(rt.enabled()).toEqual([
      { taskId: 1, taskName: "b", label: L("First", { t: "b" }) },
      { taskId: 2, taskName: "a", label: L("First", { t: "a" }) },
    ]);
  });

  it("runs exactly one step per runStep and reports it", async () => {
    const rt = new SteppedRuntime();
    const log: string[] = [];
    const h = rt.spawn("t", L("A"), async (task) => {
      log.push("A");
      await task.step(L("B"));
      log.push("B");
    });
    const o1 = await rt.runStep(h.id);
    expect(log).toEqual(["A"]);
    expect(o1).toEqual({ taskId: h.id, taskName: "t", label: L("A"), index: 0, choice: 0, status: "parked" });
    expect(rt.enabled().map((s) => s.label)).toEqual([L("B")]);
    const o2 = await rt.runStep(h.id);
    expect(log).toEqual(["A", "B"]);
    expect(o2.status).toBe("done");
    expect(rt.enabled()).toEqual([]);
    expect(rt.liveTasks()).toBe(0);
    expect(rt.log().map(formatStep)).toEqual(["t A", "t B"]);
  });

  it("waits for a step that awaits real I/O, running nothing else meanwhile", async () => {
    const rt = new SteppedRuntime();
    const log: string[] = [];
    const a = rt.spawn("a", L("Read"), async () => {
      const text = await readFile(new URL(import.meta.url), "utf8");
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`read ${text.length > 0}`);
    });
    rt.spawn("b", L("Other"), () => {
      log.push("b");
      return Promise.resolve();
    });
    const outcome = await rt.runStep(a.id);
    expect(outcome.status).toBe("done");
    expect(log).toEqual(["read true"]);
  });

  it("refuses steps that are not enabled, unknown tasks, and overlapping runStep calls", async () => {
    const rt = new SteppedRuntime();
    const q = rt.waitQueue("q");
    const sleeper = rt.spawn("s", L("Go"), async (task) => {
      await task.waitUntil(L("W"), q, () => false);
    });
    await rt.runStep(sleeper.id);
    await expect(rt.runStep(sleeper.id)).rejects.toMatchObject({ code: "NOT_ENABLED" });
    await expect(rt.runStep(99)).rejects.toBeInstanceOf(SchedulerError);
    const slow = rt.spawn("slow", L("Slow"), () => new Promise((resolve) => setTimeout(resolve, 10)));
    const first = rt.runStep(slow.id);
    await expect(rt.runStep(slow.id)).rejects.toMatchObject({ code: "BUSY" });
    await first;
  });

  it("detects a deadlock and lists the sleepers with their labels and queues", async () => {
    const rt = new SteppedRuntime();
    const q = rt.waitQueue("never");
    rt.spawn("stuck", L("Go"), async (task) => {
      await task.waitUntil(L("Wait", { t: "tA" }), q, () => false);
    });
    rt.spawn("fine", L("Go"), () => Promise.resolve());
    const result = await rt.runUntilQuiescent(firstEnabled);
    expect(result.end).toBe("deadlock");
    expect(result.steps).toBe(2);
    expect(result.blocked).toEqual([
      { taskId: 1, taskName: "stuck", label: L("Wait", { t: "tA" }), queue: "never" },
    ]);
    expect(rt.deadlocked()).toBe(true);
  });

  it("re-checks the conditions woken inside a step when the step ends", async () => {
    const rt = new SteppedRuntime();
    const q = rt.waitQueue("q");
    let flag = false;
    const waiter = rt.spawn("waiter", L("Go"), async (task) => {
      await task.waitUntil(L("Wait"), q, () => flag);
    });
    const waker = rt.spawn("waker", L("Wake"), async () => {
      rt.wake(q); // the condition is still false here,
      flag = true; // but true when the atomic step ends
      return Promise.resolve();
    });
    await rt.runStep(waiter.id);
    expect(rt.enabled().map((s) => s.taskName)).toEqual(["waker"]);
    await rt.runStep(waker.id);
    expect(rt.enabled()).toEqual([{ taskId: waiter.id, taskName: "waiter", label: L("Wait") }]);
  });

  it("puts a woken sleeper back to sleep when a later step falsifies its condition", async () => {
    const rt = new SteppedRuntime();
    const q = rt.waitQueue("q");
    let flag = false;
    const waiter = rt.spawn("waiter", L("Go"), async (task) => {
      await task.waitUntil(L("Wait"), q, () => flag);
    });
    const other = rt.spawn("other", L("Open"), async (task) => {
      flag = true;
      rt.wake(q);
      await task.step(L("Close"));
      flag = false;
      await task.step(L("Reopen"));
      flag = true; // no wake-up this time
    });
    await rt.runStep(waiter.id);
    await rt.runStep(other.id);
    expect(rt.enabled().map((s) => s.taskName)).toEqual(["waiter", "other"]);
    await rt.runStep(other.id);
    await rt.runStep(other.id);
    expect(rt.enabled()).toEqual([]);
    expect(rt.deadlocked()).toBe(true);
  });

  it("registers a task spawned inside a step parked at its first label, its body not yet run", async () => {
    const rt = new SteppedRuntime();
    let childRan = false;
    const parent = rt.spawn("parent", L("P"), async () => {
      rt.spawn("child", L("C", { n: 1 }), () => {
        childRan = true;
        return Promise.resolve();
      });
      return Promise.resolve();
    });
    await rt.runStep(parent.id);
    expect(childRan).toBe(false);
    expect(rt.enabled()).toEqual([{ taskId: 2, taskName: "child", label: L("C", { n: 1 }) }]);
  });

  it("reports a failing step in its outcome and stops runUntilQuiescent there", async () => {
    const seen: StepOutcome[] = [];
    const rt = new SteppedRuntime({ onStep: (o) => seen.push(o) });
    const boom = new Error("oops");
    rt.spawn("bad", L("A"), async (task) => {
      await task.step(L("B"));
      throw boom;
    });
    rt.spawn("good", L("G"), async (task) => {
      await task.step(L("G2"));
    });
    const result = await rt.runUntilQuiescent(firstEnabled);
    expect(result.end).toBe("error");
    expect(result.failure).toMatchObject({ taskName: "bad", label: L("B"), status: "failed", error: boom });
    expect(seen.map((o) => o.status)).toEqual(["parked", "failed"]);
    const rest = await rt.runUntilQuiescent(firstEnabled);
    expect(rest).toMatchObject({ end: "done", steps: 2 });
  });

  it("stops where the chooser says, and at the step limit", async () => {
    const rt = new SteppedRuntime();
    rt.spawn("loop", L("S"), async (task) => {
      for (;;) await task.step(L("S"));
    });
    expect(await rt.runUntilQuiescent(choicesChooser([0, 0, 0]))).toMatchObject({ end: "stopped", steps: 3 });
    expect(await rt.runUntilQuiescent(firstEnabled, { maxSteps: 5 })).toMatchObject({
      end: "limit",
      steps: 5,
    });
    await expect(rt.runUntilQuiescent(() => 7)).rejects.toMatchObject({ code: "BAD_CHOICE" });
  });

  it("is deterministic: the same choices give the same log", async () => {
    const logs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const rt = new SteppedRuntime();
      system(rt);
      await rt.runUntilQuiescent(randomChooser(42));
      logs.push(rt.log().map(formatStep));
    }
    expect(logs[1]).toEqual(logs[0]);
    expect(logs[2]).toEqual(logs[0]);
  });

  it("replays a schedule from its token, on a fresh runtime", async () => {
    const rt = new SteppedRuntime();
    const sys = system(rt);
    const first = await rt.runUntilQuiescent(randomChooser(7));
    expect(first.end).toBe("done");
    const again = new SteppedRuntime();
    const sys2 = system(again);
    const replayed = await again.runUntilQuiescent(replayChooser(first.token));
    expect(replayed.end).toBe("done");
    expect(again.log()).toEqual(rt.log());
    expect(replayed.token).toBe(first.token);
    expect(sys2.state()).toEqual(sys.state());
  });

  it("property: any schedule keeps each task's step order and replays from its token", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 30 }), async (choices) => {
        const rt = new SteppedRuntime();
        const sys = system(rt);
        const run = await rt.runUntilQuiescent(choicesChooser(choices, firstEnabled));
        expect(run.end).toBe("done");
        const labels = (name: string) =>
          rt
            .log()
            .filter((s) => s.taskName === name)
            .map((s) => formatStep(s));
        expect(labels("w1")).toEqual(["w1 Bump(i=0, t=w1)", "w1 Bump(i=1, t=w1)"]);
        expect(labels("waiter")).toEqual(["waiter Start", "waiter Woken"]);
        expect(sys.state().slice(0, 4)).toEqual([1, 2, 3, 4]);

        const again = new SteppedRuntime();
        const sys2 = system(again);
        await again.runUntilQuiescent(replayChooser(run.token));
        expect(again.log()).toEqual(rt.log());
        expect(sys2.state()).toEqual(sys.state());
      }),
      { numRuns: 100 },
    );
  });
});

describe("replay tokens", () => {
  it("round-trips any index sequence", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(40), fc.nat())), (indices) => {
        expect(decodeReplayToken(encodeReplayToken(indices))).toEqual(indices);
      }),
    );
  });

  it("encodes small indices as one character each", () => {
    expect(encodeReplayToken([0, 1, 31])).toBe("ABf");
    expect(encodeReplayToken([32])).toBe("gB");
  });

  it("rejects malformed tokens with a clear error", () => {
    expect(() => decodeReplayToken("AB*")).toThrow(ReplayTokenError);
    expect(() => decodeReplayToken("g")).toThrow(/ends inside an index/);
  });
});
