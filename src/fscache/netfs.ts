// The netfs API (fs/fscache/cookie.c, page.c; §3.1, §3.3): each call runs in the calling netfs task as the
// sequence of atomic steps docs/model.md names for thread `t`, recording the spec's `thread[t]` as it goes.
// Misuse is rejected with FsCacheError before the call's first step, so it never changes any structure.

import { label, type Task, type WaitQueue } from "../runtime/runtime.ts";
import type { CacheCore, ThreadRecord } from "./context.ts";
import { Cookie, type CookieDef, cookiePut } from "./cookie.ts";
import { bugOn, FsCacheError } from "./errors.ts";
import type { ApiResult } from "./names.ts";
import { FscacheObject, netfsOf, objectPut, raiseEvent, unhashObject } from "./object.ts";
import { discardStrandedWrites, pageName } from "./opwork.ts";
import { allocOp, freeOp, opComplete, putOp, submitExclusiveOp, submitOp } from "./operation.ts";
import { BackendError } from "./backend.ts";

/** Who is calling: the netfs task and the spec's thread name. */
export interface Caller {
  readonly task: Task;
  readonly t: string;
  /**
   * The task is already inside the call's first step (a task spawned for this one call, parked at
   * `firstLabel`): the call must not yield before running it.
   */
  readonly entered?: boolean;
}

/** What a read returns: the spec's result, and the page bytes when the cache had them. */
export interface ReadOutcome {
  readonly result: ApiResult;
  readonly data: Uint8Array | null;
}

/** One netfs call in progress: the thread record and whether the first step is still to be entered. */
class Call {
  private entered: boolean;
  readonly th: ThreadRecord;

  constructor(
    core: CacheCore,
    private readonly caller: Caller,
  ) {
    this.entered = caller.entered ?? false;
    this.th = core.thread(caller.t);
  }

  /** Ends the current step and starts `action` (or, for a call's first step, runs it now if entered). */
  async step(action: string, params: Record<string, string | boolean> = {}): Promise<void> {
    this.th.pc = action;
    if (this.entered) {
      this.entered = false;
      return;
    }
    await this.caller.task.step(label(action, { t: this.caller.t, ...params }));
  }

  /** A blocking step: runs once `cond` holds (re-checked after each wake-up of `queue`). */
  async waitFor(
    action: string,
    queue: WaitQueue,
    cond: () => boolean,
    params: Record<string, string | boolean> = {},
  ) {
    this.th.pc = action;
    // A spawned call's first step is already scheduled: it is the wait itself if the condition holds.
    if (this.entered) {
      this.entered = false;
      if (cond()) return;
    }
    await this.caller.task.waitUntil(label(action, { t: this.caller.t, ...params }), queue, cond);
  }

  /** The call returns: the thread is Ready (or Done) with `result`. */
  finish(result: ApiResult | undefined, pc: "Ready" | "Done" = "Ready"): void {
    if (result !== undefined) this.th.result = result;
    this.th.pc = pc;
  }
}

const NO_AUX = new Uint8Array();

function checkLive(cookie: Cookie, what: string): void {
  if (cookie.mem !== "LIVE")
    throw new FsCacheError("COOKIE_NOT_LIVE", `${what}: cookie ${cookie.id} is ${cookie.mem}`);
  if (cookie.relinquishing) {
    throw new FsCacheError("COOKIE_RELINQUISHED", `${what}: cookie ${cookie.id} was relinquished`);
  }
}

function checkData(cookie: Cookie, what: string): void {
  checkLive(cookie, what);
  if (cookie.type !== "DATAFILE")
    throw new FsCacheError("NOT_DATA_COOKIE", `${what}: ${cookie.id} is an index`);
}

function checkPage(page: number, what: string): void {
  if (!Number.isSafeInteger(page) || page < 0) throw new FsCacheError("BAD_PAGE", `${what}: page ${page}`);
}

function validKey(key: string): boolean {
  return key.length > 0 && !key.includes("/") && !key.includes("\0");
}

/** The first label of each call, for a facade that spawns one task per call. */
export function firstLabel(action: string, t: string, params: Record<string, string | boolean> = {}) {
  return label(action, { t, ...params });
}

