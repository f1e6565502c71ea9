// NFS's tasks on one inode (finding F16), step by step on the stepped runtime: the owner task relinquishes the
// inode's cookie (3.12 NFS turning caching off for a writer) while another task reads through the pointer it
// loaded from nfsi->fscache (a `borrowed` call). 3.12 meets a cleared or freed cookie; the repair
// (COOKIE_DISABLED_TESTED) refuses the read with ENOBUFS and clears the cookie only at the inode's eviction,
// after the task. 3.12's task takes its n_active unit a step before cookie->lock, and a refused read gives it
// back without a wake-up, which can leave relinquish asleep for good (finding F17). Conformance to the spec's
// steps is checked by the MCtrapNfs goal traces (test/conformance), whose goal traces compare states, not
// enabled steps: that relinquish waits for the eviction is checked here (F17's sleeper by MCtrapWake's cover).

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { type Cookie, type Design, type Eviction, firstLabel, FsCache } from "../../src/fscache/index.ts";
import type { Repair } from "../../src/fscache/names.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import { firstEnabled, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";

/** An index and a data cookie whose object is looked up and available, with page 0 read once (by the owner). */
async function setUp(design: Design, repairs?: readonly Repair[]) {
  const runtime = new SteppedRuntime();
  const cache = new FsCache({
    runtime,
    backend: new MemoryBackend(),
    design,
    ...(repairs ? { repairs } : {}),
  });
  const settle = () => runtime.runUntilQuiescent(firstEnabled);
  const index = cache.acquireCookie(null, indexDef, null);
  await settle();
  const file = newFile("f");
  const acquired = cache.acquireCookie(await index, fileDef(file), file);
  await settle();
  const cookie = await acquired;
  if (!cookie) throw new Error("no cookie");
  const read = cache.readPage(cookie, 0);
  await settle();
  expect((await read).result).toBe("ENODATA");
  const labels = (): string[] => runtime.enabled().map((e) => e.label.action);
  const run = async (action: string): Promise<void> => {
    const step = runtime.enabled().find((e) => e.label.action === action);
    if (!step) throw new Error(`${action} is not enabled: ${labels().join(", ")}`);
    await runtime.runStep(step.taskId);
  };
  return { runtime, cache, cookie, settle, labels, run };
}

/** The NFS task's read of page 0 through the pointer it loaded, as its own task `tR`. */
function borrowedRead(cache: FsCache, cookie: Cookie) {
  const first = firstLabel("ReadPage", "tR", { p: "p0" });
  let result: string | undefined;
  const h = cache.core.runtime.spawn("nfs:tR", first, async (task) => {
    result = (await cache.netfs.readPage({ task, t: "tR", entered: first, borrowed: true }, cookie, 0))
      .result;
  });
  return h.done.then(
    () => result,
    (e: unknown) => {
      cache.core.recordFault(e);
      return "oops";
    },
  );
}

/** The owner's relinquish, as task `tD`, with the netfs's eviction condition. */
function relinquish(cache: FsCache, cookie: Cookie, eviction?: Eviction) {
  const first = firstLabel("RelinquishCookie", "tD", { retire: false });
  return cache.core.runtime.spawn("netfs:tD", first, (task) =>
    cache.netfs.relinquishCookie({ task, t: "tD", entered: first }, cookie, false, eviction),
  ).done;
}

