// The multi-page reader (`fscache_read_or_alloc_pages`, FsCache.readPages): the call returns once every page's
// backing read has started, and each page reaches the netfs's end_io later, from the op's copier. 3.12's page
// waiter queues the op after dropping work_lock, through a monitor the copier may have freed (finding F14); the
// repair takes an op ref and queues under the lock. Memory backend; the event loop, or the stepped runtime for a
// chosen interleaving.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BackendObject, BackendError } from "../../src/fscache/backend.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { type Design, type EndIo, FsCache } from "../../src/fscache/index.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { SteppedRuntime } from "../../src/runtime/stepped.ts";
import { acquireFile, namedSteps } from "./drive.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";

const bytes = (page: number): Uint8Array => new Uint8Array(64).fill(0x30 + page);

/** A memory backend that holds some pages (of every object) in memory: a multi-page read copies them at once. */
class ResidentBackend extends MemoryBackend {
  private readonly resident: ReadonlySet<number>;

  constructor(resident: number | readonly number[] = []) {
    super();
    this.resident = new Set(typeof resident === "number" ? [resident] : resident);
  }

  pageResident(_obj: BackendObject, page: number): boolean {
    return this.resident.has(page);
  }
}

/** What end_io delivered, page by page. */
type Delivered = Map<number, { readonly data: Uint8Array | null; readonly error: string }>;

/** An end_io recording each page it is given, and a promise settled once `n` pages have arrived. */
function collect(n: number): { got: Delivered; endIo: EndIo; all: Promise<void> } {
  const got: Delivered = new Map();
  let done: () => void = () => undefined;
  const all = new Promise<void>((res) => (done = res));
  const endIo: EndIo = (page, data, error) => {
    got.set(page, { data, error });
    if (got.size === n) done();
  };
  return { got, endIo, all };
}

/** A cache on the event loop over `backend`, with file `a` acquired under an index. */
async function fileOn(backend: MemoryBackend) {
  const cache = new FsCache({ runtime: new EventLoopRuntime(), backend });
  const index = await cache.acquireCookie(null, indexDef, null);
  const file = newFile("a");
  const cookie = await cache.acquireCookie(index, fileDef(file), file);
  return { cache, index, file, cookie };
}

/**
 * A backend holding pages 0 and 1 of file `a`: written through a first cache (a read that finds nothing marks
 * them cached, the writes store them), whose cookie is then relinquished, keeping the data.
 */
async function backendWithPages<B extends MemoryBackend>(
  backend: B,
  pages: readonly number[] = [0, 1],
): Promise<B> {
  const { cache, index, file, cookie } = await fileOn(backend);
  expect(await cache.readPages(cookie, pages, () => undefined)).toBe("ENODATA");
  expect([...file.cached].sort()).toEqual([...pages].sort());
  for (const page of pages) expect(await cache.writePage(cookie, page, bytes(page))).toBe("OK");
  await cache.relinquishCookie(cookie);
  await cache.relinquishCookie(index);
  expect(cache.inspect().oops).toBe("NONE");
  return backend;
}

