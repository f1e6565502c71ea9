// Operations (`struct fscache_operation`, fs/fscache/operation.c, §1.4): allocation into the lowest free slot,
// submission (plain and exclusive), running, starting pending ops, cancellation, completion and the final put
// whose release gives back the op's `n_active` unit (UNUSE_COOKIE) and its `n_ops` count.

import type { WaitQueue } from "../runtime/runtime.ts";
import type { CacheCore } from "./context.ts";
import { unuseCookie } from "./cookie.ts";
import { bugOn, bugOnNull } from "./errors.ts";
import type { OpFlag, OpKind, OpState } from "./names.ts";
import { type FscacheObject, objectIsActive, raiseEvent } from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import { touch } from "./revision.ts";

/** The first action of an ASYNC op's worker, by kind. */
export const OP_FIRST_STEP: Partial<Record<OpKind, string>> = {
  WRITE: "WriteOp",
  INVALIDATE: "OpInvalidateObject",
  ATTR_CHANGED: "OpAttrChanged",
  // A multi-page read becomes ASYNC when its backing reads start; its work item is the copier.
  READ: "ReadCopier",
};

/**
 * One page of a multi-page read (cachefiles' `struct cachefiles_one_read`): what the backing read gave, kept
 * until the copier hands it to the netfs.
 */
export interface Monitor {
  readonly page: number;
  readonly data: Uint8Array | null;
  /**
   * The backing read failed (PageError: cachefiles_read_copier's "Readpage failed" path, the spec's ReadCopier
   * with result EIO): set when the backend's read reported EIO as it started, or when the backend says so as the
   * copier's step for this page is labelled (`copierParams`).
   */
  error: boolean;
}

/**
 * The netfs side of a read the copier completes (every multi-page read, a single-page read whose page was not
 * resident): the netfs's `end_io_func` (given its context by the caller's closure), which
 * `fscache_end_io` hands each page: its data (null for a hole), or an error: EIO (the backing read failed), ESTALE
 * (the cookie was being invalidated when the copier reached the page).
 */
export type EndIo = (page: number, data: Uint8Array | null, error: "OK" | "EIO" | "ESTALE") => void;

export class Operation {
  /** Counts writes, for recording (revision.ts): bumped by `touch` before each. */
  rev = 0;
  state: OpState = "INITIALISED";
  object: FscacheObject | null = null;
  readonly flags: Set<OpFlag>;
  usage = 1;
  /** The op worker's next action, "NONE" when not on the op workqueue. */
  pc = "NONE";
  /** Woken when WAITING clears (`wake_up_bit(&op->flags, FSCACHE_OP_WAITING)`). */
  readonly waitq: WaitQueue;
  /** A multi-page read's pages whose backing read is in flight, each with a monitor holding an op ref. */
  readonly io = new Map<number, Monitor>();
  /** `op->to_do`: monitors whose backing read completed, for the copier, in the order the waiters added them. */
  readonly todo: Monitor[] = [];
  /** `op->n_pages`: a multi-page read's pages not yet completed (`fscache_retrieval_complete` subtracts). */
  nPages = 0;
  /** A multi-page read's `end_io_func`. */
  endIo: EndIo | null = null;

  constructor(
    readonly id: number,
    readonly kind: OpKind,
    flags: readonly OpFlag[],
    core: CacheCore,
  ) {
    this.flags = new Set(flags);
    this.waitq = core.runtime.waitQueue(`op:${id}`);
  }
}

/**
 * Allocates an op in the lowest free slot (usage 1: the allocator's ref), or returns null when every slot is
 * taken: the kernel's `kzalloc` failing, whose callers take their -ENOMEM paths.
 */
export function allocOp(core: CacheCore, kind: OpKind, flags: readonly OpFlag[]): Operation | null {
  const id = core.opId();
  if (id === 0) return null;
  const op = new Operation(id, kind, flags, core);
  touch(core);
  core.ops.set(op.id, op);
  return op;
}

