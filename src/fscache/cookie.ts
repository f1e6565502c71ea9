// The netfs-facing cookie (`struct fscache_cookie`): its counters, flags, pending stores and backing objects,
// plus the refcount/`n_active` primitives that 1362729b's protocol is made of (cookie put, use/unuse).

import type { WaitQueue } from "../runtime/runtime.ts";
import { bugOn } from "./errors.ts";
import type { CacheCore } from "./context.ts";
import type { CookieFlag, MemState } from "./names.ts";
import type { FscacheObject } from "./object.ts";
import { touch } from "./revision.ts";

/** The netfs's description of a cookie (`struct fscache_cookie_def`); callbacks get the netfs data. */
export interface CookieDef<D = unknown> {
  readonly name: string;
  readonly type: "INDEX" | "DATAFILE";
  /** The key of this cookie within its parent index: non-empty, no `/` or NUL. */
  getKey(netfsData: D): string;
  /** Coherency data stored with the object; a mismatch at lookup discards the cached data. */
  getAux?(netfsData: D): Uint8Array;
  /** The netfs object's size in bytes (data cookies): bounds what the cache stores. */
  getAttr?(netfsData: D): number;
  /** A page was read from or allocated in the cache (`mark_page_cached`). */
  markPageCached?(netfsData: D, page: number): void;
}

/** A page queued for writing to the cache: the `stores` radix tree entry, its tag and the page bytes. */
export interface StoreEntry {
  tag: "PENDING" | "STORING";
  data: Uint8Array;
}

export class Cookie {
  /** Counts writes, for recording (revision.ts): bumped by `touch` before each. */
  rev = 0;
  mem: MemState = "LIVE";
  readonly type: "INDEX" | "DATAFILE";
  /** Relinquish has been called (misuse detection in every design; PRE_FIX has no RELINQUISHED flag). */
  relinquishing = false;
  /**
   * The netfs thread holding this cookie's cookie->lock between its raise's set of an event bit and its test of
   * the object's event_mask (CacheCore.raiseWindow), else null. The object steps that take the lock wait for it.
   */
  raiseLocker: string | null = null;
  /**
   * The netfs has begun to relinquish the cookie through the facade (which first waits for its page writes):
   * from here on, new calls on it and new children under it are refused, so none can slip in between that
   * wait and the relinquish (a page queued there would trip relinquish's BUG on non-empty stores, and a
   * child acquired there would make an index relinquish wait for ever).
   */
  closing = false;
  usage = 1;
  n_children = 0;
  n_active = 1;
  readonly flags = new Set<CookieFlag>();
  /** `def` and `netfs_data`: set at acquire, cleared together by relinquish once `n_active` is 0. */
  def: CookieDef | null;
  netfs_data: unknown;
  /** Page index → entry: the `stores` radix tree. */
  readonly stores = new Map<number, StoreEntry>();
  readonly backing_objects: FscacheObject[] = [];
  /** Highest page index + 1 the cache may store (from `get_attr`; Infinity without it). */
  storeLimit = Infinity;
  /**
   * Pages a read through this cookie has marked cached (`mark_page_cached`, PG_fscache): the kernel's netfs
   * writes only such pages to the cache, so writePage refuses any other (the spec's `thread[t].cached`).
   */
  readonly cachedPages = new Set<number>();
  /** `wake_up_bit(&cookie->flags, …)`: LOOKING_UP, INVALIDATING and CREATING waiters. */
  readonly flagsWq: WaitQueue;
  /** `wake_up_atomic_t(&cookie->n_active)`: the relinquisher. */
  readonly activeWq: WaitQueue;
  /** Waiters for a page to leave `stores`. */
  readonly storesWq: WaitQueue;
  /** The relinquisher of an index cookie waiting for its children to be relinquished (netfs order). */
  readonly childrenWq: WaitQueue;