/** `fscache_alloc_object` for one cookie: the backend object, with the key and aux cachefiles reads at alloc. */
function newObject(core: CacheCore, cookie: Cookie): FscacheObject {
  const { def, data } = netfsOf(cookie, "AllocObject");
  const aux = def.getAux?.(data) ?? NO_AUX;
  const id = core.objectId(cookie.id);
  const obj = new FscacheObject(id, cookie, core.backend.allocObject({ path: cookie.keyPath }), aux);
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
  if (parent) {
    checkLive(parent, "acquire");
    if (parent.type !== "INDEX")
      throw new FsCacheError("PARENT_NOT_INDEX", `acquire: parent ${parent.id} is data`);
  }
  const key = def.getKey(netfsData);
  if (!validKey(key)) throw new FsCacheError("BAD_KEY", `acquire: key ${JSON.stringify(key)}`);
  if (id !== undefined && core.cookies.has(id))
    throw new FsCacheError("BAD_KEY", `acquire: cookie id ${id} in use`);
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
  core.cookies.set(cookie.id, cookie);
  call.th.cookie = cookie;
  if (parent) {
    parent.usage++;
    parent.n_children++;
  }
  if (def.type === "INDEX") {
    call.finish("OK");
    return cookie;
  }
  if (size !== undefined) cookie.storeLimit = Math.ceil(size / core.pageSize);
  cookie.flags.add("LOOKING_UP");
  cookie.flags.add("NO_DATA_YET");
  if (core.preFix) cookie.flags.add("CREATING");

  await call.step("AllocObject");
  const fresh = [newObject(core, cookie)];
  let ok = true;
  for (let p = cookie.parent; p; p = p.parent) {
    const existing = p.backing_objects[0];
    if (existing) {
      ok = existing.flags.has("IS_LIVE");
      break;
    }
    fresh.push(newObject(core, p));
  }
  if (!ok) for (const obj of fresh) objectPut(core, obj);

  // Attach the parent chain first, so each object finds its parent's object attached.
  const order = ok ? fresh.reverse() : [];
  while (order.length > 0) {
    const obj = order.shift();
    if (!obj) break;
    await call.step("AttachObject", { o: obj.id });
    if (!attachObject(core, obj)) {
      for (const rest of order) objectPut(core, rest);
      ok = false;
      break;
    }
  }
  if (ok) {
    await call.step("AcquireNewChild");
    const obj = cookie.backing_objects[0];
    if (obj) {
      obj.store_limit = cookie.storeLimit;
      raiseEvent(core, obj, "NEW_CHILD");
      call.finish("OK");
      return cookie;
    }
  }
  await call.step("AcquireFail");
  if (parent) {
    parent.n_children--;
    core.wake(parent.childrenWq);
  }
  bugOn(cookie.usage !== 1, `AcquireFail: cookie ${cookie.id} usage ${cookie.usage}`);
  cookiePut(core, cookie);
  call.finish("ENOBUFS", "Done");
  return null;
}

/**
 * `fscache_attach_object` under cookie->lock. Returns false when acquire must fail (the cookie already has a
 * dying object); an object that loses the race to an existing live one, or whose parent object is gone or
 * dying, is put, and the acquire goes on (AcquireNewChild then sees whether the leaf got an object).
 */
function attachObject(core: CacheCore, obj: FscacheObject): boolean {
  const cookie = obj.cookie;
  bugOn(cookie === null, `AttachObject: object ${obj.id} has no cookie`);
  if (!cookie) return false;
  const existing = cookie.backing_objects[0];
  if (existing) {
    objectPut(core, obj);
    return existing.flags.has("IS_LIVE");
  }
  let parentObj: FscacheObject | "FSDEF" = "FSDEF";
  if (cookie.parent) {
    const p = cookie.parent.backing_objects[0];
    if (!p || !p.flags.has("IS_LIVE")) {
      objectPut(core, obj);
      return true;
    }
    parentObj = p;
    p.n_children++;
  }
  obj.parent = parentObj;
  cookie.usage++;
  obj.holdsCookieRef = true;
  cookie.backing_objects.push(obj);
  return true;
}

/** `fscache_invalidate`: mark the cookie invalidating and tell its (live) object. */
export async function invalidate(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkData(cookie, "invalidate");
  const call = new Call(core, caller);
  await call.step("Invalidate");
  const obj = cookie.backing_objects[0];
  if (obj && !cookie.flags.has("INVALIDATING")) {
    cookie.flags.add("INVALIDATING");
    if (obj.flags.has("IS_LIVE")) raiseEvent(core, obj, "INVALIDATE");
  }
  call.finish(undefined);
}

/** `fscache_wait_on_invalidate`: until INVALIDATING is clear. */
export async function waitOnInvalidate(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkData(cookie, "waitOnInvalidate");
  const call = new Call(core, caller);
  await call.waitFor("WaitOnInvalidate", cookie.flagsWq, () => !cookie.flags.has("INVALIDATING"));
  call.finish(undefined);
}

