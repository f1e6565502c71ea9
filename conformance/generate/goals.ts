// Protocol goals for trap runs: behaviours the full transition covers of the CI conformance models never
// contain, each aimed at a mutant that survives those covers or at a finding whose repair only a rare path
// runs. Each goal belongs to a trap model of conformance/models/ (MCtrap by default). TLC's BFS
// counterexample to `~goal` is a shortest behaviour reaching it; the trace id is `trap_<id>`.

import type { Design } from "../trace/format.ts";
import type { TrapGoal } from "./cfg.ts";

export interface ProtocolGoal extends TrapGoal {
  /** The mutant (conformance/mutants/mutants.ts) the goal's trace is meant to kill. */
  readonly mutant: string;
  /** The trap model the goal is written for (default GOALS_MODEL). */
  readonly model?: string;
  /** The designs in which the goal is reachable (default all). */
  readonly designs?: readonly Design[];
  /** TLC shows the goal unreachable: the mutant's fault is unobservable in the spec (an equivalent mutant). */
  readonly unreachable?: boolean;
}

/** The trap model of the goals that name none. */
export const GOALS_MODEL = "MCtrap";

/** The trap models that have goals, in the order the suite runs them. */
export const GOAL_MODELS = [
  "MCtrap",
  "MCtrapFault",
  "MCtrapAttach",
  "MCtrapIoErr",
  "MCtrapWithdraw",
  "MCtrapWrite",
  "MCtrapExcl",
  "MCtrapWindow",
  "MCtrapPages",
  "MCtrapEio",
  "MCtrapNfs",
  "MCtrapStale",
  "MCtrapAsync",
] as const;

/** The goals of one trap model in one design. */
export function goalsOf(model: string, design: Design): ProtocolGoal[] {
  return PROTOCOL_GOALS.filter(
    (g) => (g.model ?? GOALS_MODEL) === model && (g.designs === undefined || g.designs.includes(design)),
  );
}

