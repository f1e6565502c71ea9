// The netfs API (fs/fscache/cookie.c, page.c; §3.1, §3.3): each call runs in the calling netfs task as the
// sequence of atomic steps docs/model.md names for thread `t`, recording the spec's `thread[t]` as it goes.
// Misuse is rejected (misuse.ts) before the call's first step, so it never changes any structure.

import { formatLabel, label, type StepLabel, type Task, type WaitQueue } from "../runtime/runtime.ts";
import type { CacheCore, ThreadRecord } from "./context.ts";
import { Cookie, type CookieDef, cookiePut, freeCookie, giveBack } from "./cookie.ts";
import { bugOn, bugOnNull, FsCacheError, OopsError } from "./errors.ts";
import { checkAcquire, checkData, checkLive, checkPage, checkRelinquish, checkWritePage } from "./misuse.ts";
import { type ApiResult, type EventName, pageName } from "./names.ts";
import {
  derefCookie,
  FscacheObject,
  markPageCached,
  netfsOf,
  objectIsDead,
  objectPut,
  raiseEvent,
  raiseEventEnqueue,
  raiseEventSet,
  unhashObject,
} from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import { discardStrandedWrites } from "./opwork.ts";
import {
  allocOp,
  type EndIo,
  freeOp,
  type Monitor,
  opComplete,
  putOp,
  type Operation,
  exclusiveBranch,
  submitAs,
  type SubmitBranch,
  submitBranch,
  submitExclusiveAs,
} from "./operation.ts";
import { BackendError } from "./backend.ts";
import { retrievalComplete, startBackingReads } from "./retrieval.ts";
import { touch } from "./revision.ts";

/** Who is calling: the netfs task and the spec's thread name. */
export interface Caller {
  readonly task: Task;
  readonly t: string;
  /**
   * The step the task is already inside, which must be the call's first step (a task spawned for this one
   * call, parked at `firstLabel`, or a driver that has just taken that step): the call runs it without
   * yielding, and refuses with WRONG_STEP a label other than its own first step's.
   */
  readonly entered?: StepLabel;
  /**
   * The call goes through a cookie pointer the netfs shares between its tasks without holding a reference
   * (3.12 NFS's `nfsi->fscache`, loaded by a task reading the inode while its owner may be relinquishing the
   * cookie). The reads then skip the misuse checks that refuse a relinquished or freed cookie and meet what
   * 3.12's own entry checks meet: a cleared or freed cookie is an oops (finding F16), a disabled one ENOBUFS
   * with repair COOKIE_DISABLED_TESTED.
   */
  readonly borrowed?: boolean;
}

/**
 * What the netfs still needs before relinquish clears the cookie (3.13 NFS, F16's repair): it turns caching
 * off for a writer by disabling the cookie, and relinquishes it when the inode is evicted, after its last task
 * has ended. With repair COOKIE_DISABLED_TESTED, relinquish's RelinquishClear waits until `ready()` holds,
 * re-checked at each wake-up of `wq`.
 */
export interface Eviction {
  readonly wq: WaitQueue;
  readonly ready: () => boolean;
}

/** What a read returns: the spec's result, and the page bytes when the cache had them. */
export interface ReadOutcome {
  readonly result: ApiResult;
  readonly data: Uint8Array | null;
  /**
   * The page goes through the copier (the backing page was not up to date): OK means its read has started, and
   * the page reaches the caller's `endIo` later, as a multi-page read's pages do; `data` is null here.
   */
  readonly pending?: boolean;
}

/** One netfs call in progress: the thread record and the first step, if the task is already inside it. */
class Call {
  private entered: StepLabel | null;
  readonly th: ThreadRecord;

  constructor(
    core: CacheCore,
    readonly caller: Caller,
  ) {
    this.entered = caller.entered ?? null;
    this.th = core.thread(caller.t);
  }

  /**
   * Whether the task is already inside this step (the call's first): then the step runs now. The caller's
   * label must be this step's, so a driver and the library cannot disagree on where a call starts.
   */
  private enter(action: string, params: Record<string, string | boolean>): boolean {
    const inside = this.entered;
    if (inside === null) return false;
    this.entered = null;
    const own = formatLabel(label(action, { t: this.caller.t, ...params }));
    if (formatLabel(inside) !== own)
      throw new FsCacheError("WRONG_STEP", `${own}: the task is inside ${formatLabel(inside)}`);
    return true;
  }

  /** Ends the current step and starts `action` (or, for a call's first step, runs it now if entered). */
  async step(action: string, params: Record<string, string | boolean> = {}): Promise<void> {
    const entered = this.enter(action, params);
    touch(this.th);
    this.th.pc = action;
    if (!entered) await this.caller.task.step(label(action, { t: this.caller.t, ...params }));
  }

  /** A blocking step: runs once `cond` holds (re-checked after each wake-up of `queue`). */
  async waitFor(
    action: string,
    queue: WaitQueue,
    cond: () => boolean,
    params: Record<string, string | boolean> = {},
  ) {
    // A spawned call's first step is already scheduled: it is the wait itself if the condition holds.
    const entered = this.enter(action, params);
    touch(this.th);
    this.th.pc = action;
    if (entered && cond()) return;
    await this.caller.task.waitUntil(label(action, { t: this.caller.t, ...params }), queue, cond);
  }