describe("an NFS task reading through its owner's cookie (F16)", () => {
  it("3.12: a read entering after relinquish cleared the cookie dereferences the cleared def", async () => {
    const { cache, cookie, run, labels } = await setUp("POST_FIX");
    void relinquish(cache, cookie);
    for (const a of ["RelinquishCookie", "RelinquishKill", "RelinquishDropActive", "RelinquishClear"])
      await run(a);
    const read = borrowedRead(cache, cookie);
    expect(labels()).toContain("ReadPage");
    await run("ReadPage");
    expect(cache.inspect().oops).toBe(SPEC_OOPS["ReadPage:def"]);
    expect(await read).toBe("oops");
  });

  it("3.12: a read entering after the cookie was freed reads freed memory", async () => {
    const { cache, cookie, settle } = await setUp("POST_FIX");
    const rel = relinquish(cache, cookie);
    await settle();
    await rel;
    expect(cookie.mem).toBe("FREED");
    const read = borrowedRead(cache, cookie);
    await settle();
    expect(cache.inspect().oops).toBe(SPEC_OOPS["ReadPage:freed"]);
    expect(await read).toBe("oops");
  });

  it("3.12: a read past its entry takes an n_active unit relinquish has already given up for 0", async () => {
    const { cache, cookie, run } = await setUp("POST_FIX");
    const read = borrowedRead(cache, cookie);
    await run("ReadPage");
    void relinquish(cache, cookie);
    for (const a of ["RelinquishCookie", "RelinquishKill", "RelinquishDropActive"]) await run(a);
    expect(cookie.n_active).toBe(0);
    await run("ReadWaitLookup");
    // The read brought n_active back from 0 (S5) after relinquish passed its wait.
    expect(cookie.n_active).toBe(1);
    await run("RelinquishClear");
    await run("ReadCookieLocked");
    await run("ReadWaitActive");
    await run("ReadIO");
    expect(cache.inspect().oops).toBe(SPEC_OOPS.ReadIO);
    expect(await read).toBe("oops");
  });

  it("3.12: a refused read's give-back to 0 wakes nobody, so relinquish sleeps on (F17); the repair wakes it", async () => {
    for (const repairs of [[], ["REFUSED_READ_WAKES"]] as const) {
      const { runtime, cache, cookie, run, labels } = await setUp("POST_FIX", repairs);
      const read = borrowedRead(cache, cookie);
      await run("ReadPage");
      await run("ReadWaitLookup");
      // The task's unit is taken before cookie->lock: relinquish drops its baseline unit to 1 and sleeps.
      expect(cookie.n_active).toBe(2);
      const rel = relinquish(cache, cookie);
      for (const a of ["RelinquishCookie", "RelinquishKill", "RelinquishDropActive"]) await run(a);
      expect(cookie.n_active).toBe(1);
      // The object is killed and unhashed before the task takes cookie->lock.
      for (let s = runtime.enabled().find((e) => e.label.action !== "ReadCookieLocked"); s;) {
        await runtime.runStep(s.taskId);
        s = runtime.enabled().find((e) => e.label.action !== "ReadCookieLocked");
      }
      expect(cookie.backing_objects).toEqual([]);
      expect(labels()).toEqual(["ReadCookieLocked"]);
      await run("ReadCookieLocked");
      expect(await read).toBe("ENOBUFS");
      expect(cookie.n_active).toBe(0);
      if (repairs.length === 0) {
        // n_active is 0 and nothing will ever wake the sleeper: 3.12's relinquish hangs (uninterruptibly).
        expect(labels()).toEqual([]);
        expect(runtime.blocked().map((b) => `${b.label.action} on ${b.queue}`)).toEqual([
          `RelinquishWait on cookie:${cookie.id}:n_active`,
        ]);
      } else {
        expect(labels()).toEqual(["RelinquishWait"]);
        await runtime.runUntilQuiescent(firstEnabled);
        await rel;
        expect(cookie.mem).toBe("FREED");
      }
    }
  });

  it("repaired: a read of a disabled cookie gives ENOBUFS, at its entry or under cookie->lock", async () => {
    const early = await setUp("POST_FIX_REPAIRED");
    const read = borrowedRead(early.cache, early.cookie);
    await early.run("ReadPage");
    void relinquish(early.cache, early.cookie);
    await early.run("RelinquishCookie");
    await early.run("ReadWaitLookup");
    expect(await read).toBe("ENOBUFS");
    expect(early.cookie.n_active).toBe(1);

    const late = await setUp("POST_FIX_REPAIRED");
    void relinquish(late.cache, late.cookie);
    await late.run("RelinquishCookie");
    const refused = borrowedRead(late.cache, late.cookie);
    await late.run("ReadPage");
    expect(await refused).toBe("ENOBUFS");
    expect(late.cache.core.threads.get("tR")?.pc).toBe("Ready");
  });

  it("repaired: relinquish clears the cookie only once the netfs's eviction condition holds", async () => {
    const { runtime, cache, cookie, run, labels, settle } = await setUp("POST_FIX_REPAIRED");
    let taskEnded = false;
    const wq = runtime.waitQueue("test:evict");
    const rel = relinquish(cache, cookie, { wq, ready: () => taskEnded });
    for (const a of ["RelinquishCookie", "RelinquishKill", "RelinquishDropActive"]) await run(a);
    await settle();
    expect(cookie.def).not.toBeNull();
    expect(labels()).not.toContain("RelinquishClear");
    taskEnded = true;
    runtime.wake(wq);
    expect(labels()).toContain("RelinquishClear");
    await settle();
    await rel;
    expect(cookie.mem).toBe("FREED");
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("3.12: relinquish does not wait for the eviction condition", async () => {
    const { runtime, cache, cookie, settle } = await setUp("POST_FIX");
    const rel = relinquish(cache, cookie, { wq: runtime.waitQueue("test:evict"), ready: () => false });
    await settle();
    await rel;
    expect(cookie.mem).toBe("FREED");
  });
});
