// inspect(): the read-only view a harness or a user reads the cache through, with the spec's spellings (sets
// sorted, events by bit, pointers as ids, "NULL" and "FSDEF" for the spec's model values), and the small
// naming helpers it rests on. The view is checked on a real cache and, for the orderings and null pointers a
// short run does not produce on demand, on hand-made records: inspect only reads fields.

import { describe, expect, it } from "vitest";
import { BackendError } from "../../src/fscache/backend.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import type { CacheCore } from "../../src/fscache/context.ts";
import { FsCache, FsCacheError, OopsError, objectFields, opFields } from "../../src/fscache/index.ts";
import { inspectCore } from "../../src/fscache/inspect.ts";
import {
  DESIGN_REPAIRS,
  EVENT_NAMES,
  FSDEF,
  highestEvent,
  NULL,
  SPEC_REPAIRS,
} from "../../src/fscache/names.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import type { Operation } from "../../src/fscache/operation.ts";
import { oopsAt, SPEC_OOPS } from "../../src/fscache/oops.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";

/** An object's counters, distinct so that a field read from the wrong one shows. */
const COUNTERS = {
  n_children: 1,
  n_ops: 2,
  n_obj_ops: 3,
  n_in_progress: 4,
  n_exclusive: 5,
  n_reads: 6,
  usage: 7,
};

/** An object record as objectFields reads it: sets in an order the view must not keep. */
function fakeObject(over: Record<string, unknown> = {}): FscacheObject {
  return {
    mem: "LIVE",
    state: "OBJECT_AVAILABLE",
    oob: "NONE",
    oob_event_mask: new Set(["KILL", "ERROR"]),
    event_mask: new Set(["KILL", "NEW_CHILD", "UPDATE"]),
    events: new Set(["CLEARED", "NEW_CHILD"]),
    flags: new Set(["IS_LIVE", "IS_AVAILABLE", "IS_LOOKED_UP"]),
    cookie: null,
    parent: null,
    ...COUNTERS,
    dependents: [{ id: "E" }, { id: "D" }],
    pending_ops: [{ id: 2 }, { id: 1 }],
    wq: "IDLE",
    disp: "IDLE",
    exec: "NONE",
    dmask: new Set(["KILL", "PARENT_READY"]),
    ...over,
  } as unknown as FscacheObject;
}