  /** The call returns: the thread is Ready (or Done) with `result`. */
  finish(result: ApiResult | undefined, pc: "Ready" | "Done" = "Ready"): void {
    touch(this.th);
    if (result !== undefined) this.th.result = result;
    this.th.pc = pc;
  }
}

const NO_AUX = new Uint8Array();

/** The first label of each call, for a facade that spawns one task per call. */
export function firstLabel(action: string, t: string, params: Record<string, string | boolean> = {}) {
  return label(action, { t, ...params });
}

/** The netfs calls whose first step is a wait. */
export type WaitingCall = "WaitOnInvalidate" | "WaitOnPageWrite" | "RelinquishCookie";

/**
 * Whether a call whose first step is a wait would start now: the spec's guards of WaitOnInvalidate (no
 * INVALIDATING), WaitOnPageWrite (no page in `stores`) and an index cookie's RelinquishCookie (no children).
 * The calls wait on these; a driver that takes a call's first step itself (Caller.entered) asks them first,
 * so that the call starts exactly when the library would let it.
 */
export function startsNow(call: WaitingCall, cookie: Cookie): boolean {
  switch (call) {
    case "WaitOnInvalidate":
      return !cookie.flags.has("INVALIDATING");
    case "WaitOnPageWrite":
      return cookie.stores.size === 0;
    case "RelinquishCookie":
      // Only an index cookie has children (misuse.ts refuses a data parent), and only it waits for them.
      return cookie.n_children === 0;
  }
}

/** `fscache_alloc_object` for one cookie: the backend object, with the key and aux cachefiles reads at alloc. */
function newObject(core: CacheCore, cookie: Cookie): FscacheObject {
  const { def, data } = netfsOf(cookie, "AllocObject");
  const aux = def.getAux?.(data) ?? NO_AUX;
  const id = core.objectId(cookie.id);
  const obj = new FscacheObject(id, cookie, core.backend.allocObject({ path: cookie.keyPath }), aux);
  touch(core);
  core.objects.set(id, obj);
  return obj;
}

/**
 * `fscache_acquire_cookie`: AcquireCookie, then for a data cookie AllocObject, AttachObject(o) per new object
 * (parent chain first) and AcquireNewChild, or AcquireFail (returns null: the netfs runs uncached).
 */
export async function acquireCookie(
  core: CacheCore,
  caller: Caller,
  parent: Cookie | null,
  def: CookieDef,
  netfsData: unknown,
  id?: string,
): Promise<Cookie | null> {
  const key = checkAcquire(core.cookies, parent, () => def.getKey(netfsData), id);
  const size = def.type === "DATAFILE" ? def.getAttr?.(netfsData) : undefined;
  const call = new Call(core, caller);
  await call.step("AcquireCookie");
  const cookie = new Cookie(
    core.cookieId(id),
    parent,
    def,
    netfsData,
    [...(parent?.keyPath ?? []), key],
    core,
  );
  touch(core);
  core.cookies.set(cookie.id, cookie);
  touch(call.th);
  call.th.cookie = cookie;
  if (parent) {
    touch(parent);
    parent.usage++;
    parent.n_children++;
  }
  if (def.type === "INDEX") {
    // An index cookie gets no object until a child needs one; the call leaves the result as it was.
    call.finish(undefined);
    return cookie;
  }
  touch(cookie);
  if (size !== undefined) cookie.storeLimit = Math.ceil(size / core.pageSize);
  cookie.flags.add("LOOKING_UP");
  cookie.flags.add("NO_DATA_YET");
  if (core.preFix) cookie.flags.add("CREATING");

  // fscache_alloc_object: this cookie's object and one for every ancestor without one. An ancestor object
  // that is attached but dying is "already extant" (only a dead one, with a cache I/O error, is refused):
  // the new objects are allocated anyway, and attaching them fails (3.12's F4 path follows).
  await call.step("AllocObject");
  // fscache_select_cache_for_object: a withdrawn cache is off the cache list, so there is no cache
  // (-ENOMEDIUM) and the acquisition fails.
  let ok = !core.cacheGone;
  const chain: Cookie[] = [];
  if (ok) chain.push(cookie);
  for (let p = cookie.parent; ok && p && !p.backing_objects[0]; p = p.parent) chain.push(p);
  const extant = cookie.parent?.backing_objects[0];
  if (ok && extant && objectIsDead(core, extant)) {
    // object_already_extant with a dead parent object (dying, cache broken): -ENOBUFS, and error_put puts the
    // new object, whose destroy puts its cookie unless repair UNATTACHED_PUT_KEEPS_COOKIE (F4's overput).
    objectPut(core, newObject(core, cookie));
    chain.length = 0;
    ok = false;
  }
  // Attach the parent chain first, so each object finds its parent's object attached.
  const order = chain.map((c) => newObject(core, c)).reverse();
  // down_read(&fscache_addremove_sem) is held from here to the end of the acquisition's cache part.
  // (A failed acquisition has no objects to attach: `chain` is empty whenever `ok` is false here.)
  if (ok) core.acquireBegin();
  for (const [i, obj] of order.entries()) {
    await call.step("AttachObject", { o: obj.id });
    if (!attachObject(core, obj)) {
      // fscache_alloc_object's error path puts every object not attached yet, this one included.
      for (const rest of order.slice(i)) objectPut(core, rest);
      ok = false;
      core.acquireDone();
      break;
    }
  }
  if (ok) {
    await call.step("AcquireNewChild");
    core.acquireDone();
    const obj = cookie.backing_objects[0];
    if (obj) {
      touch(obj);
      obj.store_limit = cookie.storeLimit;
      await raiseAsNetfs(core, call, obj, "NEW_CHILD", () => call.step("AcquireEnqueue"), "OK");
      call.finish("OK");
      return cookie;
    }
  }
  // The failure path: parent n_children--, then __fscache_cookie_put frees the cookie unconditionally (3.12
  // without repair UNATTACHED_PUT_KEEPS_COOKIE: an unattached object's destroy may have freed it already).
  await call.step("AcquireFail");
  bugOn(cookie.mem !== "LIVE", SPEC_OOPS.AcquireFail);
  if (parent) {
    touch(parent);
    parent.n_children--;
    core.wake(parent.childrenWq);
  }
  touch(cookie);
  cookie.usage--;
  freeCookie(core, cookie);
  if (parent) cookiePut(core, parent);
  call.finish("ENOBUFS", "Done");
  return null;
}

