// API misuse checks of the netfs calls (netfs.ts): each throws FsCacheError before the call's first step, so
// a refused call never changes any structure. They are kept apart from the protocol code because the spec's
// threads never misuse the API: the conformance traces cannot reach them, the unit tests do (test/fscache/).

import type { Cookie } from "./cookie.ts";
import { FsCacheError } from "./errors.ts";

/** Refuses a call on a cookie that is not live or is being relinquished (`closing` allowed for relinquish's own calls). */
export function checkLive(cookie: Cookie, what: string, closingOk = false): void {
  if (cookie.mem !== "LIVE")
    throw new FsCacheError("COOKIE_NOT_LIVE", `${what}: cookie ${cookie.id} is ${cookie.mem}`);
  if (cookie.relinquishing || (cookie.closing && !closingOk)) {
    throw new FsCacheError("COOKIE_RELINQUISHED", `${what}: cookie ${cookie.id} was relinquished`);
  }
}

/** As checkLive, and the cookie must be a data cookie. */
export function checkData(cookie: Cookie, what: string, closingOk = false): void {
  checkLive(cookie, what, closingOk);
  if (cookie.type !== "DATAFILE")
    throw new FsCacheError("NOT_DATA_COOKIE", `${what}: ${cookie.id} is an index`);
}

/** A page index is a non-negative safe integer. */
export function checkPage(page: number, what: string): void {
  if (!Number.isSafeInteger(page) || page < 0) throw new FsCacheError("BAD_PAGE", `${what}: page ${page}`);
}

/**
 * `fscache_acquire_cookie`'s arguments: a live index parent, then a usable key (asked of the netfs only once the
 * parent is known good), an unused cookie id. Returns the key.
 */
export function checkAcquire(
  cookies: ReadonlyMap<string, Cookie>,
  parent: Cookie | null,
  getKey: () => string,
  id: string | undefined,
): string {
  if (parent) {
    checkLive(parent, "acquire");
    if (parent.type !== "INDEX")
      throw new FsCacheError("PARENT_NOT_INDEX", `acquire: parent ${parent.id} is data`);
  }
  const key = getKey();
  if (key.length === 0 || key.includes("/") || key.includes("\0"))
    throw new FsCacheError("BAD_KEY", `acquire: key ${JSON.stringify(key)}`);
  if (id !== undefined && cookies.has(id))
    throw new FsCacheError("BAD_KEY", `acquire: cookie id ${id} in use`);
  return key;
}

/** `fscache_write_page`'s arguments: a page within the store limit, no larger than a page, read through the cache. */
export function checkWritePage(cookie: Cookie, page: number, bytes: Uint8Array, pageSize: number): void {
  checkData(cookie, "writePage");
  checkPage(page, "writePage");
  if (page >= cookie.storeLimit) {
    throw new FsCacheError(
      "BEYOND_STORE_LIMIT",
      `writePage: page ${page} of ${cookie.id} >= ${cookie.storeLimit}`,
    );
  }
  if (bytes.length > pageSize) {
    throw new FsCacheError("BAD_PAGE", `writePage: ${bytes.length} bytes > page size ${pageSize}`);
  }
  if (!cookie.cachedPages.has(page)) {
    // The kernel's netfs writes only pages the cache has marked (PG_fscache, set by a read through the
    // cookie): a write before any read would leave PENDING_WRITE set with no writer, and the next write and
    // the wait before relinquish would hang.
    throw new FsCacheError(
      "PAGE_NOT_CACHED",
      `writePage: page ${page} of ${cookie.id} was not read through the cache first`,
    );
  }
}

/** `fscache_relinquish_cookie`'s argument: a live cookie (closing allowed), a data cookie without children. */
export function checkRelinquish(cookie: Cookie): void {
  checkLive(cookie, "relinquish", true);
  if (cookie.type === "DATAFILE" && cookie.n_children > 0) {
    throw new FsCacheError("HAS_CHILDREN", `relinquish: ${cookie.id} has ${cookie.n_children} children`);
  }
}

/** `fscache_withdraw_cache` runs once: a second withdrawal is refused (the kernel would BUG). */
export function checkWithdraw(withdrawal: string): void {
  if (withdrawal !== "NONE") throw new FsCacheError("WITHDRAWN", "withdraw: the cache is already withdrawn");
}
