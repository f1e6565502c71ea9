// The API misuse checks (misuse.ts) condition by condition, each refusal's code and message, and that a refused
// call changes nothing; the facade's own relinquish refusal (cache.ts), which answers before any task runs; and
// the parts of the shared core (context.ts) and of the cookie (cookie.ts) that a refusal or a withdrawal makes
// visible: wait-queue names, id allocation, the object list, fault recording, wake-ups.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import {
  clearCookieFlag,
  type Cookie,
  discardPendingStores,
  unuseCookie,
  useCookie,
} from "../../src/fscache/cookie.ts";
import { OopsError } from "../../src/fscache/errors.ts";
import { FsCache, FsCacheError } from "../../src/fscache/index.ts";
import {
  checkAcquire,
  checkData,
  checkLive,
  checkPage,
  checkRelinquish,
  checkWithdraw,
  checkWritePage,
} from "../../src/fscache/misuse.ts";
import { DESIGN_REPAIRS, type Design, type Repair } from "../../src/fscache/names.ts";
import { allocOp } from "../../src/fscache/operation.ts";
import { touch } from "../../src/fscache/revision.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { label, type WaitQueue } from "../../src/runtime/runtime.ts";
import { type Chooser, firstEnabled, formatStep, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";
import { settle } from "./drive.ts";

type Refusal = [code: string, message: string];

/** The code and message of the FsCacheError `f` throws (or rejects with), or ["none", ""]. */
async function refusal(f: () => unknown): Promise<Refusal> {
  try {
    await f();
    return ["none", ""];
  } catch (e) {
    if (!(e instanceof FsCacheError)) throw e;
    return [e.code, e.message];
  }
}

/** As `refusal`, for a check that must answer synchronously. */
function refusalNow(f: () => unknown): Refusal {
  try {
    f();
    return ["none", ""];
  } catch (e) {
    if (!(e instanceof FsCacheError)) throw e;
    return [e.code, e.message];
  }
}

const OK: Refusal = ["none", ""];

/** An event-loop cache with index I and data cookie D of `pages` pages (store limit `pages`). */
async function eventLoopCache(pages = 2, design: Design = "POST_FIX_REPAIRED") {
  const runtime = new EventLoopRuntime();
  const cache = new FsCache({ runtime, backend: new MemoryBackend(), design });
  const index = await cache.acquireCookie(null, indexDef, null, "I");
  const file = newFile("f");
  const cookie = await cache.acquireCookie(index, fileDef(file, pages), file, "D");
  if (!index || !cookie) throw new Error("not cached");
  await runtime.whenIdle();
  return { runtime, cache, index, cookie, file };
}

/** A stepped runtime that records the name of every wait queue woken. */
class WakeRecorder extends SteppedRuntime {
  readonly wakes: string[] = [];
  override wake(queue: WaitQueue): void {
    this.wakes.push(queue.name);
    super.wake(queue);
  }
}

/** Only the steps of tasks whose name starts with `prefix`; stops when none is enabled. */
function only(prefix: string): Chooser {
  return (enabled) => {
    const i = enabled.findIndex((e) => e.taskName.startsWith(prefix));
    return i < 0 ? undefined : i;
  };
}

/** A stepped cache with index I and data cookie D acquired and every worker run to the end. */
async function steppedCache(runtime: SteppedRuntime = new SteppedRuntime()) {
  const cache = new FsCache({ runtime, backend: new MemoryBackend() });
  const index = await settle(runtime, cache.acquireCookie(null, indexDef, null, "I"));
  const file = newFile("s");
  const cookie = await settle(runtime, cache.acquireCookie(index, fileDef(file, 2), file, "D"));
  if (!index || !cookie) throw new Error("not cached");
  return { runtime, cache, index, cookie, file };
}

/** Relinquishes `cookie` through the task API (not the facade) in task netfs:tR, running only netfs tasks. */
async function relinquishByTask(runtime: SteppedRuntime, cache: FsCache, cookie: Cookie): Promise<void> {
  const entered = label("RelinquishCookie", { t: "tR", retire: false });
  const h = runtime.spawn("netfs:tR", entered, (task) =>
    cache.netfs.relinquishCookie({ task, t: "tR", entered }, cookie, false),
  );
  await runtime.runUntilQuiescent(only("netfs:"));
  await h.done;
}

describe("checkLive / checkData", () => {
  it("accepts a live cookie; refuses a closing one unless the call is relinquish's own; refuses a relinquishing one always", async () => {
    const { cookie } = await eventLoopCache();
    expect(refusalNow(() => checkLive(cookie, "someCall"))).toEqual(OK);
    expect(refusalNow(() => checkData(cookie, "someCall"))).toEqual(OK);

    cookie.closing = true;
    const relinquished: Refusal = [
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: someCall: cookie D was relinquished",
    ];
    expect(refusalNow(() => checkLive(cookie, "someCall"))).toEqual(relinquished);
    expect(refusalNow(() => checkLive(cookie, "someCall", false))).toEqual(relinquished);
    expect(refusalNow(() => checkData(cookie, "someCall"))).toEqual(relinquished);
    expect(refusalNow(() => checkLive(cookie, "someCall", true))).toEqual(OK);
    expect(refusalNow(() => checkData(cookie, "someCall", true))).toEqual(OK);

    cookie.closing = false;
    cookie.relinquishing = true;
    expect(refusalNow(() => checkLive(cookie, "someCall", true))).toEqual(relinquished);
    expect(refusalNow(() => checkData(cookie, "someCall", true))).toEqual(relinquished);
  });

  it("refuses a cookie that is not live, naming its memory state, before anything else", async () => {
    const { cookie, index } = await eventLoopCache();
    for (const mem of ["FREED", "UNBORN"] as const) {
      cookie.mem = mem;
      index.mem = mem;
      const notLive = (id: string): Refusal => [
        "COOKIE_NOT_LIVE",
        `COOKIE_NOT_LIVE: someCall: cookie ${id} is ${mem}`,
      ];
      expect(refusalNow(() => checkLive(cookie, "someCall", true))).toEqual(notLive("D"));
      // Not live is reported rather than relinquished, and rather than "an index".
      cookie.relinquishing = true;
      expect(refusalNow(() => checkLive(cookie, "someCall"))).toEqual(notLive("D"));
      cookie.relinquishing = false;
      expect(refusalNow(() => checkData(index, "someCall"))).toEqual(notLive("I"));
    }
  });

  it("checkData refuses an index cookie, naming the call and the cookie", async () => {
    const { index } = await eventLoopCache();
    expect(refusalNow(() => checkLive(index, "someCall"))).toEqual(OK);
    expect(refusalNow(() => checkData(index, "someCall"))).toEqual([
      "NOT_DATA_COOKIE",
      "NOT_DATA_COOKIE: someCall: I is an index",
    ]);
    expect(refusalNow(() => checkData(index, "other", true))).toEqual([
      "NOT_DATA_COOKIE",
      "NOT_DATA_COOKIE: other: I is an index",
    ]);
  });

  it("through the facade: a call on a cookie whose relinquish is flushing is refused, the relinquish's own wait is not", async () => {
    const { runtime, cache, cookie } = await eventLoopCache();
    const relinquish = cache.relinquishCookie(cookie);
    // closing is set at once; the relinquish's WaitOnPageWrite (closing allowed) has not run yet.
    expect(cookie.closing).toBe(true);
    expect(cookie.relinquishing).toBe(false);
    expect(await refusal(() => cache.updateCookie(cookie))).toEqual([
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: updateCookie: cookie D was relinquished",
    ]);
    await relinquish;
    await runtime.whenIdle();
    expect(cookie.mem).toBe("FREED");
    expect(cache.inspect().oops).toBe("NONE");
    // A freed cookie: the facade's waitOnPageWrite runs the check (closing allowed, still not live).
    expect(await refusal(() => cache.waitOnPageWrite(cookie))).toEqual([
      "COOKIE_NOT_LIVE",
      "COOKIE_NOT_LIVE: waitOnPageWrite: cookie D is FREED",
    ]);
    expect(await refusal(() => cache.updateCookie(cookie))).toEqual([
      "COOKIE_NOT_LIVE",
      "COOKIE_NOT_LIVE: updateCookie: cookie D is FREED",
    ]);
  });
});

describe("checkPage", () => {
  const bad = (page: number): Refusal => ["BAD_PAGE", `BAD_PAGE: someCall: page ${page}`];

  it("accepts the non-negative safe integers, the bounds included", () => {
    for (const page of [0, -0, 1, 7, Number.MAX_SAFE_INTEGER])
      expect(refusalNow(() => checkPage(page, "someCall"))).toEqual(OK);
  });

  it("refuses a negative integer (safe, so only the sign refuses it)", () => {
    for (const page of [-1, -2, Number.MIN_SAFE_INTEGER])
      expect(refusalNow(() => checkPage(page, "someCall"))).toEqual(bad(page));
  });

  it("refuses a non-negative number that is not a safe integer (only the integer test refuses it)", () => {
    for (const page of [0.5, 1.5, Number.MAX_SAFE_INTEGER + 1, Infinity, NaN])
      expect(refusalNow(() => checkPage(page, "someCall"))).toEqual(bad(page));
  });

  it("refuses a negative non-integer", () => {
    for (const page of [-0.5, -Infinity])
      expect(refusalNow(() => checkPage(page, "someCall"))).toEqual(bad(page));
  });

  it("through the facade: readPage and writePage name themselves and the page", async () => {
    const { runtime, cache, cookie } = await eventLoopCache();
    expect(await refusal(() => cache.readPage(cookie, 1.5))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: readPage: page 1.5",
    ]);
    expect(await refusal(() => cache.readPage(cookie, -1))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: readPage: page -1",
    ]);
    expect(await refusal(() => cache.writePage(cookie, -1, new Uint8Array(1)))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: writePage: page -1",
    ]);
    expect(await refusal(() => cache.writePage(cookie, 0.5, new Uint8Array(1)))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: writePage: page 0.5",
    ]);
    await runtime.whenIdle();
    expect(cache.inspect().cookies.find((c) => c.id === "D")?.stores).toEqual({});
  });
});

