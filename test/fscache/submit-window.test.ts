// A reader's submit at the kernel's grain (FsCacheOptions.submitWindow, the spec's SubmitWindow): its test of
// the object and its count of the op are two steps with object->lock held between. 3.12's KILL_OBJECT clears
// IS_LIVE without that lock and may run in between (finding F13); the repair makes it wait. Stepped runtime,
// memory backend; the KILL is raised as the write error or a withdrawal would raise it.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { FsCache } from "../../src/fscache/index.ts";
import type { Design } from "../../src/fscache/names.ts";
import { enqueueObject, raiseEvent } from "../../src/fscache/object.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import { firstEnabled, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";

/**
 * A stepped cache with the submit window and one data cookie, acquired and settled; `labels` lists the enabled
 * steps and `run` takes the one named.
 */
async function cacheWithFile(design: Design, name: string) {
  const runtime = new SteppedRuntime();
  const cache = new FsCache({ runtime, backend: new MemoryBackend(), design, submitWindow: true });
  const index = cache.acquireCookie(null, indexDef, null);
  await runtime.runUntilQuiescent(firstEnabled);
  const file = newFile(name);
  const acquired = cache.acquireCookie(await index, fileDef(file), file);
  await runtime.runUntilQuiescent(firstEnabled);
  const cookie = await acquired;
  if (!cookie) throw new Error("no cookie");
  const labels = (): string[] => runtime.enabled().map((e) => e.label.action);
  const run = async (action: string): Promise<void> => {
    const step = runtime.enabled().find((e) => e.label.action === action);
    if (!step) throw new Error(`${action} is not enabled: ${labels().join(", ")}`);
    await runtime.runStep(step.taskId);
  };
  return { runtime, cache, cookie, labels, run };
}

/** A cache with one data cookie whose object is available, and a read stopped inside its locked submit. */
async function readerInsideSubmit(design: Design) {
  const { runtime, cache, cookie, labels, run } = await cacheWithFile(design, "a");
  const obj = cookie.backing_objects[0];
  if (!obj) throw new Error("no object");
  expect(obj.flags.has("IS_AVAILABLE")).toBe(true);

  const read = cache.readPage(cookie, 0);
  read.catch(() => undefined);
  await run("ReadPage");
  await run("ReadWaitLookup");
  expect(labels()).toEqual(["ReadSubmitActive"]);
  expect(obj.submitLocker).not.toBeNull();
  // The KILL a failed page write (ERROR) or the withdrawal would raise, with the object idle: it is queued.
  raiseEvent(cache.core, obj, "KILL");
  await run("DispatchStart");
  await run("DispatchSelect");
  return { runtime, cache, obj, labels, run, read };
}