/**
 * `fscache_attach_object` under cookie->lock and the parent cookie's lock. False when acquire must fail: the
 * cookie already has a dying object, or the parent's object is dying (the caller puts the new objects).
 * True when attached, and also when the cookie already has a live object (EEXIST): the new one is put and the
 * existing one used. A parent cookie without an object leaves `object->parent` NULL (INIT_OBJECT then drops
 * the object).
 */
function attachObject(core: CacheCore, obj: FscacheObject): boolean {
  const cookie = obj.cookie;
  bugOnNull(cookie, `AttachObject: object ${obj.id} has no cookie`);
  const existing = cookie.backing_objects[0];
  if (existing) {
    if (!existing.flags.has("IS_LIVE")) return false;
    objectPut(core, obj);
    return true;
  }
  let parentObj: FscacheObject | "FSDEF" | null = "FSDEF";
  if (cookie.parent) {
    const p = cookie.parent.backing_objects[0] ?? null;
    if (p && !p.flags.has("IS_LIVE")) return false;
    if (p) {
      touch(p);
      p.n_children++;
    }
    parentObj = p;
  }
  touch(obj);
  obj.parent = parentObj;
  touch(cookie);
  cookie.usage++;
  obj.holdsCookieRef = true;
  cookie.backing_objects.push(obj);
  core.listObject(obj);
  return true;
}

/** `fscache_invalidate`: mark the cookie invalidating and tell its (live) object. */
export async function invalidate(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkData(cookie, "invalidate");
  const call = new Call(core, caller);
  await call.step("Invalidate");
  const obj = cookie.backing_objects[0];
  if (obj && !cookie.flags.has("INVALIDATING")) {
    touch(cookie);
    cookie.flags.add("INVALIDATING");
    if (obj.flags.has("IS_LIVE"))
      await raiseAsNetfs(core, call, obj, "INVALIDATE", () => call.step("InvalidateEnqueue"), "OK");
  }
  call.finish("OK");
}

/** `fscache_wait_on_invalidate`: until INVALIDATING is clear. */
export async function waitOnInvalidate(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkData(cookie, "waitOnInvalidate");
  const call = new Call(core, caller);
  await call.waitFor("WaitOnInvalidate", cookie.flagsWq, () => startsNow("WaitOnInvalidate", cookie));
  call.finish("OK");
}

/** `fscache_update_cookie`: every backing object stores fresh aux data. */
export async function updateCookie(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkLive(cookie, "updateCookie");
  const call = new Call(core, caller);
  await call.step("UpdateCookie");
  // One cache: at most one backing object.
  const obj = cookie.backing_objects[0];
  if (obj) await raiseAsNetfs(core, call, obj, "UPDATE", () => call.step("UpdateEnqueue"), "OK");
  call.finish("OK");
}

/**
 * `fscache_attr_changed`: an exclusive op tells the backend the new size; the spec's AttrChanged step (checked
 * on spec/MCattr, finding F7).
 */
export async function attrChanged(core: CacheCore, caller: Caller, cookie: Cookie): Promise<ApiResult> {
  checkData(cookie, "attrChanged");
  const def = cookie.def;
  const size = def?.getAttr?.(cookie.netfs_data);
  const call = new Call(core, caller);
  await call.step("AttrChanged");
  touch(cookie);
  if (size !== undefined) cookie.storeLimit = Math.ceil(size / core.pageSize);
  const obj = cookie.backing_objects[0];
  let result: ApiResult = "ENOBUFS";
  // No object, or no memory for the op (all op slots taken): ENOBUFS.
  const op = obj ? allocOp(core, "ATTR_CHANGED", ["ASYNC", "EXCLUSIVE"]) : null;
  if (obj && op) {
    touch(obj);
    obj.store_limit = cookie.storeLimit;
    const branch = exclusiveBranch(core, obj);
    if (branch !== null) {
      await submitAndPut(core, call, obj, op, branch, "attr");
      result = "OK";
    } else {
      freeOp(core, op);
      // 3.12 ASSERTs a cache I/O error here and returns -EIO when there is one; repair NO_OPS_ON_DEAD_OBJECT
      // refuses the op.
      bugOn(
        !core.repaired("NO_OPS_ON_DEAD_OBJECT") && !core.broken,
        "AttrChanged: ASSERT cache I/O error (exclusive op refused)",
      );
    }
  }
  call.finish(result);
  return result;
}