describe("checkAcquire", () => {
  /** A data cookie definition with key `key`, counting the getKey calls. */
  const keyed = (key: string) => {
    const calls: string[] = [];
    const def = { name: "k", type: "DATAFILE" as const, getKey: () => (calls.push(key), key) };
    return { def, calls };
  };

  it("returns the netfs's key; accepts a fresh id or none", () => {
    const { def, calls } = keyed("file-1");
    expect(checkAcquire(new Map(), null, () => def.getKey(), undefined)).toBe("file-1");
    expect(checkAcquire(new Map(), null, () => def.getKey(), "X")).toBe("file-1");
    expect(calls).toEqual(["file-1", "file-1"]);
  });

  it("refuses an empty key, a key with a slash, a key with a NUL, each on its own", async () => {
    const { cache, index } = await eventLoopCache();
    for (const key of ["", "a/b", "/", "a\0b", "\0"]) {
      const { def, calls } = keyed(key);
      expect(await refusal(() => cache.acquireCookie(index, def, null))).toEqual([
        "BAD_KEY",
        `BAD_KEY: acquire: key ${JSON.stringify(key)}`,
      ]);
      expect(calls).toEqual([key]);
    }
    expect(JSON.stringify("a\0b")).toBe('"a\\u0000b"');
    // Neighbours of the refused keys are fine.
    for (const key of ["a", "a\\b", "a.b"]) {
      const { def } = keyed(key);
      expect(await refusal(() => cache.acquireCookie(index, def, null))).toEqual(OK);
    }
  });

  it("refuses an id in use (even with a good key), and changes nothing", async () => {
    const { cache, index } = await eventLoopCache();
    const before = cache.inspect();
    for (const id of ["D", "I"]) {
      const file = newFile(`x${id}`);
      expect(await refusal(() => cache.acquireCookie(index, fileDef(file), file, id))).toEqual([
        "BAD_KEY",
        `BAD_KEY: acquire: cookie id ${id} in use`,
      ]);
    }
    expect(cache.inspect()).toEqual(before);
    const file = newFile("e");
    const e = await cache.acquireCookie(index, fileDef(file), file, "E");
    expect(e?.id).toBe("E");
    const direct = new Map([["E", e as Cookie]]);
    expect(refusalNow(() => checkAcquire(direct, null, () => "k", "E"))).toEqual([
      "BAD_KEY",
      "BAD_KEY: acquire: cookie id E in use",
    ]);
    expect(refusalNow(() => checkAcquire(direct, null, () => "k", "F"))).toEqual(OK);
  });

  it("refuses a data parent, and one that is not live or relinquished, without asking the netfs for the key", async () => {
    const { runtime, cache, index, cookie } = await eventLoopCache();
    const { def, calls } = keyed("child");
    expect(await refusal(() => cache.acquireCookie(cookie, def, null))).toEqual([
      "PARENT_NOT_INDEX",
      "PARENT_NOT_INDEX: acquire: parent D is data",
    ]);
    const closing = cache.relinquishCookie(cookie);
    expect(await refusal(() => cache.acquireCookie(cookie, def, null))).toEqual([
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: acquire: cookie D was relinquished",
    ]);
    await closing;
    const indexGone = cache.relinquishCookie(index);
    expect(await refusal(() => cache.acquireCookie(index, def, null))).toEqual([
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: acquire: cookie I was relinquished",
    ]);
    await indexGone;
    await runtime.whenIdle();
    expect(index.mem).toBe("FREED");
    expect(await refusal(() => cache.acquireCookie(index, def, null))).toEqual([
      "COOKIE_NOT_LIVE",
      "COOKIE_NOT_LIVE: acquire: cookie I is FREED",
    ]);
    expect(calls).toEqual([]);
    expect(cache.inspect().cookies).toEqual([]);
  });
});

