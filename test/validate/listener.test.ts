// The event-loop runtime's step listener: called once per atomic step, after it and before any other step,
// with the step's label and the task's status; without one the runtime runs as before.

import { describe, expect, it } from "vitest";
import { EventLoopRuntime, type ExecutedStep } from "../../src/runtime/event-loop.ts";
import { label } from "../../src/runtime/runtime.ts";

describe("EventLoopRuntime onStep", () => {
  it("sees every step, in order, with the state the step left", async () => {
    const seen: string[] = [];
    let x = 0;
    const rt = new EventLoopRuntime({
      onStep: (s: ExecutedStep) => seen.push(`${s.taskName} ${s.label.action} x=${x} ${s.status}`),
    });
    const body = (name: string) => async (task: { step(l: ReturnType<typeof label>): Promise<void> }) => {
      x++;
      await task.step(label("B", { t: name }));
      x++;
    };
    const a = rt.spawn("a", label("A", { t: "a" }), body("a"));
    const b = rt.spawn("b", label("A", { t: "b" }), body("b"));
    await Promise.all([a.done, b.done]);
    expect(seen).toEqual(["a A x=1 parked", "b A x=2 parked", "a B x=3 done", "b B x=4 done"]);
  });

  it("reports a failing step", async () => {
    const seen: ExecutedStep[] = [];
    const rt = new EventLoopRuntime({ onStep: (s) => seen.push(s) });
    const h = rt.spawn("f", label("F"), () => Promise.reject(new Error("boom")));
    await expect(h.done).rejects.toThrow("boom");
    expect(seen).toMatchObject([{ taskName: "f", status: "failed" }]);
  });
});
