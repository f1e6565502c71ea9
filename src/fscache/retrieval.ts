// A multi-page read's completions (cachefiles rdwr.c): the backing reads started by the reader
// (`startBackingReads`, the spec's ReadPagesIO), one waiter task per page run when its backing read completes
// (`cachefiles_read_waiter`: ReadWaiter, and in 3.12 ReadWaiterEnqueue), and the op's work item, the copier
// (`cachefiles_read_copier`: ReadCopier and ReadCopierTest per page, then ReadCopierPut), which hands each page
// to the netfs after the read call has returned; and `fscache_retrieval_complete`'s test of `op->n_pages`,
// which the reader (for a page it copies itself) and the copier both run.

import { label, type Task } from "../runtime/runtime.ts";
import type { CacheCore, ReadWaiter } from "./context.ts";
import { bugOn, bugOnNull } from "./errors.ts";
import { pageName } from "./names.ts";
import { derefCookie, type FscacheObject, markPageCached, netfsOf } from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import { type Monitor, opComplete, type Operation, putOp } from "./operation.ts";
import { touch } from "./revision.ts";

/**
 * cachefiles_read_or_alloc_pages with data in the backing file: each page's read starts with a monitor holding
 * an op ref, and the op becomes ASYNC with the copier as its processor (FSCACHE_OP_KEEP_FLAGS keeps the rest).
 * The backend read itself ran before this step; its completion is the waiter's step.
 */
export function startBackingReads(
  core: CacheCore,
  op: Operation,
  monitors: readonly Monitor[],
  nPages: number,
): void {
  touch(op);
  op.nPages = nPages;
  for (const m of monitors) op.io.set(m.page, m);
  op.usage += monitors.length;
  op.flags.delete("MYTHREAD");
  op.flags.add("ASYNC");
  for (const m of monitors) {
    const p = pageName(m.page);
    core.spawnTask(`waiter:${op.id}:${p}`, label("ReadWaiter", { k: op.id, p }), (task) =>
      runReadWaiter(core, op, m.page, task),
    );
  }
}

/**
 * `cachefiles_read_waiter`, run by the page's unlock: under work_lock the monitor goes on op->to_do. 3.12 then
 * drops work_lock and only in a later step reads monitor->op to queue the op, with no ref of its own (F14);
 * READ_WAITER_HOLDS_OP takes a ref and queues the op under work_lock, in this step.
 */
async function runReadWaiter(core: CacheCore, op: Operation, page: number, task: Task): Promise<void> {
  const m = op.io.get(page);
  bugOn(m === undefined, `read waiter: page ${page} of op ${op.id} has no read in flight`);
  touch(op);
  op.io.delete(page);
  if (m) op.todo.push(m);
  if (core.repaired("READ_WAITER_HOLDS_OP")) {
    enqueueRetrieval(core, op, "ReadWaiter");
    return;
  }
  const w: ReadWaiter = { op, page, monitor: "LIVE" };
  touch(core);
  core.waiters.push(w);
  await task.step(label("ReadWaiterEnqueue", { k: op.id, p: pageName(page) }));
  // monitor->op, read after work_lock was dropped: the copier may have freed the monitor since.
  bugOn(w.monitor === "FREED", SPEC_OOPS.ReadWaiterEnqueue);
  touch(core);
  core.waiters.splice(core.waiters.indexOf(w), 1);
  enqueueRetrieval(core, op, "ReadWaiterEnqueue");
}

/**
 * `fscache_enqueue_retrieval` → `fscache_enqueue_operation`: its ASSERTs, then the copier's work item is queued
 * with a ref of its own. A queued or running copier looks at op->to_do before it ends, so queueing it again
 * changes nothing (queue_work on a pending item fails and the ref is put); one that has ended and is about to
 * put its ref runs again after (ReadCopierRequeue).
 */
function enqueueRetrieval(core: CacheCore, op: Operation, who: "ReadWaiter" | "ReadWaiterEnqueue"): void {
  const obj = op.object;
  bugOnNull(obj, `enqueue_retrieval: op ${op.id} has no object`);
  bugOn(!obj.flags.has("IS_AVAILABLE"), SPEC_OOPS[`${who}:available`]);
  bugOn(op.state !== "IN_PROGRESS", SPEC_OOPS[`${who}:state`]);
  if (op.pc === "NONE") {
    touch(op);
    op.usage++;
    op.pc = "ReadCopier";
    core.spawnOpWorker(op);
  } else if (op.pc === "ReadCopierPut") {
    touch(op);
    op.usage++;
    op.pc = "ReadCopierRequeue";
  }
}

