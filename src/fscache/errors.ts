// The library's typed errors: FsCacheError for netfs misuse (rejected before any state changes), and
// OopsError for what the kernel would do with a NULL/freed pointer or a failing BUG(): JS cannot crash the
// same way, so the code detects the fault and throws a description matching the spec's `oops` string.

/** Misuse codes, each with its one-line meaning. */
export type FsCacheErrorCode =
  | "COOKIE_RELINQUISHED" // the cookie was relinquished (use after relinquish, or a second relinquish)
  | "COOKIE_NOT_LIVE" // the cookie's acquire failed or it is freed
  | "HAS_CHILDREN" // relinquish of a cookie whose child cookies are not yet relinquished
  | "PARENT_NOT_INDEX" // acquire under a data cookie
  | "NOT_DATA_COOKIE" // a page / invalidate / attr call on an index cookie
  | "BAD_KEY" // empty key, or one containing `/` or NUL
  | "BEYOND_STORE_LIMIT" // write of a page beyond the object size the netfs reported
  | "BAD_PAGE" // a page index that is not a non-negative safe integer, or data of the wrong size
  | "PAGE_NOT_CACHED" // a write of a page no read through this cookie has marked cached (PG_fscache)
  | "WITHDRAWN" // a second withdrawal of the cache (the kernel BUGs)
  | "WRONG_STEP"; // a caller whose task is inside a step other than the call's first step (Caller.entered)

export class FsCacheError extends Error {
  constructor(
    readonly code: FsCacheErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = "FsCacheError";
  }
}

/** A kernel oops (NULL/freed dereference, BUG/ASSERT); `oops` is the spec's string for it. */
export class OopsError extends Error {
  constructor(readonly oops: string) {
    super(`oops: ${oops}`);
    this.name = "OopsError";
  }
}

/** `BUG_ON(cond)`: throws an OopsError naming the site when `cond` holds. */
export function bugOn(cond: boolean, oops: string): void {
  if (cond) throw new OopsError(oops);
}

/** `BUG_ON(!v)` for a pointer: throws an OopsError naming the site when `v` is NULL; `v` is non-NULL after it. */
export function bugOnNull<T>(v: T | null, oops: string): asserts v is T {
  if (v === null) throw new OopsError(oops);
}
