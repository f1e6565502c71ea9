// The implementation's own consistency checks, and the BUG sites of the spec that no checked model reaches:
// each fires, naming what is wrong, on the corrupted structure it guards against. No conforming run reaches
// them (the conformance-only mutation run lists the consistency checks as equivalent for that run alone,
// conformance/stryker/equivalent.json); these tests are what kills their mutants in the whole-suite run.

import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { cookiePut, unuseCookie, type Cookie } from "../../src/fscache/cookie.ts";
import { runObjectWorker, select } from "../../src/fscache/dispatcher.ts";
import { FsCache } from "../../src/fscache/index.ts";
import { type FscacheObject, objectPut, raiseEvent } from "../../src/fscache/object.ts";
import {
  allocOp,
  cancelAllOps,
  freeOp,
  opComplete,
  type Operation,
  putOp,
  runOp,
} from "../../src/fscache/operation.ts";
import type { OpFlag } from "../../src/fscache/names.ts";
import { runOpWorker } from "../../src/fscache/opwork.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import type { Task } from "../../src/runtime/runtime.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import type { Design } from "../../src/fscache/index.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";
import { oops } from "./drive.ts";

/** A cache with a live data cookie D under index I and D's object (left as the event loop got it). */
async function setup(design?: Design): Promise<{ cache: FsCache; cookie: Cookie; obj: FscacheObject }> {
  const runtime = new EventLoopRuntime();
  const cache = new FsCache({ runtime, backend: new MemoryBackend(), ...(design ? { design } : {}) });
  const index = await cache.acquireCookie(null, indexDef, null, "I");
  const file = newFile("a");
  const cookie = await cache.acquireCookie(index, fileDef(file), file, "D");
  const obj = cookie?.backing_objects[0];
  if (!cookie || !obj) throw new Error("no object");
  return { cache, cookie, obj };
}

const task: Task = {
  id: 0,
  name: "test",
  step: () => Promise.resolve(),
  waitUntil: () => Promise.resolve(),
};

function op(cache: FsCache, obj: FscacheObject | null, kind: Operation["kind"], flags: OpFlag[]): Operation {
  const o = allocOp(cache.core, kind, flags);
  if (!o) throw new Error("no op slot");
  o.object = obj;
  return o;
}

describe("consistency checks of cookies and objects", () => {
  it("cookie put: a freed cookie, usage below 0, a cookie freed with objects", async () => {
    const { cache, cookie } = await setup();
    const core = cache.core;
    cookie.usage = 1;
    expect(await oops(() => cookiePut(core, cookie))).toBe("cookie put: D freed with backing objects");
    cookie.usage = 0;
    expect(await oops(() => cookiePut(core, cookie))).toBe("cookie put: usage of D below 0");
    cookie.mem = "FREED";
    expect(await oops(() => cookiePut(core, cookie))).toBe("cookie put: FREED cookie D");
  });

  it("unuse below 0", async () => {
    const { cache, cookie } = await setup();
    cookie.n_active = 0;
    expect(await oops(() => unuseCookie(cache.core, cookie))).toBe("unuse: n_active of D below 0");
  });

  it("an event raised on, or a put of, a freed object; object usage below 0", async () => {
    const { cache, obj } = await setup();
    const core = cache.core;
    obj.usage = 0;
    expect(await oops(() => objectPut(core, obj))).toBe(`put: usage of object ${obj.id} below 0`);
    obj.mem = "FREED";
    expect(await oops(() => objectPut(core, obj))).toBe(`put: FREED object ${obj.id}`);
    expect(await oops(() => raiseEvent(core, obj, "KILL"))).toBe(`raise KILL: FREED object ${obj.id}`);
  });
});