/** `fscache_update_cookie`: every backing object stores fresh aux data. */
export async function updateCookie(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkLive(cookie, "updateCookie");
  const call = new Call(core, caller);
  await call.step("UpdateCookie");
  for (const obj of cookie.backing_objects) raiseEvent(core, obj, "UPDATE");
  call.finish(undefined);
}

/** `fscache_attr_changed`: an exclusive op tells the backend the new size. */
export async function attrChanged(core: CacheCore, caller: Caller, cookie: Cookie): Promise<ApiResult> {
  checkData(cookie, "attrChanged");
  const def = cookie.def;
  const size = def?.getAttr?.(cookie.netfs_data);
  const call = new Call(core, caller);
  await call.step("AttrChanged");
  if (size !== undefined) cookie.storeLimit = Math.ceil(size / core.pageSize);
  const obj = cookie.backing_objects[0];
  let result: ApiResult = "ENOBUFS";
  if (obj) {
    obj.store_limit = cookie.storeLimit;
    const op = allocOp(core, "ATTR_CHANGED", ["ASYNC", "EXCLUSIVE"]);
    if (submitExclusiveOp(core, obj, op)) {
      putOp(core, op);
      result = "OK";
    } else {
      freeOp(core, op);
    }
  }
  call.finish(result);
  return result;
}

/**
 * `fscache_read_or_alloc_page`: ReadPage, ReadWaitLookup, ReadWaitActive, then ReadIO (unless cancelled) and
 * ReadPutOp. `data` is null when the cache holds nothing for the page (ENODATA, or a hole).
 */
export async function readPage(
  core: CacheCore,
  caller: Caller,
  cookie: Cookie,
  page: number,
): Promise<ReadOutcome> {
  checkData(cookie, "readPage");
  checkPage(page, "readPage");
  const call = new Call(core, caller);
  const nobufs = (): ReadOutcome => {
    call.finish("ENOBUFS");
    return { result: "ENOBUFS", data: null };
  };
  const p = pageName(page);
  await call.step("ReadPage", { p });
  call.th.page = p;
  if (cookie.backing_objects.length === 0 || cookie.flags.has("INVALIDATING")) return nobufs();

  await call.waitFor("ReadWaitLookup", cookie.flagsWq, () => !cookie.flags.has("LOOKING_UP"));
  const counted = !core.preFix;
  // 3.12: a plain increment, not increment-if-not-zero (the netfs itself cannot be relinquishing).
  if (counted) cookie.n_active++;
  const obj = cookie.backing_objects[0];
  const undo = (): void => {
    if (counted) cookie.n_active--;
  };
  if (!obj) {
    undo();
    return nobufs();
  }
  if (!obj.flags.has("IS_LOOKED_UP")) {
    bugOn(!core.repaired("NOBUFS_IF_NOT_LOOKED_UP"), "ReadWaitLookup: object not looked up");
    undo();
    return nobufs();
  }
  const op = allocOp(
    core,
    "READ",
    counted
      ? ["MYTHREAD", "WAITING", "UNUSE_COOKIE", "DEC_READ_CNT"]
      : ["MYTHREAD", "WAITING", "DEC_READ_CNT"],
  );
  obj.n_reads++;
  if (!submitOp(core, obj, op)) {
    obj.n_reads--;
    undo();
    freeOp(core, op);
    return nobufs();
  }
  call.th.op = op.id;

  await call.waitFor("ReadWaitActive", op.waitq, () => op.state !== "PENDING");
  let outcome: ReadOutcome = { result: "ENOBUFS", data: null };
  if (op.state !== "CANCELLED") {
    await call.step("ReadIO");
    const target = op.object ?? obj;
    const live = target.cookie ?? cookie;
    const { def, data } = netfsOf(live, "ReadIO");
    if (live.flags.has("NO_DATA_YET")) {
      // allocate_page: nothing to read yet, the netfs fetches the page and may write it to the cache.
      outcome = { result: "ENODATA", data: null };
    } else {
      try {
        outcome = { result: "OK", data: await core.backend.readPage(target.backend, page) };
      } catch (e) {
        if (!(e instanceof BackendError)) throw e;
        outcome = { result: "ENOBUFS", data: null };
      }
    }
    def.markPageCached?.(data, page);
    opComplete(core, op);
  }
  await call.step("ReadPutOp");
  putOp(core, op);
  call.th.op = 0;
  call.finish(outcome.result);
  return outcome;
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
  checkData(cookie, "writePage");
  checkPage(page, "writePage");
  if (page >= cookie.storeLimit) {
    throw new FsCacheError(
      "BEYOND_STORE_LIMIT",
      `writePage: page ${page} of ${cookie.id} >= ${cookie.storeLimit}`,
    );
  }
  if (bytes.length > core.pageSize) {
    throw new FsCacheError("BAD_PAGE", `writePage: ${bytes.length} bytes > page size ${core.pageSize}`);
  }
  const data = bytes.slice();
  const p = pageName(page);
  const call = new Call(core, caller);
  await call.step("WritePage", { p });
  call.th.page = p;
  const obj = cookie.backing_objects[0];
  const refuse = !obj || cookie.flags.has("INVALIDATING");
  if (!obj || refuse || (core.repaired("STRANDED_WRITES_DISCARDED") && !obj.flags.has("IS_LIVE"))) {
    call.finish("ENOBUFS");
    return "ENOBUFS";
  }
  cookie.stores.set(page, { tag: "PENDING", data });
  if (obj.flags.has("PENDING_WRITE")) {
    call.finish("OK");
    return "OK";
  }
  obj.flags.add("PENDING_WRITE");
  const counted = !core.preFix;
  if (counted) cookie.n_active++;
  const op = allocOp(core, "WRITE", counted ? ["ASYNC", "WAITING", "UNUSE_COOKIE"] : ["ASYNC", "WAITING"]);
  if (!submitOp(core, obj, op)) {
    if (counted) cookie.n_active--;
    cookie.stores.delete(page);
    core.wake(cookie.storesWq);
    freeOp(core, op);
    // 3.12 leaves PENDING_WRITE set here, so later writes wait for a writer that never comes.
    discardStrandedWrites(core, obj);
    call.finish("ENOBUFS");
    return "ENOBUFS";
  }
  putOp(core, op);
  call.finish("OK");
  return "OK";
}

