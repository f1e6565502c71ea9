// The object state machine's work steps (work.ts) on the paths the conformance replay seldom takes: PRE_FIX's
// unpinned object->cookie, a failed or refused lookup (dying parent, broken cache), backend errors, the
// op allocation failing, invalidation with pending writes, and the oops each unchecked dereference reports.
// Objects come from real acquisitions on the stepped runtime; each work state is then run on its own, with a
// WorkCtx whose steps are recorded (and may run a hook, standing in for what another task does between them).

import { describe, expect, it } from "vitest";
import {
  BackendError,
  type BackendObject,
  type CacheBackend,
  type LookupOutcome,
} from "../../src/fscache/backend.ts";
import type { Cookie } from "../../src/fscache/cookie.ts";
import { select } from "../../src/fscache/dispatcher.ts";
import { FsCache } from "../../src/fscache/index.ts";
import type { Design, EventName, Repair } from "../../src/fscache/names.ts";
import { FscacheObject, netfsOf, objectIsDead, objectPut, raiseEvent } from "../../src/fscache/object.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import { allocOp, type Operation } from "../../src/fscache/operation.ts";
import { WORK, type WorkCtx } from "../../src/fscache/work.ts";
import type { WaitQueue } from "../../src/runtime/runtime.ts";
import { firstEnabled, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { fileDef, indexDef, newFile } from "./workload.ts";
import { oops, settle } from "./drive.ts";

/** A permissive backend that records every call and fails the ones a test asks it to. */
class SpyBackend implements CacheBackend {
  readonly tag = "spy";
  readonly calls: string[] = [];
  lookup: LookupOutcome | Error = "NEGATIVE";
  updateError: Error | null = null;
  dropError: Error | null = null;

  private name(obj: BackendObject): string {
    return obj.key.path.join("/");
  }

  allocObject(key: { readonly path: readonly string[] }): BackendObject {
    return { key: { path: [...key.path] } };
  }
  lookupObject(obj: BackendObject): Promise<LookupOutcome> {
    this.calls.push(`lookupObject ${this.name(obj)}`);
    const r = this.lookup;
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  }
  lookupComplete(obj: BackendObject): void {
    this.calls.push(`lookupComplete ${this.name(obj)}`);
  }
  updateObject(obj: BackendObject, aux: Uint8Array): Promise<void> {
    this.calls.push(`updateObject ${this.name(obj)} ${new TextDecoder().decode(aux)}`);
    return this.updateError ? Promise.reject(this.updateError) : Promise.resolve();
  }
  invalidateObject(obj: BackendObject, size: number): Promise<void> {
    this.calls.push(`invalidateObject ${this.name(obj)} ${size}`);
    return Promise.resolve();
  }
  attrChanged(obj: BackendObject, size: number): Promise<void> {
    this.calls.push(`attrChanged ${this.name(obj)} ${size}`);
    return Promise.resolve();
  }
  readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    this.calls.push(`readPage ${this.name(obj)} ${page}`);
    return Promise.resolve(null);
  }
  writePage(obj: BackendObject, page: number): Promise<void> {
    this.calls.push(`writePage ${this.name(obj)} ${page}`);
    return Promise.resolve();
  }
  dropObject(obj: BackendObject, retire: boolean): Promise<void> {
    this.calls.push(`dropObject ${this.name(obj)} retire=${retire}`);
    return this.dropError ? Promise.reject(this.dropError) : Promise.resolve();
  }
  putObject(obj: BackendObject): void {
    this.calls.push(`putObject ${this.name(obj)}`);
  }
}

interface World {
  readonly runtime: SteppedRuntime;
  readonly cache: FsCache;
  readonly backend: SpyBackend;
  /** The wait queues woken, by name, in order. */
  readonly wakes: string[];
  readonly index: Cookie;
  readonly cookie: Cookie;
  /** The index's object (parent FSDEF) and the data cookie's object (parent: the index's), in WAIT_FOR_CMD. */
  readonly oI: FscacheObject;
  readonly oD: FscacheObject;
  readonly freed: FscacheObject[];
}

/** Index I and data cookie D acquired through the facade and run to quiescence: both objects available. */
async function world(
  opts: { design?: Design; repairs?: readonly Repair[]; maxOps?: number } = {},
): Promise<World> {
  const runtime = new SteppedRuntime();
  const wakes: string[] = [];
  const wake = runtime.wake.bind(runtime);
  runtime.wake = (q: WaitQueue) => {
    wakes.push(q.name);
    wake(q);
  };
  const backend = new SpyBackend();
  const freed: FscacheObject[] = [];
  const cache = new FsCache({
    runtime,
    backend,
    design: opts.design ?? "POST_FIX_REPAIRED",
    ...(opts.repairs ? { repairs: opts.repairs } : {}),
    ...(opts.maxOps !== undefined ? { maxOps: opts.maxOps } : {}),
    listener: { objectFreed: (o) => freed.push(o) },
  });
  const pi = cache.acquireCookie(null, indexDef, null, "I");
  await runtime.runUntilQuiescent(firstEnabled);
  const index = await pi;
  const file = newFile("a");
  const pd = cache.acquireCookie(index, fileDef(file), file, "D");
  const r = await runtime.runUntilQuiescent(firstEnabled);
  expect(r.end).toBe("done");
  const cookie = await pd;
  const oI = index?.backing_objects[0];
  const oD = cookie?.backing_objects[0];
  if (!index || !cookie || !oI || !oD) throw new Error("acquisition failed");
  expect(oD.state).toBe("WAIT_FOR_CMD");
  expect(oD.flags.has("IS_AVAILABLE")).toBe(true);
  // D's lookup gave its parent op back, leaving CLEARED pending on I (WAIT_FOR_CMD does not listen for it):
  // cleared, so that a test sees the next one.
  expect(oI.events.has("CLEARED")).toBe(true);
  oI.events.delete("CLEARED");
  backend.calls.length = 0;
  wakes.length = 0;
  return { runtime, cache, backend, wakes, index, cookie, oI, oD, freed };
}