describe("checkWritePage", () => {
  it("checks, in order: a data cookie, the page index, the store limit, the size, a page read through the cache", async () => {
    const { runtime, cache, index, cookie } = await eventLoopCache(2);
    const page = new Uint8Array(4096);
    expect(cookie.storeLimit).toBe(2);
    expect(await refusal(() => cache.writePage(index, 0, page))).toEqual([
      "NOT_DATA_COOKIE",
      "NOT_DATA_COOKIE: writePage: I is an index",
    ]);
    expect(await refusal(() => cache.writePage(cookie, -1, new Uint8Array(5000)))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: writePage: page -1",
    ]);
    // Beyond the limit: refused even though the page is too big and was never read.
    for (const p of [2, 3])
      expect(await refusal(() => cache.writePage(cookie, p, new Uint8Array(5000)))).toEqual([
        "BEYOND_STORE_LIMIT",
        `BEYOND_STORE_LIMIT: writePage: page ${p} of D >= 2`,
      ]);
    // Too big: refused before the cached test.
    expect(await refusal(() => cache.writePage(cookie, 0, new Uint8Array(4097)))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: writePage: 4097 bytes > page size 4096",
    ]);
    for (const p of [0, 1])
      expect(await refusal(() => cache.writePage(cookie, p, page))).toEqual([
        "PAGE_NOT_CACHED",
        `PAGE_NOT_CACHED: writePage: page ${p} of D was not read through the cache first`,
      ]);
    expect(cache.inspect().cookies.find((c) => c.id === "D")?.stores).toEqual({});
    // Read through the cache, the last page below the limit takes a full page and a shorter one.
    await cache.readPage(cookie, 1);
    expect(cookie.cachedPages.has(1)).toBe(true);
    expect(await cache.writePage(cookie, 1, page)).toBe("OK");
    expect(await cache.writePage(cookie, 1, new Uint8Array(1))).toBe("OK");
    await cache.waitOnPageWrite(cookie);
    await runtime.whenIdle();
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("the size bound is the cache's page size", async () => {
    const { cookie, cache } = await eventLoopCache(2);
    cookie.cachedPages.add(0);
    expect(refusalNow(() => checkWritePage(cookie, 0, new Uint8Array(8), 8))).toEqual(OK);
    expect(refusalNow(() => checkWritePage(cookie, 0, new Uint8Array(9), 8))).toEqual([
      "BAD_PAGE",
      "BAD_PAGE: writePage: 9 bytes > page size 8",
    ]);
    expect(cache.core.pageSize).toBe(4096);
  });
});