/**
 * `fscache_raise_event` by a netfs thread, under its cookie's cookie->lock. With CacheCore.raiseWindow a newly
 * set bit ends the step: the test of the object's event_mask and the enqueue are the next step, `enqueueStep`,
 * with cookie->lock held between, while the object's dispatcher may store its mask and re-read its events. No
 * wake-up is lost because each side writes before it reads (the bit, then the mask; the mask, a full barrier,
 * then the events): one of the two sees the other's write. `result` is the call's, settled with the set.
 */
async function raiseAsNetfs(
  core: CacheCore,
  call: Call,
  obj: FscacheObject,
  ev: EventName,
  enqueueStep: () => Promise<void>,
  result?: ApiResult,
): Promise<void> {
  if (!core.raiseWindow) {
    raiseEvent(core, obj, ev);
    return;
  }
  if (!raiseEventSet(obj, ev)) return;
  const cookie = obj.cookie;
  bugOnNull(cookie, `raise ${ev}: object ${obj.id} has no cookie`);
  touch(cookie);
  cookie.raiseLocker = call.th.t;
  if (result !== undefined) {
    touch(call.th);
    call.th.result = result;
  }
  await enqueueStep();
  raiseEventEnqueue(core, obj, ev);
  touch(cookie);
  cookie.raiseLocker = null;
  core.wake(core.objectLockWq);
}

/**
 * The rest of `fscache_submit_op` once its test chose `branch`. With CacheCore.submitWindow it is a step of its
 * own: object->lock (and cookie->lock) stay held from the test to the count, so the object's and its ops' steps
 * that take them wait; 3.12's KILL_OBJECT takes neither and may clear IS_LIVE in between, and its unlocked test
 * of n_ops may choose to drop the object (F13). The branch stands as tested, as in the kernel.
 */
async function submitAfterTest(
  core: CacheCore,
  call: Call,
  obj: FscacheObject,
  op: Operation,
  branch: SubmitBranch,
  by: "read" | "write" | "attr",
): Promise<void> {
  // attr_changed's op is exclusive (fscache_submit_exclusive_op); reads and writes are not.
  const submit = by === "attr" ? submitExclusiveAs : submitAs;
  if (!core.submitWindow) {
    submit(core, obj, op, branch);
    return;
  }
  touch(obj);
  obj.submitLocker = call.th.t;
  const active = branch === "ACTIVE";
  await call.step(
    by === "read"
      ? active
        ? "ReadSubmitActive"
        : "ReadSubmitLookedUp"
      : by === "write"
        ? active
          ? "WriteSubmitActive"
          : "WriteSubmitLookedUp"
        : active
          ? "AttrSubmitActive"
          : "AttrSubmitLookedUp",
  );
  submit(core, obj, op, branch);
  touch(obj);
  obj.submitLocker = null;
  core.wake(core.objectLockWq);
}

/**
 * A writer's or attr_changed's submit once its test chose `branch`: the call's result is OK from the test on,
 * so with CacheCore.submitWindow the thread holds it, and the op, until the op is counted; then, the locks
 * dropped, the submitter puts its ref (the op queue holds its own).
 */
async function submitAndPut(
  core: CacheCore,
  call: Call,
  obj: FscacheObject,
  op: Operation,
  branch: SubmitBranch,
  by: "write" | "attr",
): Promise<void> {
  if (core.submitWindow) {
    touch(call.th);
    call.th.result = "OK";
    call.th.op = op.id;
  }
  await submitAfterTest(core, call, obj, op, branch, by);
  touch(call.th);
  call.th.op = 0;
  putOp(core, op);
}

/** What beginRead leaves the reader with: no op (ENOBUFS at once), or its op, to read through or to put. */
type BegunRead = null | { readonly op: Operation; readonly obj: FscacheObject; readonly usable: boolean };

/**
 * The reader's steps shared by `fscache_read_or_alloc_page` and `…_pages` after their first: ReadWaitLookup
 * (allocate, count, submit), the submit window, ReadWaitActive. `usable`: the op started on an object that is
 * not dead, so the backend may read; else the call gives ENOBUFS and puts the op.
 */