/** A WorkCtx recording the steps; `hooks[action]` runs as that step starts (another task's doing). */
function ctx(w: World, obj: FscacheObject, hooks: Record<string, () => void> = {}) {
  const steps: string[] = [];
  const labels: string[] = [];
  const c: WorkCtx = {
    core: w.cache.core,
    obj,
    step: (action: string, params?: Record<string, string>) => {
      steps.push(action);
      labels.push(params ? `${action}(${JSON.stringify(params)})` : action);
      hooks[action]?.();
      return Promise.resolve();
    },
  };
  return { c, steps, labels };
}

/** An op sitting on `obj`'s pending list, counted in its n_ops (as submitOp queues one). */
function pendingRead(w: World, obj: FscacheObject): Operation {
  const op = allocOp(w.cache.core, "READ", []);
  if (!op) throw new Error("no op slot");
  op.state = "PENDING";
  op.object = obj;
  op.usage++;
  obj.pending_ops.push(op);
  obj.n_ops++;
  return op;
}

describe("INIT_OBJECT", () => {
  it("drops an object without a parent object: DROP_OBJECT, or DETACH_FROM_COOKIE in PRE_FIX", async () => {
    for (const [design, want] of [
      ["POST_FIX", "DROP_OBJECT"],
      ["PRE_FIX", "DETACH_FROM_COOKIE"],
    ] as const) {
      const w = await world({ design });
      w.oD.parent = null;
      expect(await WORK.INIT_OBJECT(ctx(w, w.oD).c)).toBe(want);
      expect(w.oD.usage).toBe(1);
    }
  });

  it("drops an object whose parent object is dying, without joining its dependents", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oI.flags.delete("IS_LIVE");
    w.oI.flags.delete("IS_AVAILABLE");
    expect(await WORK.INIT_OBJECT(ctx(w, w.oD).c)).toBe("DROP_OBJECT");
    expect(w.oI.dependents).toEqual([]);
    expect(w.oI.events.has("NEW_CHILD")).toBe(false);
  });

  it("goes straight to PARENT_READY under an available parent or FSDEF; else waits as a dependent", async () => {
    const w = await world();
    expect(await WORK.INIT_OBJECT(ctx(w, w.oD).c)).toBe("PARENT_READY");
    expect(await WORK.INIT_OBJECT(ctx(w, w.oI).c)).toBe("PARENT_READY");
    expect(w.oI.dependents).toEqual([]);
    w.oI.flags.delete("IS_AVAILABLE");
    expect(await WORK.INIT_OBJECT(ctx(w, w.oD).c)).toBe("WAIT_FOR_PARENT");
    expect(w.oI.dependents).toEqual([w.oD]);
    expect(w.oD.usage).toBe(2);
    expect(w.oI.events.has("NEW_CHILD")).toBe(true);
  });
});

describe("PARENT_READY and the parent op", () => {
  it("counts the lookup as an op on a parent object, never on FSDEF", async () => {
    const w = await world();
    expect(await WORK.PARENT_READY(ctx(w, w.oI).c)).toBe("LOOK_UP_OBJECT");
    expect(w.oI.oob).toBe("lookup");
    expect(await WORK.PARENT_READY(ctx(w, w.oD).c)).toBe("LOOK_UP_OBJECT");
    expect([w.oI.n_ops, w.oI.n_obj_ops]).toEqual([1, 1]);
  });

  it("3.12 keeps the init OOB table until LOOK_UP_OBJECT (repair LOOKUP_OOB_AT_PARENT_READY installs it)", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oD.oob = "init";
    expect(await WORK.PARENT_READY(ctx(w, w.oD).c)).toBe("LOOK_UP_OBJECT");
    expect(w.oD.oob).toBe("init");
  });

  it("OBJECT_AVAILABLE gives the parent op back, raising CLEARED only when the parent's n_ops reaches 0", async () => {
    const w = await world();
    w.oI.n_ops = 2;
    w.oI.n_obj_ops = 2;
    expect(await WORK.OBJECT_AVAILABLE(ctx(w, w.oD).c)).toBe("JUMPSTART_DEPS");
    expect([w.oI.n_ops, w.oI.n_obj_ops]).toEqual([1, 1]);
    expect(w.oI.events.has("CLEARED")).toBe(false);
    expect(await WORK.OBJECT_AVAILABLE(ctx(w, w.oD).c)).toBe("JUMPSTART_DEPS");
    expect([w.oI.n_ops, w.oI.n_obj_ops]).toEqual([0, 0]);
    expect(w.oI.events.has("CLEARED")).toBe(true);
    // A top-level index has no parent object to give the op back to.
    expect(await WORK.OBJECT_AVAILABLE(ctx(w, w.oI).c)).toBe("JUMPSTART_DEPS");
    expect(w.oI.oob).toBe("run");
    expect(w.backend.calls).toEqual([
      "lookupComplete netfs/a",
      "lookupComplete netfs/a",
      "lookupComplete netfs",
    ]);
  });

  it("OBJECT_AVAILABLE starts pending ops only when none is in progress", async () => {
    const w = await world();
    const op = pendingRead(w, w.oD);
    w.oD.n_in_progress = 1;
    w.oI.n_ops = 1;
    await WORK.OBJECT_AVAILABLE(ctx(w, w.oD).c);
    expect(op.state).toBe("PENDING");
    expect(w.oD.pending_ops).toEqual([op]);
    w.oD.n_in_progress = 0;
    w.oI.n_ops = 1;
    await WORK.OBJECT_AVAILABLE(ctx(w, w.oD).c);
    expect(op.state).toBe("IN_PROGRESS");
    expect(w.oD.pending_ops).toEqual([]);
  });
});