/**
 * Frees an op's slot: after its last put (putOp), or one never accepted by an object (the kernel's kfree on the
 * submit-failure paths). fscache_put_operation's ASSERTIFCMP: an op is released unsubmitted, complete or
 * cancelled (a refused submission marks it cancelled for this).
 */
export function freeOp(core: CacheCore, op: Operation): void {
  bugOn(
    op.state !== "INITIALISED" && op.state !== "COMPLETE" && op.state !== "CANCELLED",
    `put_operation: op ${op.id} released while ${op.state}`,
  );
  touch(op);
  op.state = "FREE";
  touch(core);
  core.ops.delete(op.id);
}

/** Whether submission must refuse the op because the object is dead (repair NO_OPS_ON_DEAD_OBJECT). */
function deadRefused(core: CacheCore, obj: FscacheObject): boolean {
  return core.repaired("NO_OPS_ON_DEAD_OBJECT") && !obj.flags.has("IS_LIVE");
}

/** `fscache_submit_op` (under object->lock): run, queue, or refuse (op CANCELLED, returns false). */
/** The branch of `fscache_submit_op` that takes an op: the object is active, or only looked up. */
export type SubmitBranch = "ACTIVE" | "LOOKED_UP";

/** `fscache_submit_op`'s test of the object's flags: the branch that takes the op, or null if it is refused. */
export function submitBranch(core: CacheCore, obj: FscacheObject): SubmitBranch | null {
  if (objectIsActive(core, obj)) return "ACTIVE";
  // With the cache broken (IOERROR) no object is active, and 3.12 queues the op on a looked-up object that may
  // stay available and live with nothing to start it (F12); repair BROKEN_CACHE_REFUSES_OPS refuses it.
  const brokenRefused = core.broken && core.repaired("BROKEN_CACHE_REFUSES_OPS");
  // 3.12 queues on any looked-up object, even one KILL_OBJECT has already passed: the defect the repair
  // closes, since nothing will ever start or cancel it there.
  if (!deadRefused(core, obj) && !brokenRefused && obj.flags.has("IS_LOOKED_UP")) return "LOOKED_UP";
  return null;
}

/**
 * The rest of `fscache_submit_op` once `branch` is chosen: count the op, then run it or queue it. Its test may
 * be a step earlier (CacheCore.submitWindow), so the object may have changed since (F13).
 */
export function submitAs(core: CacheCore, obj: FscacheObject, op: Operation, branch: SubmitBranch): void {
  touch(op);
  op.state = "PENDING";
  op.object = obj;
  touch(obj);
  obj.n_ops++;
  if (branch === "LOOKED_UP" || obj.n_exclusive > 0) {
    queuePending(obj, op);
  } else if (obj.pending_ops.length > 0) {
    queuePending(obj, op);
    startOperations(core, obj);
  } else {
    runOp(core, obj, op);
  }
}

/**
 * Whether an object step `action` takes object->lock or its cookie's cookie->lock, and so waits for a reader
 * holding them across its submit (CacheCore.submitWindow). The dispatcher's steps take neither, nor does
 * 3.12's fscache_kill_object: it clears IS_LIVE and tests the counters unlocked (F13); repair
 * KILL_MARKS_DEAD_UNDER_LOCK clears IS_LIVE under object->lock, as later kernels' fscache_mark_object_dead.
 * The few other steps that take neither touch nothing the reader's two steps do, so they wait with no loss.
 */
export function takesObjectLock(core: CacheCore, action: string): boolean {
  if (UNLOCKED_OBJECT_STEPS.has(action)) return false;
  if (action === "KILL_OBJECT") return core.repaired("KILL_MARKS_DEAD_UNDER_LOCK");
  return true;
}
const UNLOCKED_OBJECT_STEPS: ReadonlySet<string> = new Set([
  "DispatchStart",
  "DispatchSelect",
  "DispatchUnmask",
  "DispatchRecheck",
  "KillTest",
]);

