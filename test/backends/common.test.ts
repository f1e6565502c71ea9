// What both backends share, checked directly: key validation and its messages, page and size checks, the
// lifecycle errors, and byte-wise aux comparison.

import { describe, expect, it } from "vitest";
import type { ObjectKey } from "../../src/fscache/backend.ts";
import {
  BackendUsageError,
  InvalidKeyError,
  MAX_ENCODED_ELEMENT,
  ownObject,
  PAGE_SIZE,
  PhasedObject,
  sameBytes,
  validateKey,
  validatePage,
  validateSize,
} from "../../src/fscache/backends/common.ts";

/** What validateKey throws for `key`, or undefined. */
const keyError = (key: unknown): unknown => {
  try {
    validateKey(key as ObjectKey);
    return undefined;
  } catch (e) {
    return e;
  }
};

describe("validateKey", () => {
  it("names the error and says what is wrong with the path", () => {
    const err = keyError({ path: [] });
    expect(err).toBeInstanceOf(InvalidKeyError);
    expect(err).toMatchObject({
      name: "InvalidKeyError",
      key: { path: [] },
      message: 'invalid object key {"path":[]}: path must be a non-empty array',
    });
  });

  it("rejects a missing key or path as InvalidKeyError, not a TypeError", () => {
    for (const key of [null, undefined, {}, { path: "k" }]) {
      const err = keyError(key);
      expect(err).toBeInstanceOf(InvalidKeyError);
      expect((err as Error).message).toContain("path must be a non-empty array");
    }
  });

  it("rejects elements that are not strings, or empty, naming the element", () => {
    for (const bad of [5, null, ["x"], ""]) {
      const err = keyError({ path: ["ok", bad] });
      expect(err).toBeInstanceOf(InvalidKeyError);
      expect((err as Error).message).toMatch(/: element 1 must be a non-empty string$/);
    }
  });

  it("accepts an element of exactly the longest encoded length, and rejects one byte more", () => {
    expect(keyError({ path: ["x".repeat(MAX_ENCODED_ELEMENT)] })).toBeUndefined();
    expect(keyError({ path: ["a", "%".repeat(MAX_ENCODED_ELEMENT / 3)] })).toBeUndefined(); // "%25" each
    const err = keyError({ path: ["a", "x".repeat(MAX_ENCODED_ELEMENT + 1)] });
    expect(err).toBeInstanceOf(InvalidKeyError);
    expect((err as Error).message).toMatch(/: element 1 is longer than 254 encoded bytes$/);
    expect(keyError({ path: ["é".repeat(43)] })).toBeInstanceOf(InvalidKeyError); // 6 encoded bytes each
  });
});

describe("validatePage and validateSize", () => {
  it("reject bad page indexes and oversized pages with RangeErrors that say why", () => {
    expect(() => validatePage(-1)).toThrow(new RangeError("page index -1 is not a natural number"));
    expect(() => validatePage(1.5)).toThrow(new RangeError("page index 1.5 is not a natural number"));
    expect(() => validatePage(2, new Uint8Array(PAGE_SIZE + 1))).toThrow(
      new RangeError("page 2: 4097 bytes > 4096"),
    );
    expect(() => validatePage(0, new Uint8Array(PAGE_SIZE))).not.toThrow();
  });

  it("accept natural sizes only", () => {
    for (const size of [0, 1, PAGE_SIZE, Number.MAX_SAFE_INTEGER])
      expect(() => validateSize(size)).not.toThrow();
    for (const size of [-1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => validateSize(size)).toThrow(new RangeError(`object size ${size} is not a natural number`));
    }
  });
});

describe("the object lifecycle", () => {
  const owner = {};
  it("names the operation, the key and the phases in a BackendUsageError", () => {
    const o = new PhasedObject(owner, { path: ["a", "b"] });
    o.phase = "put";
    let err: unknown;
    try {
      o.expect("readPage", "looked-up", "dropped");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BackendUsageError);
    expect(err).toMatchObject({
      name: "BackendUsageError",
      message: 'readPage ["a","b"]: object is put, expected looked-up or dropped',
    });
    o.phase = "dropped";
    expect(() => o.expect("readPage", "looked-up", "dropped")).not.toThrow();
  });

  it("rejects an object of another owner or class", () => {
    const mine = new PhasedObject(owner, { path: ["k"] });
    expect(ownObject(owner, PhasedObject, "op", mine)).toBe(mine);
    expect(() => ownObject({}, PhasedObject, "lookupObject", mine)).toThrow(
      new BackendUsageError("lookupObject", { path: ["k"] }, "object was not allocated by this backend"),
    );
    expect(() => ownObject(owner, PhasedObject, "op", { key: { path: ["k"] } })).toThrow(
      'op ["k"]: object was not allocated by this backend',
    );
  });
});

describe("sameBytes", () => {
  it("compares every byte and the length", () => {
    const b = (...v: number[]) => Uint8Array.from(v);
    expect(sameBytes(b(1, 2), b(1, 2))).toBe(true);
    expect(sameBytes(b(), b())).toBe(true);
    expect(sameBytes(b(1), b(1, 0))).toBe(false);
    expect(sameBytes(b(1, 0), b(1))).toBe(false);
    expect(sameBytes(b(1, 2), b(1, 3))).toBe(false);
    expect(sameBytes(b(2, 1), b(3, 1))).toBe(false);
  });
});