describe("an object without a parent object", () => {
  // Attached under a parent cookie that had no object, or dropped (DROP_OBJECT NULLs object->parent): each
  // step that would touch the parent object skips it.
  it("runs every parent-touching work state without a parent", async () => {
    const w = await world();
    w.oD.parent = null;
    w.oD.usage = 2;
    const run = async (s: "PARENT_READY" | "LOOK_UP_OBJECT" | "OBJECT_AVAILABLE" | "LOOKUP_FAILURE") =>
      await WORK[s](ctx(w, w.oD).c);
    expect(await run("PARENT_READY")).toBe("LOOK_UP_OBJECT");
    expect(await run("LOOK_UP_OBJECT")).toBe("OBJECT_AVAILABLE");
    expect(await run("OBJECT_AVAILABLE")).toBe("JUMPSTART_DEPS");
    expect(await run("LOOKUP_FAILURE")).toBe("KILL_OBJECT");
    expect(await WORK.ABORT_INIT(ctx(w, w.oD).c)).toBe("KILL_OBJECT");
    expect(await WORK.DROP_OBJECT(ctx(w, w.oD).c)).toBe("OBJECT_DEAD");
    expect([w.oI.n_ops, w.oI.n_obj_ops, w.oI.n_children]).toEqual([0, 0, 1]);
    expect(w.oI.events.size).toBe(0);
    expect(w.backend.calls).toEqual([
      "lookupObject netfs/a",
      "lookupComplete netfs/a",
      "lookupComplete netfs/a",
      "dropObject netfs/a retire=false",
    ]);
    expect(w.oD.usage).toBe(1);
  });
});

describe("LOOK_UP_OBJECT", () => {
  it("ASSERTs that a parent object is available", async () => {
    const w = await world();
    w.oI.flags.delete("IS_AVAILABLE");
    expect(await oops(() => WORK.LOOK_UP_OBJECT(ctx(w, w.oD).c))).toBe(SPEC_OOPS.LOOK_UP_OBJECT);
  });

  it("fails at once under a dying parent, before taking n_active or asking the backend", async () => {
    const w = await world();
    w.oI.flags.delete("IS_LIVE");
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("LOOKUP_FAILURE");
    expect(steps).toEqual([]);
    expect(w.oD.oob).toBe("lookup");
    expect(w.cookie.n_active).toBe(1);
    expect(w.backend.calls).toEqual([]);
  });

  it("fails at once on a broken cache (FSCACHE_IOERROR)", async () => {
    const w = await world();
    w.cache.core.ioError();
    const { c, steps } = ctx(w, w.oI);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("LOOKUP_FAILURE");
    expect(steps).toEqual([]);
    expect(w.index.n_active).toBe(1);
    expect(w.backend.calls).toEqual([]);
  });

  it("a top-level index under FSDEF is looked up without any parent check", async () => {
    const w = await world();
    w.backend.lookup = "POSITIVE";
    const { c, steps } = ctx(w, w.oI);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("OBJECT_AVAILABLE");
    expect(steps).toEqual(["LookupObject", "LookupAvailable", "LookupUnuse"]);
    expect(w.index.n_active).toBe(1);
  });

  it("rethrows what is not a BackendError", async () => {
    const w = await world();
    w.backend.lookup = new TypeError("backend bug");
    await expect(WORK.LOOK_UP_OBJECT(ctx(w, w.oD).c)).rejects.toThrow("backend bug");
  });

  it("reports a backend error as the object's ERROR event", async () => {
    const w = await world();
    w.oD.flags.delete("IS_AVAILABLE");
    w.backend.lookup = new BackendError("ENOBUFS", "lookupObject", "injected");
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("LOOKUP_FAILURE");
    expect(steps).toEqual(["LookupObject", "LookupUnuse"]);
    expect(w.oD.events.has("ERROR")).toBe(true);
    expect(w.cache.core.broken).toBe(false);
    expect(w.cookie.n_active).toBe(1);
  });

  it("a lookup I/O error breaks the cache; the label carries the backend's report", async () => {
    const w = await world();
    w.oD.flags.delete("IS_AVAILABLE");
    w.backend.lookup = new BackendError("EIO", "lookupObject", "injected");
    const { c, labels } = ctx(w, w.oD);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("LOOKUP_FAILURE");
    expect(labels).toEqual(['LookupObject({"result":"EIO"})', "LookupUnuse"]);
    expect(w.cache.core.broken).toBe(true);
    expect(w.oD.events.has("ERROR")).toBe(true);
  });

  it("not found and creating it fails: looked up (NO_DATA_YET), never available; EIO breaks the cache", async () => {
    for (const code of ["ENOSPC", "EIO"] as const) {
      const w = await world();
      for (const f of ["IS_AVAILABLE", "IS_LOOKED_UP"] as const) w.oD.flags.delete(f);
      w.cookie.flags.delete("NO_DATA_YET");
      w.cookie.flags.add("LOOKING_UP");
      w.backend.lookup = new BackendError(code, "lookupObject", "injected", { afterNegative: true });
      const { c, labels } = ctx(w, w.oD);
      expect(await WORK.LOOK_UP_OBJECT(c)).toBe("LOOKUP_FAILURE");
      const created = code === "EIO" ? "EIO" : "ERROR";
      expect(labels).toEqual([
        'LookupObject({"result":"NEGATIVE"})',
        `LookupCreate({"result":"${created}"})`,
        "LookupUnuse",
      ]);
      expect(w.oD.flags.has("IS_LOOKED_UP")).toBe(true);
      expect(w.oD.flags.has("IS_AVAILABLE")).toBe(false);
      expect([...w.cookie.flags].sort()).toEqual(["NO_DATA_YET"]);
      expect(w.oD.events.has("ERROR")).toBe(true);
      expect(w.cache.core.broken).toBe(code === "EIO");
    }
  });

  it("only the first lookup report updates the cookie", async () => {
    const w = await world();
    w.cookie.flags.delete("NO_DATA_YET");
    w.cookie.flags.add("LOOKING_UP");
    const { c, labels } = ctx(w, w.oD);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("OBJECT_AVAILABLE");
    expect(labels).toEqual([
      'LookupObject({"result":"NEGATIVE"})',
      'LookupCreate({"result":"OK"})',
      "LookupAvailable",
      "LookupUnuse",
    ]);
    expect([...w.cookie.flags].sort()).toEqual(["LOOKING_UP"]);
    expect(w.oD.events.has("ERROR")).toBe(false);
  });

  it("3.12 without an n_active unit (relinquish got it to 0) fails the lookup before the backend", async () => {
    const w = await world({ design: "POST_FIX" });
    w.cookie.n_active = 0;
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.LOOK_UP_OBJECT(c)).toBe("LOOKUP_FAILURE");
    expect(steps).toEqual([]);
    expect(w.backend.calls).toEqual([]);
    expect(w.cookie.n_active).toBe(0);
  });

  it("PRE_FIX: netfs data cleared during the lookup I/O is the LookupObject oops", async () => {
    const w = await world({ design: "PRE_FIX" });
    const { c } = ctx(w, w.oD, { LookupObject: () => (w.cookie.def = null) });
    expect(await oops(() => WORK.LOOK_UP_OBJECT(c))).toBe(SPEC_OOPS.LookupObject);
  });

  it("3.12 dereferences object->cookie at the first step: NULL is the spec's oops", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oD.cookie = null;
    expect(await oops(() => WORK.LOOK_UP_OBJECT(ctx(w, w.oD).c))).toBe(SPEC_OOPS.LOOK_UP_OBJECT);
  });

  it("PRE_FIX: a cookie detached during the lookup I/O is the LookupObject oops", async () => {
    const w = await world({ design: "PRE_FIX" });
    const { c } = ctx(w, w.oD, { LookupObject: () => (w.oD.cookie = null) });
    expect(await oops(() => WORK.LOOK_UP_OBJECT(c))).toBe(SPEC_OOPS.LookupObject);
  });

  it("PRE_FIX: LookupAvailable clears CREATING on a live cookie, and skips a detached or freed one", async () => {
    const w = await world({ design: "PRE_FIX" });
    w.cookie.flags.add("CREATING");
    const live = ctx(w, w.oD);
    expect(await WORK.LOOK_UP_OBJECT(live.c)).toBe("OBJECT_AVAILABLE");
    expect(w.cookie.flags.has("CREATING")).toBe(false);
    // Detached (NULLed) between LookupCreate and LookupAvailable: nothing to clear.
    const detached = ctx(w, w.oD, { LookupAvailable: () => (w.oD.cookie = null) });
    expect(await WORK.LOOK_UP_OBJECT(detached.c)).toBe("OBJECT_AVAILABLE");
    expect(detached.steps).toEqual(["LookupObject", "LookupCreate", "LookupAvailable", "LookupUnuse"]);
    // A freed cookie's memory is not written.
    const w2 = await world({ design: "PRE_FIX" });
    w2.cookie.flags.add("CREATING");
    const freed = ctx(w2, w2.oD, { LookupAvailable: () => (w2.cookie.mem = "FREED") });
    expect(await WORK.LOOK_UP_OBJECT(freed.c)).toBe("OBJECT_AVAILABLE");
    expect(w2.cookie.flags.has("CREATING")).toBe(true);
  });

  it("3.12: the n_active unit is given back through object->cookie (a NULL one is an oops naming the step)", async () => {
    const w = await world({ design: "POST_FIX" });
    const { c } = ctx(w, w.oD, { LookupUnuse: () => (w.oD.cookie = null) });
    expect(await oops(() => WORK.LOOK_UP_OBJECT(c))).toBe("LookupUnuse: NULL cookie");
    const w2 = await world({ design: "POST_FIX" });
    const freed = ctx(w2, w2.oD, { LookupUnuse: () => (w2.cookie.mem = "FREED") });
    expect(await oops(() => WORK.LOOK_UP_OBJECT(freed.c))).toBe("LookupUnuse: freed cookie");
  });
});

