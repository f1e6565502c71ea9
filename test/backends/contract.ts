// The law suite every CacheBackend must pass: lookup outcomes and aux checks, page storage, invalidation,
// attribute changes, retirement, lifecycle misuse, malformed keys, and errors as BackendError with codes.

import { afterEach, describe, expect, it } from "vitest";
import { BackendError, type BackendObject, type CacheBackend } from "../../src/fscache/backend.ts";
import { BackendUsageError, InvalidKeyError, PAGE_SIZE } from "../../src/fscache/backends/common.ts";
import { failOnce, FaultyBackend, fullDisk } from "../../src/fscache/backends/faults.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";

/** A backend under test, and how to release what it holds (e.g. a temporary directory). */
export interface BackendFixture {
  readonly backend: CacheBackend;
  readonly cleanup?: () => Promise<void>;
}

export const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** A page of `length` bytes, each `fill`. */
export const page = (fill: number, length = PAGE_SIZE): Uint8Array => new Uint8Array(length).fill(fill);

/** Allocates and looks up an object; returns it with the lookup outcome. */
export async function open(
  backend: CacheBackend,
  path: string[],
  aux: Uint8Array = bytes(1),
): Promise<{ obj: BackendObject; outcome: string }> {
  const obj = backend.allocObject({ path });
  const outcome = await backend.lookupObject(obj, aux);
  backend.lookupComplete(obj);
  return { obj, outcome };
}

/** What `f` throws or rejects with, for matching; fails if it returns. */
export async function failure(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error("expected a failure");
}

/** Drops and puts an object, as the core does at the end of its life. */
export async function close(backend: CacheBackend, obj: BackendObject, retire = false): Promise<void> {
  await backend.dropObject(obj, retire);
  backend.putObject(obj);
}