async function beginRead(core: CacheCore, call: Call, cookie: Cookie, multi: boolean): Promise<BegunRead> {
  // A freed cookie (a borrowed pointer's, F16) is read at once: the wait tests its flags.
  await call.waitFor(
    "ReadWaitLookup",
    cookie.flagsWq,
    () => cookie.mem !== "LIVE" || !cookie.flags.has("LOOKING_UP"),
  );
  bugOn(cookie.mem !== "LIVE", SPEC_OOPS["ReadWaitLookup:freed"]);
  // The retrieval op is allocated first (no memory: ENOBUFS); 3.12 then does a plain increment of n_active,
  // not increment-if-not-zero (the netfs itself cannot be relinquishing), and under cookie->lock undoes it if
  // there is no looked-up object or the submission is refused.
  const counted = !core.preFix;
  const op = allocOp(
    core,
    "READ",
    counted
      ? ["MYTHREAD", "WAITING", "UNUSE_COOKIE", "DEC_READ_CNT"]
      : ["MYTHREAD", "WAITING", "DEC_READ_CNT"],
  );
  if (!op) return null;
  // An NFS task's read (a borrowed pointer) in 3.12: the increment is a step of its own before cookie->lock,
  // so its owner's relinquish can drop the baseline unit and sleep in between, and a refused read's give-back
  // below, 3.12's plain decrement, then leaves it asleep (F17; repair REFUSED_READ_WAKES wakes it). For an owner
  // the split would change nothing it can reach (its own baseline unit is held across the read), and repair
  // COOKIE_DISABLED_TESTED takes the unit under the lock.
  const split = counted && call.caller.borrowed === true && !core.repaired("COOKIE_DISABLED_TESTED");
  if (split) {
    touch(cookie);
    cookie.n_active++;
    touch(call.th);
    call.th.op = op.id;
    await call.step("ReadCookieLocked");
    bugOn(cookie.mem !== "LIVE", SPEC_OOPS["ReadCookieLocked:freed"]);
  }
  /** A refusal under cookie->lock: the op freed, and (if taken) the read's n_active unit given back. */
  const refuse = (): null => {
    if (split) {
      touch(call.th);
      call.th.op = 0;
      giveBack(core, cookie);
    }
    freeOp(core, op);
    return null;
  };
  const obj = cookie.backing_objects[0];
  // Repair COOKIE_DISABLED_TESTED: under cookie->lock, a cookie no longer enabled (3.13) takes no new use.
  if (!obj || (core.repaired("COOKIE_DISABLED_TESTED") && cookie.flags.has("RELINQUISHED"))) return refuse();
  // Only the single-page reader ASSERTs the object was looked up (F1); the multi-page one submits, and a
  // submission to an object never looked up is refused below.
  if (!multi && !obj.flags.has("IS_LOOKED_UP")) {
    if (core.repaired("NOBUFS_IF_NOT_LOOKED_UP")) return refuse();
    // The oops keeps what the step found: an NFS task's op and unit, taken in the step before, stay.
    if (!split) freeOp(core, op);
    throw new OopsError(SPEC_OOPS[split ? "ReadCookieLocked" : "ReadWaitLookup"]);
  }
  touch(cookie);
  if (counted && !split) cookie.n_active++;
  touch(obj);
  obj.n_reads++;
  const branch = submitBranch(core, obj);
  if (branch === null) {
    obj.n_reads--;
    // Taken in this step (an owner's read): the increment and its undo are one step, nobody sees either.
    if (counted && !split) cookie.n_active--;
    return refuse();
  }
  touch(call.th);
  call.th.op = op.id;
  await submitAfterTest(core, call, obj, op, branch, "read");

  await call.waitFor("ReadWaitActive", op.waitq, () => op.state !== "PENDING");
  if (op.state === "CANCELLED") return { op, obj, usable: false };
  if (objectIsDead(core, obj)) {
    // check_if_dead: 3.12's fscache_cancel_op cancels only a pending op, so a started one stays IN_PROGRESS
    // and the reader's put may be its last (F11); repair DEAD_READ_CANCELS_OP cancels it as v4.3 does.
    // The op is in progress here: not cancelled (above), and nothing completes a read op before its reader.
    if (core.repaired("DEAD_READ_CANCELS_OP")) opComplete(core, op, true);
    return { op, obj, usable: false };
  }
  return { op, obj, usable: true };
}

/** ReadPutOp: `fscache_put_retrieval`, the reader's put, and the call's end with the thread's result. */
async function endRead(core: CacheCore, call: Call, op: Operation): Promise<void> {
  await call.step("ReadPutOp");
  // fscache_put_operation: ASSERTIFCMP(op->state != COMPLETE, op->state, ==, CANCELLED) at the last put. A
  // single-page read's op has no other ref; a multi-page read's monitors may still hold theirs.
  bugOn(op.usage === 1 && op.state !== "COMPLETE" && op.state !== "CANCELLED", SPEC_OOPS.ReadPutOp);
  putOp(core, op);
  touch(call.th);
  call.th.op = 0;
  call.finish(undefined);
}

/** A backend read done before the step that reports it: its data, or the kind of failure. */
type BackendRead = { readonly data: Uint8Array | null } | "EIO" | "ERROR";

async function backendRead(core: CacheCore, obj: FscacheObject, page: number): Promise<BackendRead> {
  try {
    return { data: await core.backend.readPage(obj.backend, page) };
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    return e.code === "EIO" ? "EIO" : "ERROR";
  }
}

/**
 * The entry of `__fscache_read_or_alloc_page(s)`, in its first step: the backing objects, the INVALIDATING test,
 * then `ASSERTCMP(cookie->def->type, ...)`. Whether the read gives ENOBUFS here; a cleared or freed cookie, which
 * only a borrowed pointer can meet, oopses. Repair COOKIE_DISABLED_TESTED: a relinquished cookie (3.13: not
 * enabled) gives ENOBUFS.
 */