describe("INVALIDATE_OBJECT", () => {
  it("3.12: NULL or freed object->cookie at the first step is an oops naming it", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oD.cookie = null;
    expect(await oops(() => WORK.INVALIDATE_OBJECT(ctx(w, w.oD).c))).toBe("INVALIDATE_OBJECT: NULL cookie");
    const w2 = await world({ design: "POST_FIX" });
    w2.cookie.mem = "FREED";
    expect(await oops(() => WORK.INVALIDATE_OBJECT(ctx(w2, w2.oD).c))).toBe(
      "INVALIDATE_OBJECT: freed cookie",
    );
  });

  it("without an n_active unit (relinquish got it to 0) retires the cookie and kills the object", async () => {
    const w = await world({ design: "POST_FIX" });
    w.cookie.n_active = 0;
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.INVALIDATE_OBJECT(c)).toBe("KILL_OBJECT");
    expect(steps).toEqual([]);
    expect(w.cookie.flags.has("RETIRED")).toBe(true);
    expect(w.cookie.n_active).toBe(0);
    // ... and ASSERTs that no page is still queued for writing then.
    const w2 = await world({ design: "POST_FIX" });
    w2.cookie.n_active = 0;
    w2.cookie.stores.set(0, { tag: "PENDING", data: new Uint8Array(1) });
    expect(await oops(() => WORK.INVALIDATE_OBJECT(ctx(w2, w2.oD).c))).toBe(
      SPEC_OOPS["INVALIDATE_OBJECT:stores"],
    );
    expect(w2.cookie.flags.has("RETIRED")).toBe(false);
  });

  it("PRE_FIX: a cookie NULLed by relinquish before any later step is that step's oops", async () => {
    for (const step of ["InvalidateWrites", "InvalidateSubmitOp", "InvalidateDone"] as const) {
      const w = await world({ design: "PRE_FIX" });
      const { c } = ctx(w, w.oD, { [step]: () => (w.oD.cookie = null) });
      expect(await oops(() => WORK.INVALIDATE_OBJECT(c))).toBe(SPEC_OOPS[step]);
    }
  });

  it("submits an ASYNC exclusive op; 3.12's owns an n_active unit, PRE_FIX's does not", async () => {
    for (const [design, flags, active] of [
      ["POST_FIX", ["ASYNC", "EXCLUSIVE", "UNUSE_COOKIE"], 2],
      ["PRE_FIX", ["ASYNC", "EXCLUSIVE"], 1],
    ] as const) {
      const w = await world({ design });
      expect(await WORK.INVALIDATE_OBJECT(ctx(w, w.oD).c)).toBe("UPDATE_OBJECT");
      const ops = [...w.cache.core.ops.values()];
      expect(ops.map((o) => [o.kind, o.state, o.pc, [...o.flags]])).toEqual([
        ["INVALIDATE", "IN_PROGRESS", "OpInvalidateObject", flags],
      ]);
      expect([w.oD.n_in_progress, w.oD.n_exclusive, w.oD.n_ops]).toEqual([1, 1, 1]);
      expect(w.cookie.n_active).toBe(active);
    }
  });

  it("drops the pending page writes (not one being stored) and wakes their waiters only then", async () => {
    const w = await world();
    w.cookie.flags.delete("NO_DATA_YET");
    w.cookie.stores.set(0, { tag: "PENDING", data: new Uint8Array(1) });
    w.cookie.stores.set(1, { tag: "STORING", data: new Uint8Array(1) });
    w.oD.flags.add("PENDING_WRITE");
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.INVALIDATE_OBJECT(c)).toBe("UPDATE_OBJECT");
    expect(steps).toEqual(["InvalidateWrites", "InvalidateSubmitOp", "InvalidateDone"]);
    expect([...w.cookie.stores.keys()]).toEqual([1]);
    expect(w.wakes).toContain("cookie:D:stores");
    expect(w.oD.flags.has("PENDING_WRITE")).toBe(false);
    expect(w.cookie.flags.has("NO_DATA_YET")).toBe(true);
    // Nothing pending: the page-write waiters are left asleep.
    const w2 = await world();
    w2.cookie.stores.set(1, { tag: "STORING", data: new Uint8Array(1) });
    expect(await WORK.INVALIDATE_OBJECT(ctx(w2, w2.oD).c)).toBe("UPDATE_OBJECT");
    expect([...w2.cookie.stores.keys()]).toEqual([1]);
    expect(w2.wakes).not.toContain("cookie:D:stores");
  });

  it("clears PENDING_WRITE itself when the exclusive op only queues (cache broken)", async () => {
    const w = await world({ design: "POST_FIX" });
    w.cache.core.ioError();
    w.oD.flags.add("PENDING_WRITE");
    let atDone: boolean | undefined;
    const { c } = ctx(w, w.oD, { InvalidateDone: () => (atDone = w.oD.flags.has("PENDING_WRITE")) });
    expect(await WORK.INVALIDATE_OBJECT(c)).toBe("UPDATE_OBJECT");
    expect(atDone).toBe(false);
    expect(w.oD.pending_ops.map((o) => o.kind)).toEqual(["INVALIDATE"]);
  });

  it("no memory for the op: clears IS_LIVE, gives back the n_active unit (3.12) and kills the object", async () => {
    for (const design of ["POST_FIX", "PRE_FIX"] as const) {
      const w = await world({ design, maxOps: 1 });
      expect(allocOp(w.cache.core, "READ", [])).not.toBeNull();
      const { c, steps } = ctx(w, w.oD);
      expect(await WORK.INVALIDATE_OBJECT(c)).toBe("KILL_OBJECT");
      expect(steps).toEqual(["InvalidateWrites", "InvalidateSubmitOp"]);
      expect(w.oD.flags.has("IS_LIVE")).toBe(false);
      expect(w.cookie.n_active).toBe(1);
      expect(w.oD.n_exclusive).toBe(0);
    }
  });

  it("an exclusive op refused (object neither active nor looked up) is freed, then the ASSERT fires", async () => {
    const w = await world();
    w.oD.flags.delete("IS_AVAILABLE");
    w.oD.flags.delete("IS_LOOKED_UP");
    expect(await oops(() => WORK.INVALIDATE_OBJECT(ctx(w, w.oD).c))).toBe(
      SPEC_OOPS["InvalidateSubmitOp:refused"],
    );
    expect([...w.cache.core.ops.keys()]).toEqual([]);
  });
});