describe("checkRelinquish", () => {
  it("allows a closing cookie (the facade's own relinquish), refuses a relinquished or freed one", async () => {
    const { runtime, cache, cookie } = await eventLoopCache();
    cookie.closing = true;
    expect(refusalNow(() => checkRelinquish(cookie))).toEqual(OK);
    cookie.closing = false;
    await cache.relinquishCookie(cookie);
    expect(refusalNow(() => checkRelinquish(cookie))).toEqual([
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: relinquish: cookie D was relinquished",
    ]);
    await runtime.whenIdle();
    const h = runtime.spawn("netfs:tZ", label("RelinquishCookie", { t: "tZ", retire: true }), (task) =>
      cache.netfs.relinquishCookie({ task, t: "tZ" }, cookie, true),
    );
    expect(await refusal(() => h.done)).toEqual([
      "COOKIE_NOT_LIVE",
      "COOKIE_NOT_LIVE: relinquish: cookie D is FREED",
    ]);
  });

  it("refuses a data cookie with children (acquire never makes one), lets an index wait for its children", async () => {
    const runtime = new SteppedRuntime();
    const { cache, index, cookie } = await steppedCache(runtime);
    touch(cookie);
    cookie.n_children = 3;
    expect(refusalNow(() => checkRelinquish(cookie))).toEqual([
      "HAS_CHILDREN",
      "HAS_CHILDREN: relinquish: D has 3 children",
    ]);
    cookie.n_children = 0;
    expect(refusalNow(() => checkRelinquish(cookie))).toEqual(OK);
    // An index with a child is not refused: the task API's relinquish sleeps until the child is gone.
    expect(index.n_children).toBe(1);
    expect(refusalNow(() => checkRelinquish(index))).toEqual(OK);
    const entered = label("RelinquishCookie", { t: "tI", retire: false });
    const h = runtime.spawn("netfs:tI", entered, (task) =>
      cache.netfs.relinquishCookie({ task, t: "tI", entered }, index, false),
    );
    const r = await runtime.runUntilQuiescent(firstEnabled);
    expect(r.end).toBe("deadlock");
    expect(r.blocked.map((b) => [b.taskName, b.queue])).toEqual([["netfs:tI", "cookie:I:n_children"]]);
    await settle(runtime, cache.relinquishCookie(cookie));
    await runtime.runUntilQuiescent(firstEnabled);
    await h.done;
    expect(cache.inspect().cookies).toEqual([]);
  });
});

describe("checkWithdraw and the withdrawal task", () => {
  it("refuses a second withdrawal, naming it, and leaves the first's state", async () => {
    expect(refusalNow(() => checkWithdraw("NONE"))).toEqual(OK);
    for (const wd of ["WithdrawCache", "WithdrawWait", "Withdrawn"])
      expect(refusalNow(() => checkWithdraw(wd))).toEqual([
        "WITHDRAWN",
        "WITHDRAWN: withdraw: the cache is already withdrawn",
      ]);
    const { cache } = await eventLoopCache();
    const first = cache.withdraw();
    expect(cache.core.withdrawal).toBe("WithdrawCache");
    expect(await refusal(() => cache.withdraw())).toEqual([
      "WITHDRAWN",
      "WITHDRAWN: withdraw: the cache is already withdrawn",
    ]);
    await first;
    expect(cache.core.withdrawal).toBe("Withdrawn");
  });

  it("runs as task `withdraw`, sleeping on fscache_addremove_sem, then on fscache_cache_cleared_wq", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = await settle(runtime, cache.acquireCookie(null, indexDef, null, "I"));
    const file = newFile("a");
    const acquired = cache.acquireCookie(index, fileDef(file), file, "D");
    const run = async (taskName: string, action: string): Promise<void> => {
      const step = runtime.enabled().find((e) => e.taskName === taskName && e.label.action === action);
      if (!step) throw new Error(`${taskName} ${action} is not enabled`);
      await runtime.runStep(step.taskId);
    };
    await run("netfs:api2", "AcquireCookie");
    await run("netfs:api2", "AllocObject");
    expect(cache.core.acquiring).toBe(1);
    const withdrawal = cache.withdraw();
    expect(runtime.enabled().map((e) => [e.taskName, e.label])).toContainEqual([
      "withdraw",
      label("WithdrawCache"),
    ]);
    await run("withdraw", "WithdrawCache");
    expect(runtime.blocked().map((b) => [b.taskName, b.label.action, b.queue])).toEqual([
      ["withdraw", "WithdrawUnlist", "fscache_addremove_sem"],
    ]);
    await runtime.runUntilQuiescent(only("netfs:"));
    expect(await acquired).not.toBeNull();
    expect(cache.core.acquiring).toBe(0);
    // The withdrawal alone: it kills the objects, then sleeps until their workers have destroyed them.
    await runtime.runUntilQuiescent(only("withdraw"));
    expect(runtime.blocked().map((b) => [b.taskName, b.label.action, b.queue])).toEqual([
      ["withdraw", "WithdrawWait", "fscache_cache_cleared_wq"],
    ]);
    expect(cache.core.objects.size).toBe(2);
    await settle(runtime, withdrawal);
    expect(cache.core.withdrawal).toBe("Withdrawn");
    expect(cache.inspect().objects).toEqual([]);
  });

  it("a withdrawal that faults rejects with the oops, and records it as the cache's oops", async () => {
    const runtime = new EventLoopRuntime();
    const faults: string[] = [];
    const cache = new FsCache({
      runtime,
      backend: new MemoryBackend(),
      onFault: (e, t) => faults.push(`${t}: ${String(e)}`),
    });
    const withdrawal = cache.withdraw();
    // A corrupt dying list (before the task's first step): WithdrawWait's ASSERT(list_empty(&dying_objects)).
    cache.core.dying.add({} as never);
    await expect(withdrawal).rejects.toSatisfy(
      (e) => e instanceof OopsError && e.oops === SPEC_OOPS.WithdrawWait,
    );
    expect(cache.inspect().oops).toBe(SPEC_OOPS.WithdrawWait);
    // Not a worker's fault: onFault is for worker tasks.
    expect(faults).toEqual([]);
  });
});

