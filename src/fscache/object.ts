// The cache object (`struct fscache_object` plus the backend's refcount): its state-machine fields, event
// raising/enqueueing (`fscache_raise_event`, `fscache_enqueue_object`) and the put → destroy path that
// finally releases the object's ref on its cookie.

import type { StartGate } from "../runtime/runtime.ts";
import type { BackendObject } from "./backend.ts";
import type { CacheCore } from "./context.ts";
import { type Cookie, cookiePut } from "./cookie.ts";
import { bugOn, OopsError } from "./errors.ts";
import { oopsAt } from "./oops.ts";
import type { EventName, MemState, ObjectFlag, OobTableName, StateName, WorkQueueState } from "./names.ts";
import type { Operation } from "./operation.ts";
import { OOB_TABLES } from "./states.ts";
import { touch } from "./revision.ts";

export class FscacheObject {
  /** Counts writes, for recording (revision.ts): bumped by `touch` before each. */
  rev = 0;
  mem: MemState = "LIVE";
  state: StateName = "WAIT_FOR_INIT";
  oob: OobTableName = "init";
  oob_event_mask = new Set<EventName>(OOB_TABLES.init.events);
  event_mask = new Set<EventName>(["ERROR", "KILL", "NEW_CHILD"]);
  readonly events = new Set<EventName>();
  readonly flags = new Set<ObjectFlag>(["IS_LIVE"]);
  /** Set by alloc_object; 3.12 clears it only in destroy, PRE_FIX also on detach. */
  cookie: Cookie | null;
  /** The parent cookie's object, FSDEF for a top-level index, null before attach and after drop. */
  parent: FscacheObject | "FSDEF" | null = null;
  n_children = 0;
  n_ops = 0;
  n_obj_ops = 0;
  n_in_progress = 0;
  n_exclusive = 0;
  n_reads = 0;
  /** The backend refcount: 1 for the allocation, +1 per queued work item, +1 per dependents membership. */
  usage = 1;
  dependents: FscacheObject[] = [];
  pending_ops: Operation[] = [];
  /** The work item on fscache_object_wq. */
  wq: WorkQueueState = "IDLE";
  /** The dispatcher's next action (its program counter), "IDLE" when not queued. */
  disp = "IDLE";
  /** The work state being executed (differs from `state` for OOB transitions), "NONE" between. */
  exec: StateName | "NONE" = "NONE";
  /** The dispatcher's saved `event_mask`. */
  dmask = new Set<EventName>();
  /** Highest page index + 1 the cache stores (`store_limit`). */
  store_limit = Infinity;
  /** Whether attach took a ref on the cookie (3.12 takes it in `fscache_attach_object`, not at init). */
  holdsCookieRef = false;
  /** PRE_FIX (caaef69): retirement is recorded on the object by relinquish. */
  retire = false;
  /**
   * The netfs thread holding this object's object->lock (and its cookie's cookie->lock) between its submit's
   * test and its `n_ops++` (CacheCore.submitWindow), else null. Steps that take either lock wait for it.
   */
  submitLocker: string | null = null;
  /** Aux data read at alloc time (cachefiles keeps it in `lookup_data` for the lookup). */
  readonly lookupAux: Uint8Array;

  constructor(
    readonly id: string,
    cookie: Cookie,
    readonly backend: BackendObject,
    lookupAux: Uint8Array,
  ) {
    this.cookie = cookie;
    this.lookupAux = lookupAux;
  }
}

/**
 * What a step that takes `obj`'s object->lock (or its cookie's cookie->lock) waits for: no submitter holding
 * them across its two steps (CacheCore.submitWindow). Undefined when no lock is ever held across steps.
 */
export function objectLockGate(core: CacheCore, obj: FscacheObject): StartGate | undefined {
  if (!core.submitWindow) return undefined;
  return { queue: core.objectLockWq, condition: () => obj.submitLocker === null };
}

/**
 * What object step `action` of `obj` waits for: a submitter's object->lock if the step takes it (as
 * objectLockGate), and a raiser's cookie->lock if the step takes that (CacheCore.raiseWindow): DROP_OBJECT and
 * DETACH_FROM_COOKIE unhash the object under it, INVALIDATE_OBJECT submits its exclusive op under it. The
 * lock is the cookie's the object is hashed on. Undefined when the step never waits.
 */
export function objectStepGate(
  core: CacheCore,
  obj: FscacheObject,
  takesObjectLock: boolean,
  action: string,
): StartGate | undefined {
  const submit = takesObjectLock ? objectLockGate(core, obj) : undefined;
  if (!core.raiseWindow || !COOKIE_LOCK_STEPS.has(action)) return submit;
  const raiseFree = (): boolean => {
    const cookie = obj.cookie;
    return cookie === null || cookie.raiseLocker === null || !cookie.backing_objects.includes(obj);
  };
  return {
    queue: core.objectLockWq,
    condition: submit ? () => submit.condition() && raiseFree() : raiseFree,
  };
}
const COOKIE_LOCK_STEPS: ReadonlySet<string> = new Set([
  "DROP_OBJECT",
  "DETACH_FROM_COOKIE",
  "InvalidateSubmitOp",
]);

/** `fscache_object_is_active`: available, live, and the cache not broken by an I/O error. */
export function objectIsActive(core: CacheCore, obj: FscacheObject): boolean {
  return obj.flags.has("IS_AVAILABLE") && obj.flags.has("IS_LIVE") && !core.broken;
}