describe("UPDATE_OBJECT", () => {
  it("stores the netfs's aux through the backend within an n_active unit", async () => {
    const w = await world({ design: "POST_FIX" });
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.UPDATE_OBJECT(c)).toBe("WAIT_FOR_CMD");
    expect(steps).toEqual(["UpdateObject"]);
    expect(w.backend.calls).toEqual(["updateObject netfs/a aux:a"]);
    expect(w.cookie.n_active).toBe(1);
  });

  it("an index cookie without get_aux stores empty aux", async () => {
    const w = await world();
    expect(await WORK.UPDATE_OBJECT(ctx(w, w.oI).c)).toBe("WAIT_FOR_CMD");
    expect(w.backend.calls).toEqual(["updateObject netfs "]);
  });

  it("skips the update without an n_active unit (3.12)", async () => {
    const w = await world({ design: "POST_FIX" });
    w.cookie.n_active = 0;
    const { c, steps } = ctx(w, w.oD);
    expect(await WORK.UPDATE_OBJECT(c)).toBe("WAIT_FOR_CMD");
    expect(steps).toEqual([]);
    expect(w.backend.calls).toEqual([]);
    expect(w.cookie.n_active).toBe(0);
  });

  it("ignores a failed aux update, but not a failure that is no BackendError", async () => {
    const w = await world({ design: "POST_FIX" });
    w.backend.updateError = new BackendError("EIO", "updateObject", "injected");
    expect(await WORK.UPDATE_OBJECT(ctx(w, w.oD).c)).toBe("WAIT_FOR_CMD");
    expect(w.backend.calls).toEqual(["updateObject netfs/a aux:a"]);
    expect(w.cookie.n_active).toBe(1);
    w.backend.updateError = new TypeError("backend bug");
    await expect(WORK.UPDATE_OBJECT(ctx(w, w.oD).c)).rejects.toThrow("backend bug");
  });

  it("PRE_FIX takes no n_active unit", async () => {
    const w = await world({ design: "PRE_FIX" });
    expect(await WORK.UPDATE_OBJECT(ctx(w, w.oD).c)).toBe("WAIT_FOR_CMD");
    expect(w.cookie.n_active).toBe(1);
    expect(w.backend.calls).toEqual(["updateObject netfs/a aux:a"]);
  });

  it("PRE_FIX: a NULL cookie at either step, or cleared netfs data, is the spec's oops", async () => {
    const w = await world({ design: "PRE_FIX" });
    w.oD.cookie = null;
    expect(await oops(() => WORK.UPDATE_OBJECT(ctx(w, w.oD).c))).toBe(SPEC_OOPS.UPDATE_OBJECT);
    const w2 = await world({ design: "PRE_FIX" });
    const nulled = ctx(w2, w2.oD, { UpdateObject: () => (w2.oD.cookie = null) });
    expect(await oops(() => WORK.UPDATE_OBJECT(nulled.c))).toBe(SPEC_OOPS.UpdateObject);
    const w3 = await world({ design: "PRE_FIX" });
    const cleared = ctx(w3, w3.oD, { UpdateObject: () => (w3.cookie.def = null) });
    expect(await oops(() => WORK.UPDATE_OBJECT(cleared.c))).toBe(SPEC_OOPS.UpdateObject);
    expect(w3.backend.calls).toEqual([]);
  });
});