describe("the facade's relinquish refusal", () => {
  /** The facade refuses at once: no task is spawned, the cookie is not marked closing. */
  async function refusedAtOnce(runtime: SteppedRuntime, cache: FsCache, cookie: Cookie): Promise<void> {
    const tasks = runtime.liveTasks();
    const closing = cookie.closing;
    // Settled before the event loop turns (nothing runs the stepped runtime here): a call that went on to a
    // task would never settle, so it is reported as pending rather than awaited.
    const pending = new Promise<Refusal>((r) => setImmediate(() => r(["pending", ""])));
    expect(await Promise.race([refusal(() => cache.relinquishCookie(cookie)), pending])).toEqual([
      "COOKIE_RELINQUISHED",
      `COOKIE_RELINQUISHED: relinquish: cookie ${cookie.id} was relinquished`,
    ]);
    expect(runtime.liveTasks()).toBe(tasks);
    expect(cookie.closing).toBe(closing);
  }

  it("a cookie whose facade relinquish is flushing (closing)", async () => {
    const { runtime, cache, cookie } = await steppedCache();
    const first = cache.relinquishCookie(cookie);
    expect([cookie.mem, cookie.relinquishing, cookie.closing]).toEqual(["LIVE", false, true]);
    expect(runtime.enabled().map(formatStep)).toEqual(["netfs:api3 WaitOnPageWrite(t=api3)"]);
    await refusedAtOnce(runtime, cache, cookie);
    expect(runtime.enabled().map(formatStep)).toEqual(["netfs:api3 WaitOnPageWrite(t=api3)"]);
    await settle(runtime, first);
  });

  it("a cookie relinquished through the task API, still live (relinquishing, not closing), its netfs data gone", async () => {
    const { runtime, cache, cookie } = await steppedCache();
    await relinquishByTask(runtime, cache, cookie);
    expect([cookie.mem, cookie.relinquishing, cookie.closing]).toEqual(["LIVE", true, false]);
    // Its object still holds a ref; relinquish has cleared the netfs pointers.
    expect(cache.inspect().cookies.find((c) => c.id === "D")).toMatchObject({
      mem: "LIVE",
      netfs: false,
      netfs_data: null,
      flags: expect.arrayContaining(["RELINQUISHED"]) as unknown,
    });
    await refusedAtOnce(runtime, cache, cookie);
    await runtime.runUntilQuiescent(firstEnabled);
    expect(cookie.mem).toBe("FREED");
    await refusedAtOnce(runtime, cache, cookie);
  });

  it("a cookie freed by a failed acquisition (never relinquished)", async () => {
    const runtime = new SteppedRuntime();
    const freed: Cookie[] = [];
    const cache = new FsCache({
      runtime,
      backend: new MemoryBackend(),
      listener: { cookieFreed: (c) => freed.push(c) },
    });
    const index = await settle(runtime, cache.acquireCookie(null, indexDef, null, "I"));
    await settle(runtime, cache.withdraw());
    const file = newFile("late");
    expect(await settle(runtime, cache.acquireCookie(index, fileDef(file), file, "L"))).toBeNull();
    const late = freed.find((c) => c.id === "L");
    if (!late) throw new Error("L was not freed");
    expect([late.mem, late.relinquishing, late.closing]).toEqual(["FREED", false, false]);
    expect(late.netfs).toBe(true);
    await refusedAtOnce(runtime, cache, late);
  });
});