describe("the multi-page reader", () => {
  it("gives each page to end_io from the copier, then frees the op; nothing cached: ENODATA, no end_io", async () => {
    const { cache, index, file, cookie } = await fileOn(await backendWithPages(new MemoryBackend()));
    const { got, endIo, all } = collect(2);
    expect(await cache.readPages(cookie, [0, 1], endIo)).toBe("OK");
    await all;
    expect(got.get(0)).toEqual({ data: bytes(0), error: "OK" });
    expect(got.get(1)).toEqual({ data: bytes(1), error: "OK" });
    expect([...file.cached].sort()).toEqual([0, 1]);
    // The copier's last put, after its last end_io, frees the op and gives back its n_active unit.
    for (let i = 0; i < 100 && cache.inspect().ops.length > 0; i++)
      await new Promise<void>((res) => setImmediate(res));
    const view = cache.inspect();
    expect(view.ops).toEqual([]);
    expect(view.cookies.find((c) => c.id === cookie?.id)?.n_active).toBe(1);
    // A file the cache has nothing for.
    const other = newFile("b");
    const fresh = await cache.acquireCookie(index, fileDef(other), other);
    const none: number[] = [];
    expect(await cache.readPages(fresh, [2, 3], (page) => none.push(page))).toBe("ENODATA");
    expect(none).toEqual([]);
    expect([...other.cached].sort()).toEqual([2, 3]);
    expect(await cache.readPages(null, [0], () => undefined)).toBe("ENOBUFS");
    await expect(cache.readPages(fresh, [1, 1], () => undefined)).rejects.toThrow(/distinct/);
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("delivers each page once with its data, whichever pages the backend holds in memory, and frees the op", async () => {
    // The repaired design on the event loop: the reader copies the resident pages, the copier the others, and
    // the op completes once (3.12 may complete it twice, F15, which the stepped tests below show).
    const stored = [0, 1, 2, 3];
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(stored, { minLength: 1 }),
        fc.subarray(stored),
        async (pages, resident) => {
          const { cache, cookie } = await fileOn(
            await backendWithPages(new ResidentBackend(resident), stored),
          );
          const { got, endIo, all } = collect(pages.length);
          expect(await cache.readPages(cookie, pages, endIo)).toBe("OK");
          await all;
          expect([...got.keys()].sort()).toEqual([...pages].sort());
          for (const page of pages) expect(got.get(page)).toEqual({ data: bytes(page), error: "OK" });
          for (let i = 0; i < 100 && cache.inspect().ops.length > 0; i++)
            await new Promise<void>((res) => setImmediate(res));
          expect(cache.inspect().ops).toEqual([]);
          expect(cache.inspect().oops).toBe("NONE");
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a page the cache holds nothing of reaches end_io without data; a failed backing read, with EIO", async () => {
    // Page 1's backing read fails with an I/O error (cachefiles' "Readpage failed on backing file").
    class Failing extends MemoryBackend {
      override readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
        if (page === 1) return Promise.reject(new BackendError("EIO", "readPage", "scripted"));
        return super.readPage(obj, page);
      }
    }
    const { cache, file, cookie } = await fileOn(await backendWithPages(new Failing()));
    const { got, endIo, all } = collect(3);
    expect(await cache.readPages(cookie, [0, 1, 3], endIo)).toBe("OK");
    await all;
    expect(got.get(0)).toEqual({ data: bytes(0), error: "OK" });
    expect(got.get(1)).toEqual({ data: null, error: "EIO" });
    expect(got.get(3)).toEqual({ data: null, error: "OK" });
    // The failed page is not marked cached, and the I/O error breaks the cache.
    expect([...file.cached].sort()).toEqual([0, 3]);
    expect(cache.core.broken).toBe(true);
    expect(cache.inspect().oops).toBe("NONE");
  });

  /**
   * A stepped cache over the backend with data, file `a` acquired, and its two-page read at ReadPagesIO; with
   * `resident`, the backend holds that page in memory and the reader copies it itself; `backend` replaces the
   * memory backend the data is written to.
   */
  async function readAtIo(
    design: Design,
    resident?: number,
    backend: MemoryBackend = new ResidentBackend(resident),
  ) {
    await backendWithPages(backend);
    const runtime = new SteppedRuntime();
    const cache = new FsCache({ runtime, backend, design });
    const { cookie } = await acquireFile(runtime, cache);
    const got: Delivered = new Map();
    const { labels, run } = namedSteps(runtime);
    const read = cache.readPages(cookie, [0, 1], (page, data, error) => got.set(page, { data, error }));
    for (const s of ["ReadPages", "ReadWaitLookup", "ReadWaitActive"]) await run(s);
    return { cache, cookie, got, labels, run, read };
  }

  /** readAtIo with no page in memory, and the read returned OK. */
  async function readReturned(design: Design, backend?: MemoryBackend) {
    const { cache, cookie, got, labels, run, read } = await readAtIo(design, undefined, backend);
    for (const s of ["ReadPagesIO(up=NONE)", "ReadPutOp"]) await run(s);
    expect(await read).toBe("OK");
    // Nothing delivered yet: both backing reads are still in flight, each monitor holding an op ref.
    expect(got.size).toBe(0);
    expect(labels().sort()).toEqual(["ReadWaiter(k=1, p=p0)", "ReadWaiter(k=1, p=p1)"]);
    return { cache, cookie, got, labels, run };
  }

  it("a page the copier reaches while the cookie is being invalidated ends with ESTALE, not marked cached", async () => {
    const { cache, cookie, got, run } = await readReturned("POST_FIX_REPAIRED");
    void cache.invalidate(cookie);
    await run("Invalidate");
    expect(cookie.flags.has("INVALIDATING")).toBe(true);
    await run("ReadWaiter(k=1, p=p0)");
    await run("ReadCopier(k=1, result=OK)");
    // cachefiles_read_copier tests INVALIDATING before it copies: -ESTALE, no data, not PG_fscache.
    expect(got.get(0)).toEqual({ data: null, error: "ESTALE" });
    expect(cookie.cachedPages.has(0)).toBe(false);
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("a backing read the copier finds failed breaks the cache in the copier's step, after the call returned", async () => {
    // The backend says page 1's backing read ended in error (PageError) once it completed: the read call has
    // returned OK, and cachefiles_read_copier's "Readpage failed on backing file" breaks the cache.
    class FailsLater extends MemoryBackend {
      backingReadFailed(_obj: BackendObject, page: number): boolean {
        return page === 1;
      }
    }
    const { cache, cookie, got, labels, run } = await readReturned("POST_FIX_REPAIRED", new FailsLater());
    await run("ReadWaiter(k=1, p=p1)");
    expect(labels()).toContain("ReadCopier(k=1, result=EIO)");
    expect(cache.core.broken).toBe(false);
    await run("ReadCopier(k=1, result=EIO)");
    expect(got.get(1)).toEqual({ data: null, error: "EIO" });
    expect(cookie.cachedPages.has(1)).toBe(false);
    expect(cache.core.broken).toBe(true);
    // The other page, its backing read whole, is still copied and marked cached.
    await run("ReadWaiter(k=1, p=p0)");
    await run("ReadCopierTest(k=1)");
    await run("ReadCopier(k=1, result=OK)");
    expect(got.get(0)).toEqual({ data: bytes(0), error: "OK" });
    expect(cookie.cachedPages.has(0)).toBe(true);
    expect(cache.inspect().oops).toBe("NONE");
  });

  it("3.12: a page's waiter queues the op through a monitor the copier has freed (F14)", async () => {
    const { cache, got, labels, run } = await readReturned("POST_FIX");
    await run("ReadWaiter(k=1, p=p0)");
    // p0's monitor is on op->to_do and work_lock is dropped; the waiter has yet to queue the op.
    expect(labels().sort()).toEqual(["ReadWaiter(k=1, p=p1)", "ReadWaiterEnqueue(k=1, p=p0)"]);
    await run("ReadWaiter(k=1, p=p1)");
    await run("ReadWaiterEnqueue(k=1, p=p1)");
    // The copier, queued by p1's waiter, takes p0's monitor first and frees it.
    await run("ReadCopier(k=1, result=OK)");
    expect(got.get(0)).toEqual({ data: bytes(0), error: "OK" });
    expect(cache.core.waiters.map((w) => w.monitor)).toEqual(["TAKEN"]);
    await run("ReadCopierTest(k=1)");
    expect(cache.core.waiters.map((w) => w.monitor)).toEqual(["FREED"]);
    await run("ReadWaiterEnqueue(k=1, p=p0)");
    expect(cache.inspect().oops).toBe(SPEC_OOPS.ReadWaiterEnqueue);
  });

  it("repaired: the waiter queues the op in its first step, and the copier runs again when queued late", async () => {
    const { cache, got, labels, run } = await readReturned("POST_FIX_REPAIRED");
    await run("ReadWaiter(k=1, p=p0)");
    expect(labels().sort()).toEqual(["ReadCopier(k=1, result=OK)", "ReadWaiter(k=1, p=p1)"]);
    await run("ReadCopier(k=1, result=OK)");
    await run("ReadCopierTest(k=1)");
    // op->to_do is empty: the copier has returned, and fscache_op_work_func has still to put its ref.
    expect(labels().sort()).toEqual(["ReadCopierPut(k=1)", "ReadWaiter(k=1, p=p1)"]);
    await run("ReadWaiter(k=1, p=p1)");
    expect(cache.core.ops.get(1)?.pc).toBe("ReadCopierRequeue");
    await run("ReadCopierPut(k=1)");
    // Queued while it ran: the item runs again for p1; its last put frees the op.
    expect(labels()).toEqual(["ReadCopier(k=1, result=OK)"]);
    await run("ReadCopier(k=1, result=OK)");
    await run("ReadCopierTest(k=1)");
    await run("ReadCopierPut(k=1)");
    expect(got.get(0)).toEqual({ data: bytes(0), error: "OK" });
    expect(got.get(1)).toEqual({ data: bytes(1), error: "OK" });
    expect(cache.core.ops.size).toBe(0);
    expect(cache.inspect().oops).toBe("NONE");
  });

  /**
   * Page 1 is already up to date: the reader copies it and subtracts it from op->n_pages (1 left), p0's
   * monitored read completes and the copier subtracts p0 (0 left); both then read n_pages.
   */
  async function bothSubtracted(design: Design) {
    const t = await readAtIo(design, 1);
    await t.run("ReadPagesIO(up=p1)");
    expect(t.got.get(1)).toEqual({ data: bytes(1), error: "OK" });
    await t.run("ReadWaiter(k=1, p=p0)");
    if (design === "POST_FIX") await t.run("ReadWaiterEnqueue(k=1, p=p0)");
    await t.run("ReadCopier(k=1, result=OK)");
    expect(t.got.get(0)).toEqual({ data: bytes(0), error: "OK" });
    expect(t.cache.core.ops.get(1)?.nPages).toBe(0);
    return t;
  }

  it("3.12: the reader and the copier both read n_pages = 0 and complete the op twice (F15)", async () => {
    const { cache, run, labels, read } = await bothSubtracted("POST_FIX");
    expect(labels().sort()).toEqual(["ReadCopierTest(k=1)", "ReadPagesTest"]);
    await run("ReadCopierTest(k=1)");
    expect(cache.core.ops.get(1)?.state).toBe("CANCELLED");
    await run("ReadPagesTest");
    expect(cache.inspect().oops).toBe(SPEC_OOPS["ReadPagesTest:complete"]);
    await expect(read).rejects.toThrow(SPEC_OOPS["ReadPagesTest:complete"]);
  });

  it("repaired: each completion tests what its own subtraction left, and the op completes once", async () => {
    const { cache, run, labels, read } = await bothSubtracted("POST_FIX_REPAIRED");
    // The copier's subtraction left 0: it completed the op in its ReadCopier step; the reader's left 1.
    expect(cache.core.ops.get(1)?.state).toBe("CANCELLED");
    expect(labels().sort()).toEqual(["ReadCopierTest(k=1)", "ReadPutOp"]);
    for (const s of ["ReadPutOp", "ReadCopierTest(k=1)", "ReadCopierPut(k=1)"]) await run(s);
    expect(await read).toBe("OK");
    expect(cache.core.ops.size).toBe(0);
    expect(cache.inspect().oops).toBe("NONE");
  });
});
