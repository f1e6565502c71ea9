// A netfs thread's fscache_raise_event at the kernel's grain (FsCacheOptions.raiseWindow, the spec's
// RaiseWindow): the set of the event bit is one step, the test of the object's event_mask and the enqueue the
// next, with cookie->lock held between. The dispatcher stores its mask and then re-reads the events, so one
// side always sees the other's write and no wake-up is lost; DROP_OBJECT, which takes cookie->lock, waits.
// Stepped runtime, memory backend.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { FsCache } from "../../src/fscache/index.ts";
import { firstEnabled, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { acquireFile } from "./drive.ts";

/** A stepped cache with the raise window and one settled data cookie; `run` takes the step named. */
async function cacheWithFile() {
  const runtime = new SteppedRuntime();
  const cache = new FsCache({
    runtime,
    backend: new MemoryBackend(),
    design: "POST_FIX_REPAIRED",
    raiseWindow: true,
  });
  const { cookie } = await acquireFile(runtime, cache);
  const obj = cookie.backing_objects[0];
  if (!obj) throw new Error("no object");
  const labels = (): string[] => runtime.enabled().map((e) => e.label.action);
  const run = async (...actions: string[]): Promise<void> => {
    for (const action of actions) {
      // A facade call spawns its next call's task once the previous one has settled: let that happen.
      await new Promise((resolve) => setImmediate(resolve));
      const step = runtime.enabled().find((e) => e.label.action === action);
      if (!step) throw new Error(`${action} is not enabled: ${labels().join(", ")}`);
      await runtime.runStep(step.taskId);
    }
  };
  return { runtime, cache, cookie, obj, labels, run };
}

/** The dispatcher's steps from a run's start to its unmask, handling the UPDATE that queued it. */
const THROUGH_UPDATE = ["DispatchSelect", "UPDATE_OBJECT", "UpdateObject"];

/**
 * The object runs an update (its mask is 0) and the data thread is inside relinquish's raise of KILL;
 * `endsClean` runs the rest and checks that relinquish returns, nothing oopses and the object is freed.
 */
async function killRaisedWhileRunning(after: readonly string[]) {
  const f = await cacheWithFile();
  const update = f.cache.updateCookie(f.cookie);
  await f.run("UpdateCookie", "UpdateEnqueue", "DispatchStart", ...after);
  await update;
  const relinquish = f.cache.relinquishCookie(f.cookie);
  await f.run("WaitOnPageWrite", "RelinquishCookie", "RelinquishKill");
  expect(f.obj.events.has("KILL")).toBe(true);
  expect(f.cookie.raiseLocker).not.toBeNull();
  const endsClean = async (): Promise<void> => {
    await f.runtime.runUntilQuiescent(firstEnabled);
    await relinquish;
    expect(f.cache.inspect().oops).toBe("NONE");
    expect(f.obj.mem).toBe("FREED");
  };
  return { ...f, endsClean };
}

describe("the raise window", () => {
  it("the bit alone queues nothing; the enqueue step, finding the event in the mask, queues the object", async () => {
    const { cache, cookie, obj, labels, run } = await cacheWithFile();
    expect(obj.wq).toBe("IDLE");
    const update = cache.updateCookie(cookie);
    await run("UpdateCookie");
    expect(obj.events.has("UPDATE")).toBe(true);
    expect(obj.wq).toBe("IDLE");
    expect(labels()).toEqual(["UpdateEnqueue"]);
    await run("UpdateEnqueue");
    expect(obj.wq).toBe("QUEUED");
    expect(cookie.raiseLocker).toBeNull();
    expect(labels()).toEqual(["DispatchStart"]);
    await update;
  });

  it("a bit set before the dispatcher stores its mask is found by its re-read; the enqueue then finds mask 0", async () => {
    const { obj, run, endsClean } = await killRaisedWhileRunning(THROUGH_UPDATE);
    await run("DispatchUnmask", "DispatchRecheck");
    // The re-read saw KILL: the run goes on, every event masked again.
    expect(obj.disp).toBe("DispatchSelect");
    expect(obj.event_mask.size).toBe(0);
    await run("RelinquishEnqueue");
    expect(obj.wq).toBe("RUNNING");
    await endsClean();
  });

  it("an enqueue after the mask is stored queues the running item again: two runs, none lost", async () => {
    const { obj, run, endsClean } = await killRaisedWhileRunning(THROUGH_UPDATE);
    await run("DispatchUnmask", "RelinquishEnqueue");
    expect(obj.wq).toBe("REQUEUED");
    await run("DispatchRecheck");
    expect(obj.disp).toBe("DispatchSelect");
    await endsClean();
  });

  it("DROP_OBJECT waits for the raiser's cookie->lock; KILL_OBJECT, which does not take it, runs", async () => {
    const { runtime, obj, labels, run, endsClean } = await killRaisedWhileRunning([]);
    await run("DispatchSelect", "KILL_OBJECT", "KillTest", "DispatchSelect");
    expect(obj.disp).toBe("DROP_OBJECT");
    expect(labels()).toEqual(["RelinquishEnqueue"]);
    expect(runtime.blocked().map((b) => b.label.action)).toContain("DROP_OBJECT");
    await run("RelinquishEnqueue");
    expect(labels()).toContain("DROP_OBJECT");
    await endsClean();
  });
});