describe("the facade's calls run the API in their task", () => {
  it("updateCookie and waitOnPageWrite report the API's refusals", async () => {
    const { runtime, cache, index, cookie } = await eventLoopCache();
    expect(await refusal(() => cache.waitOnPageWrite(index))).toEqual([
      "NOT_DATA_COOKIE",
      "NOT_DATA_COOKIE: waitOnPageWrite: I is an index",
    ]);
    expect(await refusal(() => cache.updateCookie(index))).toEqual(OK);
    await cache.relinquishCookie(cookie);
    expect(await refusal(() => cache.updateCookie(cookie))).toEqual([
      "COOKIE_RELINQUISHED",
      "COOKIE_RELINQUISHED: updateCookie: cookie D was relinquished",
    ]);
    await runtime.whenIdle();
  });

  it("waitOnPageWrite returns once the cookie's stores are empty", async () => {
    const { runtime, cache, cookie } = await steppedCache();
    await settle(runtime, cache.readPage(cookie, 0));
    const write = cache.writePage(cookie, 0, new Uint8Array([7]));
    await runtime.runUntilQuiescent(only("netfs:"));
    expect(await write).toBe("OK");
    expect(cookie.stores.size).toBe(1);
    const wait = cache.waitOnPageWrite(cookie);
    // Only the waiter runs: it sleeps on the stores queue while the page is queued.
    await runtime.runUntilQuiescent(only("netfs:"));
    expect(runtime.blocked().map((b) => [b.label.action, b.queue])).toEqual([
      ["WaitOnPageWrite", "cookie:D:stores"],
    ]);
    await settle(runtime, wait);
    expect(cookie.stores.size).toBe(0);
  });

  it("an op worker for a kind without a processor starts at OpPut and faults; the fault is recorded", async () => {
    const runtime = new SteppedRuntime();
    const faults: string[] = [];
    const cache = new FsCache({
      runtime,
      backend: new MemoryBackend(),
      onFault: (e, t) => faults.push(`${t}: ${e instanceof OopsError ? e.oops : String(e)}`),
    });
    const index = await settle(runtime, cache.acquireCookie(null, indexDef, null, "I"));
    const file = newFile("o");
    const cookie = await settle(runtime, cache.acquireCookie(index, fileDef(file), file, "D"));
    const op = allocOp(cache.core, "NONE", []);
    if (!op || !cookie?.backing_objects[0]) throw new Error("no op or no object");
    op.object = cookie.backing_objects[0];
    // runOp never spawns one (it BUGs first): the fallback first step is the worker's put.
    cache.core.spawnOpWorker(op);
    expect(runtime.enabled().map(formatStep)).toEqual([`op:${op.id} OpPut(k=${op.id})`]);
    const r = await runtime.runUntilQuiescent(firstEnabled);
    expect(r.end).toBe("error");
    await new Promise<void>((res) => setImmediate(res));
    const oops = `op worker: op ${op.id} of kind NONE is not ASYNC`;
    expect(cache.inspect().oops).toBe(oops);
    expect(faults).toEqual([`op:${op.id}: ${oops}`]);
  });
});

