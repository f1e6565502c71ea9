// The work states' functions (fs/fscache/object.c, §2.3), one per work state of the table, each returning a
// next state its table entry allows. A function starts inside its first step (labelled with the state's
// name); `w.step` ends a step and starts the next one, named as in docs/model.md.

import { BackendError } from "./backend.ts";
import type { CacheCore } from "./context.ts";
import { clearCookieFlag, cookiePut, discardPendingStores, unuseCookie, useCookie } from "./cookie.ts";
import { bugOn } from "./errors.ts";
import type { CreateResult, LookupResult } from "./names.ts";
import { derefCookie, type FscacheObject, netfsOf, objectPut, raiseEvent, unhashObject } from "./object.ts";
import { SPEC_OOPS } from "./oops.ts";
import {
  allocOp,
  cancelAllOps,
  exclusiveSubmittable,
  freeOp,
  putOp,
  startOperations,
  submitExclusiveOp,
} from "./operation.ts";
import type { NextOf, WorkStateName } from "./states.ts";
import { touch } from "./revision.ts";

/** What a work function gets: the cache, its object, and the way to end one atomic step and start the next. */
export interface WorkCtx {
  readonly core: CacheCore;
  readonly obj: FscacheObject;
  step(action: string, params?: Record<string, string>): Promise<void>;
}

/** A work function may finish within its first step (plain return) or span several (a promise). */
type WorkFns = { readonly [S in WorkStateName]: (w: WorkCtx) => NextOf<S> | Promise<NextOf<S>> };

/** `fscache_done_parent_op`: a child's lookup no longer counts in its parent's `n_ops`. */
function doneParentOp(core: CacheCore, obj: FscacheObject): void {
  const parent = obj.parent;
  if (parent === null || parent === "FSDEF") return;
  touch(parent);
  parent.n_obj_ops--;
  parent.n_ops--;
  if (parent.n_ops === 0) raiseEvent(core, parent, "CLEARED");
}

/** Pops every dependent, raising `ev` on it and putting the ref INIT_OBJECT took for the membership. */
function kickDependents(core: CacheCore, obj: FscacheObject, ev: "PARENT_READY" | "KILL"): void {
  const deps = obj.dependents;
  touch(obj);
  obj.dependents = [];
  for (const dep of deps) {
    raiseEvent(core, dep, ev);
    objectPut(core, dep);
  }
}

/** What the backend lookup reported: its first report, and how creating a missing object went. */
interface LookupReport {
  readonly result: LookupResult;
  readonly create: CreateResult;
}

/** Runs the backend lookup whose outcome the next steps (LookupObject, LookupCreate) carry. */
async function backendLookup(core: CacheCore, obj: FscacheObject): Promise<LookupReport> {
  try {
    return { result: await core.backend.lookupObject(obj.backend, obj.lookupAux), create: "OK" };
  } catch (e) {
    if (!(e instanceof BackendError)) throw e;
    // cachefiles_walk_to_object reports an EIO, from the walk or from creating, as an I/O error of the cache.
    const failed = e.code === "EIO" ? "EIO" : "ERROR";
    return e.afterNegative ? { result: "NEGATIVE", create: failed } : { result: failed, create: "OK" };
  }
}

