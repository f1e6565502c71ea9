// The op workqueue's processors for ASYNC ops: the exclusive invalidation (cachefiles `invalidate_object`),
// the write op (`fscache_write_op`, one page per pass) and attr_changed, each ending with the worker's put.
// A worker task starts inside its first step, named by the op's kind (OP_FIRST_STEP).

import { touch } from "./revision.ts";
import { label, type Task } from "../runtime/runtime.ts";
import { BackendError } from "./backend.ts";
import type { CacheCore } from "./context.ts";
import { type Cookie, discardPendingStores, type StoreEntry, unuseCookie, useCookie } from "./cookie.ts";
import { bugOn, bugOnNull } from "./errors.ts";
import type { WriteResult } from "./names.ts";
import {
  derefCookie,
  type FscacheObject,
  netfsOf,
  objectIsActive,
  objectLockGate,
  raiseEvent,
} from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import { opComplete, type Operation, putOp } from "./operation.ts";
import { runReadCopier } from "./retrieval.ts";

/** The size the netfs reports (`def->get_attr`), 0 without the callback. */
function netfsSize(cookie: Cookie, site: string): number {
  const { def, data } = netfsOf(cookie, site);
  return def.getAttr?.(data) ?? 0;
}

/**
 * Repair STRANDED_WRITES_DISCARDED: no write op will ever store the PENDING pages of this object, so drop
 * them (the netfs still has the data; only the cache copy is lost) and let a later write start a new op.
 */
export function discardStrandedWrites(core: CacheCore, obj: FscacheObject): void {
  if (!core.repaired("STRANDED_WRITES_DISCARDED")) return;
  touch(obj);
  obj.flags.delete("PENDING_WRITE");
  const cookie = obj.cookie;
  // An attached cookie is live: relinquish detaches its objects before it frees it.
  if (cookie) discardPendingStores(core, cookie);
}

export async function runOpWorker(core: CacheCore, op: Operation, task: Task): Promise<void> {
  const k = op.id;
  const obj = op.object;
  bugOnNull(obj, `op worker: op ${k} has no object`);
  const gate = objectLockGate(core, obj);
  const yieldTo = (action: string, params: Record<string, string> = {}): Promise<void> => {
    touch(op);
    op.pc = action;
    // Every op step takes its object's lock (or commutes with a submitter's two steps): it waits while one holds it.
    if (gate) return task.waitUntil(label(action, { k, ...params }), gate.queue, gate.condition);
    return task.step(label(action, { k, ...params }));
  };
  switch (op.kind) {
    case "INVALIDATE":
      await invalidateObject(core, op, obj);
      break;
    case "ATTR_CHANGED":
      await attrChanged(core, op, obj);
      break;
    case "WRITE":
      await writeOp(core, op, obj, yieldTo);
      break;
    case "READ":
      // The copier ends with its own put (ReadCopierPut), and may run again if queued meanwhile.
      await runReadCopier(core, op, obj, yieldTo);
      return;
    default:
      bugOn(true, `op worker: op ${k} of kind ${op.kind} is not ASYNC`);
  }
  await yieldTo("OpPut");
  touch(op);
  op.pc = "NONE";
  putOp(core, op);
}

/** OpInvalidateObject: truncate to the netfs's size (read through the op's n_active unit), then complete. */
async function invalidateObject(core: CacheCore, op: Operation, obj: FscacheObject): Promise<void> {
  const cookie = derefCookie(obj.cookie, "OpInvalidateObject");
  const size = netfsSize(cookie, "OpInvalidateObject");
  try {
    await core.backend.invalidateObject(obj.backend, size);
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    raiseEvent(core, obj, "ERROR");
    // The truncation may not have happened: the old data must not be served or found again.
    if (core.repaired("WRITE_ERROR_RETIRES")) {
      touch(cookie);
      cookie.flags.add("NO_DATA_YET");
      cookie.flags.add("RETIRED");
    }
  }
  opComplete(core, op);
}

