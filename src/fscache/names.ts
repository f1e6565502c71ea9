// The vocabulary shared by the kernel (fs/fscache), the TLA+ spec (spec/FSCache.tla) and this code: state,
// event, flag and design names as literal unions backed by const arrays, so one list feeds both the types
// and any code that enumerates them (inspection, DOT export, tests).

/** The netfs name of a page index, as the spec's `Pages` (`p1`, `p2`, …). */
export function pageName(page: number): string {
  return `p${page}`;
}

/** Object states of the 3.12 work/wait machine (§2.3); DETACH_FROM_COOKIE exists only in PRE_FIX. */
export const STATE_NAMES = [
  "WAIT_FOR_INIT",
  "INIT_OBJECT",
  "WAIT_FOR_PARENT",
  "PARENT_READY",
  "LOOK_UP_OBJECT",
  "OBJECT_AVAILABLE",
  "JUMPSTART_DEPS",
  "WAIT_FOR_CMD",
  "INVALIDATE_OBJECT",
  "UPDATE_OBJECT",
  "ABORT_INIT",
  "LOOKUP_FAILURE",
  "KILL_OBJECT",
  "KILL_DEPENDENTS",
  "WAIT_FOR_CLEARANCE",
  "DETACH_FROM_COOKIE",
  "DROP_OBJECT",
  "OBJECT_DEAD",
] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** Object events with the kernel's bit numbers; when several are pending the highest bit wins. */
export const EVENT_BITS = {
  NEW_CHILD: 0,
  PARENT_READY: 1,
  UPDATE: 2,
  INVALIDATE: 3,
  CLEARED: 4,
  ERROR: 5,
  KILL: 6,
} as const;
export type EventName = keyof typeof EVENT_BITS;
/** Events in bit order (lowest first). */
export const EVENT_NAMES = Object.keys(EVENT_BITS).sort(
  (a, b) => EVENT_BITS[a as EventName] - EVENT_BITS[b as EventName],
) as EventName[];

/** The highest-bit event of `events` (the one the dispatcher consumes), or undefined if none. */
export function highestEvent(events: Iterable<EventName>): EventName | undefined {
  let best: EventName | undefined;
  for (const e of events) if (best === undefined || EVENT_BITS[e] > EVENT_BITS[best]) best = e;
  return best;
}

/** Cookie flags (§1.2); CREATING is the pre-1362729b flag relinquish waited on (PRE_FIX only). */
export const COOKIE_FLAGS = [
  "LOOKING_UP",
  "NO_DATA_YET",
  "UNAVAILABLE",
  "INVALIDATING",
  "RELINQUISHED",
  "RETIRED",
  "CREATING",
] as const;
export type CookieFlag = (typeof COOKIE_FLAGS)[number];

/** Object flags the lifecycle uses (§1.3). */
export const OBJECT_FLAGS = ["IS_LIVE", "IS_LOOKED_UP", "IS_AVAILABLE", "PENDING_WRITE"] as const;
export type ObjectFlag = (typeof OBJECT_FLAGS)[number];

/** Operation states (§1.4); FREE is a slot with no op in it (the kernel's freed memory). */
export const OP_STATES = ["FREE", "INITIALISED", "PENDING", "IN_PROGRESS", "COMPLETE", "CANCELLED"] as const;
export type OpState = (typeof OP_STATES)[number];

export const OP_FLAGS = [
  "ASYNC",
  "MYTHREAD",
  "EXCLUSIVE",
  "UNUSE_COOKIE",
  "DEC_READ_CNT",
  "WAITING",
] as const;
export type OpFlag = (typeof OP_FLAGS)[number];