describe("the cache core", () => {
  it("exposes the repairs it was given, or its design's", () => {
    const runtime = new EventLoopRuntime();
    const backend = new MemoryBackend();
    const given: Repair[] = ["STRANDED_WRITES_DISCARDED", "WRITE_ERROR_RETIRES"];
    expect(new FsCache({ runtime, backend, repairs: given }).inspect().repairs).toEqual(given);
    const spec = new FsCache({ runtime, backend }).inspect().repairs;
    expect(spec).toEqual([...DESIGN_REPAIRS.POST_FIX_REPAIRED]);
    expect(spec.length).toBeGreaterThan(0);
    expect(new FsCache({ runtime, backend, design: "POST_FIX" }).inspect().repairs).toEqual([]);
    // A copy: changing it does not change the cache's repairs.
    const cache = new FsCache({ runtime, backend, repairs: given });
    cache.core.repairs.pop();
    expect(cache.core.repairs).toEqual(given);
  });

  it("numbers cookies c1, c2, … skipping ids the netfs chose, and keeps a chosen id", async () => {
    const runtime = new EventLoopRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const ids: (string | undefined)[] = [];
    const index = await cache.acquireCookie(null, indexDef, null);
    ids.push(index?.id);
    for (const [name, id] of [
      ["a", undefined],
      ["b", "c3"],
      ["c", undefined],
      ["d", "x"],
      ["e", undefined],
    ] as const) {
      const file = newFile(name);
      ids.push((await cache.acquireCookie(index, fileDef(file), file, id))?.id);
    }
    expect(ids).toEqual(["c1", "c2", "c3", "c4", "x", "c5"]);
    expect(cache.core.cookieId("given")).toBe("given");
    expect(cache.core.cookieId()).toBe("c6");
    await runtime.whenIdle();
  });

  it("names a cookie's first object after it and later ones #2, #3, …", async () => {
    const { cache, cookie } = await eventLoopCache();
    const core = cache.core;
    const obj = cookie.backing_objects[0];
    if (!obj) throw new Error("no object");
    expect(obj.id).toBe("D");
    expect(core.objectId("E")).toBe("E");
    expect(core.objectId("D")).toBe("D#2");
    core.objects.set("D#2", obj);
    expect(core.objectId("D")).toBe("D#3");
    core.objects.set("D#3", obj);
    expect(core.objectId("D")).toBe("D#4");
    core.objects.delete("D#2");
    expect(core.objectId("D")).toBe("D#2");
  });

  it("allocates the lowest free op slot, and none beyond maxOps", () => {
    const cache = new FsCache({ runtime: new EventLoopRuntime(), backend: new MemoryBackend(), maxOps: 2 });
    const core = cache.core;
    expect(core.opId()).toBe(1);
    const a = allocOp(core, "READ", []);
    expect(a?.id).toBe(1);
    expect(core.opId()).toBe(2);
    const b = allocOp(core, "READ", []);
    expect(b?.id).toBe(2);
    expect(core.opId()).toBe(0);
    expect(allocOp(core, "READ", [])).toBeNull();
    core.ops.delete(1);
    expect(core.opId()).toBe(1);
    const unbounded = new FsCache({ runtime: new EventLoopRuntime(), backend: new MemoryBackend() }).core;
    for (let i = 1; i <= 5; i++) expect(allocOp(unbounded, "READ", [])?.id).toBe(i);
  });

  it("lists attached objects head first; unlisting takes the object off the list (head included) and off the dying list", async () => {
    const { cache, cookie, index } = await eventLoopCache();
    const core = cache.core;
    const d = cookie.backing_objects[0];
    const i = index.backing_objects[0];
    if (!d || !i) throw new Error("no objects");
    // The parent chain attaches first, each at the head.
    expect(core.objectList.map((o) => o.id)).toEqual(["D", "I"]);
    core.unlistObject(d);
    expect(core.objectList.map((o) => o.id)).toEqual(["I"]);
    // Unlisting an object that is not listed leaves the list alone.
    core.dying.add(d);
    core.unlistObject(d);
    expect(core.objectList.map((o) => o.id)).toEqual(["I"]);
    expect(core.dying.size).toBe(0);
    core.listObject(d);
    expect(core.objectList.map((o) => o.id)).toEqual(["D", "I"]);
    core.unlistObject(i);
    expect(core.objectList.map((o) => o.id)).toEqual(["D"]);
  });

  it("the cache is gone from the cache list once the withdrawal has unlisted it, not before", async () => {
    const core = new FsCache({ runtime: new EventLoopRuntime(), backend: new MemoryBackend() }).core;
    const gone = (
      ["NONE", "WithdrawCache", "WithdrawUnlist", "WithdrawAllObjects", "WithdrawWait", "Withdrawn"] as const
    ).map((wd) => {
      core.withdrawal = wd;
      return core.cacheGone;
    });
    expect(gone).toEqual([false, false, false, true, true, true]);
    // Behaviourally: an acquisition that selects the cache while the withdrawal is only started gets objects.
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = await settle(runtime, cache.acquireCookie(null, indexDef, null, "I"));
    const withdrawal = cache.withdraw();
    expect(cache.core.withdrawal).toBe("WithdrawCache");
    const file = newFile("b");
    const acquired = cache.acquireCookie(index, fileDef(file), file, "D");
    await runtime.runUntilQuiescent(only("netfs:"));
    const cookie = await acquired;
    expect(cookie?.backing_objects.map((o) => o.id)).toEqual(["D"]);
    await settle(runtime, withdrawal);
    expect(cookie?.backing_objects).toEqual([]);
  });

  it("records the first kernel fault only, and no other error", () => {
    const core = new FsCache({ runtime: new EventLoopRuntime(), backend: new MemoryBackend() }).core;
    core.recordFault(new Error("not a fault"));
    core.recordFault(new FsCacheError("BAD_KEY", "x"));
    core.recordFault("string");
    expect(core.oops).toBe("NONE");
    core.recordFault(new OopsError("first"));
    core.recordFault(new OopsError("second"));
    core.recordFault(new Error("later"));
    expect(core.oops).toBe("first");
  });

  it("a call's thread record starts Ready on no page, then follows the call", async () => {
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const th = cache.core.thread("tQ");
    expect(th).toEqual({
      t: "tQ",
      rev: 0,
      pc: "Ready",
      op: 0,
      page: "NONE",
      retire: false,
      result: "NONE",
      cookie: null,
    });
    expect(cache.core.thread("tQ")).toBe(th);
    const index = cache.acquireCookie(null, indexDef, null, "I");
    const file = newFile("t");
    await settle(runtime, index);
    const acquire = cache.acquireCookie(await index, fileDef(file), file, "D");
    await runtime.runStep(runtime.enabled()[0]?.taskId ?? -1);
    expect(cache.inspect().threads).toEqual([
      { t: "tQ", pc: "Ready", op: 0, page: "NONE", retire: false, result: "NONE", cookie: "NULL" },
      { t: "api2", pc: "AllocObject", op: 0, page: "NONE", retire: false, result: "NONE", cookie: "D" },
    ]);
    await settle(runtime, acquire);
  });

  it("acquireDone wakes the withdrawal's fscache_addremove_sem only when the last acquisition is done", async () => {
    const runtime = new WakeRecorder();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = await settle(runtime, cache.acquireCookie(null, indexDef, null, "I"));
    const [fa, fb] = [newFile("a"), newFile("b")];
    const a = cache.acquireCookie(index, fileDef(fa), fa, "A");
    const b = cache.acquireCookie(index, fileDef(fb), fb, "B");
    const step = async (taskName: string): Promise<void> => {
      const s = runtime.enabled().find((e) => e.taskName === taskName);
      if (!s) throw new Error(`${taskName} has no enabled step`);
      await runtime.runStep(s.taskId);
    };
    for (const t of ["netfs:api2", "netfs:api2", "netfs:api3", "netfs:api3"]) await step(t);
    expect(cache.core.acquiring).toBe(2);
    const woken = (): number => runtime.wakes.filter((q) => q === "fscache_addremove_sem").length;
    await runtime.runUntilQuiescent(only("netfs:api2"));
    expect(await a).not.toBeNull();
    expect(cache.core.acquiring).toBe(1);
    expect(woken()).toBe(0);
    await runtime.runUntilQuiescent(only("netfs:api3"));
    expect(await b).not.toBeNull();
    expect(cache.core.acquiring).toBe(0);
    expect(woken()).toBe(1);
    await runtime.runUntilQuiescent(firstEnabled);
  });
});

