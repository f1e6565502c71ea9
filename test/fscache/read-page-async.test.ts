// The single-page reader's copier path (`cachefiles_read_backing_file_one` with a backing page that is not up to
// date, the spec's ReadIO(result=MONITOR)): the call returns OK once the backing read has started, and the page
// reaches the netfs later from the op's copier, whose op holds the read's n_active unit until its last put, so
// a relinquish after the call still waits for the page. A backend that does not say whether a page is resident
// (the memory and disk backends) keeps the reader's own copy.

import { describe, expect, it } from "vitest";
import type { BackendObject } from "../../src/fscache/backend.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { FsCache } from "../../src/fscache/index.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { SteppedRuntime } from "../../src/runtime/stepped.ts";
import { acquireFile, namedSteps } from "./drive.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";

const bytes = (page: number): Uint8Array => new Uint8Array(64).fill(0x40 + page);

/** A memory backend whose pages are never in memory: every page read goes through the copier. */
class ColdBackend extends MemoryBackend {
  pageResident(_obj: BackendObject, _page: number): boolean {
    return false;
  }
}

/** A backend holding page 0 of file `a`, written through a first cache whose cookies were then relinquished. */
async function withPage<B extends MemoryBackend>(backend: B): Promise<B> {
  const cache = new FsCache({ runtime: new EventLoopRuntime(), backend });
  const index = await cache.acquireCookie(null, indexDef, null);
  const file = newFile("a");
  const cookie = await cache.acquireCookie(index, fileDef(file), file);
  expect((await cache.readPage(cookie, 0)).result).toBe("ENODATA");
  expect(await cache.writePage(cookie, 0, bytes(0))).toBe("OK");
  await cache.relinquishCookie(cookie);
  await cache.relinquishCookie(index);
  return backend;
}

/** A stepped cache over a backend (cold unless given) holding page 0, file `a` acquired; steps run by name. */
async function stepped(backend: MemoryBackend = new ColdBackend()) {
  const runtime = new SteppedRuntime();
  const cache = new FsCache({
    runtime,
    backend: await withPage(backend),
    design: "POST_FIX_REPAIRED",
  });
  const { cookie, file } = await acquireFile(runtime, cache);
  const { labels, run } = namedSteps(runtime);
  return { cache, cookie, file, labels, run };
}

describe("the single-page reader through the copier", () => {
  it("returns the page from the copier, marks it cached there, and frees the op", async () => {
    const cache = new FsCache({
      runtime: new EventLoopRuntime(),
      backend: await withPage(new ColdBackend()),
    });
    const index = await cache.acquireCookie(null, indexDef, null);
    const file = newFile("a");
    const cookie = await cache.acquireCookie(index, fileDef(file), file);
    expect(await cache.readPage(cookie, 0)).toEqual({ result: "OK", data: bytes(0) });
    expect([...file.cached]).toEqual([0]);
    for (let i = 0; i < 100 && cache.inspect().ops.length > 0; i++)
      await new Promise<void>((res) => setImmediate(res));
    expect(cache.inspect().ops).toEqual([]);
    expect(cache.inspect().cookies.find((c) => c.id === cookie?.id)?.n_active).toBe(1);
    await cache.relinquishCookie(cookie);
    expect(file.lateCalls).toEqual([]);
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("a backend that does not say keeps the reader's own copy (ReadIO OK, no copier)", async () => {
    const { cache, cookie, file, labels, run } = await stepped(new MemoryBackend());
    const read = cache.readPage(cookie, 0);
    for (const s of ["ReadPage(p=p0)", "ReadWaitLookup", "ReadWaitActive", "ReadIO(result=OK)"]) await run(s);
    expect([...file.cached]).toEqual([0]);
    await run("ReadPutOp");
    expect(await read).toEqual({ result: "OK", data: bytes(0) });
    expect(labels()).toEqual([]);
  });

  it("the call returns before the page; a relinquish after it sleeps until the copier's last put", async () => {
    const { cache, cookie, file, labels, run } = await stepped();
    const read = cache.readPage(cookie, 0);
    for (const s of ["ReadPage(p=p0)", "ReadWaitLookup", "ReadWaitActive", "ReadIO(result=MONITOR)"])
      await run(s);
    // Nothing copied by the reader: the page is neither marked cached nor delivered.
    expect(file.cached.size).toBe(0);
    await run("ReadPutOp");
    const op = cache.core.ops.get(1);
    expect(op?.usage).toBe(1);
    expect(op?.state).toBe("IN_PROGRESS");
    expect(labels()).toEqual(["ReadWaiter(k=1, p=p0)"]);
    // The relinquish drops its baseline unit; the op's unit keeps n_active above 0.
    const relinquished = cache.relinquishCookie(cookie);
    const ran: string[] = [];
    for (let i = 0; i < 20; i++) {
      const next = labels().find((l) => !l.startsWith("ReadWaiter"));
      if (!next) break;
      ran.push(next);
      await run(next);
    }
    // Relinquish dropped its unit and sleeps (its RelinquishWait is not enabled); the object was killed and
    // waits for its op: only the page's waiter can run.
    expect(ran).toContain("RelinquishDropActive");
    expect(ran).toContain("KILL_OBJECT(o=c2)");
    expect(cookie.n_active).toBe(1);
    expect(labels()).toEqual(["ReadWaiter(k=1, p=p0)"]);
    await run("ReadWaiter(k=1, p=p0)");
    await run("ReadCopier(k=1, result=OK)");
    expect([...file.cached]).toEqual([0]);
    await run("ReadCopierTest(k=1)");
    expect(labels().filter((l) => l.startsWith("Relinquish"))).toEqual([]);
    // The copier's last put releases the op and its unit: n_active 0 wakes the relinquish.
    await run("ReadCopierPut(k=1)");
    expect(cookie.n_active).toBe(0);
    expect(labels()).toContain("RelinquishWait");
    expect(await read).toEqual({ result: "OK", data: bytes(0) });
    for (let i = 0; i < 40 && labels().length > 0; i++) await run(labels()[0] ?? "");
    await relinquished;
    expect(file.lateCalls).toEqual([]);
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("a page the copier reaches while the cookie is being invalidated is not from the cache (ENOBUFS)", async () => {
    const { cache, cookie, file, run } = await stepped();
    const read = cache.readPage(cookie, 0);
    for (const s of [
      "ReadPage(p=p0)",
      "ReadWaitLookup",
      "ReadWaitActive",
      "ReadIO(result=MONITOR)",
      "ReadPutOp",
    ])
      await run(s);
    void cache.invalidate(cookie);
    await run("Invalidate");
    await run("ReadWaiter(k=1, p=p0)");
    await run("ReadCopier(k=1, result=OK)");
    expect(await read).toEqual({ result: "ENOBUFS", data: null });
    expect(file.cached.size).toBe(0);
    expect(cache.inspect().oops).toBe("NONE");
  });
});
