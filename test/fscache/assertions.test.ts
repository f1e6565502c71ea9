// The implementation's own consistency checks (not kernel BUGs the spec models): each fires, naming what is
// wrong, on the corrupted structure it guards against. No conforming run reaches them (the conformance-only
// mutation run lists them as equivalent for that run alone, conformance/stryker/equivalent.json); these tests
// are what kills their mutants in the whole-suite run.

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
import { fileDef, indexDef, newFile } from "./workload.ts";
import { oops } from "./drive.ts";

/** A cache with a live data cookie D under index I and D's object (left as the event loop got it). */
async function setup(): Promise<{ cache: FsCache; cookie: Cookie; obj: FscacheObject }> {
  const cache = new FsCache({ runtime: new EventLoopRuntime(), backend: new MemoryBackend() });
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
    const c = op(cache, obj, "READ", ["ASYNC"]);
    obj.flags.add("IS_AVAILABLE");
    expect(await oops(() => runOp(core, obj, c))).toBe(`run_op: no processor for READ op ${c.id}`);
  });

  it("the op worker: an op without an object, an op of a kind that is not ASYNC", async () => {
    const { cache, obj } = await setup();
    const a = op(cache, null, "WRITE", ["ASYNC"]);
    expect(await oops(() => runOpWorker(cache.core, a, task))).toBe(`op worker: op ${a.id} has no object`);
    const b = op(cache, obj, "READ", []);
    expect(await oops(() => runOpWorker(cache.core, b, task))).toBe(
      `op worker: op ${b.id} of kind READ is not ASYNC`,
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
