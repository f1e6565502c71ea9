// The event-loop runtime: the runtime law suite, plus what only the production runtime promises: it yields
// to the event loop between steps, keeps a step that awaits I/O atomic, and never polls a sleeper.

import { describe, expect, it } from "vitest";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { label } from "../../src/runtime/runtime.ts";
import { runtimeContract } from "./contract.ts";

runtimeContract("event-loop", () => {
  const runtime = new EventLoopRuntime();
  return {
    runtime,
    settle: () => runtime.whenIdle(),
    sleepers: () => runtime.blocked().map((t) => t.taskName),
  };
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("EventLoopRuntime", () => {
  it("leaves a sleeper without a wake-up pending after a bounded time, evaluating its condition once", async () => {
    const runtime = new EventLoopRuntime();
    const q = runtime.waitQueue("q");
    let evaluations = 0;
    let settled = false;
    const h = runtime.spawn("sleeper", label("Go"), async (task) => {
      await task.waitUntil(label("Wait"), q, () => {
        evaluations++;
        return evaluations > 100;
      });
    });
    void h.done.finally(() => (settled = true));
    await sleep(50);
    expect(settled).toBe(false);
    expect(evaluations).toBe(1);
    expect(runtime.blocked()).toEqual([
      { taskId: h.id, taskName: "sleeper", label: label("Wait"), queue: "q" },
    ]);
  });

  it("yields to the event loop between steps, so timers fire while tasks run", async () => {
    const runtime = new EventLoopRuntime();
    let stepsBeforeTimer = -1;
    let steps = 0;
    setTimeout(() => (stepsBeforeTimer = steps), 1);
    const h = runtime.spawn("busy", label("S"), async (task) => {
      const start = Date.now();
      while (Date.now() - start < 30) {
        steps++;
        await task.step(label("S"));
      }
    });
    await h.done;
    expect(stepsBeforeTimer).toBeGreaterThan(0);
    expect(stepsBeforeTimer).toBeLessThan(steps);
  });

  it("keeps a step that awaits I/O atomic: no other task runs until it yields", async () => {
    const runtime = new EventLoopRuntime();
    const log: string[] = [];
    const a = runtime.spawn("a", label("A1"), async (task) => {
      log.push("a1-start");
      await sleep(20);
      log.push("a1-end");
      await task.step(label("A2"));
      log.push("a2");
    });
    const b = runtime.spawn("b", label("B1"), async (task) => {
      log.push("b1");
      await task.step(label("B2"));
      log.push("b2");
    });
    await Promise.all([a.done, b.done]);
    expect(log.slice(0, 2)).toEqual(["a1-start", "a1-end"]);
    expect(log).toEqual(["a1-start", "a1-end", "b1", "a2", "b2"]);
  });

  it("whenIdle resolves at once when nothing is ready", async () => {
    const runtime = new EventLoopRuntime();
    await expect(runtime.whenIdle()).resolves.toBeUndefined();
  });
});
