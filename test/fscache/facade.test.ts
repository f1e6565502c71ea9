// The facade (FsCache's methods): a null cookie means "not cached" and costs no task; every call is a netfs
// task of its own, named netfs:apiN, whose first step carries the spec's action and parameters; relinquish
// refuses a cookie already on its way out or with children, naming it, and flushes a data cookie's writes
// first; workers are named after their object or op.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { FsCache, FsCacheError } from "../../src/fscache/index.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { label } from "../../src/runtime/runtime.ts";
import { firstEnabled, formatStep, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";
import { settle } from "./drive.ts";

describe("facade", () => {
  it("answers for a null cookie at once, without a task", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend(), design: "PRE_FIX" });
    expect(cache.design).toBe("PRE_FIX");
    expect(await cache.readPage(null, 1)).toEqual({ result: "ENOBUFS", data: null });
    expect(await cache.writePage(null, 1, new Uint8Array(1))).toBe("ENOBUFS");
    expect(await cache.attrChanged(null)).toBe("ENOBUFS");
    expect(await cache.invalidate(null)).toBeUndefined();
    expect(await cache.waitOnInvalidate(null)).toBeUndefined();
    expect(await cache.updateCookie(null)).toBeUndefined();
    expect(await cache.waitOnPageWrite(null)).toBeUndefined();
    expect(await cache.relinquishCookie(null)).toBeUndefined();
    expect(runtime.log()).toEqual([]);
    expect(runtime.enabled()).toEqual([]);
  });

  it("runs each call as a task netfs:apiN whose first step is the spec's action", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const run = <T>(p: Promise<T>): Promise<T> => settle(runtime, p);
    const index = await run(cache.acquireCookie(null, indexDef, null, "I"));
    const file = newFile("f");
    const cookie = await run(cache.acquireCookie(index, fileDef(file, 2), file, "D"));
    expect((await run(cache.readPage(cookie, 1))).result).toMatch(/ENODATA|ENOBUFS/);
    expect(await run(cache.writePage(cookie, 1, new Uint8Array([1])))).toBe("OK");
    await run(cache.updateCookie(cookie));
    expect(await run(cache.attrChanged(cookie))).toMatch(/OK|ENOBUFS/);
    await run(cache.invalidate(cookie));
    await run(cache.waitOnInvalidate(cookie));
    await run(cache.waitOnPageWrite(cookie));
    await run(cache.relinquishCookie(cookie, true));
    await run(cache.relinquishCookie(index));
    const log = runtime.log();
    const firsts = new Map<string, string>();
    for (const s of log) if (!firsts.has(s.taskName)) firsts.set(s.taskName, formatStep(s));
    const netfs = [...firsts.values()].filter((f) => f.startsWith("netfs:"));
    expect(netfs).toEqual([
      "netfs:api1 AcquireCookie(t=api1)",
      "netfs:api2 AcquireCookie(t=api2)",
      "netfs:api3 ReadPage(p=p1, t=api3)",
      "netfs:api4 WritePage(p=p1, t=api4)",
      "netfs:api5 UpdateCookie(t=api5)",
      "netfs:api6 AttrChanged(t=api6)",
      "netfs:api7 Invalidate(t=api7)",
      "netfs:api8 WaitOnInvalidate(t=api8)",
      "netfs:api9 WaitOnPageWrite(t=api9)",
      // Relinquishing a data cookie first waits for its page writes, as a call of its own.
      "netfs:api10 WaitOnPageWrite(t=api10)",
      "netfs:api11 RelinquishCookie(retire=true, t=api11)",
      "netfs:api12 RelinquishCookie(retire=false, t=api12)",
    ]);
    // Workers: one task per object, named after it, starting at DispatchStart; one per op, named op:k.
    expect(firsts.get("object:D")).toBe("object:D DispatchStart(o=D)");
    expect(firsts.get("object:I")).toBe("object:I DispatchStart(o=I)");
    const ops = [...firsts.entries()].filter(([t]) => t.startsWith("op:"));
    expect(ops.length).toBeGreaterThan(0);
    for (const [t, f] of ops) expect(f).toMatch(new RegExp(`^${t} \\w+\\(k=${t.slice(3)}\\)$`));
    // A finished call leaves no thread record behind.
    expect(cache.inspect().threads).toEqual([]);
  });

  it("the task API runs each call in the caller's own task, under the caller's thread name", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const api = cache.netfs;
    const results: unknown[] = [];
    runtime
      .spawn("netfs:tX", label("AcquireCookie", { t: "tX" }), async (task) => {
        const caller = { task, t: "tX", entered: label("AcquireCookie", { t: "tX" }) };
        const index = await api.acquireCookie(caller, null, indexDef, null, "I");
        const file = newFile("h");
        const next = { task, t: "tX" };
        const cookie = await api.acquireCookie(next, index, fileDef(file, 2), file, "D");
        if (!index || !cookie) throw new Error("not cached");
        results.push(await api.updateCookie(next, cookie));
        results.push(await api.attrChanged(next, cookie));
        results.push(await api.invalidate(next, cookie));
        results.push(await api.waitOnInvalidate(next, cookie));
        results.push(await api.waitOnPageWrite(next, cookie));
        await api.relinquishCookie(next, cookie, false);
        await api.relinquishCookie(next, index, false);
      })
      .done.catch(() => undefined);
    const r = await runtime.runUntilQuiescent(firstEnabled);
    expect(r.end).toBe("done");
    const calls = runtime
      .log()
      .filter((l) => l.taskName === "netfs:tX")
      .map(formatStep)
      .filter((f) => /(UpdateCookie|AttrChanged|Invalidate|WaitOnInvalidate|WaitOnPageWrite)\(/.test(f));
    expect(calls).toEqual([
      "netfs:tX UpdateCookie(t=tX)",
      "netfs:tX AttrChanged(t=tX)",
      "netfs:tX Invalidate(t=tX)",
      "netfs:tX WaitOnInvalidate(t=tX)",
      "netfs:tX WaitOnPageWrite(t=tX)",
    ]);
    expect(results[1]).toMatch(/OK|ENOBUFS/);
    expect(cache.inspect().cookies).toEqual([]);
  });

  it("refuses a caller inside a step other than the call's first (WRONG_STEP), before the step changes anything", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const api = cache.netfs;
    const errors: unknown[] = [];
    const inside = label("AcquireCookie", { t: "tX" });
    runtime
      .spawn("netfs:tX", inside, async (task) => {
        const index = await api.acquireCookie({ task, t: "tX", entered: inside }, null, indexDef, null, "I");
        const file = newFile("w");
        const cookie = await api.acquireCookie({ task, t: "tX" }, index, fileDef(file, 2), file, "D");
        if (!cookie) throw new Error("not cached");
        const wrong = [
          // another action, another thread, another parameter
          { task, t: "tX", entered: label("Invalidate", { t: "tX" }) },
          { task, t: "tX", entered: label("UpdateCookie", { t: "tY" }) },
        ];
        await api.updateCookie(wrong[0]!, cookie).catch((e: unknown) => errors.push(e));
        await api.invalidate(wrong[1]!, cookie).catch((e: unknown) => errors.push(e));
        const read = { task, t: "tX", entered: label("ReadPage", { t: "tX", p: "p1" }) };
        await api.readPage(read, cookie, 0).catch((e: unknown) => errors.push(e));
        const wait = { task, t: "tX", entered: label("WaitOnPageWrite", { t: "tY" }) };
        await api.waitOnPageWrite(wait, cookie).catch((e: unknown) => errors.push(e));
        const rel = { task, t: "tX", entered: label("RelinquishCookie", { t: "tX", retire: true }) };
        await api.relinquishCookie(rel, cookie, false).catch((e: unknown) => errors.push(e));
      })
      .done.catch((e: unknown) => errors.push(e));
    await runtime.runUntilQuiescent(firstEnabled);
    expect(errors.map((e) => (e instanceof FsCacheError ? e.message : String(e)))).toEqual([
      "WRONG_STEP: UpdateCookie(t=tX): the task is inside Invalidate(t=tX)",
      "WRONG_STEP: Invalidate(t=tX): the task is inside UpdateCookie(t=tY)",
      "WRONG_STEP: ReadPage(p=p0, t=tX): the task is inside ReadPage(p=p1, t=tX)",
      "WRONG_STEP: WaitOnPageWrite(t=tX): the task is inside WaitOnPageWrite(t=tY)",
      "WRONG_STEP: RelinquishCookie(retire=false, t=tX): the task is inside RelinquishCookie(retire=true, t=tX)",
    ]);
    const d = cache.inspect().cookies.find((c) => c.id === "D");
    // As acquire left it: no INVALIDATING, the baseline n_active unit, the netfs data still there.
    expect(d).toMatchObject({ flags: ["NO_DATA_YET"], n_active: 1, netfs: true, mem: "LIVE" });
  });

  it("names the refused call and the cookie in each misuse message (task API)", async () => {
    const runtime = new EventLoopRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const api = cache.netfs;
    const index = await cache.acquireCookie(null, indexDef, null, "I");
    const file = newFile("m");
    const cookie = await cache.acquireCookie(index, fileDef(file), file, "D");
    if (!index || !cookie) throw new Error("not cached");
    const messages: string[] = [];
    const h = runtime.spawn("netfs:tM", label("Misuse", { t: "tM" }), async (task) => {
      const c = { task, t: "tM" };
      const calls: (() => Promise<unknown>)[] = [
        () => api.invalidate(c, index),
        () => api.waitOnInvalidate(c, index),
        () => api.attrChanged(c, index),
        () => api.readPage(c, index, 0),
        () => api.readPage(c, cookie, -1),
        () => api.waitOnPageWrite(c, index),
      ];
      for (const call of calls) await call().catch((e: unknown) => messages.push(String(e)));
    });
    await h.done;
    await cache.relinquishCookie(cookie);
    await api
      .updateCookie({ task: null as never, t: "tM" }, cookie)
      .catch((e: unknown) => messages.push(String(e)));
    expect(messages).toEqual([
      "FsCacheError: NOT_DATA_COOKIE: invalidate: I is an index",
      "FsCacheError: NOT_DATA_COOKIE: waitOnInvalidate: I is an index",
      "FsCacheError: NOT_DATA_COOKIE: attrChanged: I is an index",
      "FsCacheError: NOT_DATA_COOKIE: readPage: I is an index",
      "FsCacheError: BAD_PAGE: readPage: page -1",
      "FsCacheError: NOT_DATA_COOKIE: waitOnPageWrite: I is an index",
      "FsCacheError: COOKIE_RELINQUISHED: updateCookie: cookie D was relinquished",
    ]);
  });

  it("refuses to relinquish a cookie twice or one with children, naming it", async () => {
    const runtime = new EventLoopRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = await cache.acquireCookie(null, indexDef, null, "I");
    const file = newFile("g");
    const cookie = await cache.acquireCookie(index, fileDef(file), file, "D");
    const refusal = async (p: Promise<unknown>): Promise<[string, string]> => {
      try {
        await p;
        return ["none", ""];
      } catch (e) {
        if (!(e instanceof FsCacheError)) throw e;
        return [e.code, e.message];
      }
    };
    expect(await refusal(cache.relinquishCookie(index))).toEqual([
      "HAS_CHILDREN",
      "HAS_CHILDREN: relinquish: I has 1 children",
    ]);
    // The second relinquish is refused while the first is still flushing (closing), and after it.
    const first = cache.relinquishCookie(cookie);
    expect(await refusal(cache.relinquishCookie(cookie))).toEqual([
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: relinquish: cookie D was relinquished",
    ]);
    await first;
    expect((await refusal(cache.relinquishCookie(cookie)))[0]).toBe("COOKIE_RELINQUISHED");
    await cache.relinquishCookie(index);
    await runtime.whenIdle();
    expect(cache.inspect().cookies).toEqual([]);
  });
});
