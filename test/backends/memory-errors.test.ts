// The in-memory backend beyond the law suite: aux data copied in, size checks, putting an object from any
// phase, and retiring by key path when parts of the path were never looked up or the node is another object's.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { bytes, close, failure, open } from "./contract.ts";

describe("MemoryBackend", () => {
  it("is tagged memory", () => {
    expect(new MemoryBackend().tag).toBe("memory");
  });

  it("puts an object straight from allocated or looked-up", async () => {
    const b = new MemoryBackend();
    const allocated = b.allocObject({ path: ["a"] });
    b.putObject(allocated);
    const { obj } = await open(b, ["k"]);
    b.putObject(obj);
    expect(await failure(() => b.readPage(obj, 0))).toMatchObject({
      message: 'readPage ["k"]: object is put, expected looked-up',
    });
  });

  it("copies the aux data in on lookup and update", async () => {
    const b = new MemoryBackend();
    const aux = bytes(1, 2);
    const { obj } = await open(b, ["k"], aux);
    aux[0] = 9;
    await close(b, obj);
    const again = await open(b, ["k"], bytes(1, 2));
    expect(again.outcome).toBe("POSITIVE");
    const updated = bytes(3);
    await b.updateObject(again.obj, updated);
    updated[0] = 4;
    await close(b, again.obj);
    expect((await open(b, ["k"], bytes(3))).outcome).toBe("POSITIVE");
  });

  it("rejects sizes that are not natural numbers", async () => {
    const b = new MemoryBackend();
    const { obj } = await open(b, ["k"]);
    await b.writePage(obj, 0, bytes(1));
    for (const size of [-1, 1.5]) {
      await expect(b.invalidateObject(obj, size)).rejects.toBeInstanceOf(RangeError);
      await expect(b.attrChanged(obj, size)).rejects.toBeInstanceOf(RangeError);
    }
    expect(await b.readPage(obj, 0)).toEqual(bytes(1));
  });

  it("retires an object whose index path was never looked up", async () => {
    const b = new MemoryBackend();
    await close(b, b.allocObject({ path: ["x", "y"] }), true);
    await close(b, b.allocObject({ path: ["x", "y", "z"] }), true);
    expect((await open(b, ["x", "y", "z"])).outcome).toBe("NEGATIVE");
  });

  it("retiring an object whose node was already replaced leaves the new node alone", async () => {
    const b = new MemoryBackend();
    const first = await open(b, ["k"], bytes(1));
    const twin = await open(b, ["k"], bytes(1));
    await close(b, first.obj, true);
    const fresh = await open(b, ["k"], bytes(2));
    expect(fresh.outcome).toBe("NEGATIVE");
    await b.writePage(fresh.obj, 0, bytes(7));
    await close(b, fresh.obj);
    await close(b, twin.obj, true); // its node is gone; the one at its key is not its own
    const again = await open(b, ["k"], bytes(2));
    expect(again.outcome).toBe("POSITIVE");
    expect(await b.readPage(again.obj, 0)).toEqual(bytes(7));
  });
});
