// What both backends share: key validation with a clear error, the file-name encoding the disk backend uses
// (percent-encoding of every UTF-8 byte outside [A-Za-z0-9._-]), argument checks, and the per-object
// lifecycle (allocated → looked up → dropped → put) whose violations are caller bugs, not I/O errors.

import type { BackendObject, ObjectKey } from "../backend.ts";

/** The page size of both backends, in bytes (PAGE_SIZE). */
export const PAGE_SIZE = 4096;

/** Longest accepted key element, in encoded bytes: a directory name is `@` + the encoding, at most 255. */
export const MAX_ENCODED_ELEMENT = 254;

/** A key that no backend can store: the netfs handed over a malformed key (a caller bug, not an I/O error). */
export class InvalidKeyError extends Error {
  constructor(
    readonly key: unknown,
    detail: string,
  ) {
    super(`invalid object key ${JSON.stringify(key)}: ${detail}`);
    this.name = "InvalidKeyError";
  }
}

/** Percent-encodes one key element so it is a safe file name on any POSIX file system. */
export function encodeKeyElement(element: string): string {
  let out = "";
  for (const byte of Buffer.from(element, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Inverse of encodeKeyElement. */
export function decodeKeyElement(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** Throws InvalidKeyError unless every element is a non-empty string without `/` or NUL, short enough. */
export function validateKey(key: ObjectKey): void {
  const path: unknown = (key as { path?: unknown } | null | undefined)?.path;
  if (!Array.isArray(path) || path.length === 0)
    throw new InvalidKeyError(key, "path must be a non-empty array");
  path.forEach((element: unknown, i) => {
    if (typeof element !== "string" || element.length === 0) {
      throw new InvalidKeyError(key, `element ${i} must be a non-empty string`);
    }
    if (element.includes("/") || element.includes("\0")) {
      throw new InvalidKeyError(key, `element ${i} contains '/' or NUL`);
    }
    if (encodeKeyElement(element).length > MAX_ENCODED_ELEMENT) {
      throw new InvalidKeyError(key, `element ${i} is longer than ${MAX_ENCODED_ELEMENT} encoded bytes`);
    }
  });
}

/** Checks a page index and, when given, page data against PAGE_SIZE; throws RangeError (a caller bug). */
export function validatePage(page: number, data?: Uint8Array): void {
  if (!Number.isSafeInteger(page) || page < 0)
    throw new RangeError(`page index ${page} is not a natural number`);
  if (data && data.length > PAGE_SIZE)
    throw new RangeError(`page ${page}: ${data.length} bytes > ${PAGE_SIZE}`);
}

/** Checks an object size in bytes. */
export function validateSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0)
    throw new RangeError(`object size ${size} is not a natural number`);
}

/** Number of pages an object of `size` bytes spans: pages at or beyond it are truncated away. */
export function pagesFor(size: number): number {
  return Math.ceil(size / PAGE_SIZE);
}

/** Where a backend object is in its life; the core calls the backend in this order. */
export type ObjectPhase = "allocated" | "looked-up" | "dropped" | "put";

/** A backend call out of lifecycle order or on another backend's object: a bug in the caller. */
export class BackendUsageError extends Error {
  constructor(op: string, key: ObjectKey, detail: string) {
    super(`${op} ${JSON.stringify(key.path)}: ${detail}`);
    this.name = "BackendUsageError";
  }
}

/** The lifecycle part of a backend object; each backend extends it with its own state. */
export class PhasedObject implements BackendObject {
  phase: ObjectPhase = "allocated";
  constructor(
    readonly owner: object,
    readonly key: ObjectKey,
  ) {}

  /** Throws BackendUsageError unless the object is in one of `phases`. */
  expect(op: string, ...phases: ObjectPhase[]): void {
    if (!phases.includes(this.phase)) {
      throw new BackendUsageError(op, this.key, `object is ${this.phase}, expected ${phases.join(" or ")}`);
    }
  }
}

/** Narrows a BackendObject to the owner's own class, or throws BackendUsageError. */
export function ownObject<T extends PhasedObject>(
  owner: object,
  cls: abstract new (...args: never[]) => T,
  op: string,
  obj: BackendObject,
): T {
  if (!(obj instanceof cls) || obj.owner !== owner) {
    throw new BackendUsageError(op, obj.key, "object was not allocated by this backend");
  }
  return obj;
}

/** Byte-wise equality of two aux blobs. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