/**
 * `fscache_submit_exclusive_op`: as `fscache_submit_op` (submitBranch, submitAs) but counted in `n_exclusive`,
 * waiting for everything in progress.
 * 3.12 has no "dying" branch: any looked-up object queues the op, and an object neither active nor looked up
 * is refused (returns false): 3.12 ASSERTs a cache I/O error there, which the callers report. Repair
 * NO_OPS_ON_DEAD_OBJECT refuses a dead object here too (the spec's SubmitExclusiveOk); that only matters for
 * attr_changed: INVALIDATE_OBJECT submits from the object's own worker, the only party that clears IS_LIVE.
 */
export function submitExclusiveOp(core: CacheCore, obj: FscacheObject, op: Operation): boolean {
  const branch = exclusiveBranch(core, obj);
  if (branch === null) {
    touch(op);
    op.state = "CANCELLED";
    return false;
  }
  submitExclusiveAs(core, obj, op, branch);
  return true;
}

/** `fscache_submit_exclusive_op`'s test of the object's flags: the branch that takes the op, or null. */
export function exclusiveBranch(core: CacheCore, obj: FscacheObject): SubmitBranch | null {
  if (objectIsActive(core, obj)) return "ACTIVE";
  if (!deadRefused(core, obj) && obj.flags.has("IS_LOOKED_UP")) return "LOOKED_UP";
  return null;
}

/**
 * The rest of `fscache_submit_exclusive_op` once `branch` is chosen: count the op as exclusive, then run it
 * or queue it behind everything in progress. As with submitAs, the test may be a step earlier (F13).
 */
export function submitExclusiveAs(
  core: CacheCore,
  obj: FscacheObject,
  op: Operation,
  branch: SubmitBranch,
): void {
  touch(op);
  op.state = "PENDING";
  op.object = obj;
  touch(obj);
  obj.n_ops++;
  obj.n_exclusive++;
  if (branch === "LOOKED_UP") {
    queuePending(obj, op);
    return;
  }
  if (obj.n_in_progress > 0) {
    queuePending(obj, op);
  } else if (obj.pending_ops.length > 0) {
    queuePending(obj, op);
    startOperations(core, obj);
  } else {
    runOp(core, obj, op);
  }
  obj.flags.delete("PENDING_WRITE");
}

/** Whether submitExclusiveOp would accept an op for `obj` (checked before a caller changes anything). */
export function exclusiveSubmittable(core: CacheCore, obj: FscacheObject): boolean {
  return exclusiveBranch(core, obj) !== null;
}

/** The pending list holds its own op ref. */
function queuePending(obj: FscacheObject, op: Operation): void {
  touch(op);
  op.usage++;
  touch(obj);
  obj.pending_ops.push(op);
}

/** `fscache_run_op`: IN_PROGRESS, wake a MYTHREAD waiter, put an ASYNC op on the op workqueue (+1 ref). */
export function runOp(core: CacheCore, obj: FscacheObject, op: Operation): void {
  touch(op);
  op.state = "IN_PROGRESS";
  touch(obj);
  obj.n_in_progress++;
  if (op.flags.delete("WAITING")) core.wake(op.waitq);
  if (op.flags.has("ASYNC")) {
    // fscache_enqueue_operation ASSERTs the object is available (F10: an op queued on a looked-up object
    // whose creation then failed is started by KILL_OBJECT).
    bugOn(!obj.flags.has("IS_AVAILABLE"), SPEC_OOPS.RunOp);
    op.usage++;
    const first = OP_FIRST_STEP[op.kind];
    bugOn(first === undefined, `run_op: no processor for ${op.kind} op ${op.id}`);
    op.pc = first ?? "NONE";
    core.spawnOpWorker(op);
  }
}