/**
 * The test half of `fscache_retrieval_complete`: at 0 pages left, `fscache_op_complete(op, true)` (3.12's
 * fscache-cache.h passes true), whose ASSERT fails on an op already completed. 3.12 reads `op->n_pages` again
 * after its `atomic_sub`, in a later step than the subtraction (F15); RETRIEVAL_SUB_RETURN tests the count
 * the subtraction gave, in its step.
 */
export function retrievalComplete(
  core: CacheCore,
  op: Operation,
  who: "ReadPagesIO" | "ReadPagesTest" | "ReadCopier" | "ReadCopierTest",
): void {
  if (op.nPages > 0) return;
  bugOn(op.state !== "IN_PROGRESS", SPEC_OOPS[`${who}:complete`]);
  opComplete(core, op, true);
}

/**
 * The parameters of the copier's next ReadCopier step: the outcome of the backing read of the page at the head of
 * op->to_do (the spec's `result`), which the step acts on past its INVALIDATING test. A failure the backend
 * reports now is kept on the monitor, so that the step does what its label says.
 */
export function copierParams(core: CacheCore, op: Operation): { result: "OK" | "EIO" } {
  const m = op.todo[0] ?? null;
  bugOnNull(m, `read copier: op ${op.id} has nothing to do`);
  if (!m.error && op.object && core.backend.backingReadFailed?.(op.object.backend, m.page) === true) {
    touch(op);
    m.error = true;
  }
  return { result: m.error ? "EIO" : "OK" };
}

/** The waiter records of the monitor the copier holds (its waiter not yet past reading `monitor->op`). */
function markWaiters(core: CacheCore, op: Operation, from: "LIVE" | "TAKEN", page: number | null): void {
  for (const w of core.waiters) {
    if (w.op === op && w.monitor === from && (page === null || w.page === page)) {
      touch(core);
      w.monitor = from === "LIVE" ? "TAKEN" : "FREED";
    }
  }
}

/**
 * `cachefiles_read_copier`, one monitor at a time in op->to_do's order. ReadCopier: take it off the list, the
 * netfs's mark_page_cached and end_io_func (netfs data, pinned by the op's n_active unit), and
 * `fscache_retrieval_complete(op, 1)`'s subtraction; ReadCopierTest: its test (3.12; RETRIEVAL_SUB_RETURN tests
 * in ReadCopier), the monitor's ref put and the monitor freed. With op->to_do empty, ReadCopierPut:
 * `fscache_op_work_func` puts the queueing's ref.
 */
export async function runReadCopier(
  core: CacheCore,
  op: Operation,
  obj: FscacheObject,
  yieldTo: (action: string, params?: Record<string, string>) => Promise<void>,
): Promise<void> {
  for (;;) {
    const m = op.todo[0];
    bugOn(m === undefined, `read copier: op ${op.id} has nothing to do`);
    const cookie = derefCookie(obj.cookie, "ReadCopier");
    const netfs = netfsOf(cookie, "ReadCopier");
    touch(op);
    op.todo.shift();
    if (m) {
      markWaiters(core, op, "LIVE", m.page);
      // 3.12 tests the cookie's INVALIDATING first: the page ends with -ESTALE, neither copied nor marked cached.
      // Else a failed backing read: cachefiles_io_error_obj breaks the cache, end_io_func gets -EIO.
      const stale = cookie.flags.has("INVALIDATING");
      if (stale) op.endIo?.(m.page, null, "ESTALE");
      else {
        if (m.error) core.ioError();
        else markPageCached(cookie, netfs, m.page);
        op.endIo?.(m.page, m.error ? null : m.data, m.error ? "EIO" : "OK");
      }
    }
    op.nPages--;
    const subReturn = core.repaired("RETRIEVAL_SUB_RETURN");
    if (subReturn) retrievalComplete(core, op, "ReadCopier");
    await yieldTo("ReadCopierTest");
    if (!subReturn) retrievalComplete(core, op, "ReadCopierTest");
    putOp(core, op);
    markWaiters(core, op, "TAKEN", null);
    if (op.todo.length > 0) {
      await yieldTo("ReadCopier", copierParams(core, op));
      continue;
    }
    await yieldTo("ReadCopierPut");
    const again = op.pc === "ReadCopierRequeue";
    touch(op);
    op.pc = "NONE";
    putOp(core, op);
    if (!again) return;
    await yieldTo("ReadCopier", copierParams(core, op));
  }
}
