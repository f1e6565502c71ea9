// The cache backend interface (the kernel's `struct fscache_cache_ops`), implemented by the in-memory and
// the on-disk backends. FS-Cache core calls it from the atomic steps named in docs/model.md; a backend never
// calls back into the netfs: the core hands it what it needs (keys, aux data, sizes) as plain values.

/** Where an object lives in the cache: the index keys from the netfs's primary index down to the object. */
export interface ObjectKey {
  /** e.g. `["nfs", "server:/export", "inode-42"]`; every element is a non-empty string without `/` or NUL. */
  readonly path: readonly string[];
}

/** What `lookup_object` found: the object existed (`POSITIVE`), or it did not and was created (`NEGATIVE`). */
export type LookupOutcome = "POSITIVE" | "NEGATIVE";

/** The per-object state a backend keeps between calls (cachefiles' `struct cachefiles_object`). */
export interface BackendObject {
  readonly key: ObjectKey;
}

/** Error kinds a backend raises; the core maps them as the kernel does (lookup failure, object abort). */
export type BackendErrorCode = "EIO" | "ENOSPC" | "ENOBUFS" | "ESTALE";

/** A backend I/O failure. Thrown by backend methods; never thrown for "no data" (that is `null`). */
export class BackendError extends Error {
  /**
   * For `lookupObject`: the object was not found and creating it failed (cachefiles reports the negative
   * lookup before it creates, so FS-Cache has already marked the object looked up).
   */
  readonly afterNegative: boolean;

  constructor(
    readonly code: BackendErrorCode,
    readonly op: keyof CacheBackend,
    /** What went wrong, without the `op: code:` prefix of the message (to re-raise it under another op). */
    readonly detail: string,
    options: { readonly afterNegative?: boolean } = {},
  ) {
    super(`${op}: ${code}: ${detail}`);
    this.name = "BackendError";
    this.afterNegative = options.afterNegative ?? false;
  }
}

export interface CacheBackend {
  /** A short tag for reports, e.g. `memory` or `disk:/var/cache/x`. */
  readonly tag: string;
  /** `alloc_object`: per-object state, no I/O. */
  allocObject(key: ObjectKey): BackendObject;
  /**
   * `lookup_object`: finds the object; if its stored aux data differs from `aux` the stale data is discarded
   * and the lookup is `NEGATIVE`; if absent, creates it (`NEGATIVE`). Throws BackendError on I/O failure,
   * with `afterNegative` when the object was found absent (or stale) and creating it failed.
   */
  lookupObject(obj: BackendObject, aux: Uint8Array): Promise<LookupOutcome>;
  /** `lookup_complete`: the lookup phase is over (success or failure); release lookup-only resources. */
  lookupComplete(obj: BackendObject): void;
  /** `update_object`: store new aux data. */
  updateObject(obj: BackendObject, aux: Uint8Array): Promise<void>;
  /** `invalidate_object`: discard all data, then set the object's size to `size` bytes. */
  invalidateObject(obj: BackendObject, size: number): Promise<void>;
  /** `attr_changed`: the netfs object's size changed to `size` bytes. */
  attrChanged(obj: BackendObject, size: number): Promise<void>;
  /** `read_or_alloc_page`: the stored page, or `null` if the cache holds no data for it. */
  readPage(obj: BackendObject, page: number): Promise<Uint8Array | null>;
  /**
   * Whether a page is already up to date in memory (the backing file's page cache), so that the reader copies
   * it at once instead of starting a read the copier completes later (cachefiles_read_backing_file_one and
   * cachefiles_read_backing_file test each page so). A backend without it (the memory and disk backends) has
   * every page of a multi-page read go through the copier, and a single-page read's page copied by its reader.
   */
  pageResident?(obj: BackendObject, page: number): boolean;
  /**
   * Whether the backing read of a page the copier completes ended in error (PageError on the backing page), which
   * the copier finds after the read call returned (cachefiles_read_copier's "Readpage failed on backing file":
   * the cache's I/O error, EIO for the page). A backend without it reports a failed read from `readPage` (EIO)
   * when the read starts; the copier finds that error all the same.
   */
  backingReadFailed?(obj: BackendObject, page: number): boolean;
  /** `write_page`: store one page. Throws BackendError (EIO, ENOSPC) on failure. */
  writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void>;
  /** `drop_object`: the object leaves the active set; with `retire` its stored data is deleted. */
  dropObject(obj: BackendObject, retire: boolean): Promise<void>;
  /** `put_object`'s final release: forget per-object state. */
  putObject(obj: BackendObject): void;
}