function readEntryNobufs(core: CacheCore, cookie: Cookie, who: "ReadPage" | "ReadPages"): boolean {
  bugOn(cookie.mem !== "LIVE", SPEC_OOPS[`${who}:freed`]);
  const nobufs =
    cookie.backing_objects.length === 0 ||
    cookie.flags.has("INVALIDATING") ||
    (core.repaired("COOKIE_DISABLED_TESTED") && cookie.flags.has("RELINQUISHED"));
  bugOn(!nobufs && cookie.def === null, SPEC_OOPS[`${who}:def`]);
  return nobufs;
}

/**
 * `fscache_read_or_alloc_page`: ReadPage, ReadWaitLookup, ReadWaitActive, then ReadIO (unless cancelled) and
 * ReadPutOp. `data` is null when the cache holds nothing for the page (ENODATA, or a hole). A page the backend
 * says is not resident (`pageResident` false: not up to date in the backing file's page cache) goes through the
 * copier, as cachefiles_read_backing_file_one's monitor path: the outcome is `pending` and the page reaches
 * `endIo` later.
 */
export async function readPage(
  core: CacheCore,
  caller: Caller,
  cookie: Cookie,
  page: number,
  endIo?: EndIo,
): Promise<ReadOutcome> {
  if (!caller.borrowed) checkData(cookie, "readPage");
  checkPage(page, "readPage");
  const call = new Call(core, caller);
  const nobufs = (): ReadOutcome => {
    call.finish("ENOBUFS");
    return { result: "ENOBUFS", data: null };
  };
  const p = pageName(page);
  await call.step("ReadPage", { p });
  touch(call.th);
  call.th.page = p;
  if (readEntryNobufs(core, cookie, "ReadPage")) return nobufs();
  call.th.result = "NONE";

  const begun = await beginRead(core, call, cookie, false);
  if (!begun) return nobufs();
  const { op, obj } = begun;
  let outcome: ReadOutcome = { result: "ENOBUFS", data: null };
  if (!begun.usable) {
    touch(call.th);
    call.th.result = "ENOBUFS";
  } else {
    // The backend's page read runs in the tail of this step, as the write op's page write precedes its step:
    // the ReadIO step carries its outcome (`result`: OK, EIO for an I/O error on the backing file, MONITOR for a
    // page the copier completes later). Nothing is read with NO_DATA_YET set (allocate_page) or without the
    // cookie (ReadIO oopses there). Neither can change before that step: only this thread relinquishes the
    // cookie, and an invalidation waits for this op.
    const before = obj.cookie?.mem === "LIVE" ? obj.cookie : null;
    let read: BackendRead | undefined;
    if (before && !before.flags.has("NO_DATA_YET")) read = await backendRead(core, obj, page);
    // A backend that does not say whether the page is resident has it copied here (the memory and disk backends).
    const monitored = typeof read === "object" && core.backend.pageResident?.(obj.backend, page) === false;
    await call.step("ReadIO", { result: read === "EIO" ? "EIO" : monitored ? "MONITOR" : "OK" });
    if (monitored && typeof read === "object") {
      // cachefiles_read_backing_file_one's monitor path: the backing read is started and a monitor installed,
      // holding an op ref; the op becomes ASYNC with the copier as its processor. The NO_DATA_YET test read
      // object->cookie; the netfs data is not touched until the copier marks the page cached.
      derefCookie(obj.cookie, "ReadIO");
      touch(op);
      op.endIo = endIo ?? null;
      startBackingReads(core, op, [{ page, data: read.data, error: false }], 1);
      touch(call.th);
      call.th.result = "OK";
      outcome = { result: "OK", data: null, pending: true };
    } else if (read === "EIO") {
      // cachefiles_read_backing_file_one's io_error path: cachefiles_io_error_obj breaks the cache, then
      // fscache_retrieval_complete completes the op; the page is not marked cached, the read gives ENOBUFS.
      core.ioError();
      touch(call.th);
      call.th.result = "ENOBUFS";
      opComplete(core, op);
    } else {
      const live = derefCookie(obj.cookie, "ReadIO");
      const netfs = netfsOf(live, "ReadIO");
      if (live.flags.has("NO_DATA_YET")) {
        // allocate_page: nothing to read yet, the netfs fetches the page and may write it to the cache.
        outcome = { result: "ENODATA", data: null };
      } else if (typeof read === "object") {
        outcome = { result: "OK", data: read.data };
      }
      // Otherwise a failure that is not an I/O error (out of memory): ENOBUFS as initialised, no data from the
      // cache, the netfs reads the server.
      markPageCached(live, netfs, page);
      touch(call.th);
      call.th.result = outcome.result;
      opComplete(core, op);
    }
  }
  await endRead(core, call, op);
  return outcome;
}

/**
 * `fscache_read_or_alloc_pages` over `pages`: ReadPages, the reader's shared steps, then ReadPagesIO and
 * ReadPutOp. OK: every page's backing read has started, and each page reaches `endIo` later, from the copier
 * on the op workqueue: its data; null with OK for a page the cache holds nothing of (a hole), which the netfs
 * reads from the server; null with EIO if the backing read failed. ENODATA: the cache holds nothing yet
 * (allocate_pages: the netfs reads the server and may write the pages); ENOBUFS: no cache. No page reaches
 * `endIo` unless OK.
 */