describe("ABORT_INIT and LOOKUP_FAILURE", () => {
  it("ABORT_INIT of a top-level object touches no parent", async () => {
    const w = await world();
    expect(await WORK.ABORT_INIT(ctx(w, w.oI).c)).toBe("KILL_OBJECT");
    expect(w.oI.oob_event_mask.size).toBe(0);
    expect(w.oI.flags.has("IS_LIVE")).toBe(true);
  });

  it("PRE_FIX ABORT_INIT clears IS_LIVE and a live cookie's CREATING, copes with a NULL or freed cookie", async () => {
    const w = await world({ design: "PRE_FIX" });
    w.cookie.flags.add("CREATING");
    expect(await WORK.ABORT_INIT(ctx(w, w.oD).c)).toBe("KILL_OBJECT");
    expect(w.oD.flags.has("IS_LIVE")).toBe(false);
    expect(w.cookie.flags.has("CREATING")).toBe(false);
    expect(w.wakes).toContain("cookie:D:flags");
    const w2 = await world({ design: "PRE_FIX" });
    w2.oD.cookie = null;
    expect(await WORK.ABORT_INIT(ctx(w2, w2.oD).c)).toBe("KILL_OBJECT");
    expect(w2.oD.flags.has("IS_LIVE")).toBe(false);
    const w3 = await world({ design: "PRE_FIX" });
    w3.cookie.flags.add("CREATING");
    w3.cookie.mem = "FREED";
    expect(await WORK.ABORT_INIT(ctx(w3, w3.oD).c)).toBe("KILL_OBJECT");
    expect(w3.cookie.flags.has("CREATING")).toBe(true);
  });

  it("3.12 LOOKUP_FAILURE dereferences object->cookie: NULL is the spec's oops", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oD.cookie = null;
    expect(await oops(() => WORK.LOOKUP_FAILURE(ctx(w, w.oD).c))).toBe(SPEC_OOPS.LOOKUP_FAILURE);
  });

  it("PRE_FIX LOOKUP_FAILURE marks a live cookie unavailable and skips a NULL or freed one", async () => {
    const w = await world({ design: "PRE_FIX" });
    w.cookie.flags.add("CREATING");
    w.cookie.flags.add("LOOKING_UP");
    w.oI.n_ops = 1;
    expect(await WORK.LOOKUP_FAILURE(ctx(w, w.oD).c)).toBe("KILL_OBJECT");
    expect([...w.cookie.flags].sort()).toEqual(["NO_DATA_YET", "UNAVAILABLE"]);
    expect(w.oI.n_ops).toBe(0);
    const w2 = await world({ design: "PRE_FIX" });
    w2.oD.cookie = null;
    w2.oI.n_ops = 1;
    expect(await WORK.LOOKUP_FAILURE(ctx(w2, w2.oD).c)).toBe("KILL_OBJECT");
    expect(w2.oI.n_ops).toBe(0);
    expect(w2.backend.calls).toEqual(["lookupComplete netfs/a"]);
    const w3 = await world({ design: "PRE_FIX" });
    w3.cookie.mem = "FREED";
    w3.oI.n_ops = 1;
    expect(await WORK.LOOKUP_FAILURE(ctx(w3, w3.oD).c)).toBe("KILL_OBJECT");
    expect(w3.cookie.flags.has("UNAVAILABLE")).toBe(false);
  });
});

describe("KILL_OBJECT", () => {
  it("waits for clearance while children remain, starting pending ops only when none is in progress", async () => {
    const w = await world();
    const { c, steps } = ctx(w, w.oI);
    expect(await WORK.KILL_OBJECT(c)).toBe("WAIT_FOR_CLEARANCE");
    expect(steps).toEqual(["KillTest", "KillStartOps"]);
    expect(w.oI.flags.has("IS_LIVE")).toBe(false);
    const op = pendingRead(w, w.oD);
    w.oD.n_in_progress = 1;
    expect(await WORK.KILL_OBJECT(ctx(w, w.oD).c)).toBe("WAIT_FOR_CLEARANCE");
    expect(op.state).toBe("PENDING");
    w.oD.n_in_progress = 0;
    expect(await WORK.KILL_OBJECT(ctx(w, w.oD).c)).toBe("WAIT_FOR_CLEARANCE");
    expect(op.state).toBe("IN_PROGRESS");
  });
  it("kills its dependents first, and in PRE_FIX detaches only an attached object", async () => {
    const w = await world();
    w.oI.n_children = 0;
    w.oI.dependents = [w.oD];
    w.oD.usage = 2;
    expect(await WORK.KILL_OBJECT(ctx(w, w.oI).c)).toBe("KILL_DEPENDENTS");
    expect(await WORK.KILL_DEPENDENTS(ctx(w, w.oI).c)).toBe("WAIT_FOR_CLEARANCE");
    expect(w.oI.dependents).toEqual([]);
    expect(w.oD.events.has("KILL")).toBe(true);
    const p = await world({ design: "PRE_FIX" });
    expect(await WORK.KILL_OBJECT(ctx(p, p.oD).c)).toBe("DETACH_FROM_COOKIE");
    p.oD.cookie = null;
    expect(await WORK.KILL_OBJECT(ctx(p, p.oD).c)).toBe("DROP_OBJECT");
    expect(await WORK.DETACH_FROM_COOKIE(ctx(p, p.oD).c)).toBe("DROP_OBJECT");
    expect(p.cookie.usage).toBe(2);
  });
});