/** `fscache_object_is_dead` (3.12): dying, with the cache broken (an AND that v4.3 turned into an OR). */
export function objectIsDead(core: CacheCore, obj: FscacheObject): boolean {
  return !obj.flags.has("IS_LIVE") && core.broken;
}

/**
 * `fscache_raise_event`: set the bit; if it was newly set and the object listens for it, queue the object.
 * A bit raised while masked stays pending for the dispatcher's re-check.
 */
export function raiseEvent(core: CacheCore, obj: FscacheObject, ev: EventName): void {
  if (raiseEventSet(obj, ev)) raiseEventEnqueue(core, obj, ev);
}

/** `fscache_raise_event`'s first half, `test_and_set_bit` of the event: whether the bit was newly set. */
export function raiseEventSet(obj: FscacheObject, ev: EventName): boolean {
  bugOn(obj.mem !== "LIVE", `raise ${ev}: ${obj.mem} object ${obj.id}`);
  if (obj.events.has(ev)) return false;
  touch(obj);
  obj.events.add(ev);
  return true;
}

/** `fscache_raise_event`'s second half: `test_bit` of the event in `event_mask`, and if set the enqueue. */
export function raiseEventEnqueue(core: CacheCore, obj: FscacheObject, ev: EventName): void {
  if (obj.event_mask.has(ev)) enqueueObject(core, obj);
}

/**
 * `fscache_enqueue_object`: a queued work item holds an object ref; queueing an already-queued item is a
 * no-op, but a running item can be queued again (REQUEUED) and will run once more.
 */
export function enqueueObject(core: CacheCore, obj: FscacheObject): void {
  if (obj.wq === "IDLE") {
    touch(obj);
    obj.usage++;
    obj.wq = "QUEUED";
    obj.disp = "DispatchStart";
    core.spawnObjectWorker(obj);
  } else if (obj.wq === "RUNNING") {
    touch(obj);
    obj.usage++;
    obj.wq = "REQUEUED";
  }
}

/** `put_object`: drop one ref; at 0 the backend frees the object after `fscache_object_destroy`. */
export function objectPut(core: CacheCore, obj: FscacheObject): void {
  bugOn(obj.mem !== "LIVE", `put: ${obj.mem} object ${obj.id}`);
  touch(obj);
  obj.usage--;
  bugOn(obj.usage < 0, `put: usage of object ${obj.id} below 0`);
  if (obj.usage === 0) objectDestroy(core, obj);
}

/**
 * `fscache_object_destroy` and the backend's free: 3.12 puts `object->cookie`, maybe freeing the chain. That
 * is the attach's ref for an attached object; for one never attached (acquire's failure path) no ref was
 * taken, and 3.12 puts the cookie anyway (repair UNATTACHED_PUT_KEEPS_COOKIE skips it). PRE_FIX dropped the
 * object's cookie ref at detach.
 */
function objectDestroy(core: CacheCore, obj: FscacheObject): void {
  core.backend.putObject(obj.backend);
  const cookie = obj.cookie;
  touch(obj);
  obj.cookie = null;
  obj.mem = "FREED";
  touch(core);
  core.objects.delete(obj.id);
  // fscache_object_destroy counts cache->object_count down and wakes a withdrawal waiting for 0.
  if (core.objects.size === 0) core.wake(core.clearedWq);
  core.listener.objectFreed?.(obj);
  const put = !core.preFix && (obj.holdsCookieRef || !core.repaired("UNATTACHED_PUT_KEEPS_COOKIE"));
  obj.holdsCookieRef = false;
  if (cookie && put) cookiePut(core, cookie);
}

/**
 * `object->cookie` dereferenced by code that does not hold the object lock: a NULL or freed cookie is the
 * kernel's oops (PRE_FIX, §4.3), reported with the spec's string for `site` (oops.ts).
 */
export function derefCookie(cookie: Cookie | null, site: string): Cookie {
  if (cookie === null) throw new OopsError(oopsAt(site, "NULL cookie"));
  if (cookie.mem !== "LIVE") throw new OopsError(oopsAt(site, "freed cookie"));
  return cookie;
}

/** A call into the netfs (`def->…(netfs_data)`): cleared netfs data is the oops S4 forbids. */
export function netfsOf(cookie: Cookie, site: string): { def: NonNullable<Cookie["def"]>; data: unknown } {
  if (cookie.def === null) throw new OopsError(oopsAt(site, "netfs data cleared"));
  return { def: cookie.def, data: cookie.netfs_data };
}

/**
 * `fscache_mark_page_cached`: the netfs's `mark_page_cached` with its data (`netfs`, from netfsOf: the caller
 * holds what keeps it) and the cookie's record of the page, which writePage checks.
 */
export function markPageCached(cookie: Cookie, netfs: ReturnType<typeof netfsOf>, page: number): void {
  netfs.def.markPageCached?.(netfs.data, page);
  touch(cookie);
  cookie.cachedPages.add(page);
}

/** Removes `obj` from its cookie's `backing_objects` (the hlist unhash); returns whether it was there. */
export function unhashObject(cookie: Cookie, obj: FscacheObject): boolean {
  const i = cookie.backing_objects.indexOf(obj);
  if (i < 0) return false;
  touch(cookie);
  cookie.backing_objects.splice(i, 1);
  return true;
}