/** `fscache_start_operations`: from the head of `pending_ops`; an exclusive op runs alone and stops the scan. */
export function startOperations(core: CacheCore, obj: FscacheObject): void {
  let stop = false;
  while (!stop) {
    const op = obj.pending_ops[0];
    if (!op) break;
    if (op.flags.has("EXCLUSIVE")) {
      if (obj.n_in_progress > 0) break;
      stop = true;
    }
    touch(obj);
    obj.pending_ops.shift();
    if (
      core.repaired("ASYNC_OPS_NEED_AVAILABLE") &&
      op.flags.has("ASYNC") &&
      !obj.flags.has("IS_AVAILABLE")
    ) {
      cancelPending(core, obj, op);
      stop = false;
      continue;
    }
    runOp(core, obj, op);
    putOp(core, op);
  }
}

/** A pending op that will never run → CANCELLED, its waiter woken, the pending list's ref dropped. */
function cancelPending(core: CacheCore, obj: FscacheObject, op: Operation): void {
  bugOn(op.state !== "PENDING", `cancel: op ${op.id} is ${op.state}`);
  touch(op);
  op.state = "CANCELLED";
  touch(obj);
  if (op.flags.has("EXCLUSIVE")) obj.n_exclusive--;
  if (op.flags.delete("WAITING")) core.wake(op.waitq);
  putOp(core, op);
}

/** `fscache_cancel_all_ops`: every pending op → CANCELLED, waiters woken, the pending list's ref dropped. */
export function cancelAllOps(core: CacheCore, obj: FscacheObject): void {
  let op: Operation | undefined;
  touch(obj);
  while ((op = obj.pending_ops.shift())) cancelPending(core, obj, op);
}

/** `fscache_op_complete`: the op stops counting as in progress; at 0 in progress, pending ops start. */
export function opComplete(core: CacheCore, op: Operation, cancelled = false): void {
  const obj = op.object;
  bugOnNull(obj, `op_complete: op ${op.id} has no object`);
  bugOn(op.state !== "IN_PROGRESS", `op_complete: op ${op.id} is ${op.state}`);
  touch(op);
  op.state = cancelled ? "CANCELLED" : "COMPLETE";
  touch(obj);
  if (op.flags.has("EXCLUSIVE")) obj.n_exclusive--;
  obj.n_in_progress--;
  if (obj.n_in_progress === 0) startOperations(core, obj);
}

/**
 * `fscache_put_operation`: at usage 0 release it: DEC_READ_CNT, UNUSE_COOKIE (the op's n_active unit), then
 * `n_ops` with CLEARED at 0, and free the slot.
 */
export function putOp(core: CacheCore, op: Operation): void {
  bugOn(op.state === "FREE", `put_operation: op ${op.id} already freed`);
  touch(op);
  op.usage--;
  bugOn(op.usage < 0, `put_operation: usage of op ${op.id} below 0`);
  if (op.usage > 0) return;
  const obj = op.object;
  bugOnNull(obj, `put_operation: op ${op.id} released without an object`);
  // An op counted after KILL_OBJECT had chosen to drop its object outlives it (F13): a use after free.
  bugOn(obj.mem !== "LIVE", SPEC_OOPS.OpRelease);
  if (op.flags.has("DEC_READ_CNT")) {
    touch(obj);
    obj.n_reads--;
    // PRE_FIX's relinquish waits for the object's reads (WAITING_ON_READS, woken on the cookie's flags).
    if (obj.n_reads === 0 && obj.cookie) core.wake(obj.cookie.flagsWq);
  }
  if (op.flags.has("UNUSE_COOKIE")) {
    bugOnNull(obj.cookie, `put_operation: op ${op.id} unuse with NULL cookie`);
    unuseCookie(core, obj.cookie);
  }
  touch(obj);
  obj.n_ops--;
  bugOn(obj.n_ops < 0, `put_operation: n_ops of ${obj.id} below 0`);
  if (obj.n_ops === 0) raiseEvent(core, obj, "CLEARED");
  freeOp(core, op);
}
