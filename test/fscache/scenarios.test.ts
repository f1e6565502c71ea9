// Deterministic scenarios: the step labels of a plain acquire/write/read/relinquish, netfs misuse rejected
// with typed errors and no state change, and the production facade on the event-loop runtime.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { FsCache, FsCacheError } from "../../src/fscache/index.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { firstEnabled, formatStep, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, newFile, newScenario, spawnWorkload } from "./workload.ts";

describe("step labels", () => {
  it("follow docs/model.md for one thread run to completion", async () => {
    const runtime = new SteppedRuntime();
    const s = newScenario(runtime);
    spawnWorkload(s, runtime, { threads: [{ ops: [], retire: true }] });
    const r = await runtime.runUntilQuiescent(firstEnabled);
    expect(r.end).toBe("done");
    const netfs = runtime
      .log()
      .filter((l) => l.taskName === "netfs:tD0")
      .map(formatStep);
    expect(netfs).toEqual([
      "netfs:tD0 AcquireCookie(t=tD0)",
      "netfs:tD0 AllocObject(t=tD0)",
      "netfs:tD0 AttachObject(o=I, t=tD0)",
      "netfs:tD0 AttachObject(o=D0, t=tD0)",
      "netfs:tD0 AcquireNewChild(t=tD0)",
      "netfs:tD0 WaitOnPageWrite(t=tD0)",
      "netfs:tD0 RelinquishCookie(retire=true, t=tD0)",
      "netfs:tD0 RelinquishKill(t=tD0)",
      "netfs:tD0 RelinquishDropActive(t=tD0)",
      "netfs:tD0 RelinquishClear(t=tD0)",
      "netfs:tD0 RelinquishPut(t=tD0)",
    ]);
    const view = s.cache.inspect();
    expect(view.threads.find((t) => t.t === "tD0")).toMatchObject({ pc: "Done", retire: true });
    // Every object was freed (freed records leave the registries), each in OBJECT_DEAD.
    expect(view.objects).toEqual([]);
    expect(s.freed.map((o) => o.state)).toEqual(["OBJECT_DEAD", "OBJECT_DEAD"]);
  });
});

describe("misuse", () => {
  it("raises typed errors and changes nothing", async () => {
    const runtime = new EventLoopRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = await cache.acquireCookie(null, indexDef, null);
    expect(index).not.toBeNull();
    const file = newFile("a");
    const cookie = await cache.acquireCookie(index, fileDef(file, 2), file);
    expect(cookie).not.toBeNull();
    if (!index || !cookie) return;
    await runtime.whenIdle();
    const before = JSON.stringify(cache.inspect());
    const code = async (p: Promise<unknown>): Promise<string> => {
      try {
        await p;
        return "none";
      } catch (e) {
        return e instanceof FsCacheError ? e.code : String(e);
      }
    };
    expect(await code(cache.writePage(cookie, 5, new Uint8Array(1)))).toBe("BEYOND_STORE_LIMIT");
    expect(await code(cache.relinquishCookie(index))).toBe("HAS_CHILDREN");
    expect(await code(cache.acquireCookie(cookie, fileDef(newFile("b")), null))).toBe("PARENT_NOT_INDEX");
    expect(await code(cache.acquireCookie(index, { ...indexDef, getKey: () => "a/b" }, null))).toBe(
      "BAD_KEY",
    );
    expect(await code(cache.readPage(index, 0))).toBe("NOT_DATA_COOKIE");
    await runtime.whenIdle();
    expect(JSON.stringify(cache.inspect())).toBe(before);
    await cache.relinquishCookie(cookie);
    expect(await code(cache.relinquishCookie(cookie))).toMatch(/COOKIE_RELINQUISHED|COOKIE_NOT_LIVE/);
    expect(await code(cache.readPage(cookie, 0))).toMatch(/COOKIE_RELINQUISHED|COOKIE_NOT_LIVE/);
    await cache.relinquishCookie(index);
    await runtime.whenIdle();
    expect(cache.inspect().cookies).toEqual([]);
  });
});

describe("facade on the event loop", () => {
  it("caches pages across cookies: write, read back, reacquire, invalidate", async () => {
    const runtime = new EventLoopRuntime();
    const backend = new MemoryBackend();
    const cache = new FsCache({ runtime, backend });
    const index = await cache.acquireCookie(null, indexDef, null);
    const file = newFile("x");
    let cookie = await cache.acquireCookie(index, fileDef(file), file);
    const bytes = new TextEncoder().encode("hello");
    // Before lookup the object takes no ops; wait until the read path says the cache is usable.
    const first = await cache.readPage(cookie, 0);
    expect(first.result).toMatch(/ENODATA|ENOBUFS/);
    expect(await cache.writePage(cookie, 0, bytes)).toBe("OK");
    await cache.waitOnPageWrite(cookie);
    // NO_DATA_YET (set by the NEGATIVE lookup) stays until the next positive lookup: reads only allocate.
    expect((await cache.readPage(cookie, 0)).result).toBe("ENODATA");
    await cache.relinquishCookie(cookie);
    await runtime.whenIdle();
    // A new cookie for the same key finds the data (POSITIVE lookup) once its lookup is done.
    cookie = await cache.acquireCookie(index, fileDef(file), file);
    const again = await cache.readPage(cookie, 0);
    expect(again).toEqual({ result: "OK", data: bytes });
    await cache.invalidate(cookie);
    await cache.waitOnInvalidate(cookie);
    expect((await cache.readPage(cookie, 0)).result).toBe("ENODATA");
    await cache.relinquishCookie(cookie, true);
    await cache.relinquishCookie(index);
    await runtime.whenIdle();
    expect(cache.inspect().oops).toBe("NONE");
    expect(cache.inspect().objects).toEqual([]);
    expect(cache.inspect().cookies).toEqual([]);
  });
});