describe("the submit window (F13)", () => {
  it("3.12: KILL_OBJECT runs inside the reader's locked submit, and the op outlives its dropped object", async () => {
    const { cache, obj, labels, run } = await readerInsideSubmit("POST_FIX");
    expect(labels().sort()).toEqual(["KILL_OBJECT", "ReadSubmitActive"]);
    await run("KILL_OBJECT");
    expect(obj.flags.has("IS_LIVE")).toBe(false);
    // The unlocked test of the counters sees no op yet: the object is to be dropped.
    await run("KillTest");
    await run("DispatchSelect");
    // DROP_OBJECT takes cookie->lock, which the reader holds: it waits.
    expect(labels()).toEqual(["ReadSubmitActive"]);
    await run("ReadSubmitActive");
    expect(obj.n_ops).toBe(1);
    expect(obj.submitLocker).toBeNull();
    await run("ReadWaitActive");
    await run("ReadIO");
    await run("DROP_OBJECT");
    expect(obj.mem).toBe("FREED");
    // The reader's put of its op goes through the freed object.
    await run("ReadPutOp");
    expect(cache.inspect().oops).toBe(SPEC_OOPS.OpRelease);
  });

  it("repaired: KILL_OBJECT waits for the reader's lock, then sees the op counted", async () => {
    const { runtime, cache, obj, labels, run, read } = await readerInsideSubmit("POST_FIX_REPAIRED");
    expect(labels()).toEqual(["ReadSubmitActive"]);
    await run("ReadSubmitActive");
    expect(labels().sort()).toEqual(["KILL_OBJECT", "ReadWaitActive"]);
    await run("KILL_OBJECT");
    await run("KillTest");
    // The op is counted: KILL_OBJECT waits for it instead of dropping the object.
    expect(obj.disp).toBe("KillStartOps");
    await runtime.runUntilQuiescent(firstEnabled);
    expect((await read).result).toBe("ENODATA");
    expect(cache.inspect().oops).toBe("NONE");
    expect(obj.mem).toBe("FREED");
  });

  it("the dispatcher's own steps, which take neither lock, run inside a reader's locked submit", async () => {
    const { runtime, cache, cookie, labels, run } = await cacheWithFile("POST_FIX_REPAIRED", "c");
    const obj = cookie.backing_objects[0];
    if (!obj) throw new Error("no object");
    const read = cache.readPage(cookie, 0);
    await run("ReadPage");
    await run("ReadWaitLookup");
    expect(labels()).toEqual(["ReadSubmitActive"]);
    // Queue the work item with no event pending, and again while it runs: two runs that each wake for nothing,
    // the second starting from the first one's end (a DispatchStart of the same task).
    enqueueObject(cache.core, obj);
    await run("DispatchStart");
    enqueueObject(cache.core, obj);
    expect(obj.wq).toBe("REQUEUED");
    for (const step of ["DispatchSelect", "DispatchUnmask", "DispatchRecheck", "DispatchStart"])
      await run(step);
    for (const step of ["DispatchSelect", "DispatchUnmask", "DispatchRecheck"]) await run(step);
    expect(obj.wq).toBe("IDLE");
    expect(labels()).toEqual(["ReadSubmitActive"]);
    await runtime.runUntilQuiescent(firstEnabled);
    expect((await read).result).toBe("ENODATA");
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("an op worker's first step waits while a submitter holds its object's lock", async () => {
    const { runtime, cache, cookie, labels, run } = await cacheWithFile("POST_FIX_REPAIRED", "b");
    const first = cache.readPage(cookie, 0);
    await runtime.runUntilQuiescent(firstEnabled);
    await first;
    // A write starts its op at once (the object is active): the op worker's first step is WriteOp.
    const write = cache.writePage(cookie, 0, new Uint8Array(cache.core.pageSize));
    await run("WritePage");
    await run("WriteSubmitActive");
    expect(labels()).toContain("WriteOp");
    // A read enters its locked submit: the write op waits until the reader counts its op.
    const read = cache.readPage(cookie, 0);
    await run("ReadPage");
    await run("ReadWaitLookup");
    expect(labels()).toEqual(["ReadSubmitActive"]);
    expect(runtime.blocked().map((b) => b.label.action)).toContain("WriteOp");
    await run("ReadSubmitActive");
    expect(labels()).toContain("WriteOp");
    await runtime.runUntilQuiescent(firstEnabled);
    expect(await write).toBe("OK");
    expect((await read).result).toBe("ENODATA");
    expect(cache.inspect().oops).toBe("NONE");
  });

  /** attr_changed stopped inside its locked exclusive submit, with a KILL queued on the idle object. */
  async function attrInsideSubmit(design: Design) {
    const { runtime, cache, cookie, labels, run } = await cacheWithFile(design, "d");
    const obj = cookie.backing_objects[0];
    if (!obj) throw new Error("no object");
    const attr = cache.attrChanged(cookie);
    await run("AttrChanged");
    expect(labels()).toEqual(["AttrSubmitActive"]);
    expect(obj.submitLocker).not.toBeNull();
    raiseEvent(cache.core, obj, "KILL");
    await run("DispatchStart");
    await run("DispatchSelect");
    return { runtime, cache, obj, labels, run, attr };
  }

  it("3.12: KILL_OBJECT runs inside attr_changed's locked submit, which then counts its op on the dying object", async () => {
    const { obj, labels, run } = await attrInsideSubmit("POST_FIX");
    expect(labels().sort()).toEqual(["AttrSubmitActive", "KILL_OBJECT"]);
    await run("KILL_OBJECT");
    expect(obj.flags.has("IS_LIVE")).toBe(false);
    await run("KillTest");
    await run("DispatchSelect");
    // DROP_OBJECT needs cookie->lock, which the submitter holds.
    expect(labels()).toEqual(["AttrSubmitActive"]);
    await run("AttrSubmitActive");
    // The branch stands as tested: the op is counted, as exclusive, after IS_LIVE was cleared (F13).
    expect(obj.n_ops).toBe(1);
    expect(obj.n_exclusive).toBe(1);
    expect(obj.submitLocker).toBeNull();
  });

  it("repaired: KILL_OBJECT waits for attr_changed's lock, and the op is run before the object dies", async () => {
    const { runtime, cache, obj, labels, run, attr } = await attrInsideSubmit("POST_FIX_REPAIRED");
    expect(labels()).toEqual(["AttrSubmitActive"]);
    await run("AttrSubmitActive");
    expect(obj.n_exclusive).toBe(1);
    await run("KILL_OBJECT");
    await run("KillTest");
    expect(obj.disp).toBe("KillStartOps");
    await runtime.runUntilQuiescent(firstEnabled);
    expect(await attr).toBe("OK");
    expect(cache.inspect().oops).toBe("NONE");
    expect(obj.mem).toBe("FREED");
  });
});