describe("the cookie", () => {
  it("discarding pending stores drops PENDING pages only, waking page-write waiters only if it dropped one", async () => {
    const runtime = new WakeRecorder();
    const { cache, cookie } = await steppedCache(runtime);
    const core = cache.core;
    const bytes = new Uint8Array([1]);
    const storesWoken = (): number => runtime.wakes.filter((q) => q === "cookie:D:stores").length;

    discardPendingStores(core, cookie);
    expect(storesWoken()).toBe(0);
    cookie.stores.set(1, { tag: "STORING", data: bytes });
    discardPendingStores(core, cookie);
    expect([...cookie.stores.keys()]).toEqual([1]);
    expect(storesWoken()).toBe(0);

    cookie.stores.set(0, { tag: "PENDING", data: bytes });
    cookie.stores.set(2, { tag: "PENDING", data: bytes });
    cookie.stores.set(3, { tag: "STORING", data: bytes });
    const rev = cookie.rev;
    discardPendingStores(core, cookie);
    expect([...cookie.stores.entries()].map(([p, e]) => [p, e.tag])).toEqual([
      [1, "STORING"],
      [3, "STORING"],
    ]);
    expect(storesWoken()).toBe(1);
    expect(cookie.rev).toBeGreaterThan(rev);
  });

  it("a page-write waiter sleeps until discarding empties the stores", async () => {
    const runtime = new SteppedRuntime();
    const { cache, cookie } = await steppedCache(runtime);
    cookie.stores.set(0, { tag: "PENDING", data: new Uint8Array([1]) });
    const wait = cache.waitOnPageWrite(cookie);
    await runtime.runUntilQuiescent(firstEnabled);
    expect(runtime.blocked().map((b) => b.queue)).toEqual(["cookie:D:stores"]);
    discardPendingStores(cache.core, cookie);
    expect(runtime.enabled().map((e) => e.label.action)).toEqual(["WaitOnPageWrite"]);
    await settle(runtime, wait);
    expect(cookie.stores.size).toBe(0);
  });

  it("use is increment-if-not-zero; unuse wakes the relinquisher only at 0", async () => {
    const runtime = new WakeRecorder();
    const { cache, cookie } = await steppedCache(runtime);
    const activeWoken = (): number => runtime.wakes.filter((q) => q === "cookie:D:n_active").length;
    expect(cookie.n_active).toBe(1);
    expect(useCookie(cookie)).toBe(true);
    expect(cookie.n_active).toBe(2);
    unuseCookie(cache.core, cookie);
    expect(cookie.n_active).toBe(1);
    expect(activeWoken()).toBe(0);
    unuseCookie(cache.core, cookie);
    expect(cookie.n_active).toBe(0);
    expect(activeWoken()).toBe(1);
    expect(useCookie(cookie)).toBe(false);
    expect(cookie.n_active).toBe(0);
  });

  it("clearing a flag says whether it was set, and wakes the flag waiters only then", async () => {
    const runtime = new WakeRecorder();
    const { cache, cookie } = await steppedCache(runtime);
    const flagsWoken = (): number => runtime.wakes.filter((q) => q === "cookie:D:flags").length;
    const before = flagsWoken();
    expect(cookie.flags.has("INVALIDATING")).toBe(false);
    expect(clearCookieFlag(cache.core, cookie, "INVALIDATING")).toBe(false);
    expect(flagsWoken()).toBe(before);
    cookie.flags.add("INVALIDATING");
    expect(clearCookieFlag(cache.core, cookie, "INVALIDATING")).toBe(true);
    expect(cookie.flags.has("INVALIDATING")).toBe(false);
    expect(flagsWoken()).toBe(before + 1);
  });

  it("names its wait queues after itself: flags (invalidation waiters), n_active (the relinquisher)", async () => {
    const { runtime, cache, cookie } = await steppedCache();
    // An invalidation in flight: the waiter sleeps on the flags queue while INVALIDATING is set.
    const invalidate = cache.invalidate(cookie);
    await runtime.runUntilQuiescent(only("netfs:"));
    await invalidate;
    expect(cookie.flags.has("INVALIDATING")).toBe(true);
    const wait = cache.waitOnInvalidate(cookie);
    await runtime.runUntilQuiescent(only("netfs:"));
    expect(runtime.blocked().map((b) => [b.label.action, b.queue])).toEqual([
      ["WaitOnInvalidate", "cookie:D:flags"],
    ]);
    await settle(runtime, wait);
    expect(cookie.flags.has("INVALIDATING")).toBe(false);
    // A page write holds an n_active unit until its op is done: relinquish sleeps on the n_active queue.
    await settle(runtime, cache.readPage(cookie, 0));
    const write = cache.writePage(cookie, 0, new Uint8Array([3]));
    await runtime.runUntilQuiescent(only("netfs:"));
    expect(await write).toBe("OK");
    expect(cookie.n_active).toBe(2);
    const entered = label("RelinquishCookie", { t: "tR", retire: false });
    const h = runtime.spawn("netfs:tR", entered, (task) =>
      cache.netfs.relinquishCookie({ task, t: "tR", entered }, cookie, false),
    );
    await runtime.runUntilQuiescent(only("netfs:"));
    expect(runtime.blocked().map((b) => [b.label.action, b.queue])).toEqual([
      ["RelinquishWait", "cookie:D:n_active"],
    ]);
    await runtime.runUntilQuiescent(firstEnabled);
    await h.done;
    expect(cookie.mem).toBe("FREED");
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("netfs is whether the netfs pointers are still set", async () => {
    const { cookie } = await eventLoopCache();
    expect(cookie.netfs).toBe(true);
    cookie.def = null;
    expect(cookie.netfs).toBe(false);
  });
});

describe("revisions", () => {
  it("touch counts each write up by one", () => {
    const r = { rev: 0 };
    touch(r);
    expect(r.rev).toBe(1);
    touch(r);
    touch(r);
    expect(r.rev).toBe(3);
  });

  it("a call moves the revision of what it writes", async () => {
    const { runtime, cache, cookie } = await eventLoopCache();
    const before = cookie.rev;
    await cache.invalidate(cookie);
    await runtime.whenIdle();
    expect(cookie.rev).toBeGreaterThan(before);
  });
});
