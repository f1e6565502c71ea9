// The fault-injecting wrapper on its own: every call reaches the wrapped backend unless a rule fails it, each
// faultable call can be failed by name, rules count (after, times) and match by key prefix, the first failing
// rule wins, and the error it throws says what was injected.

import { describe, expect, it } from "vitest";
import { BackendError, type BackendObject } from "../../src/fscache/backend.ts";
import { BackendUsageError } from "../../src/fscache/backends/common.ts";
import { type FaultableOp, failOnce, FaultyBackend } from "../../src/fscache/backends/faults.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { bytes, close, open } from "./contract.ts";

describe("FaultyBackend", () => {
  it("is tagged after the wrapped backend, and without a plan passes every call through", async () => {
    const inner = new MemoryBackend();
    const b = new FaultyBackend(inner);
    expect(b.tag).toBe("faulty:memory");
    const { obj, outcome } = await open(b, ["k"], bytes(1));
    expect(outcome).toBe("NEGATIVE");
    await b.writePage(obj, 0, bytes(1, 2));
    await b.writePage(obj, 1, bytes(3));
    await b.attrChanged(obj, 1);
    expect(await b.readPage(obj, 0)).toEqual(bytes(1));
    expect(await b.readPage(obj, 1)).toBeNull();
    await b.updateObject(obj, bytes(2));
    await close(b, obj);
    const again = await open(inner, ["k"], bytes(2));
    expect(again.outcome).toBe("POSITIVE");
    expect(await inner.readPage(again.obj, 0)).toEqual(bytes(1));
    await b.invalidateObject(again.obj, 0);
    expect(await inner.readPage(again.obj, 0)).toBeNull();
    await b.dropObject(again.obj, true);
    b.putObject(again.obj);
    expect(() => inner.putObject(again.obj)).toThrow(BackendUsageError); // put reached the inner backend
    expect((await open(inner, ["k"], bytes(2))).outcome).toBe("NEGATIVE"); // so did the retire
    expect(b.injected()).toEqual([]);
  });

  it("passes lookupComplete through: misuse is reported by the wrapped backend", async () => {
    const b = new FaultyBackend(new MemoryBackend());
    const { obj } = await open(b, ["k"]);
    await close(b, obj);
    expect(() => b.lookupComplete(obj)).toThrow(BackendUsageError);
  });

  it("fails each faultable call by name, before it reaches the wrapped backend", async () => {
    const ops: [FaultableOp, (b: FaultyBackend, o: BackendObject) => Promise<unknown>][] = [
      ["updateObject", (b, o) => b.updateObject(o, bytes(9))],
      ["invalidateObject", (b, o) => b.invalidateObject(o, 0)],
      ["attrChanged", (b, o) => b.attrChanged(o, 0)],
      ["readPage", (b, o) => b.readPage(o, 0)],
      ["writePage", (b, o) => b.writePage(o, 0, bytes(9))],
      ["dropObject", (b, o) => b.dropObject(o, true)],
    ];
    for (const [op, call] of ops) {
      const inner = new MemoryBackend();
      const b = new FaultyBackend(inner);
      const { obj } = await open(b, ["k"], bytes(1));
      await b.writePage(obj, 0, bytes(1, 2));
      b.setPlan([failOnce(op, "EIO")]);
      const err: unknown = await call(b, obj).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect(err).toMatchObject({
        code: "EIO",
        op,
        afterNegative: false,
        message: `${op}: EIO: injected fault on ["k"]`,
      });
      expect(b.injected()).toEqual([{ op, key: ["k"], code: "EIO" }]);
      // Nothing changed in the wrapped backend.
      expect(await inner.readPage(obj, 0)).toEqual(bytes(1, 2));
      await close(inner, obj);
      expect((await open(inner, ["k"], bytes(1))).outcome).toBe("POSITIVE");
    }
  });

  it("lets `after` calls pass, fails `times`, then passes again", async () => {
    const b = new FaultyBackend(new MemoryBackend(), [
      { op: "writePage", code: "ENOSPC", after: 2, times: 1 },
    ]);
    const { obj } = await open(b, ["k"]);
    const results: string[] = [];
    for (let p = 0; p < 5; p++) {
      results.push(
        await b.writePage(obj, p, bytes(p)).then(
          () => "ok",
          (e: unknown) => (e as BackendError).code,
        ),
      );
    }
    expect(results).toEqual(["ok", "ok", "ENOSPC", "ok", "ok"]);
  });

  it("matches rules by key prefix, and the first failing rule wins while every matching rule counts", async () => {
    const b = new FaultyBackend(new MemoryBackend(), [
      { op: "lookupObject", code: "ESTALE", path: ["a", "x"], afterNegative: true },
      { op: "lookupObject", code: "EIO", path: ["a"], times: 2 },
      { op: "lookupObject", code: "ENOBUFS" },
    ]);
    const lookup = (path: string[]) =>
      b.lookupObject(b.allocObject({ path }), bytes(1)).then(
        (outcome) => outcome,
        (e: unknown) => e as BackendError,
      );
    expect(await lookup(["a", "x", "1"])).toMatchObject({ code: "ESTALE", afterNegative: true });
    expect(await lookup(["b"])).toMatchObject({ code: "ENOBUFS", afterNegative: false });
    expect(await lookup(["a", "y"])).toMatchObject({ code: "EIO" }); // the second of EIO's two: it counted ["a","x","1"]
    expect(await lookup(["a", "y"])).toMatchObject({ code: "ENOBUFS" });
    expect(b.injected().map((f) => f.code)).toEqual(["ESTALE", "ENOBUFS", "EIO", "ENOBUFS"]);
    b.setPlan([{ op: "lookupObject", code: "EIO", path: ["a"] }]);
    expect(await lookup(["b"])).toBe("NEGATIVE");
    expect(await lookup(["ab"])).toBe("NEGATIVE");
    expect(await lookup(["a"])).toMatchObject({ code: "EIO" });
  });
});
