// A backend wrapper whose outcomes the trace decides: the spec chooses LookupObject's result, WriteOpWritePage's
// result, ReadIO's (whether the page read meets EIO, or goes through the copier), ReadPagesIO's `up` (the page
// already up to date in the backing file's page cache) and ReadCopier's result (whether a monitored page's
// backing read failed) nondeterministically, so before running such a step the harness sets the outcome here,
// and the wrapped backend (the in-memory one) does the bookkeeping. A read that does not fail always finds data,
// so its result depends only on the cookie's NO_DATA_YET flag, as in the spec.

import type { BackendObject, CacheBackend, LookupOutcome, ObjectKey } from "../../src/fscache/backend.ts";
import { pageName } from "../../src/fscache/names.ts";

/**
 * Where the outcomes come from: the trace's next LookupObject of the object, its next WriteOpWritePage, the
 * reading thread's next ReadIO (result EIO: the read fails) or ReadPagesIO, the copier's next ReadCopier.
 */
export interface BackendScript {
  /** The lookup outcome for the object with this id (the last key element), if the trace decides it. */
  lookup(objectId: string): string | undefined;
  /** The outcome of creating that object after a negative lookup (`OK`, `ERROR`, `EIO`), if the trace decides it. */
  create(objectId: string): string | undefined;
  write(): string | undefined;
  /**
   * The outcome of the next single-page read of the object with this id (`OK`, `EIO`, or `MONITOR`: the page is
   * not resident and the copier completes it), if the trace decides it.
   */
  read(objectId: string): string | undefined;
  /** The page of the object's next multi-page read that is already up to date (`NONE`: none), if decided. */
  resident(objectId: string): string | undefined;
  /** The outcome (`OK`, `EIO`) of the backing read of a monitored page, which the copier's next step names. */
  copy(objectId: string, page: string): string | undefined;
  /**
   * The implementation's BackendError (a mutant's copy has its own class) with error code `code`: a lookup,
   * create, page read or page write the spec fails with EIO is an I/O error (EIO), one it fails with ERROR is
   * not (ENOBUFS for a lookup, ENOSPC for a create or a write; the spec's reads fail only with EIO).
   */
  error(
    op: "lookupObject" | "writePage" | "readPage",
    detail: string,
    afterNegative: boolean,
    code: "EIO" | "ENOSPC" | "ENOBUFS",
  ): Error;
}

export class ScriptedBackend implements CacheBackend {
  readonly tag: string;

  constructor(
    private readonly inner: CacheBackend,
    private readonly script: BackendScript,
  ) {
    this.tag = `scripted:${inner.tag}`;
  }

  /**
   * The error for an outcome the trace fails: `EIO` is an I/O error, `ERROR` a failure with `notIo` (ENOBUFS,
   * ENOSPC) that leaves the cache usable; any other outcome is no failure (undefined).
   */
  private failure(
    op: "lookupObject" | "writePage" | "readPage",
    want: string | undefined,
    detail: string,
    afterNegative: boolean,
    notIo: "ENOSPC" | "ENOBUFS",
  ): Error | undefined {
    if (want !== "ERROR" && want !== "EIO") return undefined;
    return this.script.error(op, detail, afterNegative, want === "EIO" ? "EIO" : notIo);
  }

  /** The id of an object (the last element of its key, as the spec names objects by their cookies). */
  static idOf(obj: BackendObject): string {
    return obj.key.path[obj.key.path.length - 1] ?? "";
  }

  allocObject(key: ObjectKey): BackendObject {
    return this.inner.allocObject(key);
  }

  async lookupObject(obj: BackendObject, aux: Uint8Array): Promise<LookupOutcome> {
    const id = ScriptedBackend.idOf(obj);
    const want = this.script.lookup(id);
    const lookupFailed = this.failure("lookupObject", want, "scripted by the trace", false, "ENOBUFS");
    if (lookupFailed) throw lookupFailed;
    const got = await this.inner.lookupObject(obj, aux);
    const result = want === "POSITIVE" || want === "NEGATIVE" ? want : got;
    if (result === "NEGATIVE") {
      const why = "creation scripted to fail by the trace";
      const createFailed = this.failure("lookupObject", this.script.create(id), why, true, "ENOSPC");
      if (createFailed) throw createFailed;
    }
    return result;
  }

  lookupComplete(obj: BackendObject): void {
    this.inner.lookupComplete(obj);
  }

  updateObject(obj: BackendObject, aux: Uint8Array): Promise<void> {
    return this.inner.updateObject(obj, aux);
  }

  invalidateObject(obj: BackendObject, size: number): Promise<void> {
    return this.inner.invalidateObject(obj, size);
  }

  attrChanged(obj: BackendObject, size: number): Promise<void> {
    return this.inner.attrChanged(obj, size);
  }

  async readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    const want = this.script.read(ScriptedBackend.idOf(obj));
    const failed = this.failure("readPage", want, "read error scripted by the trace", false, "ENOBUFS");
    if (failed) throw failed;
    const data = await this.inner.readPage(obj, page).catch(() => null);
    return data ?? new Uint8Array(4096);
  }

  /**
   * A single-page read's page is resident unless its reader's next ReadIO says MONITOR (the copier completes
   * it); a multi-page read's is resident if its reader's next ReadPagesIO names it as `up`.
   */
  pageResident(obj: BackendObject, page: number): boolean {
    const id = ScriptedBackend.idOf(obj);
    const single = this.script.read(id);
    if (single !== undefined) return single !== "MONITOR";
    return this.script.resident(id) === pageName(page);
  }

  backingReadFailed(obj: BackendObject, page: number): boolean {
    return this.script.copy(ScriptedBackend.idOf(obj), pageName(page)) === "EIO";
  }

  async writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void> {
    const failed = this.failure("writePage", this.script.write(), "scripted by the trace", false, "ENOSPC");
    if (failed) throw failed;
    await this.inner.writePage(obj, page, data).catch(() => undefined);
  }

  dropObject(obj: BackendObject, retire: boolean): Promise<void> {
    return this.inner.dropObject(obj, retire);
  }

  putObject(obj: BackendObject): void {
    this.inner.putObject(obj);
  }
}
