// The cache's withdrawal on the production path (event-loop runtime, memory backend): it kills every object,
// waits until all are destroyed, and leaves the netfs's cookies usable without a cache; a second withdrawal
// is refused. Conformance to the spec's steps is checked by the MCtrapWithdraw goal traces (test/conformance).

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { FsCache, FsCacheError } from "../../src/fscache/index.ts";
import { firstEnabled, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { facadeWithFile, fileDef, indexDef, newFile } from "./workload.ts";

describe("withdraw", () => {
  it("kills every object, waits for them, and leaves the cookies uncached", async () => {
    const { runtime, cache, index, cookie } = await facadeWithFile("w");
    expect(cookie).not.toBeNull();
    await cache.readPage(cookie, 0);
    await runtime.whenIdle();
    expect(cache.inspect().objects.length).toBe(2);

    await cache.withdraw();
    expect(cache.core.withdrawal).toBe("Withdrawn");
    expect(cache.inspect().objects).toEqual([]);
    expect(cache.core.objectList).toEqual([]);
    expect(cache.core.dying.size).toBe(0);
    // The cookie lives on without an object: calls on it get ENOBUFS; a new data cookie finds no cache.
    expect((await cache.readPage(cookie, 0)).result).toBe("ENOBUFS");
    expect(await cache.acquireCookie(index, fileDef(newFile("v")), newFile("v"))).toBeNull();
    await expect(cache.withdraw()).rejects.toSatisfy(
      (e) => e instanceof FsCacheError && e.code === "WITHDRAWN",
    );

    await cache.relinquishCookie(cookie);
    await cache.relinquishCookie(index);
    await runtime.whenIdle();
    expect(cache.inspect().oops).toBe("NONE");
    expect(cache.inspect().cookies).toEqual([]);
  });

  it("waits for an acquisition under way before taking the cache off the list", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = cache.acquireCookie(null, indexDef, null);
    await runtime.runUntilQuiescent(firstEnabled);
    const file = newFile("a");
    const acquired = cache.acquireCookie(await index, fileDef(file), file);
    const withdrawal = cache.withdraw();
    const labels = (): string[] => runtime.enabled().map((e) => e.label.action);
    const run = async (action: string): Promise<void> => {
      const step = runtime.enabled().find((e) => e.label.action === action);
      if (!step) throw new Error(`${action} is not enabled: ${labels().join(", ")}`);
      await runtime.runStep(step.taskId);
    };
    await run("AcquireCookie");
    await run("WithdrawCache");
    await run("AllocObject");
    // From AllocObject to AcquireNewChild the acquisition holds fscache_addremove_sem: no WithdrawUnlist.
    expect(labels()).toEqual(["AttachObject"]);
    await run("AttachObject");
    await run("AttachObject");
    expect(labels()).toEqual(["AcquireNewChild"]);
    await run("AcquireNewChild");
    expect(labels()).toContain("WithdrawUnlist");
    await runtime.runUntilQuiescent(firstEnabled);
    expect(await acquired).not.toBeNull();
    await withdrawal;
    expect(cache.core.withdrawal).toBe("Withdrawn");
    expect(cache.inspect().objects).toEqual([]);
  });
});