export const WORK: WorkFns = {
  // Find the parent: available → look up now; live → become its dependent and wake it; else give up.
  INIT_OBJECT({ core, obj }) {
    const drop = core.preFix ? "DETACH_FROM_COOKIE" : "DROP_OBJECT";
    const parent = obj.parent;
    if (parent === null) return drop;
    if (parent === "FSDEF") return "PARENT_READY";
    if (!parent.flags.has("IS_LIVE")) return drop;
    if (parent.flags.has("IS_AVAILABLE")) return "PARENT_READY";
    // Under parent->lock: the dependents membership holds a ref on the child.
    touch(obj);
    obj.usage++;
    touch(parent);
    parent.dependents.push(obj);
    raiseEvent(core, parent, "NEW_CHILD");
    return "WAIT_FOR_PARENT";
  },

  // The child's lookup counts as an op on the parent, so the parent cannot be cleared under it.
  // 3.12 installs the lookup OOB table only in LOOK_UP_OBJECT: a KILL seen in between goes to ABORT_INIT, which
  // does not undo this parent op; repair LOOKUP_OOB_AT_PARENT_READY installs it here (LOOKUP_FAILURE does).
  PARENT_READY({ core, obj }) {
    const parent = obj.parent;
    if (parent !== null && parent !== "FSDEF") {
      touch(parent);
      parent.n_ops++;
      parent.n_obj_ops++;
    }
    touch(obj);
    if (core.repaired("LOOKUP_OOB_AT_PARENT_READY")) obj.oob = "lookup";
    return "LOOK_UP_OBJECT";
  },

  async LOOK_UP_OBJECT(w): Promise<NextOf<"LOOK_UP_OBJECT">> {
    const { core, obj } = w;
    const parent = obj.parent;
    if (parent !== null && parent !== "FSDEF")
      bugOn(!parent.flags.has("IS_AVAILABLE"), SPEC_OOPS.LOOK_UP_OBJECT);
    touch(obj);
    obj.oob = "lookup";
    // A dying parent or a broken cache (FSCACHE_IOERROR) fails the lookup before the backend is asked.
    if (parent !== null && parent !== "FSDEF" && !parent.flags.has("IS_LIVE")) return "LOOKUP_FAILURE";
    if (core.broken) return "LOOKUP_FAILURE";
    if (!core.preFix && !useCookie(derefCookie(obj.cookie, "LOOK_UP_OBJECT"))) return "LOOKUP_FAILURE";
    // The lookup I/O ends this step, so that the next steps' labels can carry its outcome.
    const report = await backendLookup(core, obj);
    await w.step("LookupObject", { result: report.result });
    // cachefiles checks the stored aux with the netfs (`fscache_check_aux`) under the lookup's n_active unit.
    const cookie = derefCookie(obj.cookie, "LookupObject");
    netfsOf(cookie, "LookupObject");
    if (report.result === "ERROR" || report.result === "EIO") {
      // cachefiles_io_error first (EIO: the cache is broken), then fscache_object_lookup_error: the bit only,
      // no queueing (the dispatcher is running).
      if (report.result === "EIO") core.ioError();
      touch(obj);
      obj.events.add("ERROR");
    } else {
      // fscache_obtained_object's first part (found) or fscache_object_lookup_negative (not found): readers
      // woken here may submit before the object is available; their ops queue until OBJECT_AVAILABLE.
      if (!obj.flags.has("IS_LOOKED_UP")) {
        touch(obj);
        obj.flags.add("IS_LOOKED_UP");
        touch(cookie);
        if (report.result === "POSITIVE") cookie.flags.delete("NO_DATA_YET");
        else cookie.flags.add("NO_DATA_YET");
        clearCookieFlag(core, cookie, "LOOKING_UP");
      }
      if (report.result === "NEGATIVE") {
        // cachefiles creates the missing object; a failure leaves it looked up but never available.
        await w.step("LookupCreate", { result: report.create });
        if (report.create === "EIO") core.ioError();
        touch(obj);
        if (report.create !== "OK") obj.events.add("ERROR");
      }
      if (report.create === "OK") {
        await w.step("LookupAvailable");
        touch(obj);
        obj.flags.add("IS_AVAILABLE");
        const c = obj.cookie;
        if (core.preFix && c && c.mem === "LIVE") clearCookieFlag(core, c, "CREATING");
      }
    }
    await w.step("LookupUnuse");
    if (!core.preFix) unuseCookie(core, derefCookie(obj.cookie, "LookupUnuse"));
    return obj.flags.has("IS_AVAILABLE") ? "OBJECT_AVAILABLE" : "LOOKUP_FAILURE";
  },

  OBJECT_AVAILABLE({ core, obj }) {
    touch(obj);
    obj.oob = "run";
    doneParentOp(core, obj);
    // (3.12 tests n_ops > 0 first, a shortcut: with no op counted nothing is pending, nothing to start.)
    if (obj.n_in_progress === 0) startOperations(core, obj);
    core.backend.lookupComplete(obj.backend);
    return "JUMPSTART_DEPS";
  },

  JUMPSTART_DEPS({ core, obj }) {
    kickDependents(core, obj, "PARENT_READY");
    return "WAIT_FOR_CMD";
  },

  async INVALIDATE_OBJECT(w): Promise<NextOf<"INVALIDATE_OBJECT">> {
    const { core, obj } = w;
    // PRE_FIX takes no n_active unit: the later steps use object->cookie unlocked, unchecked (§4.3).
    if (!core.preFix) {
      const c = derefCookie(obj.cookie, "INVALIDATE_OBJECT");
      if (!useCookie(c)) {
        // Relinquish got n_active to 0 first: the data is stale anyway, so delete it at drop time.
        bugOn(c.stores.size > 0, SPEC_OOPS["INVALIDATE_OBJECT:stores"]);
        touch(c);
        c.flags.add("RETIRED");
        return "KILL_OBJECT";
      }
    }
    await w.step("InvalidateWrites");
    // Each step uses object->cookie as it is now (PRE_FIX: relinquish may have NULLed it since).
    const cookie = derefCookie(obj.cookie, "InvalidateWrites");
    let dropped = false;
    for (const [page, entry] of cookie.stores) {
      if (entry.tag === "PENDING") {
        touch(cookie);
        cookie.stores.delete(page);
        dropped = true;
      }
    }
    if (dropped) core.wake(cookie.storesWq);
    await w.step("InvalidateSubmitOp");
    // Under cookie->lock: cancel what is pending, then allocate and submit the exclusive op.
    const c = derefCookie(obj.cookie, "InvalidateSubmitOp");
    // Refused only for an object neither active nor looked up: 3.12 ASSERTs a cache I/O error (not modelled).
    const submittable = exclusiveSubmittable(core, obj);
    touch(obj);
    obj.flags.delete("PENDING_WRITE");
    cancelAllOps(core, obj);
    const op = allocOp(
      core,
      "INVALIDATE",
      core.preFix ? ["ASYNC", "EXCLUSIVE"] : ["ASYNC", "EXCLUSIVE", "UNUSE_COOKIE"],
    );
    if (!op) {
      // No memory for the op: 3.12 clears IS_LIVE, gives back the n_active unit INVALIDATE_OBJECT took (the
      // op would have owned it) and kills the object.
      obj.flags.delete("IS_LIVE");
      if (!core.preFix) unuseCookie(core, c);
      return "KILL_OBJECT";
    }
    if (!submittable) freeOp(core, op);
    bugOn(!submittable, SPEC_OOPS["InvalidateSubmitOp:refused"]);
    submitExclusiveOp(core, obj, op);
    await w.step("InvalidateDone");
    const done = derefCookie(obj.cookie, "InvalidateDone");
    putOp(core, op);
    touch(done);
    done.flags.add("NO_DATA_YET");
    clearCookieFlag(core, done, "INVALIDATING");
    return "UPDATE_OBJECT";
  },

  async UPDATE_OBJECT(w): Promise<NextOf<"UPDATE_OBJECT">> {
    const { core, obj } = w;
    const cookie = derefCookie(obj.cookie, "UPDATE_OBJECT");
    // cachefiles' update_object takes its own n_active unit and skips the update without one.
    if (!core.preFix && !useCookie(cookie)) return "WAIT_FOR_CMD";
    await w.step("UpdateObject");
    const c = derefCookie(obj.cookie, "UpdateObject");
    const { def, data } = netfsOf(c, "UpdateObject");
    const aux = def.getAux?.(data) ?? new Uint8Array();
    try {
      await core.backend.updateObject(obj.backend, aux);
    } catch (e) {
      // cachefiles ignores a failed aux update: the next lookup sees stale aux and discards the data.
      if (!(e instanceof BackendError)) throw e;
    }
    if (!core.preFix) unuseCookie(core, c);
    return "WAIT_FOR_CMD";
  },

  ABORT_INIT({ core, obj }) {
    touch(obj);
    obj.oob_event_mask = new Set();
    const parent = obj.parent;
    if (parent !== null && parent !== "FSDEF") {
      const i = parent.dependents.indexOf(obj);
      if (i >= 0) {
        touch(parent);
        parent.dependents.splice(i, 1);
        // 3.12 keeps the ref INIT_OBJECT took for the membership: the object is never destroyed.
        if (core.repaired("ABORT_INIT_PUTS_DEP_REF")) objectPut(core, obj);
      }
    }
    if (core.preFix) {
      obj.flags.delete("IS_LIVE");
      if (obj.cookie && obj.cookie.mem === "LIVE") clearCookieFlag(core, obj.cookie, "CREATING");
    }
    return "KILL_OBJECT";
  },

  LOOKUP_FAILURE({ core, obj }) {
    // PRE_FIX reads the cookie under object->lock and copes with NULL; 3.12 relies on it being pinned.
    const cookie = core.preFix ? obj.cookie : derefCookie(obj.cookie, "LOOKUP_FAILURE");
    touch(obj);
    obj.oob_event_mask = new Set();
    core.backend.lookupComplete(obj.backend);
    if (cookie && cookie.mem === "LIVE") {
      touch(cookie);
      cookie.flags.add("UNAVAILABLE");
      clearCookieFlag(core, cookie, "LOOKING_UP");
      if (core.preFix) clearCookieFlag(core, cookie, "CREATING");
    }
    doneParentOp(core, obj);
    return "KILL_OBJECT";
  },

  // Three steps, as 3.12 runs them: clear IS_LIVE (without object->lock) and the OOB mask; test, unlocked,
  // whether anything is left; under object->lock start what is pending so it can run or fail and release its
  // n_ops count, then read the dependents again to choose the next state.
  async KILL_OBJECT(w): Promise<NextOf<"KILL_OBJECT">> {
    const { core, obj } = w;
    touch(obj);
    obj.flags.delete("IS_LIVE");
    obj.oob_event_mask = new Set();
    await w.step("KillTest");
    if (obj.dependents.length === 0 && obj.n_ops === 0 && obj.n_children === 0) {
      return core.preFix && obj.cookie !== null ? "DETACH_FROM_COOKIE" : "DROP_OBJECT";
    }
    await w.step("KillStartOps");
    // (3.12 tests n_ops > 0 first, a shortcut: with no op counted nothing is pending, nothing to start.)
    if (obj.n_in_progress === 0) startOperations(core, obj);
    return obj.dependents.length > 0 ? "KILL_DEPENDENTS" : "WAIT_FOR_CLEARANCE";
  },

  KILL_DEPENDENTS({ core, obj }) {
    kickDependents(core, obj, "KILL");
    return "WAIT_FOR_CLEARANCE";
  },

  DETACH_FROM_COOKIE({ core, obj }) {
    const cookie = obj.cookie;
    if (cookie !== null) {
      unhashObject(cookie, obj);
      touch(obj);
      obj.cookie = null;
      clearCookieFlag(core, cookie, "INVALIDATING");
      obj.holdsCookieRef = false;
      cookiePut(core, cookie);
    }
    return "DROP_OBJECT";
  },

  async DROP_OBJECT({ core, obj }): Promise<NextOf<"DROP_OBJECT">> {
    let retire: boolean;
    // Off cache->object_list, or off the withdrawal's dying list.
    core.unlistObject(obj);
    if (core.preFix) {
      bugOn(obj.cookie !== null, SPEC_OOPS["DROP_OBJECT:attached"]);
      retire = obj.retire;
    } else {
      const cookie = derefCookie(obj.cookie, "DROP_OBJECT");
      bugOn(!unhashObject(cookie, obj), SPEC_OOPS["DROP_OBJECT:unhashed"]);
      clearCookieFlag(core, cookie, "INVALIDATING");
      if (core.repaired("DROP_DISCARDS_PENDING_WRITES")) discardPendingStores(core, cookie);
      if (core.repaired("DROP_CLEARS_LOOKING_UP") && clearCookieFlag(core, cookie, "LOOKING_UP")) {
        touch(cookie);
        cookie.flags.add("UNAVAILABLE");
      }
      retire = cookie.flags.has("RETIRED");
    }
    try {
      await core.backend.dropObject(obj.backend, retire);
    } catch (e) {
      // The object is leaving the cache either way; a failed delete leaves stale data its aux will reject.
      if (!(e instanceof BackendError)) throw e;
    }
    const parent = obj.parent;
    if (parent !== null && parent !== "FSDEF") {
      touch(parent);
      parent.n_children--;
      if (parent.n_children === 0) raiseEvent(core, parent, "CLEARED");
    }
    touch(obj);
    obj.parent = null;
    objectPut(core, obj);
    return "OBJECT_DEAD";
  },
};
