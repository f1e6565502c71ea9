// The spec's `oops` strings (spec/FSCache.tla), verbatim, keyed by the site that detects the fault: the
// conformance harness compares `inspect().oops` with the spec's `oops`, so every kernel fault the spec models
// is reported with exactly its string. Sites the spec does not model (unreachable there) fall back to
// `<site>: <what>`.

export const SPEC_OOPS = {
  AcquireFail: "AcquireFail: __fscache_cookie_put of an already freed cookie (double free)",
  ReadWaitLookup: "ReadWaitLookup: ASSERT(IS_LOOKED_UP) fails: object attached but its lookup failed",
  ReadCookieLocked: "ReadCookieLocked: ASSERT(IS_LOOKED_UP) fails: object attached but its lookup failed",
  "ReadCookieLocked:freed":
    "ReadCookieLocked: spin_lock(&cookie->lock) of a freed cookie (an NFS task's stale nfsi->fscache)",
  "ReadWaitLookup:freed":
    "ReadWaitLookup: fscache_wait_for_deferred_lookup reads the flags of a freed cookie (an NFS task's stale nfsi->fscache)",
  "ReadPage:freed":
    "ReadPage: __fscache_read_or_alloc_page reads backing_objects of a freed cookie (an NFS task's stale nfsi->fscache)",
  "ReadPage:def":
    "ReadPage: ASSERTCMP(cookie->def->type) dereferences the cookie->def relinquish cleared (an NFS task's stale nfsi->fscache)",
  "ReadPages:freed":
    "ReadPages: __fscache_read_or_alloc_page reads backing_objects of a freed cookie (an NFS task's stale nfsi->fscache)",
  "ReadPages:def":
    "ReadPages: ASSERTCMP(cookie->def->type) dereferences the cookie->def relinquish cleared (an NFS task's stale nfsi->fscache)",
  RunOp:
    "RunOp: ASSERT(fscache_object_is_available) in fscache_enqueue_operation: an ASYNC op started on an object that never became available",
  ReadPutOp:
    "ReadPutOp: ASSERTIFCMP(op->state == CANCELLED) in fscache_put_operation: the last put of an op still in progress",
  ReadIO: "ReadIO: mark_page_cached through a NULL/freed cookie or cleared netfs data",
  RelinquishCookie: "RelinquishCookie: BUG n_children != 0 or ASSERT n_active > 0",
  RelinquishClear: "RelinquishClear: BUG stores not empty",
  RelinquishDetach: "RelinquishDetach: BUG cookie usage reached 0",
  DispatchStart: "DispatchStart: work function of OBJECT_DEAD called",
  DispatchSelect: "DispatchSelect: BUG no transition for pending events",
  LOOK_UP_OBJECT: "LOOK_UP_OBJECT: ASSERT parent available",
  LookupObject:
    "LookupObject: lookup_object reads netfs key/aux through a NULL/freed cookie or cleared netfs data",
  "INVALIDATE_OBJECT:stores": "INVALIDATE_OBJECT: ASSERT stores empty after use_cookie failed",
  InvalidateWrites:
    "InvalidateWrites: INVALIDATE_OBJECT passes a NULL/freed object->cookie to fscache_invalidate_writes",
  InvalidateSubmitOp: "InvalidateSubmitOp: INVALIDATE_OBJECT takes cookie->lock of a NULL/freed cookie",
  "InvalidateSubmitOp:refused": "InvalidateSubmitOp: ASSERT cache I/O error (exclusive op refused)",
  InvalidateDone: "InvalidateDone: INVALIDATE_OBJECT sets flags of a NULL/freed cookie",
  UPDATE_OBJECT: "UPDATE_OBJECT: cachefiles_update_object dereferences a NULL/freed object->cookie",
  UpdateObject: "UpdateObject: get_aux through a NULL/freed cookie or cleared netfs data",
  LOOKUP_FAILURE: "LOOKUP_FAILURE: sets flags of a NULL/freed object->cookie",
  DROP_OBJECT: "DROP_OBJECT: NULL/freed object->cookie",
  "DROP_OBJECT:unhashed": "DROP_OBJECT: ASSERT object hashed on its cookie",
  "DROP_OBJECT:attached": "DROP_OBJECT: ASSERT object->cookie == NULL",
  OpInvalidateObject: "OpInvalidateObject: get_attr through a NULL/freed cookie or cleared netfs data",
  OpAttrChanged: "OpAttrChanged: cachefiles_attr_changed reads get_attr through a NULL/freed object->cookie",
  WriteOp: "WriteOp: stores_lock of a freed cookie",
  WriteOpWritePage: "WriteOpWritePage: writes a netfs page through a NULL/freed cookie or after relinquish",
  WithdrawWait: "WithdrawWait: ASSERT the dying list is empty",
  OpRelease: "OpRelease: fscache_put_operation goes through op->object, already freed (use after free)",
  ReadPagesIO: "ReadPagesIO: the NO_DATA_YET test through a NULL/freed object->cookie",
  "ReadPagesIO:netfs": "ReadPagesIO: mark_page_cached through cleared netfs data",
  ReadCopier:
    "ReadCopier: mark_page_cached and end_io_func through a NULL/freed cookie or cleared netfs data",
  ReadWaiterEnqueue:
    "ReadWaiterEnqueue: cachefiles_read_waiter reads monitor->op after cachefiles_read_copier freed the monitor (use after free)",
  "ReadWaiter:available": "ReadWaiter: ASSERT(fscache_object_is_available) in fscache_enqueue_operation",
  "ReadWaiter:state":
    "ReadWaiter: ASSERTCMP(op->state == IN_PROGRESS) in fscache_enqueue_operation: the copier already completed the op",
  "ReadWaiterEnqueue:available":
    "ReadWaiterEnqueue: ASSERT(fscache_object_is_available) in fscache_enqueue_operation",
  "ReadWaiterEnqueue:state":
    "ReadWaiterEnqueue: ASSERTCMP(op->state == IN_PROGRESS) in fscache_enqueue_operation: the copier already completed the op",
  "ReadPagesIO:complete":
    "ReadPagesIO: ASSERTCMP(op->state == IN_PROGRESS) in fscache_op_complete: the op completed twice",
  "ReadPagesTest:complete":
    "ReadPagesTest: ASSERTCMP(op->state == IN_PROGRESS) in fscache_op_complete: the op completed twice",
  "ReadCopier:complete":
    "ReadCopier: ASSERTCMP(op->state == IN_PROGRESS) in fscache_op_complete: the op completed twice",
  "ReadCopierTest:complete":
    "ReadCopierTest: ASSERTCMP(op->state == IN_PROGRESS) in fscache_op_complete: the op completed twice",
} as const;

export type OopsSite = keyof typeof SPEC_OOPS;

/** The oops string of `site`: the spec's, or `<site>: <what>` for a fault the spec does not model. */
export function oopsAt(site: string, what: string): string {
  return (SPEC_OOPS as Record<string, string>)[site] ?? `${site}: ${what}`;
}