describe("consistency checks of operations", () => {
  it("put_operation: freed, usage below 0, without an object, unuse with a NULL cookie, n_ops below 0", async () => {
    const { cache, obj } = await setup();
    const core = cache.core;
    const a = op(cache, null, "READ", []);
    expect(await oops(() => putOp(core, a))).toBe(`put_operation: op ${a.id} released without an object`);
    const b = op(cache, obj, "READ", []);
    b.usage = 0;
    expect(await oops(() => putOp(core, b))).toBe(`put_operation: usage of op ${b.id} below 0`);
    b.state = "FREE";
    expect(await oops(() => putOp(core, b))).toBe(`put_operation: op ${b.id} already freed`);
    const c = op(cache, obj, "READ", []);
    obj.n_ops = 0;
    expect(await oops(() => putOp(core, c))).toBe(`put_operation: n_ops of ${obj.id} below 0`);
    const d = op(cache, obj, "WRITE", ["UNUSE_COOKIE"]);
    obj.cookie = null;
    expect(await oops(() => putOp(core, d))).toBe(`put_operation: op ${d.id} unuse with NULL cookie`);
  });

  it("put_operation's last put of an op still pending or in progress (ASSERTIFCMP); the states it accepts", async () => {
    const { cache, obj } = await setup();
    const core = cache.core;
    for (const state of ["PENDING", "IN_PROGRESS"] as const) {
      const a = op(cache, obj, "READ", []);
      a.state = state;
      expect(await oops(() => freeOp(core, a))).toBe(`put_operation: op ${a.id} released while ${state}`);
      expect(core.ops.get(a.id)).toBe(a);
    }
    for (const state of ["INITIALISED", "COMPLETE", "CANCELLED"] as const) {
      const b = op(cache, obj, "READ", []);
      b.state = state;
      expect(await oops(() => freeOp(core, b))).toBe("none");
      expect({ state: b.state, held: core.ops.has(b.id) }).toEqual({ state: "FREE", held: false });
    }
  });

  it("op_complete without an object or of an op not in progress; cancelling an op not pending; run_op of a kind without a processor", async () => {
    const { cache, obj } = await setup();
    const core = cache.core;
    const a = op(cache, null, "READ", []);
    expect(await oops(() => opComplete(core, a))).toBe(`op_complete: op ${a.id} has no object`);
    const b = op(cache, obj, "READ", []);
    expect(await oops(() => opComplete(core, b))).toBe(`op_complete: op ${b.id} is INITIALISED`);
    obj.pending_ops.push(b);
    expect(await oops(() => cancelAllOps(core, obj))).toBe(`cancel: op ${b.id} is INITIALISED`);
    // Every real kind has a processor (a multi-page read's is its copier): the slot kind NONE has none.
    const c = op(cache, obj, "NONE", ["ASYNC"]);
    obj.flags.add("IS_AVAILABLE");
    expect(await oops(() => runOp(core, obj, c))).toBe(`run_op: no processor for NONE op ${c.id}`);
  });

  it("the op worker: an op without an object, an op of a kind that is not ASYNC", async () => {
    const { cache, obj } = await setup();
    const a = op(cache, null, "WRITE", ["ASYNC"]);
    expect(await oops(() => runOpWorker(cache.core, a, task))).toBe(`op worker: op ${a.id} has no object`);
    const b = op(cache, obj, "NONE", []);
    expect(await oops(() => runOpWorker(cache.core, b, task))).toBe(
      `op worker: op ${b.id} of kind NONE is not ASYNC`,
    );
  });
});

describe("consistency checks of the dispatcher", () => {
  it("OBJECT_DEAD selected as a work state; a run whose work item is not QUEUED", async () => {
    const empty = new Set<never>();
    expect(
      await oops(() =>
        select({ state: "OBJECT_DEAD", events: empty, oobMask: empty, dmask: empty, oob: "init" }),
      ),
    ).toBe("dispatcher: OBJECT_DEAD selected");
    const { cache, obj } = await setup();
    obj.wq = "IDLE";
    expect(await oops(() => runObjectWorker(cache.core, obj, task))).toBe(
      `DispatchStart: object ${obj.id} work item is IDLE`,
    );
  });
});

/** D's object once the event loop has looked it up (available), with a WRITE op running on it. */
async function writing(): Promise<{ cache: FsCache; cookie: Cookie; obj: FscacheObject; w: Operation }> {
  const { cache, cookie, obj } = await setup();
  for (let i = 0; i < 100 && !obj.flags.has("IS_AVAILABLE"); i++) await new Promise((r) => setImmediate(r));
  const w = op(cache, obj, "WRITE", ["ASYNC"]);
  w.state = "IN_PROGRESS";
  return { cache, cookie, obj, w };
}

describe("BUG sites of the spec that no checked model reaches", () => {
  it("RelinquishDetach (PRE_FIX): the cookie's usage at 1 or below when the object is detached", async () => {
    const { cache, cookie } = await setup("PRE_FIX");
    // The caller's and the object's references make at least 2; one too few is the BUG.
    cookie.usage = 1;
    expect(await oops(() => cache.relinquishCookie(cookie))).toBe(SPEC_OOPS.RelinquishDetach);
  });

  it("WriteOp: a write op whose object is active finds its cookie freed", async () => {
    const { cache, cookie, w } = await writing();
    cookie.mem = "FREED";
    expect(await oops(() => runOpWorker(cache.core, w, task))).toBe(SPEC_OOPS.WriteOp);
  });

  it("WriteOpWritePage: the page written is no longer STORING in stores when the write ends", async () => {
    const { cache, cookie, obj, w } = await writing();
    cookie.stores.set(0, { tag: "PENDING", data: new Uint8Array([1]) });
    obj.flags.add("PENDING_WRITE");
    // The page leaves stores while the backend writes it (nothing in the kernel may do that).
    const stealing: Task = {
      ...task,
      step: (l) => {
        if (l.action === "WriteOpWritePage") cookie.stores.delete(0);
        return Promise.resolve();
      },
    };
    expect(await oops(() => runOpWorker(cache.core, w, stealing))).toBe(SPEC_OOPS.WriteOpWritePage);
  });
});