/**
 * OpAttrChanged: only for an active object whose netfs data can still be pinned. PRE_FIX takes no n_active
 * unit and reads the size through `object->cookie`, which relinquish may have NULLed meanwhile.
 */
async function attrChanged(core: CacheCore, op: Operation, obj: FscacheObject): Promise<void> {
  if (objectIsActive(core, obj)) {
    const cookie = derefCookie(obj.cookie, "OpAttrChanged");
    if (core.preFix || useCookie(cookie)) {
      const size = netfsSize(cookie, "OpAttrChanged");
      try {
        await core.backend.attrChanged(obj.backend, size);
      } catch (e) {
        if (!(e instanceof BackendError)) throw e;
        raiseEvent(core, obj, "ERROR");
      }
      if (!core.preFix) unuseCookie(core, cookie);
    }
  }
  opComplete(core, op);
}

/** The lowest-indexed PENDING page of `stores`, with its entry. */
function lowestPending(cookie: Cookie): [number, StoreEntry] | undefined {
  let best: [number, StoreEntry] | undefined;
  for (const [page, entry] of cookie.stores) {
    if (entry.tag === "PENDING" && (best === undefined || page < best[0])) best = [page, entry];
  }
  return best;
}

/**
 * `fscache_write_op`: one page per pass (WriteOp), its I/O outcome labelling the next step
 * (WriteOpWritePage); after a successful write the op requeues itself for the next page.
 */
async function writeOp(
  core: CacheCore,
  op: Operation,
  obj: FscacheObject,
  yieldTo: (action: string, params?: Record<string, string>) => Promise<void>,
): Promise<void> {
  for (;;) {
    // WriteOp, under object->lock.
    const cookie = obj.cookie;
    if (!objectIsActive(core, obj) || cookie === null) {
      // The object died under the op: complete it (not cancelled, as 3.12's fscache_write_op).
      // 3.12 leaves PENDING_WRITE set and the PENDING pages in `stores`.
      discardStrandedWrites(core, obj);
      opComplete(core, op);
      return;
    }
    bugOn(cookie.mem !== "LIVE", SPEC_OOPS.WriteOp);
    const next = lowestPending(cookie);
    if (!next) {
      // superseded: nothing left to write; the op ends cancelled.
      touch(obj);
      obj.flags.delete("PENDING_WRITE");
      opComplete(core, op, true);
      return;
    }
    const [page, entry] = next;
    touch(cookie);
    entry.tag = "STORING";
    const data = entry.data;
    touch(op);
    op.pc = "WriteOpWritePage";
    let result: WriteResult = "OK";
    try {
      await core.backend.writePage(obj.backend, page, data);
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      // cachefiles_write_page reports an I/O error to the cache (cachefiles_io_error_obj); others just fail.
      result = e.code === "EIO" ? "EIO" : "ERROR";
    }
    await yieldTo("WriteOpWritePage", { result });
    // The netfs page was written through the op's n_active unit: the cookie and its netfs data must be there.
    const c = derefCookie(obj.cookie, "WriteOpWritePage");
    netfsOf(c, "WriteOpWritePage");
    const e = c.stores.get(page);
    bugOn(e?.tag !== "STORING", SPEC_OOPS.WriteOpWritePage);
    // fscache_end_page_write: the page leaves `stores` (waking wait-on-page-write).
    touch(c);
    c.stores.delete(page);
    core.wake(c.storesWq);
    if (result === "EIO") core.ioError();
    if (result !== "OK") {
      // fscache_abort_object, and the op ends cancelled.
      raiseEvent(core, obj, "ERROR");
      if (core.repaired("WRITE_ERROR_RETIRES")) {
        c.flags.add("NO_DATA_YET");
        c.flags.add("RETIRED");
      }
      discardStrandedWrites(core, obj);
      opComplete(core, op, true);
      return;
    }
    await yieldTo("WriteOp");
  }
}