  constructor(
    readonly id: string,
    /** `null` is the cache's root index (FSDEF). Never changes. */
    readonly parent: Cookie | null,
    def: CookieDef,
    netfsData: unknown,
    /** The index keys from the netfs's primary index down to this cookie, read at acquire. */
    readonly keyPath: readonly string[],
    core: CacheCore,
  ) {
    this.def = def;
    this.netfs_data = netfsData;
    this.type = def.type;
    this.flagsWq = core.runtime.waitQueue(`cookie:${id}:flags`);
    this.activeWq = core.runtime.waitQueue(`cookie:${id}:n_active`);
    this.storesWq = core.runtime.waitQueue(`cookie:${id}:stores`);
    this.childrenWq = core.runtime.waitQueue(`cookie:${id}:n_children`);
  }

  /** The spec's `netfs`: the netfs pointers are still set. */
  get netfs(): boolean {
    return this.def !== null;
  }
}

/**
 * `fscache_cookie_put`: drop one ref; at 0 free the cookie and put its parent, up the chain. Freeing with
 * objects still attached is the kernel's BUG in `__fscache_cookie_put`.
 */
export function cookiePut(core: CacheCore, cookie: Cookie): void {
  let c: Cookie | null = cookie;
  while (c) {
    bugOn(c.mem !== "LIVE", `cookie put: ${c.mem} cookie ${c.id}`);
    touch(c);
    c.usage--;
    bugOn(c.usage < 0, `cookie put: usage of ${c.id} below 0`);
    if (c.usage > 0) return;
    bugOn(c.backing_objects.length > 0, `cookie put: ${c.id} freed with backing objects`);
    freeCookie(core, c);
    c = c.parent;
  }
}

/**
 * Frees the cookie's memory (whatever its usage: acquire's failure path frees unconditionally). The netfs
 * pointers are left as they were (the spec's `netfs` of a freed cookie); every access checks `mem` first.
 * The cookie leaves the registry, so a long-running cache does not keep what it freed.
 */
export function freeCookie(core: CacheCore, c: Cookie): void {
  touch(c);
  c.mem = "FREED";
  touch(core);
  core.cookies.delete(c.id);
  core.listener.cookieFreed?.(c);
  core.wake(c.activeWq, c.flagsWq, c.storesWq, c.childrenWq);
}

/**
 * `fscache_use_cookie`: increment-if-not-zero of `n_active`. Success pins `def`/`netfs_data` until the
 * matching unuse, because relinquish clears them only after it has seen 0.
 */
export function useCookie(cookie: Cookie): boolean {
  if (cookie.n_active === 0) return false;
  touch(cookie);
  cookie.n_active++;
  return true;
}

/** `fscache_unuse_cookie`: decrement-and-test, waking the relinquisher at 0. */
export function unuseCookie(core: CacheCore, cookie: Cookie): void {
  touch(cookie);
  cookie.n_active--;
  bugOn(cookie.n_active < 0, `unuse: n_active of ${cookie.id} below 0`);
  if (cookie.n_active === 0) core.wake(cookie.activeWq);
}

/**
 * A netfs read's give-back of the `n_active` unit it took with a plain increment: 3.12's plain `atomic_dec`,
 * which wakes nobody, so a relinquish asleep on `n_active` sleeps on when it falls to 0 (F17). Repair
 * REFUSED_READ_WAKES: unuse, as later kernels' `__fscache_unuse_cookie` + `__fscache_wake_unused_cookie`.
 */
export function giveBack(core: CacheCore, cookie: Cookie): void {
  if (core.repaired("REFUSED_READ_WAKES")) {
    unuseCookie(core, cookie);
    return;
  }
  touch(cookie);
  cookie.n_active--;
}

/** Clears a cookie flag and wakes its bit waiters if it was set (`test_and_clear_bit` + `wake_up_bit`). */
export function clearCookieFlag(core: CacheCore, cookie: Cookie, flag: CookieFlag): boolean {
  touch(cookie);
  if (!cookie.flags.delete(flag)) return false;
  core.wake(cookie.flagsWq);
  return true;
}

/** Drops every PENDING page from `stores` (STORING ones are a writer's), waking page-write waiters. */
export function discardPendingStores(core: CacheCore, cookie: Cookie): void {
  let dropped = false;
  for (const [page, entry] of cookie.stores) {
    if (entry.tag === "PENDING") {
      touch(cookie);
      cookie.stores.delete(page);
      dropped = true;
    }
  }
  if (dropped) core.wake(cookie.storesWq);
}