export async function readPages(
  core: CacheCore,
  caller: Caller,
  cookie: Cookie,
  pages: readonly number[],
  endIo: EndIo,
): Promise<ApiResult> {
  if (!caller.borrowed) checkData(cookie, "readPages");
  for (const page of pages) checkPage(page, "readPages");
  if (new Set(pages).size !== pages.length || pages.length === 0)
    throw new FsCacheError("BAD_PAGE", "readPages: the pages must be distinct, and at least one");
  const call = new Call(core, caller);
  await call.step("ReadPages");
  touch(call.th);
  call.th.page = "ALL";
  if (readEntryNobufs(core, cookie, "ReadPages")) {
    call.finish("ENOBUFS");
    return "ENOBUFS";
  }
  call.th.result = "NONE";
  const begun = await beginRead(core, call, cookie, true);
  if (!begun) {
    call.finish("ENOBUFS");
    return "ENOBUFS";
  }
  const { op, obj } = begun;
  if (!begun.usable) {
    touch(call.th);
    call.th.result = "ENOBUFS";
  } else {
    // The backing reads run in the tail of this step, as the single-page reader's; their completions are the
    // waiters' steps (retrieval.ts). A page the backend holds in memory (already up to date in the backing
    // file's page cache) is copied by this thread in ReadPagesIO; those go after the monitored pages, whose
    // reads start first (the order in which the copier can complete pages beside this thread's own, F15).
    const before = obj.cookie?.mem === "LIVE" ? obj.cookie : null;
    const monitors: Monitor[] = [];
    const resident: { readonly page: number; readonly data: Uint8Array | null }[] = [];
    if (before && !before.flags.has("NO_DATA_YET")) {
      for (const page of pages) {
        const read = await backendRead(core, obj, page);
        const data = typeof read === "object" ? read.data : null;
        if (typeof read === "object" && core.backend.pageResident?.(obj.backend, page) === true) {
          resident.push({ page, data });
        } else monitors.push({ page, data, error: read === "EIO" });
      }
    }
    // The step names the page copied here (the spec's scope has at most one; MANY only outside it).
    const up =
      resident.length === 1 ? pageName(resident[0]?.page ?? 0) : resident.length === 0 ? "NONE" : "MANY";
    await call.step("ReadPagesIO", { up });
    const live = derefCookie(obj.cookie, "ReadPagesIO");
    if (live.flags.has("NO_DATA_YET")) {
      // allocate_pages: every page marked cached, the op complete at once.
      const netfs = netfsOf(live, "ReadPagesIO:netfs");
      for (const page of pages) markPageCached(live, netfs, page);
      opComplete(core, op);
      touch(call.th);
      call.th.result = "ENODATA";
    } else {
      // NO_DATA_YET is cleared only by a positive lookup, which came before this read could submit: the pages
      // were read in the tail of the last step.
      bugOn(
        monitors.length + resident.length !== pages.length,
        `readPages: ${monitors.length + resident.length} of ${pages.length} pages read`,
      );
      touch(op);
      op.endIo = endIo;
      startBackingReads(core, op, monitors, pages.length);
      touch(call.th);
      call.th.result = "OK";
      if (resident.length > 0) {
        // backing_page_already_uptodate: copy, mark_page_cached, fscache_end_io, fscache_retrieval_complete(op, 1).
        const netfs = netfsOf(live, "ReadPagesIO:netfs");
        for (const r of resident) {
          markPageCached(live, netfs, r.page);
          endIo(r.page, r.data, "OK");
        }
        touch(op);
        op.nPages -= resident.length;
        if (core.repaired("RETRIEVAL_SUB_RETURN")) retrievalComplete(core, op, "ReadPagesIO");
        else {
          await call.step("ReadPagesTest");
          retrievalComplete(core, op, "ReadPagesTest");
        }
      }
    }
  }
  const result = call.th.result;
  await endRead(core, call, op);
  return result;
}

/**
 * `fscache_write_page`: queue the page in `stores` as PENDING and make sure a write op will store it. The
 * bytes are copied: the netfs may reuse its buffer as soon as this returns.
 */