describe("DETACH_FROM_COOKIE and DROP_OBJECT", () => {
  it("PRE_FIX detaches: the object gives its cookie ref back and holds none", async () => {
    const w = await world({ design: "PRE_FIX" });
    w.oD.flags.delete("IS_LIVE");
    w.cookie.flags.add("INVALIDATING");
    expect(await WORK.DETACH_FROM_COOKIE(ctx(w, w.oD).c)).toBe("DROP_OBJECT");
    expect(w.cookie.flags.has("INVALIDATING")).toBe(false);
    expect(w.oD.cookie).toBeNull();
    expect(w.oD.holdsCookieRef).toBe(false);
    expect(w.cookie.backing_objects).toEqual([]);
    expect(w.cookie.usage).toBe(1);
  });

  it("PRE_FIX drops with the retirement relinquish recorded on the object; ASSERTs it is detached", async () => {
    const w = await world({ design: "PRE_FIX" });
    await WORK.DETACH_FROM_COOKIE(ctx(w, w.oD).c);
    w.oD.retire = true;
    expect(await WORK.DROP_OBJECT(ctx(w, w.oD).c)).toBe("OBJECT_DEAD");
    expect(w.backend.calls).toContain("dropObject netfs/a retire=true");
    expect(w.oD.parent).toBeNull();
    const w2 = await world({ design: "PRE_FIX" });
    expect(await oops(() => WORK.DROP_OBJECT(ctx(w2, w2.oD).c))).toBe(SPEC_OOPS["DROP_OBJECT:attached"]);
  });

  it("3.12 drops through object->cookie: NULL, or an object not hashed on it, is the spec's oops", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oD.cookie = null;
    expect(await oops(() => WORK.DROP_OBJECT(ctx(w, w.oD).c))).toBe(SPEC_OOPS.DROP_OBJECT);
    const w2 = await world({ design: "POST_FIX" });
    w2.cookie.backing_objects.length = 0;
    expect(await oops(() => WORK.DROP_OBJECT(ctx(w2, w2.oD).c))).toBe(SPEC_OOPS["DROP_OBJECT:unhashed"]);
    // unhashObject leaves the other objects of the cookie alone.
    const w3 = await world({ design: "POST_FIX" });
    w3.cookie.backing_objects.splice(0, 1, w3.oI);
    expect(await oops(() => WORK.DROP_OBJECT(ctx(w3, w3.oD).c))).toBe(SPEC_OOPS["DROP_OBJECT:unhashed"]);
    expect(w3.cookie.backing_objects).toEqual([w3.oI]);
  });

  it("retires the data of a RETIRED cookie; drops pending writes only with DROP_DISCARDS_PENDING_WRITES", async () => {
    for (const [repairs, left] of [
      [["DROP_DISCARDS_PENDING_WRITES"], [1]],
      [[], [0, 1]],
    ] as const) {
      const w = await world({ design: "POST_FIX_REPAIRED", repairs });
      w.cookie.flags.add("RETIRED");
      w.cookie.stores.set(0, { tag: "PENDING", data: new Uint8Array(1) });
      w.cookie.stores.set(1, { tag: "STORING", data: new Uint8Array(1) });
      w.oD.usage = 2;
      expect(await WORK.DROP_OBJECT(ctx(w, w.oD).c)).toBe("OBJECT_DEAD");
      expect([...w.cookie.stores.keys()]).toEqual(left);
      expect(w.backend.calls).toEqual(["dropObject netfs/a retire=true"]);
      expect(w.oD.usage).toBe(1);
    }
  });

  it("DROP_CLEARS_LOOKING_UP: an object dropped before its lookup marks its cookie unavailable", async () => {
    for (const [repairs, flags] of [
      [["DROP_CLEARS_LOOKING_UP"], ["UNAVAILABLE"]],
      [[], ["LOOKING_UP"]],
    ] as const) {
      const w = await world({ design: "POST_FIX_REPAIRED", repairs });
      w.cookie.flags.clear();
      w.cookie.flags.add("LOOKING_UP");
      w.oD.usage = 2;
      expect(await WORK.DROP_OBJECT(ctx(w, w.oD).c)).toBe("OBJECT_DEAD");
      expect([...w.cookie.flags]).toEqual(flags);
    }
  });

  it("a failed delete does not stop the drop, a failure that is no BackendError does", async () => {
    const w = await world({ design: "POST_FIX" });
    w.backend.dropError = new BackendError("EIO", "dropObject", "injected");
    w.oD.usage = 2;
    expect(await WORK.DROP_OBJECT(ctx(w, w.oD).c)).toBe("OBJECT_DEAD");
    expect(w.backend.calls).toEqual(["dropObject netfs/a retire=false"]);
    expect(w.oI.n_children).toBe(0);
    expect(w.oI.events.has("CLEARED")).toBe(true);
    const w2 = await world({ design: "POST_FIX" });
    w2.backend.dropError = new TypeError("backend bug");
    await expect(WORK.DROP_OBJECT(ctx(w2, w2.oD).c)).rejects.toThrow("backend bug");
    expect(w2.oI.n_children).toBe(1);
  });

  it("drops a top-level object, and raises CLEARED on a parent only at its last child", async () => {
    const w = await world({ design: "POST_FIX" });
    w.oI.n_children = 2;
    w.oD.usage = 2;
    await WORK.DROP_OBJECT(ctx(w, w.oD).c);
    expect(w.oI.n_children).toBe(1);
    expect(w.oI.events.has("CLEARED")).toBe(false);
    w.oI.usage = 2;
    expect(await WORK.DROP_OBJECT(ctx(w, w.oI).c)).toBe("OBJECT_DEAD");
    expect(w.oI.parent).toBeNull();
    expect(w.backend.calls).toEqual(["dropObject netfs/a retire=false", "dropObject netfs retire=false"]);
  });
});

