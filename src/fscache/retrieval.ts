// A multi-page read's completions (cachefiles rdwr.c): the backing reads started by the reader
// (`startBackingReads`, the spec's ReadPagesIO), one waiter task per page run when its backing read completes
// (`cachefiles_read_waiter`: ReadWaiter, and in 3.12 ReadWaiterEnqueue), and the op's work item, the copier
// (`cachefiles_read_copier`: ReadCopier per page, then ReadCopierPut), which hands each page to the netfs after
// the read call has returned.

import { label, type Task } from "../runtime/runtime.ts";
import type { CacheCore, ReadWaiter } from "./context.ts";
import { bugOn, bugOnNull } from "./errors.ts";
import { pageName } from "./names.ts";
import { derefCookie, type FscacheObject, netfsOf } from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import { type Monitor, opComplete, type Operation, putOp } from "./operation.ts";
import { touch } from "./revision.ts";

/**
 * cachefiles_read_or_alloc_pages with data in the backing file: each page's read starts with a monitor holding
 * an op ref, and the op becomes ASYNC with the copier as its processor (FSCACHE_OP_KEEP_FLAGS keeps the rest).
 * The backend read itself ran before this step; its completion is the waiter's step.
 */
export function startBackingReads(core: CacheCore, op: Operation, monitors: readonly Monitor[]): void {
  touch(op);
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
 * `cachefiles_read_copier`, one monitor per ReadCopier step in op->to_do's order: the netfs's mark_page_cached
 * and end_io_func (netfs data, pinned by the op's n_active unit), `fscache_retrieval_complete(op, 1)` (at 0
 * pages `fscache_op_complete(op, true)`, as 3.12's fscache-cache.h has it), the monitor's ref put and the
 * monitor freed. With op->to_do empty, ReadCopierPut: `fscache_op_work_func` puts the queueing's ref.
 */
export async function runReadCopier(
  core: CacheCore,
  op: Operation,
  obj: FscacheObject,
  yieldTo: (action: string) => Promise<void>,
): Promise<void> {
  for (;;) {
    const m = op.todo[0];
    bugOn(m === undefined, `read copier: op ${op.id} has nothing to do`);
    const cookie = derefCookie(obj.cookie, "ReadCopier");
    const { def, data } = netfsOf(cookie, "ReadCopier");
    touch(op);
    op.todo.shift();
    if (m) {
      for (const w of core.waiters) {
        if (w.op === op && w.page === m.page) {
          touch(core);
          w.monitor = "FREED";
        }
      }
      // The backing read failed: cachefiles_io_error_obj and end_io_func with -EIO (not in the spec).
      if (m.error) core.ioError();
      else {
        def.markPageCached?.(data, m.page);
        touch(cookie);
        cookie.cachedPages.add(m.page);
      }
      op.endIo?.(m.page, m.error ? null : m.data, m.error ? "EIO" : "OK");
    }
    if (op.todo.length === 0 && op.io.size === 0) opComplete(core, op, true);
    putOp(core, op);
    if (op.todo.length > 0) {
      await yieldTo("ReadCopier");
      continue;
    }
    await yieldTo("ReadCopierPut");
    const again = op.pc === "ReadCopierRequeue";
    touch(op);
    op.pc = "NONE";
    putOp(core, op);
    if (!again) return;
    await yieldTo("ReadCopier");
  }
}