describe("inspect", () => {
  it("spells a live cache as the spec does: FSDEF parents, key paths, backing objects by id", async () => {
    const runtime = new EventLoopRuntime();
    const cache = new FsCache({ runtime, backend: new MemoryBackend() });
    const index = await cache.acquireCookie(null, indexDef, null, "I");
    const file = newFile("a");
    const cookie = await cache.acquireCookie(index, fileDef(file, 2), file, "D");
    await runtime.whenIdle();
    const view = cache.inspect();
    const byId = new Map(view.cookies.map((c) => [c.id, c]));
    expect(byId.get("I")).toMatchObject({ parent: FSDEF, type: "INDEX", backing: ["I"], stores: {} });
    expect(byId.get("D")).toMatchObject({ parent: "I", type: "DATAFILE", backing: ["D"], netfs: true });
    expect(byId.get("D")?.keyPath.length).toBeGreaterThan(0);
    expect(byId.get("D")?.keyPath).toEqual(cookie?.keyPath);
    const objects = new Map(view.objects.map((o) => [o.id, o]));
    expect(objects.get("I")).toMatchObject({ cookie: "I", parent: FSDEF });
    expect(objects.get("D")).toMatchObject({ cookie: "D", parent: "I" });
  });

  it("sorts sets (events by bit), keeps the pending queue's order, and writes NULL for absent pointers", () => {
    expect(objectFields(fakeObject())).toEqual({
      mem: "LIVE",
      state: "OBJECT_AVAILABLE",
      oob: "NONE",
      oob_mask: ["ERROR", "KILL"],
      event_mask: ["NEW_CHILD", "UPDATE", "KILL"],
      events: ["NEW_CHILD", "CLEARED"],
      flags: ["IS_AVAILABLE", "IS_LIVE", "IS_LOOKED_UP"],
      cookie: NULL,
      parent: NULL,
      ...COUNTERS,
      dependents: ["D", "E"],
      pending: [2, 1],
      wq: "IDLE",
      disp: "IDLE",
      exec: "NONE",
      dmask: ["PARENT_READY", "KILL"],
    });
    expect(objectFields(fakeObject({ parent: "FSDEF", cookie: { id: "I" } }))).toMatchObject({
      parent: FSDEF,
      cookie: "I",
    });
    expect(objectFields(fakeObject({ parent: { id: "I" } })).parent).toBe("I");
    const op = {
      state: "PENDING",
      kind: "READ",
      object: null,
      flags: new Set(["WAITING", "MYTHREAD"]),
      usage: 1,
      pc: "NONE",
    };
    expect(opFields(op as unknown as Operation)).toEqual({
      state: "PENDING",
      kind: "READ",
      object: NULL,
      flags: ["MYTHREAD", "WAITING"],
      usage: 1,
      pc: "NONE",
    });
  });

  it("lists cookies with their stores by page, backing objects by id, ops by slot, threads' cookies", () => {
    const cookie = {
      id: "D",
      type: "DATAFILE",
      parent: null,
      keyPath: ["D"],
      mem: "LIVE",
      usage: 2,
      n_children: 0,
      n_active: 1,
      flags: new Set(["NO_DATA_YET", "LOOKING_UP"]),
      netfs: true,
      netfs_data: "data",
      stores: new Map([
        [2, { tag: "STORING" }],
        [1, { tag: "PENDING" }],
      ]),
      backing_objects: [{ id: "E" }, { id: "D" }],
    };
    const op = (id: number): unknown => ({
      id,
      state: "IN_PROGRESS",
      kind: "WRITE",
      object: null,
      flags: new Set(),
      usage: 1,
      pc: "WriteOp",
    });
    const core = {
      design: "POST_FIX_REPAIRED",
      repairs: [],
      oops: "NONE",
      cookies: new Map([["D", cookie]]),
      objects: new Map(),
      ops: new Map([
        [2, op(2)],
        [1, op(1)],
      ]),
      threads: new Map([
        ["tD", { t: "tD", pc: "Done", op: 0, page: "NONE", retire: false, result: "OK", cookie: null }],
      ]),
    } as unknown as CacheCore;
    const view = inspectCore(core);
    expect(view.cookies).toEqual([
      {
        id: "D",
        type: "DATAFILE",
        parent: FSDEF,
        keyPath: ["D"],
        mem: "LIVE",
        usage: 2,
        n_children: 0,
        n_active: 1,
        flags: ["LOOKING_UP", "NO_DATA_YET"],
        netfs: true,
        netfs_data: "data",
        stores: { p1: "PENDING", p2: "STORING" },
        backing: ["D", "E"],
      },
    ]);
    expect(Object.keys(view.cookies[0]?.stores ?? {})).toEqual(["p1", "p2"]);
    expect(view.cookies[0]?.keyPath).not.toBe(cookie.keyPath);
    expect(view.ops.map((o) => o.id)).toEqual([1, 2]);
    expect(view.threads).toEqual([
      { t: "tD", pc: "Done", op: 0, page: "NONE", retire: false, result: "OK", cookie: NULL },
    ]);
  });
});

describe("names, oops and errors", () => {
  it("the spec's model values", () => {
    expect([FSDEF, NULL]).toEqual(["FSDEF", "NULL"]);
    expect(DESIGN_REPAIRS).toEqual({ POST_FIX: [], PRE_FIX: [], POST_FIX_REPAIRED: SPEC_REPAIRS });
  });

  it("highestEvent takes the highest bit, wherever it sits", () => {
    expect(highestEvent(["KILL", "NEW_CHILD"])).toBe("KILL");
    expect(highestEvent(["NEW_CHILD", "KILL", "UPDATE"])).toBe("KILL");
    expect(highestEvent([])).toBeUndefined();
    expect(highestEvent([...EVENT_NAMES].reverse())).toBe("KILL");
  });

  it("oopsAt: the spec's string for a site it models, `<site>: <what>` for one it does not", () => {
    expect(oopsAt("WithdrawWait", "ignored")).toBe(SPEC_OOPS.WithdrawWait);
    expect(oopsAt("backend.read", "NULL page")).toBe("backend.read: NULL page");
  });

  it("errors carry their class name, code and oops", () => {
    const e = new FsCacheError("WITHDRAWN", "twice");
    expect([e.name, e.code, e.message]).toEqual(["FsCacheError", "WITHDRAWN", "WITHDRAWN: twice"]);
    const o = new OopsError("boom");
    expect([o.name, o.oops, o.message]).toEqual(["OopsError", "boom", "oops: boom"]);
    // A backend failure is a plain failure of its call unless it says the object was found absent first.
    const b = new BackendError("EIO", "lookupObject", "disk");
    expect([b.name, b.code, b.op, b.message, b.afterNegative]).toEqual([
      "BackendError",
      "EIO",
      "lookupObject",
      "lookupObject: EIO: disk",
      false,
    ]);
    expect(new BackendError("ENOSPC", "lookupObject", "full", { afterNegative: true }).afterNegative).toBe(
      true,
    );
    expect(new BackendError("ENOSPC", "lookupObject", "full", {}).afterNegative).toBe(false);
  });
});