export const PROTOCOL_GOALS: readonly ProtocolGoal[] = [
  {
    // WritePage put p1 PENDING and submitted the write op, which has not run WriteOp yet (a later WriteOp
    // run would have cleared PENDING_WRITE or moved the page on); INVALIDATE_OBJECT then drops the page.
    id: "InvalidatePendingWrite",
    predicate: [
      `lastAction.name = "InvalidateWrites"`,
      `"PENDING_WRITE" \\in object[lastAction.o].flags`,
      `\\E k \\in OpIds : op[k].kind = "WRITE" /\\ op[k].pc = "WriteOp"`,
    ].join(" /\\ "),
    mutant: "invalidate-leaves-pending-stores",
  },
  {
    // UpdateCookie raised UPDATE on an object in WAIT_FOR_CMD, whose dispatcher now selects UPDATE_OBJECT.
    id: "UpdateFromWaitForCmd",
    predicate: `lastAction.name = "DispatchSelect" /\\ object[lastAction.o].disp = "UPDATE_OBJECT"`,
    mutant: "wait-for-cmd-update-to-invalidate",
  },
  {
    // A write op has stored its page (the backend's write_page): the write path end to end, which the CI
    // covers (one call per thread: no read before a write) never take.
    id: "WriteStored",
    predicate: `lastAction.name = "WriteOpWritePage" /\\ lastAction.result = "OK"`,
    mutant: "run-op-keeps-waiting",
  },
  {
    // A second Invalidate while the first one's INVALIDATE_OBJECT runs: INVALIDATING is still set, so the call
    // changes nothing (fscache_invalidate's test_and_set_bit); raising INVALIDATE again would requeue the work.
    id: "InvalidateWhileInvalidating",
    predicate: [
      `lastAction.name = "Invalidate" /\\ object["D"].state = "INVALIDATE_OBJECT"`,
      `"INVALIDATING" \\in cookie["D"].flags /\\ "INVALIDATE" \\notin object["D"].events`,
    ].join(" /\\ "),
    mutant: "invalidate-raises-again",
  },
  {
    // A page write refused because the cookie is invalidating (fscache_write_page's INVALIDATING test), after
    // a read made the page cached.
    id: "WriteWhileInvalidating",
    predicate: `lastAction.name = "WritePage" /\\ "INVALIDATING" \\in cookie["D"].flags`,
    mutant: "write-ignores-invalidating",
  },
  {
    // The second write of p1 finds it STORING: the write op has taken it and is writing it (already_queued:
    // the radix tree insert fails with EEXIST, nothing changes). Needs a second op slot (MCtrapWrite).
    id: "WriteWhileStoring",
    model: "MCtrapWrite",
    predicate: `lastAction.name = "WritePage" /\\ lastAction.p = "p1" /\\ cookie["D"].stores["p1"] = "STORING"`,
    mutant: "write-requeues-storing-page",
  },
  {
    // p2 is written while p1's write op is queued or running: p2 joins the queue and the running op takes it
    // (already_pending: PENDING_WRITE is set, no second op is submitted).
    id: "WriteWhilePendingWrite",
    model: "MCtrapWrite",
    predicate: [
      `lastAction.name = "WritePage" /\\ lastAction.p = "p2" /\\ cookie["D"].stores["p1"] # "NONE"`,
      `cookie["D"].stores["p2"] = "PENDING"`,
      `\\A k, j \\in OpIds : op[k].kind = "WRITE" /\\ op[j].kind = "WRITE" => k = j`,
    ].join(" /\\ "),
    mutant: "write-resubmits-when-pending",
  },
  {
    // INVALIDATE_OBJECT submits its exclusive op while the write op is in progress: the op waits in the
    // pending queue until the write completes (fscache_submit_exclusive_op's n_in_progress test).
    id: "InvalidateBehindWrite",
    model: "MCtrapExcl",
    predicate: [
      `lastAction.name = "InvalidateSubmitOp"`,
      `\\E k \\in OpIds : op[k].kind = "INVALIDATE" /\\ op[k].state = "PENDING"`,
    ].join(" /\\ "),
    mutant: "exclusive-ignores-in-progress",
  },
  {
    // KILL_OBJECT has just started the pending ops of an object that was looked up (negative) but whose
    // creation failed, so it never became available, and the data thread's one call, an attr change, was
    // accepted and queued there: an ASYNC op. 3.12 starts it and ASSERTs in fscache_enqueue_operation (F10);
    // the repair cancels it.
    id: "KillStartsUnavailableOp",
    model: "MCtrapFault",
    designs: ["POST_FIX", "POST_FIX_REPAIRED"],
    predicate: [
      `lastAction.name = "KillStartOps" /\\ lastAction.o = "D"`,
      `"IS_LOOKED_UP" \\in object["D"].flags /\\ "IS_AVAILABLE" \\notin object["D"].flags`,
      `thread["tD"].calls = 0 /\\ thread["tD"].result = "OK"`,
    ].join(" /\\ "),
    mutant: "kill-starts-async-on-unavailable",
  },
  {
    // The acquire of "E" found the index object attached but dying (D's lookup of it failed), so E's new
    // object could not attach, and the acquire's failure path has run (F4: 3.12 puts E's cookie twice).
    id: "AttachFailed",
    model: "MCtrapAttach",
    predicate: `lastAction.name = "AcquireFail"`,
    mutant: "unattached-destroy-puts-cookie",
  },
  {
    // PRE_FIX: an object killed with its cookie still attached (its lookup failed) detaches itself, the step
    // 1362729b removed; the no-fault covers kill objects only through relinquish, which detaches first.
    id: "DetachFromCookie",
    model: "MCtrapFault",
    designs: ["PRE_FIX"],
    predicate: `lastAction.name = "DETACH_FROM_COOKIE"`,
    mutant: "pre-fix-design",
  },
  {
    // PRE_FIX: relinquish waits for CREATING to clear (RelinquishWaitCreating), then detaches the object from
    // the cookie itself (RelinquishDetach): the relinquish path 1362729b replaced.
    id: "RelinquishDetaches",
    model: "MCtrapFault",
    designs: ["PRE_FIX"],
    predicate: `lastAction.name = "RelinquishDetach" /\\ thread["tD"].pc = "RelinquishClear"`,
    mutant: "pre-fix-design",
  },
  {
    // A read's op was running when a page write failed with EIO (the cache is broken) and aborted the object:
    // the reader finds the object dead and cancels its started op before putting it (repair F11).
    id: "DeadReadCancelled",
    model: "MCtrapIoErr",
    designs: ["POST_FIX_REPAIRED"],
    predicate: [
      `lastAction.name = "ReadWaitActive" /\\ thread["tD"].pc = "ReadPutOp"`,
      `"IOERROR" \\in cache.flags /\\ "IS_LIVE" \\notin object["D"].flags`,
      `op[thread["tD"].op].state = "CANCELLED"`,
    ].join(" /\\ "),
    mutant: "dead-read-keeps-op",
  },
  {
    // After the EIO write broke the cache, and before KILL_OBJECT has cleared IS_LIVE, a read is submitted to
    // the live, looked-up object: the repaired submit refuses it (F12), 3.12 would queue it.
    id: "BrokenCacheRefusesRead",
    model: "MCtrapIoErr",
    designs: ["POST_FIX_REPAIRED"],
    predicate: [
      `lastAction.name = "ReadWaitLookup" /\\ thread["tD"].result = "ENOBUFS"`,
      `"IOERROR" \\in cache.flags /\\ "IS_LIVE" \\in object["D"].flags /\\ "IS_LOOKED_UP" \\in object["D"].flags`,
    ].join(" /\\ "),
    mutant: "broken-cache-queues-ops",
  },
  {
    // The same read in 3.12: the op is still in progress when the reader puts it, and fscache_put_operation's
    // ASSERTIFCMP fires (finding F11).
    id: "DeadReadPutInProgress",
    model: "MCtrapIoErr",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "ReadPutOp" /\\ oops # "NONE"`,
    mutant: "put-ignores-op-state",
  },
  {
    // The withdrawal's first round: both objects are listed, D attached last, so D (object_list.next) is the
    // one moved to the dying list and killed.
    id: "WithdrawHeadFirst",
    model: "MCtrapWithdraw",
    predicate: `lastAction.name = "WithdrawAllObjects" /\\ cache.dying = {"D"} /\\ cache.list = <<"I">>`,
    mutant: "withdraw-takes-tail",
  },
  {
    // The cache is off the cache list: the data cookie's acquisition finds no cache and fails.
    id: "AcquireAfterWithdrawal",
    model: "MCtrapWithdraw",
    predicate: `lastAction.name = "AcquireFail" /\\ cache.wd = "WithdrawAllObjects" /\\ object["D"].mem = "UNBORN"`,
    mutant: "acquire-ignores-withdrawal",
  },
  {
    // The withdrawal has ended after killing D's object under a read: every object dropped (off the dying list)
    // and destroyed.
    id: "WithdrawnUnderRead",
    model: "MCtrapWithdraw",
    predicate: `lastAction.name = "WithdrawWait" /\\ thread["tD"].calls = 0 /\\ thread["tD"].pc # "Done"`,
    mutant: "withdraw-forgets-kill",
  },
  {
    // F13: the reader's submit tested the object active, the withdrawal's KILL ran KILL_OBJECT, which cleared
    // IS_LIVE inside the reader's locked section (3.12 takes no lock for it), and the reader's second step runs
    // its op as tested.
    id: "KillInsideReadSubmit",
    model: "MCtrapWindow",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "ReadSubmitActive" /\\ "IS_LIVE" \\notin object["D"].flags`,
    mutant: "submit-rechecks-object",
  },
  {
    // A write submitted after the withdrawal killed the object under a read that marked the page cached: 3.12's
    // submit takes the IS_LOOKED_UP branch for a dying object (F2) and, with the window, counts and queues the
    // op in its second step. It exercises WriteSubmitLookedUp, which the repaired design refuses; its mutant
    // dies on the read goal above.
    id: "WriteQueuedOnDyingObject",
    model: "MCtrapWindow",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "WriteSubmitLookedUp"`,
    mutant: "submit-rechecks-object",
  },
  {
    // F13 through attr_changed: its exclusive submit tested the object active, the withdrawal's KILL_OBJECT
    // cleared IS_LIVE in between, and the second step counts the op on the dying object as tested.
    id: "KillInsideAttrSubmit",
    model: "MCtrapWindow",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "AttrSubmitActive" /\\ "IS_LIVE" \\notin object["D"].flags`,
    mutant: "attr-submit-unsplit",
  },
  {
    // attr_changed's exclusive submit on an object looked up but not active (not yet available, or dying in
    // 3.12): the IS_LOOKED_UP branch queues the op in the second step.
    id: "AttrQueuedOnLookedUp",
    model: "MCtrapWindow",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "AttrSubmitLookedUp"`,
    mutant: "attr-submit-unsplit",
  },
  {
    // F14: a page's waiter put its monitor on op->to_do and dropped work_lock; the copier then handled that
    // monitor (and freed it), and the waiter's fscache_enqueue_retrieval reads monitor->op after the free.
    id: "WaiterAfterCopierFreed",
    model: "MCtrapPages",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "ReadWaiterEnqueue" /\\ oops # "NONE"`,
    mutant: "read-waiter-enqueues-unlocked",
  },
  {
    // A page's waiter queued the copier again after it had found op->to_do empty and returned, before
    // fscache_op_work_func's put: the copier runs a second time for the later page.
    id: "CopierRequeued",
    model: "MCtrapPages",
    predicate: `lastAction.name = "ReadCopierPut" /\\ op[lastAction.k].pc = "ReadCopier"`,
    mutant: "read-waiter-enqueues-unlocked",
  },
  {
    // F15: the reader copied its up-to-date page and the copier its monitored one; both subtracted from
    // op->n_pages before either read it, both read 0 and completed the op, the second one failing the ASSERT.
    id: "OpCompletedTwice",
    model: "MCtrapPages",
    designs: ["POST_FIX"],
    predicate: `lastAction.name \\in {"ReadPagesTest", "ReadCopierTest"} /\\ oops # "NONE"`,
    mutant: "retrieval-complete-split",
  },
  {
    // F15's repair: the copier's subtraction left no page, and it completed the op in that step, before its
    // ReadCopierTest (3.12 reads n_pages again there).
    id: "CopierCompletesOnSubtract",
    model: "MCtrapPages",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "ReadCopier" /\\ op[lastAction.k].state = "CANCELLED"`,
    mutant: "retrieval-complete-split",
  },
  {
    // A lookup met EIO: cachefiles_walk_to_object's cachefiles_io_error has broken the cache (IOERROR).
    id: "LookupEioBreaksCache",
    model: "MCtrapEio",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "LookupObject" /\\ lastAction.result = "EIO"`,
    mutant: "lookup-eio-keeps-cache",
  },
  {
    // Creating the object a negative lookup did not find met EIO: the cache is broken.
    id: "CreateEioBreaksCache",
    model: "MCtrapEio",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "LookupCreate" /\\ lastAction.result = "EIO"`,
    mutant: "create-eio-keeps-cache",
  },
  {
    // The read of the backing page met EIO: cachefiles_io_error_obj has broken the cache.
    id: "ReadEioBreaksCache",
    model: "MCtrapEio",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "ReadIO" /\\ lastAction.result = "EIO"`,
    mutant: "read-eio-keeps-cache",
  },
  {
    // The copier found a monitored page's backing read failed ("Readpage failed on backing file") after the read
    // call had returned: cachefiles_io_error_obj has broken the cache from the op's work item.
    id: "CopierEioBreaksCache",
    model: "MCtrapEio",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "ReadCopier" /\\ lastAction.result = "EIO" /\\ thread["tD"].pc = "Ready"`,
    mutant: "copier-eio-keeps-cache",
  },
  {
    // F16: NFS turned caching off (relinquish cleared the cookie's netfs pointers) while an NFS task, which had
    // loaded nfsi->fscache before, entered the read: ASSERTCMP(cookie->def->type) dereferences NULL.
    id: "NfsReadsClearedCookie",
    model: "MCtrapNfs",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "ReadPage" /\\ oops # "NONE" /\\ cookie["D"].mem = "LIVE"`,
    mutant: "nfs-read-ignores-disabled",
  },
  {
    // F16: the cookie was freed (relinquish done, its objects destroyed) under the NFS task's loaded pointer.
    id: "NfsReadsFreedCookie",
    model: "MCtrapNfs",
    designs: ["POST_FIX"],
    predicate: `lastAction.name \\in {"ReadPage", "ReadWaitLookup"} /\\ oops # "NONE" /\\ cookie["D"].mem = "FREED"`,
    mutant: "nfs-read-ignores-disabled",
  },
  {
    // F16's repair at the read's entry: relinquish has begun (the cookie is disabled), the NFS task's read
    // gives ENOBUFS at once.
    id: "NfsEntryRefusedDisabled",
    model: "MCtrapNfs",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "ReadPage" /\\ lastAction.t = "tR" /\\ thread["tR"].result = "ENOBUFS" /\\ "RELINQUISHED" \\in cookie["D"].flags`,
    mutant: "nfs-entry-ignores-disabled",
  },
  {
    // F16's repair under cookie->lock: the NFS task passed the entry before relinquish began and finds the
    // cookie disabled when it would take its n_active unit, although the object was looked up (3.12 would
    // take the unit and submit the read).
    id: "NfsUseRefusedDisabled",
    model: "MCtrapNfs",
    designs: ["POST_FIX_REPAIRED"],
    predicate: [
      `lastAction.name = "ReadWaitLookup" /\\ lastAction.t = "tR" /\\ thread["tR"].result = "ENOBUFS"`,
      `"RELINQUISHED" \\in cookie["D"].flags /\\ cookie["D"].backing # {} /\\ "IS_LOOKED_UP" \\in object["D"].flags /\\ \\A k \\in OpIds : op[k].state = "FREE"`,
    ].join(" /\\ "),
    mutant: "nfs-read-ignores-disabled",
  },
  {
    // F16's repair on NFS's side: the owner's relinquish waited at RelinquishClear (the inode's eviction) until
    // the NFS task ended.
    id: "NfsEvictionAfterTask",
    model: "MCtrapNfs",
    designs: ["POST_FIX_REPAIRED"],
    predicate: `lastAction.name = "NfsTaskDone" /\\ thread["tD"].pc = "RelinquishClear"`,
    mutant: "nfs-read-ignores-disabled",
  },
  {
    // F17: the NFS task's read took its n_active unit before cookie->lock; relinquish dropped the baseline unit
    // and sleeps; the object died and was unhashed; the read's give-back under cookie->lock is then a plain
    // atomic_dec to 0 that wakes nobody, and relinquish sleeps on.
    id: "NfsGiveBackLeavesRelinquishAsleep",
    model: "MCtrapNfs",
    designs: ["POST_FIX"],
    predicate: `lastAction.name = "ReadCookieLocked" /\\ cookie["D"].unwoken`,
    mutant: "nfs-read-counts-under-lock",
  },
  {
    // The data thread's multi-page read returned, then it invalidated the cookie; the copier reaches the page with
    // INVALIDATING set and ends it with -ESTALE, not marked cached (cachefiles_read_copier's first test).
    id: "CopierStaleAfterInvalidate",
    model: "MCtrapStale",
    predicate: `lastAction.name = "ReadCopier" /\\ "INVALIDATING" \\in cookie["D"].flags`,
    mutant: "copier-ignores-invalidating",
  },
  {
    // The single-page reader's backing page was not up to date (ReadIO's MONITOR): the call has returned (its
    // op put) when the copier marks p1 cached.
    id: "ReadPageCopiedLater",
    model: "MCtrapAsync",
    predicate: `lastAction.name = "ReadCopier" /\\ "p1" \\in thread["tD"].cached /\\ thread["tD"].op = 0`,
    mutant: "read-page-monitor-copies-at-once",
  },
  {
    // Relinquish asleep on n_active while the single-page read's page waits for the copier, whose op holds the
    // read's unit until its last put.
    id: "RelinquishWaitsForCopier",
    model: "MCtrapAsync",
    predicate: `thread["tD"].pc = "RelinquishWait" /\\ \\E k \\in OpIds : op[k].io # {} \\/ op[k].todo # << >>`,
    mutant: "read-page-monitor-not-installed",
  },
];