describe("objects dying in whole runs", () => {
  it("PRE_FIX: an object whose lookup fails is dropped without retiring its data", async () => {
    const w = await world({ design: "PRE_FIX" });
    w.backend.lookup = new BackendError("ENOBUFS", "lookupObject", "injected");
    const file = newFile("b");
    const p = w.cache.acquireCookie(w.index, fileDef(file), file, "E");
    const r = await w.runtime.runUntilQuiescent(firstEnabled);
    expect(r.end).toBe("done");
    expect(await p).not.toBeNull();
    expect(w.backend.calls).toEqual([
      "lookupObject netfs/b",
      "lookupComplete netfs/b",
      "dropObject netfs/b retire=false",
      "putObject netfs/b",
    ]);
    expect(w.freed.map((o) => [o.id, o.state, o.holdsCookieRef])).toEqual([["E", "OBJECT_DEAD", false]]);
  });

  it("a broken cache still attaches new objects under a live parent; their lookups fail at once", async () => {
    const w = await world();
    w.cache.core.ioError();
    expect(objectIsDead(w.cache.core, w.oI)).toBe(false);
    expect(objectIsDead(w.cache.core, w.oD)).toBe(false);
    w.oD.flags.delete("IS_LIVE");
    expect(objectIsDead(w.cache.core, w.oD)).toBe(true);
    const file = newFile("b");
    const p = w.cache.acquireCookie(w.index, fileDef(file), file, "E");
    const r = await w.runtime.runUntilQuiescent(firstEnabled);
    expect(r.end).toBe("done");
    const e = await p;
    expect(e).not.toBeNull();
    // The object is attached, fails its lookup without asking the backend and is dropped.
    expect(w.backend.calls).toEqual([
      "lookupComplete netfs/b",
      "dropObject netfs/b retire=false",
      "putObject netfs/b",
    ]);
    expect(e?.flags.has("UNAVAILABLE")).toBe(true);
  });

  it("3.12 drops a data object killed by its relinquish: its cookie ref goes with the object", async () => {
    const w = await world({ design: "POST_FIX" });
    await settle(w.runtime, w.cache.relinquishCookie(w.cookie, false));
    expect(w.freed.map((o) => [o.id, o.state, o.mem, o.holdsCookieRef, o.cookie])).toEqual([
      ["D", "OBJECT_DEAD", "FREED", false, null],
    ]);
    expect(w.cookie.mem).toBe("FREED");
    // The index object lives on: destroying D did not announce an empty cache.
    expect(w.wakes).not.toContain("fscache_cache_cleared_wq");
    expect(w.cache.inspect().objects.map((o) => o.id)).toEqual(["I"]);
  });

  it("a put that leaves the object referenced destroys nothing", async () => {
    const w = await world();
    w.oD.usage = 2;
    objectPut(w.cache.core, w.oD);
    expect(w.oD.mem).toBe("LIVE");
    expect(w.freed).toEqual([]);
  });
});

describe("raising events and queueing the work item", () => {
  it("a new object is idle, listens for ERROR, KILL and NEW_CHILD, and is queued by one of them", async () => {
    const w = await world();
    const core = w.cache.core;
    const o = new FscacheObject(
      "X",
      w.cookie,
      w.backend.allocObject({ path: ["netfs", "x"] }),
      new Uint8Array(),
    );
    expect([o.wq, o.disp, o.exec, o.usage]).toEqual(["IDLE", "IDLE", "NONE", 1]);
    expect([...o.event_mask].sort()).toEqual(["ERROR", "KILL", "NEW_CHILD"]);
    raiseEvent(core, o, "ERROR");
    expect([o.wq, o.disp, o.usage]).toEqual(["QUEUED", "DispatchStart", 2]);
    expect(w.runtime.enabled().map((e) => e.taskName)).toEqual(["object:X"]);
  });

  it("a bit already pending is not raised again; a running item is requeued once", async () => {
    const w = await world();
    const core = w.cache.core;
    w.oD.events.add("UPDATE");
    raiseEvent(core, w.oD, "UPDATE");
    expect([w.oD.wq, w.oD.usage]).toEqual(["IDLE", 1]);
    w.oD.events.clear();
    w.oD.wq = "RUNNING";
    raiseEvent(core, w.oD, "UPDATE");
    expect([w.oD.wq, w.oD.usage]).toEqual(["REQUEUED", 2]);
    raiseEvent(core, w.oD, "INVALIDATE");
    expect([w.oD.wq, w.oD.usage]).toEqual(["REQUEUED", 2]);
    expect(w.runtime.enabled()).toEqual([]);
  });
});

describe("oops strings of the checks outside the spec", () => {
  it("netfs data cleared, at a site the spec does not name", async () => {
    const w = await world();
    w.cookie.def = null;
    expect(await oops(() => netfsOf(w.cookie, "AllocObject"))).toBe("AllocObject: netfs data cleared");
  });

  it("DispatchSelect BUGs when a pending event in the mask matches no transition", async () => {
    const set = new Set<EventName>(["UPDATE"]);
    const none = new Set<EventName>();
    expect(
      await oops(() =>
        select({ state: "WAIT_FOR_CLEARANCE", events: set, oobMask: none, oob: "run", dmask: set }),
      ),
    ).toBe(SPEC_OOPS.DispatchSelect);
  });
});