export const OP_KINDS = ["NONE", "INVALIDATE", "WRITE", "READ", "ATTR_CHANGED"] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** Allocation state of a cookie or object (the spec's `mem`). */
export type MemState = "UNBORN" | "LIVE" | "FREED";

/** The object's work item (`object->work` on fscache_object_wq). */
export type WorkQueueState = "IDLE" | "QUEUED" | "RUNNING" | "REQUEUED";

/** Out-of-band tables, swapped per lifecycle phase. */
export type OobTableName = "init" | "lookup" | "run";

/** Which protocol runs: the 3.12 kernel, the same with the spec's repairs, or caaef69 without 1362729b. */
export const DESIGNS = ["POST_FIX", "PRE_FIX", "POST_FIX_REPAIRED"] as const;
export type Design = (typeof DESIGNS)[number];

/**
 * Repairs of 3.12 defects, each switchable so a harness can match the set a spec configuration models. The
 * spec's POST_FIX_REPAIRED design has exactly SPEC_REPAIRS, one per finding of spec/README.md (the key names
 * the repair, the value its finding, whose repair in the spec is guarded by `Fixed("Fn")`):
 * - NOBUFS_IF_NOT_LOOKED_UP (F1): a read finding an object that never got looked up (lookup failed) returns
 *   ENOBUFS instead of 3.12's ASSERT(IS_LOOKED_UP).
 * - NO_OPS_ON_DEAD_OBJECT (F2): `fscache_submit_op` refuses (ENOBUFS) an op for a looked-up object that is
 *   not IS_LIVE (3.12 queues it on an object KILL_OBJECT has already passed, where nothing ever runs or
 *   cancels it). The exclusive submission refuses a dead object too (the spec's SubmitExclusiveOk), which also
 *   turns F7's ASSERT in attr_changed into ENOBUFS.
 * - ABORT_INIT_PUTS_DEP_REF (F3): ABORT_INIT puts the dependent ref INIT_OBJECT took (3.12 leaks it, so the
 *   object is never destroyed and its cookie never freed).
 * - UNATTACHED_PUT_KEEPS_COOKIE (F4): destroying an object that was never attached does not put its cookie
 *   (3.12's `fscache_object_destroy` puts `object->cookie` although only attach took a ref: acquire's
 *   failure path then frees the cookie twice).
 * - LOOKUP_OOB_AT_PARENT_READY (F5): PARENT_READY installs the lookup OOB table, so a KILL seen before
 *   LOOK_UP_OBJECT goes to LOOKUP_FAILURE, which undoes the parent op (3.12 goes to ABORT_INIT, which does not).
 * - DROP_DISCARDS_PENDING_WRITES (F6): DROP_OBJECT drops the cookie's PENDING pages: after a write error or a
 *   refused submit 3.12 leaves PENDING_WRITE set, later writes queue pages no writer will store, and the
 *   netfs's wait on the page write never returns.
 * - DROP_CLEARS_LOOKING_UP (F8): DROP_OBJECT test-and-clears LOOKING_UP (setting UNAVAILABLE, as LOOKUP_FAILURE
 *   does) with a wake-up: 3.12 clears it only on the lookup paths, so when an object dies before its lookup
 *   (its parent was killed, or INIT_OBJECT found no live parent) a reader waiting for the lookup sleeps forever.
 * - DEAD_RUN_RETURNS (F9): a run of an object already in OBJECT_DEAD returns at once: 3.12's work queue lets a
 *   running item be queued again (an event raised while the dispatcher unmasks), and when that run ended in
 *   OBJECT_DEAD the queued one calls the DEAD state's sentinel "work function".
 * - ASYNC_OPS_NEED_AVAILABLE (F10): starting the pending ops cancels an ASYNC op whose object never became
 *   available: 3.12 queues ops on a looked-up object while its backing file is being created, and when the
 *   creation fails KILL_OBJECT starts them, and fscache_enqueue_operation ASSERTs the object is available.
 * - DEAD_READ_CANCELS_OP (F11): a reader whose op has started but whose object is dead (dying, with the cache
 *   broken by an I/O error) cancels the op before putting it, as v4.3's `fscache_cancel_op(op, true)` does:
 *   3.12's `fscache_cancel_op` cancels only a pending op, so the reader's final put of an op still in progress
 *   fails `fscache_put_operation`'s ASSERTIFCMP(state == CANCELLED).
 * - BROKEN_CACHE_REFUSES_OPS (F12): `fscache_submit_op` refuses an op when the cache is broken (IOERROR), as
 *   later kernels do (-EIO): 3.12 finds no object "active" then and queues the op on any looked-up object,
 *   where on an available, live object of another cookie nothing ever starts it and the reader waits forever.
 * - KILL_MARKS_DEAD_UNDER_LOCK (F13): KILL_OBJECT clears IS_LIVE under object->lock, as later kernels'
 *   `fscache_mark_object_dead` does: 3.12 clears it unlocked, so it can fall between a reader's
 *   `fscache_submit_op` test (object active) and its `n_ops++`, which then adds an op to a dying object, and
 *   KILL_OBJECT's unlocked test of the counters may already have chosen DROP_OBJECT.
 * - READ_WAITER_HOLDS_OP (F14): cachefiles_read_waiter takes an op ref and queues the op under work_lock, as
 *   934140ab0283 and 7bb0c5338436 do: 3.12 drops work_lock after putting the monitor on op->to_do and only
 *   then reads monitor->op to queue it, by when the copier may have freed the monitor and completed the op.
 * - RETRIEVAL_SUB_RETURN (F15): `fscache_retrieval_complete` tests the count `atomic_sub_return` gives, as
 *   upstream's 2018 fix does: 3.12 subtracts, then reads `op->n_pages` again, so the reader completing a page
 *   already up to date and the copier completing the last monitored page can both read 0 and both complete the
 *   op, the second failing `fscache_op_complete`'s ASSERT.
 * - COOKIE_DISABLED_TESTED (F16): 3.13's enable/disable cookie state, as 94d30ae90a00 and f1fe29b4a02d use it:
 *   a read tests that the cookie is still enabled (here: not RELINQUISHED) at its entry and under cookie->lock
 *   before its use, and the netfs's relinquish clears the cookie only at eviction (relinquishCookie's
 *   `eviction`), so a task reading through NFS's shared pointer meets a disabled cookie, never a cleared or
 *   freed one or an `n_active` brought back from 0.
 * - REFUSED_READ_WAKES (F17): a read's give-back of its `n_active` unit under cookie->lock (no object, or the
 *   submission refused) wakes a relinquish asleep on `n_active` when it falls to 0, as later kernels'
 *   `__fscache_unuse_cookie` + `__fscache_wake_unused_cookie`: 3.12's plain `atomic_dec` wakes nobody, and an
 *   NFS task's read takes its unit before cookie->lock, where its owner's relinquish can drop the baseline unit
 *   and sleep.
 * (F7 is repaired by NO_OPS_ON_DEAD_OBJECT's exclusive-submit refusal.)
 * Two more are candidates found while building the implementation, not in the spec: opt-in only.
 * - STRANDED_WRITES_DISCARDED: a write op that finds its object inactive, or whose write fails, or whose
 *   submission is refused, discards the PENDING pages no writer will ever store and clears PENDING_WRITE
 *   (3.12 leaves them in `stores`, so the netfs's wait-on-page-write before relinquish never returns).
 * - WRITE_ERROR_RETIRES: a failed page write sets NO_DATA_YET and RETIRED on the cookie: the cache may hold
 *   an older copy of that page, which must be neither read back now nor found by a later lookup (cachefiles
 *   withdraws the whole cache on an I/O error instead, which is not modelled).
 */
export const SPEC_REPAIR_FINDINGS = {
  NOBUFS_IF_NOT_LOOKED_UP: "F1",
  NO_OPS_ON_DEAD_OBJECT: "F2",
  ABORT_INIT_PUTS_DEP_REF: "F3",
  UNATTACHED_PUT_KEEPS_COOKIE: "F4",
  LOOKUP_OOB_AT_PARENT_READY: "F5",
  DROP_DISCARDS_PENDING_WRITES: "F6",
  DROP_CLEARS_LOOKING_UP: "F8",
  DEAD_RUN_RETURNS: "F9",
  ASYNC_OPS_NEED_AVAILABLE: "F10",
  DEAD_READ_CANCELS_OP: "F11",
  BROKEN_CACHE_REFUSES_OPS: "F12",
  KILL_MARKS_DEAD_UNDER_LOCK: "F13",
  READ_WAITER_HOLDS_OP: "F14",
  RETRIEVAL_SUB_RETURN: "F15",
  COOKIE_DISABLED_TESTED: "F16",
  REFUSED_READ_WAKES: "F17",
} as const;
export type SpecRepair = keyof typeof SPEC_REPAIR_FINDINGS;
export const SPEC_REPAIRS = Object.keys(SPEC_REPAIR_FINDINGS) as SpecRepair[];
export const EXTRA_REPAIRS = ["STRANDED_WRITES_DISCARDED", "WRITE_ERROR_RETIRES"] as const;
export const REPAIRS = [...SPEC_REPAIRS, ...EXTRA_REPAIRS] as const;
export type Repair = SpecRepair | (typeof EXTRA_REPAIRS)[number];

/** The repairs each design enables by default: POST_FIX_REPAIRED is exactly the spec's set. */
export const DESIGN_REPAIRS: Record<Design, readonly Repair[]> = {
  POST_FIX: [],
  PRE_FIX: [],
  POST_FIX_REPAIRED: SPEC_REPAIRS,
};

/** The spec's model value for the cache's root index object (always live and available). */
export const FSDEF = "FSDEF";
/** The spec's null pointer. */
export const NULL = "NULL";

/** What a netfs API call returned, as the spec's `thread[t].result`. */
export type ApiResult = "OK" | "ENOBUFS" | "ENODATA" | "NONE";

/**
 * The backend outcomes the spec chooses among. A lookup's ERROR is a failure that leaves the cache usable
 * (ENOBUFS, ENOMEM); EIO is an I/O error, which breaks the cache (cachefiles_io_error) before the lookup fails.
 */
export type LookupResult = "POSITIVE" | "NEGATIVE" | "ERROR" | "EIO";
/** Creating an object a negative lookup did not find: OK, failed (ERROR), or failed with an I/O error (EIO). */
export type CreateResult = "OK" | "ERROR" | "EIO";
/** ERROR: the write failed (ENOSPC, ENOBUFS); EIO: it failed with an I/O error, which breaks the cache. */
export type WriteResult = "OK" | "ERROR" | "EIO";
/** The cache's flags (`cache->flags`): only the I/O error is modelled. */
export type CacheFlag = "IOERROR";

/**
 * The cache's withdrawal (`fscache_withdraw_cache`), as the spec's `cache.wd`: NONE until `FsCache.withdraw()`,
 * then each step's name until Withdrawn.
 */
export type WithdrawPc =
  "NONE" | "WithdrawCache" | "WithdrawUnlist" | "WithdrawAllObjects" | "WithdrawWait" | "Withdrawn";