/** The netfs's wait before relinquish (`fscache_uncache_all_inode_pages`): until `stores` is empty. */
export async function waitOnPageWrite(core: CacheCore, caller: Caller, cookie: Cookie): Promise<void> {
  checkData(cookie, "waitOnPageWrite");
  const call = new Call(core, caller);
  await call.waitFor("WaitOnPageWrite", cookie.storesWq, () => cookie.stores.size === 0);
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
): Promise<void> {
  checkLive(cookie, "relinquish");
  if (cookie.type === "DATAFILE" && cookie.n_children > 0) {
    throw new FsCacheError("HAS_CHILDREN", `relinquish: ${cookie.id} has ${cookie.n_children} children`);
  }
  cookie.relinquishing = true;
  const call = new Call(core, caller);
  call.th.retire = retire;
  if (cookie.type === "INDEX") {
    await call.waitFor("RelinquishCookie", cookie.childrenWq, () => cookie.n_children === 0, { retire });
  } else {
    await call.step("RelinquishCookie", { retire });
  }
  bugOn(cookie.n_children !== 0, `RelinquishCookie: ${cookie.id} still has children`);
  if (!core.preFix) {
    bugOn(cookie.n_active <= 0, `RelinquishCookie: n_active of ${cookie.id} is ${cookie.n_active}`);
    cookie.flags.add("RELINQUISHED");
    if (retire) cookie.flags.add("RETIRED");

    await call.step("RelinquishKill");
    for (const obj of cookie.backing_objects) raiseEvent(core, obj, "KILL");

    await call.step("RelinquishDropActive");
    cookie.n_active--;
    if (cookie.n_active !== 0) {
      await call.waitFor("RelinquishWait", cookie.activeWq, () => cookie.n_active === 0);
    }
  } else {
    await call.waitFor("RelinquishWaitCreating", cookie.flagsWq, () => !cookie.flags.has("CREATING"));
    while (cookie.backing_objects.length > 0) {
      await call.step("RelinquishDetach");
      const obj = cookie.backing_objects[0];
      if (!obj) continue;
      unhashObject(cookie, obj);
      obj.cookie = null;
      obj.holdsCookieRef = false;
      obj.retire = retire;
      raiseEvent(core, obj, "KILL");
      cookie.usage--;
      bugOn(cookie.usage <= 0, `RelinquishDetach: usage of ${cookie.id} reached 0`);
    }
  }

  await call.step("RelinquishClear");
  cookie.def = null;
  cookie.netfs_data = null;
  bugOn(cookie.stores.size > 0, `RelinquishClear: stores of ${cookie.id} not empty`);

  await call.step("RelinquishPut");
  const parent = cookie.parent;
  if (parent) {
    parent.n_children--;
    core.wake(parent.childrenWq);
  }
  cookiePut(core, cookie);
  call.finish(undefined, "Done");
}