export async function writePage(
  core: CacheCore,
  caller: Caller,
  cookie: Cookie,
  page: number,
  bytes: Uint8Array,
): Promise<ApiResult> {
  checkWritePage(cookie, page, bytes, core.pageSize);
  const data = bytes.slice();
  const p = pageName(page);
  const call = new Call(core, caller);
  await call.step("WritePage", { p });
  touch(call.th);
  call.th.page = p;
  const refuse = (op: ReturnType<typeof allocOp>): ApiResult => {
    if (op) freeOp(core, op);
    call.finish("ENOBUFS");
    return "ENOBUFS";
  };
  if (cookie.flags.has("INVALIDATING")) return refuse(null);
  // The storage op is allocated before taking the locks: no memory gives ENOBUFS.
  const counted = !core.preFix;
  const op = allocOp(core, "WRITE", counted ? ["ASYNC", "WAITING", "UNUSE_COOKIE"] : ["ASYNC", "WAITING"]);
  if (!op) return refuse(null);
  const obj = cookie.backing_objects[0];
  if (!obj || (core.repaired("STRANDED_WRITES_DISCARDED") && !obj.flags.has("IS_LIVE"))) return refuse(op);
  // A broken cache (FSCACHE_IOERROR) takes no more pages.
  if (core.broken) return refuse(op);
  const queued = cookie.stores.get(page);
  if (queued) {
    // already_queued (radix insert: EEXIST): the page is in `stores` already; a PENDING copy takes the new
    // bytes (the kernel's entry is the page itself), a STORING one is being written as it was.
    touch(cookie);
    if (queued.tag === "PENDING") queued.data = data;
    freeOp(core, op);
    call.finish("OK");
    return "OK";
  }
  touch(cookie);
  cookie.stores.set(page, { tag: "PENDING", data });
  if (obj.flags.has("PENDING_WRITE")) {
    // already_pending: the running write op will take the page.
    freeOp(core, op);
    call.finish("OK");
    return "OK";
  }
  touch(obj);
  obj.flags.add("PENDING_WRITE");
  if (counted) cookie.n_active++;
  const branch = submitBranch(core, obj);
  if (branch === null) {
    if (counted) cookie.n_active--;
    cookie.stores.delete(page);
    core.wake(cookie.storesWq);
    freeOp(core, op);
    // 3.12 leaves PENDING_WRITE set here, so later writes wait for a writer that never comes.
    discardStrandedWrites(core, obj);
    call.finish("ENOBUFS");
    return "ENOBUFS";
  }
  await submitAndPut(core, call, obj, op, branch, "write");
  call.finish("OK");
  return "OK";
}

/** The netfs's wait before relinquish (`fscache_uncache_all_inode_pages`): until `stores` is empty. */
export async function waitOnPageWrite(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkData(cookie, "waitOnPageWrite", true);
  const call = new Call(core, caller);
  await call.waitFor("WaitOnPageWrite", cookie.storesWq, () => startsNow("WaitOnPageWrite", cookie));
  call.finish(undefined);
}

/**
 * `fscache_relinquish_cookie`. 3.12: mark, kill the objects, drop the baseline `n_active` unit and wait for 0,
 * clear the netfs pointers, put the netfs's ref. PRE_FIX: wait for CREATING, detach every object (NULLing
 * `object->cookie`), clear, put — freeing the cookie at once. An index cookie waits for its children first.
 */
export async function relinquishCookie(
  core: CacheCore,
  caller: Caller,
  cookie: Cookie,
  retire: boolean,
  eviction?: Eviction,
): Promise<void> {
  checkRelinquish(cookie);
  const call = new Call(core, caller);
  if (cookie.type === "INDEX") {
    await call.waitFor("RelinquishCookie", cookie.childrenWq, () => startsNow("RelinquishCookie", cookie), {
      retire,
    });
  } else {
    await call.step("RelinquishCookie", { retire });
  }
  bugOn(cookie.n_children !== 0, SPEC_OOPS.RelinquishCookie);
  bugOn(!core.preFix && cookie.n_active <= 0, SPEC_OOPS.RelinquishCookie);
  touch(cookie);
  cookie.relinquishing = true;
  touch(call.th);
  call.th.retire = retire;
  if (!core.preFix) {
    cookie.flags.add("RELINQUISHED");
    if (retire) cookie.flags.add("RETIRED");

    await call.step("RelinquishKill");
    const obj = cookie.backing_objects[0];
    if (obj) await raiseAsNetfs(core, call, obj, "KILL", () => call.step("RelinquishEnqueue"));

    await call.step("RelinquishDropActive");
    touch(cookie);
    cookie.n_active--;
    if (cookie.n_active !== 0) {
      await call.waitFor("RelinquishWait", cookie.activeWq, () => cookie.n_active === 0);
    }
  } else {
    await call.waitFor("RelinquishWaitCreating", cookie.flagsWq, () => !cookie.flags.has("CREATING"));
    // Under cookie->lock, one object per step; an object with reads in flight is waited for
    // (WAITING_ON_READS). The step that finds no object left moves on.
    for (;;) {
      await call.waitFor("RelinquishDetach", cookie.flagsWq, () => {
        const first = cookie.backing_objects[0];
        return first === undefined || first.n_reads === 0;
      });
      const obj = cookie.backing_objects[0];
      if (!obj) break;
      bugOn(cookie.usage <= 1, SPEC_OOPS.RelinquishDetach);
      unhashObject(cookie, obj);
      touch(obj);
      obj.cookie = null;
      obj.holdsCookieRef = false;
      obj.retire = retire;
      raiseEvent(core, obj, "KILL");
      touch(cookie);
      cookie.usage--;
    }
  }

  if (eviction && core.repaired("COOKIE_DISABLED_TESTED"))
    await call.waitFor("RelinquishClear", eviction.wq, eviction.ready);
  else await call.step("RelinquishClear");
  bugOn(!core.preFix && cookie.stores.size > 0, SPEC_OOPS.RelinquishClear);
  touch(cookie);
  cookie.def = null;
  cookie.netfs_data = null;

  await call.step("RelinquishPut");
  const parent = cookie.parent;
  if (parent) {
    touch(parent);
    parent.n_children--;
    core.wake(parent.childrenWq);
  }
  cookiePut(core, cookie);
  call.finish("OK", "Done");
}