export function backendContract(name: string, make: () => Promise<BackendFixture>): void {
  describe(`backend contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0)) await c();
    });
    const setup = async (): Promise<CacheBackend> => {
      const f = await make();
      if (f.cleanup) cleanups.push(f.cleanup);
      return f.backend;
    };

    it("finds a new object NEGATIVE, and POSITIVE once it exists", async () => {
      const b = await setup();
      const first = await open(b, ["nfs", "srv", "inode-1"]);
      expect(first.outcome).toBe("NEGATIVE");
      await close(b, first.obj);
      expect((await open(b, ["nfs", "srv", "inode-1"])).outcome).toBe("POSITIVE");
      expect((await open(b, ["nfs", "srv", "inode-2"])).outcome).toBe("NEGATIVE");
    });

    it("stores and reads pages; an unwritten page is null", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"]);
      await b.writePage(obj, 0, page(7));
      await b.writePage(obj, 3, bytes(1, 2, 3));
      expect(await b.readPage(obj, 0)).toEqual(page(7));
      expect(await b.readPage(obj, 3)).toEqual(bytes(1, 2, 3));
      expect(await b.readPage(obj, 1)).toBeNull();
      await b.writePage(obj, 0, page(9));
      expect(await b.readPage(obj, 0)).toEqual(page(9));
    });

    it("copies page data in and out", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"]);
      const data = bytes(1, 2);
      await b.writePage(obj, 0, data);
      data[0] = 99;
      const read = await b.readPage(obj, 0);
      expect(read).toEqual(bytes(1, 2));
      if (read) read[1] = 99;
      expect(await b.readPage(obj, 0)).toEqual(bytes(1, 2));
    });

    it("keeps objects apart, including keys that differ only after encoding", async () => {
      const b = await setup();
      const paths = [["a b"], ["a%20b"], [".."], ["."], ["é", "x"], ["é"]];
      const objs = [];
      for (const [i, path] of paths.entries()) {
        const { obj, outcome } = await open(b, path);
        expect(outcome).toBe("NEGATIVE");
        await b.writePage(obj, 0, bytes(i));
        objs.push(obj);
      }
      for (const [i, obj] of objs.entries()) expect(await b.readPage(obj, 0)).toEqual(bytes(i));
    });

    it("keeps the data when dropped without retiring", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"], bytes(5));
      await b.writePage(obj, 1, bytes(4, 2));
      await close(b, obj, false);
      const again = await open(b, ["k"], bytes(5));
      expect(again.outcome).toBe("POSITIVE");
      expect(await b.readPage(again.obj, 1)).toEqual(bytes(4, 2));
    });

    it("discards the data of an object whose aux data changed (NEGATIVE)", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"], bytes(1));
      await b.writePage(obj, 0, bytes(1));
      await close(b, obj);
      const stale = await open(b, ["k"], bytes(2));
      expect(stale.outcome).toBe("NEGATIVE");
      expect(await b.readPage(stale.obj, 0)).toBeNull();
      await close(b, stale.obj);
      expect((await open(b, ["k"], bytes(2))).outcome).toBe("POSITIVE");
      expect((await open(b, ["k"], bytes(1, 0))).outcome).toBe("NEGATIVE");
    });

    it("stores updated aux data for later lookups, keeping the pages", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"], bytes(1));
      await b.writePage(obj, 0, bytes(3));
      await b.updateObject(obj, bytes(2));
      await close(b, obj);
      const again = await open(b, ["k"], bytes(2));
      expect(again.outcome).toBe("POSITIVE");
      expect(await b.readPage(again.obj, 0)).toEqual(bytes(3));
    });

    it("invalidation discards every page", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"]);
      await b.writePage(obj, 0, page(1));
      await b.writePage(obj, 5, page(2));
      await b.invalidateObject(obj, 3 * PAGE_SIZE);
      expect(await b.readPage(obj, 0)).toBeNull();
      expect(await b.readPage(obj, 5)).toBeNull();
      await b.writePage(obj, 0, page(3));
      expect(await b.readPage(obj, 0)).toEqual(page(3));
    });

    it("a size change truncates the pages beyond it, and the page it cuts through", async () => {
      const b = await setup();
      const { obj } = await open(b, ["k"]);
      for (const p of [0, 1, 2]) await b.writePage(obj, p, page(p + 1));
      await b.attrChanged(obj, PAGE_SIZE + 10);
      expect(await b.readPage(obj, 0)).toEqual(page(1));
      expect(await b.readPage(obj, 1)).toEqual(page(2, 10));
      expect(await b.readPage(obj, 2)).toBeNull();
      await b.attrChanged(obj, 100 * PAGE_SIZE); // growing keeps what is there
      expect(await b.readPage(obj, 0)).toEqual(page(1));
    });

    it("retiring deletes the object's data, and that of the objects under it", async () => {
      const b = await setup();
      const index = await open(b, ["idx"]);
      const child = await open(b, ["idx", "file"]);
      await b.writePage(index.obj, 0, bytes(1));
      await b.writePage(child.obj, 0, bytes(2));
      await close(b, child.obj, false);
      await close(b, index.obj, true);
      const reIndex = await open(b, ["idx"]);
      expect(reIndex.outcome).toBe("NEGATIVE");
      expect(await b.readPage(reIndex.obj, 0)).toBeNull();
      const reChild = await open(b, ["idx", "file"]);
      expect(reChild.outcome).toBe("NEGATIVE");
      expect(await b.readPage(reChild.obj, 0)).toBeNull();
    });

    it("retiring an object that was never looked up, or no longer exists, is harmless", async () => {
      const b = await setup();
      await close(b, b.allocObject({ path: ["never"] }), true);
      const { obj } = await open(b, ["k"]);
      const twin = await open(b, ["k"]);
      await close(b, obj, true);
      await close(b, twin.obj, true);
      expect((await open(b, ["k"])).outcome).toBe("NEGATIVE");
    });

    it("rejects malformed keys with InvalidKeyError", async () => {
      const b = await setup();
      for (const path of [[], [""], ["a/b"], ["a\0b"], ["x".repeat(255)], ["ok", "/"]]) {
        expect(() => b.allocObject({ path })).toThrow(InvalidKeyError);
      }
      expect(() => b.allocObject({ path: ["a/b"] })).toThrow(/element 0 contains '\/'/);
    });

    it("names the call, the key and the phases in every usage error", async () => {
      const b = await setup();
      const fresh = b.allocObject({ path: ["k"] });
      const calls: [string, (o: BackendObject) => unknown][] = [
        ["updateObject", (o) => b.updateObject(o, bytes(1))],
        ["invalidateObject", (o) => b.invalidateObject(o, 0)],
        ["attrChanged", (o) => b.attrChanged(o, 0)],
        ["readPage", (o) => b.readPage(o, 0)],
        ["writePage", (o) => b.writePage(o, 0, bytes(1))],
      ];
      for (const [op, call] of calls) {
        const err = await failure(() => call(fresh));
        expect(err).toBeInstanceOf(BackendUsageError);
        expect((err as Error).message).toBe(`${op} ["k"]: object is allocated, expected looked-up`);
      }
      await b.lookupObject(fresh, bytes(1));
      expect(await failure(() => b.lookupObject(fresh, bytes(1)))).toMatchObject({
        message: 'lookupObject ["k"]: object is looked-up, expected allocated',
      });
      await b.dropObject(fresh, false);
      expect(await failure(() => b.dropObject(fresh, false))).toMatchObject({
        message: 'dropObject ["k"]: object is dropped, expected allocated or looked-up',
      });
      expect(await failure(() => b.lookupComplete(fresh))).toMatchObject({
        name: "BackendUsageError",
        message: 'lookupComplete ["k"]: object is dropped, expected allocated or looked-up',
      });
      b.putObject(fresh);
      expect(await failure(() => b.putObject(fresh))).toMatchObject({
        message: 'putObject ["k"]: object is put, expected allocated or looked-up or dropped',
      });
    });

    it("rejects calls out of lifecycle order, bad pages, and foreign objects as caller bugs", async () => {
      const b = await setup();
      const fresh = b.allocObject({ path: ["k"] });
      await expect(b.readPage(fresh, 0)).rejects.toBeInstanceOf(BackendUsageError);
      await expect(b.writePage(fresh, 0, bytes(1))).rejects.toBeInstanceOf(BackendUsageError);
      await b.lookupObject(fresh, bytes(1));
      await expect(b.writePage(fresh, -1, bytes(1))).rejects.toBeInstanceOf(RangeError);
      await expect(b.writePage(fresh, 0, page(0, PAGE_SIZE + 1))).rejects.toBeInstanceOf(RangeError);
      await expect(b.lookupObject(fresh, bytes(1))).rejects.toBeInstanceOf(BackendUsageError);
      await close(b, fresh);
      expect(() => b.putObject(fresh)).toThrow(BackendUsageError);
      const foreign = new MemoryBackend().allocObject({ path: ["k"] });
      await expect(b.lookupObject(foreign, bytes(1))).rejects.toBeInstanceOf(BackendUsageError);
    });

    it("reports injected failures as BackendError with their codes, leaving the backend untouched", async () => {
      const inner = await setup();
      const b = new FaultyBackend(inner, [failOnce("lookupObject", "EIO", ["bad"]), fullDisk(2)]);
      const bad = b.allocObject({ path: ["bad", "x"] });
      const err: unknown = await b.lookupObject(bad, bytes(1)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toMatchObject({ code: "EIO", op: "lookupObject" });
      expect(await b.lookupObject(bad, bytes(1))).toBe("NEGATIVE");
      await b.writePage(bad, 0, bytes(0));
      await b.writePage(bad, 1, bytes(1));
      await expect(b.writePage(bad, 2, bytes(2))).rejects.toMatchObject({ code: "ENOSPC", op: "writePage" });
      expect(await b.readPage(bad, 2)).toBeNull();
      expect(b.injected()).toEqual([
        { op: "lookupObject", key: ["bad", "x"], code: "EIO" },
        { op: "writePage", key: ["bad", "x"], code: "ENOSPC" },
      ]);
      b.setPlan([]);
      await b.writePage(bad, 2, bytes(2));
      expect(await b.readPage(bad, 2)).toEqual(bytes(2));
    });
  });
}
