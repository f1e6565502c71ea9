// The netfs calls, operation submission/cancellation and the op workers' paths one at a time, on the stepped
// runtime driven step by step: where an op is queued or run, what a cancelled, refused or failed op leaves
// behind (results, counters, cookie flags, pages stored), the store limit the netfs reports, the acquire
// paths of a dying parent object, backend errors in the invalidate, attr-change and write ops, and the oops
// and misuse messages naming their site.

import { describe, expect, it } from "vitest";
import type { BackendObject } from "../../src/fscache/backend.ts";
import { type FaultRule, FaultyBackend, failOnce } from "../../src/fscache/backends/faults.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import type { Cookie, CookieDef } from "../../src/fscache/cookie.ts";
import { OopsError } from "../../src/fscache/errors.ts";
import {
  type Caller,
  type Design,
  firstLabel,
  FsCache,
  FsCacheError,
  REPAIRS,
  type Repair,
  SPEC_REPAIRS,
} from "../../src/fscache/index.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import { allocOp, freeOp, type Operation } from "../../src/fscache/operation.ts";
import { SPEC_OOPS } from "../../src/fscache/oops.ts";
import { label } from "../../src/runtime/runtime.ts";
import { formatStep, SteppedRuntime } from "../../src/runtime/stepped.ts";
import { indexDef } from "./workload.ts";

/** A memory backend behind a fault plan, recording the calls that reach it (and failing some with a plain Error). */
class RecordingBackend extends FaultyBackend {
  readonly calls: string[] = [];
  /** Calls of these kinds throw a plain Error (not a BackendError) before anything else. */
  readonly plainErrors = new Set<string>();
  /** Called at the start of each page write (before any fault). */
  onWrite: (() => void) | null = null;

  constructor(plan: readonly FaultRule[] = []) {
    super(new MemoryBackend(), plan);
  }

  private plain(what: string): void {
    if (this.plainErrors.has(what)) throw new Error(`plain ${what} failure`);
  }

  override invalidateObject(obj: BackendObject, size: number): Promise<void> {
    this.calls.push(`invalidate ${obj.key.path.join("/")} ${size}`);
    this.plain("invalidateObject");
    return super.invalidateObject(obj, size);
  }

  override attrChanged(obj: BackendObject, size: number): Promise<void> {
    this.calls.push(`attr ${obj.key.path.join("/")} ${size}`);
    this.plain("attrChanged");
    return super.attrChanged(obj, size);
  }

  override readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    this.calls.push(`read ${obj.key.path.join("/")} ${page}`);
    this.plain("readPage");
    return super.readPage(obj, page);
  }

  override writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void> {
    this.onWrite?.();
    this.calls.push(`write ${obj.key.path.join("/")} ${page} ${new TextDecoder().decode(data)}`);
    this.plain("writePage");
    return super.writePage(obj, page, data);
  }
}

/** A data file's netfs side: its size in pages (what getAttr reports) and how often the cache asked. */
interface File {
  readonly name: string;
  pages: number;
  attrCalls: number;
}

function dataDef(): CookieDef<File> {
  return {
    name: "file",
    type: "DATAFILE",
    getKey: (f) => f.name,
    getAux: (f) => new TextEncoder().encode(`aux:${f.name}`),
    getAttr: (f) => {
      f.attrCalls++;
      return f.pages * 4096;
    },
  };
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One FsCache on the stepped runtime; each netfs call is a task `netfs:<t>` run step by step. */
class Harness {
  readonly runtime = new SteppedRuntime();
  readonly backend: RecordingBackend;
  readonly cache: FsCache;
  private n = 0;

  constructor(
    opts: { design?: Design; repairs?: readonly Repair[]; plan?: readonly FaultRule[]; maxOps?: number } = {},
  ) {
    this.backend = new RecordingBackend(opts.plan ?? []);
    this.cache = new FsCache({
      runtime: this.runtime,
      backend: this.backend,
      ...(opts.design ? { design: opts.design } : {}),
      ...(opts.repairs ? { repairs: opts.repairs } : {}),
      ...(opts.maxOps !== undefined ? { maxOps: opts.maxOps } : {}),
    });
  }

  get core() {
    return this.cache.core;
  }

  /** Spawns a netfs call as task netfs:<t> (parked at its first step); `result()` once it returned. */
  call<T>(
    action: string,
    params: Record<string, string | boolean>,
    body: (c: Caller) => Promise<T>,
    t = `t${++this.n}`,
  ): { t: string; result: () => T; done: () => boolean; error: () => unknown } {
    const first = firstLabel(action, t, params);
    let out: { v: T } | null = null;
    let err: unknown = undefined;
    this.runtime.spawn(`netfs:${t}`, first, async (task) => {
      try {
        out = { v: await body({ task, t, entered: first }) };
      } catch (e) {
        err = e;
        throw e;
      }
    });
    return {
      t,
      done: () => out !== null,
      error: () => err,
      result: () => {
        if (out === null) throw new Error(`${t} has not returned`, { cause: err });
        return out.v;
      },
    };
  }

  acquire(parent: Cookie | null, def: CookieDef, data: unknown, id?: string, t?: string) {
    return this.call("AcquireCookie", {}, (c) => this.cache.netfs.acquireCookie(c, parent, def, data, id), t);
  }
  read(cookie: Cookie, page: number, t?: string) {
    return this.call("ReadPage", { p: `p${page}` }, (c) => this.cache.netfs.readPage(c, cookie, page), t);
  }
  write(cookie: Cookie, page: number, data: string, t?: string) {
    return this.call(
      "WritePage",
      { p: `p${page}` },
      (c) => this.cache.netfs.writePage(c, cookie, page, enc(data)),
      t,
    );
  }
  attr(cookie: Cookie, t?: string) {
    return this.call("AttrChanged", {}, (c) => this.cache.netfs.attrChanged(c, cookie), t);
  }
  invalidate(cookie: Cookie, t?: string) {
    return this.call("Invalidate", {}, (c) => this.cache.netfs.invalidate(c, cookie), t);
  }
  relinquish(cookie: Cookie, retire = false, t?: string) {
    const action = "RelinquishCookie";
    return this.call(action, { retire }, (c) => this.cache.netfs.relinquishCookie(c, cookie, retire), t);
  }

  /** The enabled step of task `name`, if any. */
  enabledOf(name: string) {
    return this.runtime.enabled().find((e) => e.taskName === name);
  }

  /** Runs one step of task `name` (which must be enabled); returns the step's outcome. */
  async step(name: string, action?: string) {
    const e = this.enabledOf(name);
    if (!e) throw new Error(`${name} not enabled: ${this.runtime.enabled().map(formatStep).join("; ")}`);
    if (action !== undefined) expect(e.label.action).toBe(action);
    return this.runtime.runStep(e.taskId);
  }

  /** Runs task `name` while it is enabled and its next step is not `stopAt`. */
  async run(name: string, stopAt?: string): Promise<void> {
    for (;;) {
      const e = this.enabledOf(name);
      if (!e || e.label.action === stopAt) return;
      const out = await this.runtime.runStep(e.taskId);
      if (out.status === "failed") throw out.error;
    }
  }

  /** Runs every task to quiescence (lowest task first); returns how the run ended. */
  async all() {
    const r = await this.runtime.runUntilQuiescent(() => 0, { stopOnError: false });
    return r.end;
  }

  /** Runs the lowest enabled tasks, except those named, until `cond` holds (or nothing else is enabled). */
  async until(cond: () => boolean, except: readonly string[] = []): Promise<void> {
    while (!cond()) {
      const e = this.runtime.enabled().find((x) => !except.includes(x.taskName));
      if (!e) throw new Error("nothing enabled before the condition held");
      await this.runtime.runStep(e.taskId);
    }
  }

  /** The result the spec's thread record of call `t` holds. */
  result(t: string): string | undefined {
    return this.core.threads.get(t)?.result;
  }

  /** The steps task `name` has run, as `Action` strings. */
  steps(name: string): string[] {
    return this.runtime
      .log()
      .filter((l) => l.taskName === name)
      .map((l) => l.label.action);
  }

  /** An index cookie I and a data cookie D under it, both acquired and D's object looked up and available. */
  async file(pages = 4, name = "f", idx?: Cookie) {
    let index = idx ?? null;
    if (!index) {
      const i = this.acquire(null, indexDef, null, "I");
      await this.all();
      index = i.result();
    }
    const f: File = { name, pages, attrCalls: 0 };
    const d = this.acquire(index, dataDef(), f, name.toUpperCase());
    await this.all();
    const cookie = d.result();
    if (!index || !cookie) throw new Error("acquire failed");
    return { index, cookie, f, obj: obj(cookie) };
  }

  /** Reads `page` through the cookie to quiescence (marking it cached); returns the outcome. */
  async readAll(cookie: Cookie, page: number) {
    const r = this.read(cookie, page);
    await this.all();
    return r.result();
  }
}

function obj(cookie: Cookie): FscacheObject {
  const o = cookie.backing_objects[0];
  if (!o) throw new Error(`cookie ${cookie.id} has no object`);
  return o;
}

function opOf(h: Harness, kind: Operation["kind"]): Operation {
  const found = [...h.core.ops.values()].filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Operation;
}

async function misuse(p: () => Promise<unknown>): Promise<string> {
  try {
    await p();
    return "none";
  } catch (e) {
    if (e instanceof FsCacheError) return e.message;
    throw e;
  }
}

describe("misuse messages name the call", () => {
  it("calls on a cookie being relinquished, and a bad page", async () => {
    const h = new Harness();
    const { cookie } = await h.file();
    const api = h.cache.netfs;
    const c = { task: { id: 0, name: "x", step: async () => {}, waitUntil: async () => {} }, t: "tx" };
    expect(await misuse(() => api.readPage(c, cookie, -1))).toBe("BAD_PAGE: readPage: page -1");
    cookie.closing = true;
    const rel = "COOKIE_RELINQUISHED";
    expect(await misuse(() => api.invalidate(c, cookie))).toBe(
      `${rel}: invalidate: cookie F was relinquished`,
    );
    expect(await misuse(() => api.waitOnInvalidate(c, cookie))).toBe(
      `${rel}: waitOnInvalidate: cookie F was relinquished`,
    );
    expect(await misuse(() => api.updateCookie(c, cookie))).toBe(
      `${rel}: updateCookie: cookie F was relinquished`,
    );
    expect(await misuse(() => api.attrChanged(c, cookie))).toBe(
      `${rel}: attrChanged: cookie F was relinquished`,
    );
    expect(await misuse(() => api.readPage(c, cookie, 0))).toBe(
      `${rel}: readPage: cookie F was relinquished`,
    );
    cookie.closing = false;
    cookie.relinquishing = true;
    expect(await misuse(() => api.waitOnPageWrite(c, cookie))).toBe(
      `${rel}: waitOnPageWrite: cookie F was relinquished`,
    );
    cookie.relinquishing = false;
  });
});

describe("acquire", () => {
  it("asks an index def for no size, and a data def without getAttr leaves the store limit unbounded", async () => {
    const h = new Harness();
    let asked = 0;
    const idx: CookieDef = { ...indexDef, getAttr: () => (asked++, 8192) };
    const i = h.acquire(null, idx, null, "I");
    await h.all();
    const index = i.result();
    expect(index).not.toBeNull();
    expect(asked).toBe(0);
    expect(index?.storeLimit).toBe(Infinity);
    const plain: CookieDef = { name: "plain", type: "DATAFILE", getKey: () => "p" };
    const d = h.acquire(index, plain, null, "P");
    await h.all();
    const cookie = d.result();
    if (!cookie) throw new Error("no cookie");
    expect(cookie.storeLimit).toBe(Infinity);
    expect(obj(cookie).store_limit).toBe(Infinity);
    // attrChanged without getAttr keeps the limit too.
    const a = h.attr(cookie);
    await h.all();
    expect(a.result()).toBe("OK");
    expect(cookie.storeLimit).toBe(Infinity);
    expect(obj(cookie).store_limit).toBe(Infinity);
  });

  it("a data cookie at the top level on a withdrawn cache: ENOBUFS, no cookie", async () => {
    const h = new Harness();
    const w = h.cache.withdraw();
    await h.all();
    await w;
    const f: File = { name: "top", pages: 2, attrCalls: 0 };
    const d = h.acquire(null, dataDef(), f, "T");
    expect(await h.all()).toBe("done");
    expect(d.result()).toBeNull();
    expect(h.steps(`netfs:${d.t}`)).toEqual(["AcquireCookie", "AllocObject", "AcquireFail"]);
    expect(h.core.cookies.size).toBe(0);
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("a data cookie at the top level: its object's parent is FSDEF", async () => {
    const h = new Harness();
    const f: File = { name: "top", pages: 3, attrCalls: 0 };
    const d = h.acquire(null, dataDef(), f, "T");
    expect(await h.all()).toBe("done");
    const cookie = d.result();
    if (!cookie) throw new Error("no cookie");
    expect(obj(cookie).parent).toBe("FSDEF");
    expect(cookie.storeLimit).toBe(3);
    expect(obj(cookie).store_limit).toBe(3);
  });
});

describe("attrChanged and the store limit", () => {
  it("takes the new size, rounded up to pages, for the cookie and its object", async () => {
    const h = new Harness();
    const { cookie, f, obj: o } = await h.file(2);
    expect(cookie.storeLimit).toBe(2);
    await h.readAll(cookie, 3);
    await expect(h.cache.netfs.writePage({ task: stub(), t: "tw" }, cookie, 3, enc("x"))).rejects.toThrow(
      /BEYOND_STORE_LIMIT: writePage: page 3 of F >= 2/,
    );
    f.pages = 4.5;
    const a = h.attr(cookie);
    await h.all();
    expect(a.result()).toBe("OK");
    expect(cookie.storeLimit).toBe(5);
    expect(o.store_limit).toBe(5);
    expect(h.backend.calls).toContain(`attr netfs/f ${4.5 * 4096}`);
    const w = h.write(cookie, 3, "page3");
    await h.all();
    expect(w.result()).toBe("OK");
    expect(h.backend.calls).toContain("write netfs/f 3 page3");
  });

  it("no op slot: ENOBUFS, nothing submitted", async () => {
    const h = new Harness({ maxOps: 0 });
    const { cookie, obj: o } = await h.file(2);
    const a = h.attr(cookie);
    await h.all();
    expect(a.result()).toBe("ENOBUFS");
    expect(o.n_ops).toBe(0);
    expect(h.backend.calls.filter((c) => c.startsWith("attr"))).toEqual([]);
    const r = h.read(cookie, 0);
    await h.all();
    expect(r.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.steps(`netfs:${r.t}`)).toEqual(["ReadPage", "ReadWaitLookup"]);
    expect(cookie.n_active).toBe(1);
    expect(h.cache.inspect().oops).toBe("NONE");
  });
});

function stub() {
  return { id: 0, name: "stub", step: async () => {}, waitUntil: async () => {} };
}

describe("the write op", () => {
  it("stores the lowest pending page first, with the latest bytes of a page written twice", async () => {
    const h = new Harness();
    const { cookie, obj: o } = await h.file(4);
    for (const p of [0, 1, 2]) await h.readAll(cookie, p);
    const pcs: string[] = [];
    h.backend.onWrite = () => pcs.push(opOf(h, "WRITE").pc);
    const w2 = h.write(cookie, 2, "two");
    await h.run(`netfs:${w2.t}`);
    expect(w2.result()).toBe("OK");
    expect(o.flags.has("PENDING_WRITE")).toBe(true);
    const w0 = h.write(cookie, 0, "zero");
    await h.run(`netfs:${w0.t}`);
    const w1 = h.write(cookie, 1, "one-old");
    await h.run(`netfs:${w1.t}`);
    const w1b = h.write(cookie, 1, "one");
    await h.run(`netfs:${w1b.t}`);
    expect([w0.result(), w1.result(), w1b.result()]).toEqual(["OK", "OK", "OK"]);
    expect([h.result(w0.t), h.result(w1.t), h.result(w1b.t)]).toEqual(["OK", "OK", "OK"]);
    expect(cookie.stores.get(1)).toEqual({ tag: "PENDING", data: enc("one") });
    // One op for all of them, still waiting to run.
    expect(opOf(h, "WRITE").state).toBe("IN_PROGRESS");
    expect(await h.all()).toBe("done");
    expect(h.backend.calls.filter((c) => c.startsWith("write"))).toEqual([
      "write netfs/f 0 zero",
      "write netfs/f 1 one",
      "write netfs/f 2 two",
    ]);
    expect(pcs).toEqual(["WriteOpWritePage", "WriteOpWritePage", "WriteOpWritePage"]);
    expect(cookie.stores.size).toBe(0);
    expect(o.flags.has("PENDING_WRITE")).toBe(false);
    expect(h.core.ops.size).toBe(0);
    expect(cookie.n_active).toBe(1);
    expect(h.cache.inspect().oops).toBe("NONE");
    const back = await h.readAll(cookie, 1);
    // NO_DATA_YET (negative lookup) stays: the read only allocates.
    expect(back).toEqual({ result: "ENODATA", data: null });
  });

  it("a page queued while its copy is being stored keeps the bytes being stored", async () => {
    const h = new Harness();
    const { cookie } = await h.file(4);
    await h.readAll(cookie, 0);
    const w = h.write(cookie, 0, "first");
    await h.run(`netfs:${w.t}`);
    const k = opOf(h, "WRITE").id;
    await h.step(`op:${k}`, "WriteOp");
    expect(cookie.stores.get(0)?.tag).toBe("STORING");
    const again = h.write(cookie, 0, "second");
    await h.run(`netfs:${again.t}`);
    expect(again.result()).toBe("OK");
    expect(cookie.stores.get(0)).toEqual({ tag: "STORING", data: enc("first") });
    await h.all();
    expect(h.backend.calls.filter((c) => c.startsWith("write"))).toEqual(["write netfs/f 0 first"]);
  });

  const writeError = async (repairs: readonly Repair[], code: "ENOSPC" | "EIO" = "ENOSPC") => {
    const h = new Harness({ repairs, plan: [failOnce("writePage", code)] });
    const { cookie, obj: o } = await h.file(4);
    // As after a positive lookup: the cookie has data (NO_DATA_YET clear).
    cookie.flags.delete("NO_DATA_YET");
    for (const p of [0, 1]) await h.readAll(cookie, p);
    const w0 = h.write(cookie, 0, "zero");
    await h.run(`netfs:${w0.t}`);
    const w1 = h.write(cookie, 1, "one");
    await h.run(`netfs:${w1.t}`);
    const k = opOf(h, "WRITE").id;
    await h.step(`op:${k}`, "WriteOp");
    await h.step(`op:${k}`, "WriteOpWritePage");
    return { h, cookie, o, k };
  };

  it("a failed page write (repaired): the object is aborted, the pending page dropped, the cookie retired", async () => {
    const { h, cookie, o, k } = await writeError(REPAIRS);
    expect(h.backend.injected()).toEqual([{ op: "writePage", key: ["netfs", "f"], code: "ENOSPC" }]);
    expect(o.events.has("ERROR")).toBe(true);
    expect(o.flags.has("PENDING_WRITE")).toBe(false);
    expect([...cookie.stores.keys()]).toEqual([]);
    expect(cookie.flags.has("NO_DATA_YET")).toBe(true);
    expect(cookie.flags.has("RETIRED")).toBe(true);
    expect(h.core.ops.get(k)?.state).toBe("CANCELLED");
    expect(h.core.broken).toBe(false);
    await h.all();
    expect(cookie.backing_objects).toEqual([]);
    expect(h.backend.calls.filter((c) => c.startsWith("write"))).toEqual(["write netfs/f 0 zero"]);
  });

  it("a failed page write (3.12): the pending page and PENDING_WRITE stay, nothing is retired", async () => {
    const { h, cookie, o } = await writeError(SPEC_REPAIRS);
    expect(o.events.has("ERROR")).toBe(true);
    expect(o.flags.has("PENDING_WRITE")).toBe(true);
    expect([...cookie.stores.keys()]).toEqual([1]);
    expect(cookie.flags.has("RETIRED")).toBe(false);
    expect(cookie.flags.has("NO_DATA_YET")).toBe(false);
    expect(h.core.broken).toBe(false);
  });

  it("an EIO page write breaks the cache", async () => {
    const { h } = await writeError(REPAIRS, "EIO");
    expect(h.core.broken).toBe(true);
  });

  it("a plain Error from the backend's page write fails the op worker", async () => {
    const h = new Harness();
    const { cookie } = await h.file(4);
    await h.readAll(cookie, 0);
    h.backend.plainErrors.add("writePage");
    const w = h.write(cookie, 0, "zero");
    await h.run(`netfs:${w.t}`);
    const k = opOf(h, "WRITE").id;
    const out = await h.step(`op:${k}`, "WriteOp");
    expect(out.status).toBe("failed");
    expect(String(out.error)).toBe("Error: plain writePage failure");
  });

  it("a write op whose object is no longer active (cache broken) stores nothing", async () => {
    const h = new Harness({ repairs: REPAIRS, plan: [failOnce("writePage", "EIO", ["netfs", "g"])] });
    const { cookie: f, index, obj: fo } = await h.file(4, "f");
    const { cookie: g } = await h.file(4, "g", index);
    await h.readAll(f, 0);
    await h.readAll(g, 0);
    const wf = h.write(f, 0, "eff");
    await h.run(`netfs:${wf.t}`);
    const wg = h.write(g, 0, "gee");
    await h.run(`netfs:${wg.t}`);
    const [kf, kg] = [...h.core.ops.values()].map((o) => o.id);
    await h.run(`op:${kg}`);
    expect(h.core.broken).toBe(true);
    await h.step(`op:${kf}`, "WriteOp");
    expect(h.core.ops.get(kf ?? 0)?.state).toBe("COMPLETE");
    expect(fo.flags.has("PENDING_WRITE")).toBe(false);
    expect(f.stores.size).toBe(0);
    await h.all();
    expect(h.backend.calls.filter((c) => c.startsWith("write"))).toEqual(["write netfs/g 0 gee"]);
  });
});

describe("writePage refusals", () => {
  it("INVALIDATING, a dead object (stranded writes repaired), a broken cache: ENOBUFS, nothing queued", async () => {
    const h = new Harness({ repairs: ["STRANDED_WRITES_DISCARDED"] });
    const { cookie, obj: o } = await h.file(4);
    await h.readAll(cookie, 0);
    cookie.flags.add("INVALIDATING");
    const a = h.write(cookie, 0, "a");
    await h.all();
    expect(a.result()).toBe("ENOBUFS");
    expect(h.result(a.t)).toBe("ENOBUFS");
    cookie.flags.delete("INVALIDATING");
    expect(cookie.stores.size).toBe(0);
    expect(h.core.ops.size).toBe(0);
    o.flags.delete("IS_LIVE");
    const b = h.write(cookie, 0, "b");
    await h.all();
    expect(b.result()).toBe("ENOBUFS");
    expect(cookie.stores.size).toBe(0);
    expect(h.core.ops.size).toBe(0);
    o.flags.add("IS_LIVE");
    h.core.ioError();
    const c = h.write(cookie, 0, "c");
    await h.all();
    expect(c.result()).toBe("ENOBUFS");
    expect(cookie.stores.size).toBe(0);
    expect(h.core.ops.size).toBe(0);
    expect(o.flags.has("PENDING_WRITE")).toBe(false);
    expect(h.backend.calls.filter((x) => x.startsWith("write"))).toEqual([]);
  });

  it("a submission refused (dead object): the n_active unit and the page given back, PENDING_WRITE left (3.12)", async () => {
    const h = new Harness({ repairs: ["NO_OPS_ON_DEAD_OBJECT"] });
    const { cookie, obj: o } = await h.file(4);
    await h.readAll(cookie, 0);
    o.flags.delete("IS_LIVE");
    const w = h.write(cookie, 0, "a");
    await h.all();
    expect(w.result()).toBe("ENOBUFS");
    expect(h.result(w.t)).toBe("ENOBUFS");
    expect(cookie.n_active).toBe(1);
    expect(cookie.stores.size).toBe(0);
    expect(h.core.ops.size).toBe(0);
    expect(o.n_ops).toBe(0);
    expect(o.flags.has("PENDING_WRITE")).toBe(true);
  });

  it("no op slot: ENOBUFS", async () => {
    const h = new Harness({ maxOps: 1 });
    const { cookie } = await h.file(4);
    await h.readAll(cookie, 0);
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    expect(h.core.ops.size).toBe(1);
    const w = h.write(cookie, 0, "a");
    await h.run(`netfs:${w.t}`);
    expect(w.result()).toBe("ENOBUFS");
    expect(cookie.stores.size).toBe(0);
    expect(obj(cookie).flags.has("PENDING_WRITE")).toBe(false);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("waitOnPageWrite sleeps until the cookie's pages are stored", async () => {
    const h = new Harness();
    const { cookie } = await h.file(4);
    await h.readAll(cookie, 0);
    const w = h.write(cookie, 0, "a");
    await h.run(`netfs:${w.t}`);
    const wait = h.call("WaitOnPageWrite", {}, (c) => h.cache.netfs.waitOnPageWrite(c, cookie));
    await h.run(`netfs:${wait.t}`);
    expect(wait.done()).toBe(false);
    expect(await h.all()).toBe("done");
    expect(wait.done()).toBe(true);
    expect(cookie.stores.size).toBe(0);
  });
});

describe("the invalidate op", () => {
  const invalidateWith = async (repairs: readonly Repair[], plan: readonly FaultRule[], plain = false) => {
    const h = new Harness({ repairs, plan });
    if (plain) h.backend.plainErrors.add("invalidateObject");
    const { cookie, obj: o, f } = await h.file(3);
    // A positive lookup: a second cookie for the same file finds the object the first created.
    cookie.flags.delete("NO_DATA_YET");
    const i = h.invalidate(cookie);
    await h.run(`netfs:${i.t}`);
    expect(cookie.flags.has("INVALIDATING")).toBe(true);
    // The object worker submits the op and stops before InvalidateDone (which sets NO_DATA_YET itself).
    await h.run(`object:${o.id}`, "InvalidateDone");
    expect(cookie.flags.has("NO_DATA_YET")).toBe(false);
    const k = opOf(h, "INVALIDATE").id;
    const out = await h.step(`op:${k}`, "OpInvalidateObject");
    return { h, cookie, o, f, out };
  };

  it("truncates to the netfs's size", async () => {
    const { h, o, out } = await invalidateWith(REPAIRS, []);
    expect(out.status).toBe("parked");
    expect(h.backend.calls).toContain(`invalidate netfs/f ${3 * 4096}`);
    expect(o.events.has("ERROR")).toBe(false);
  });

  it("a backend error (repaired): ERROR raised, the cookie retired with no data", async () => {
    const { h, cookie, o } = await invalidateWith(REPAIRS, [failOnce("invalidateObject", "EIO")]);
    expect(h.backend.injected()).toEqual([{ op: "invalidateObject", key: ["netfs", "f"], code: "EIO" }]);
    expect(o.events.has("ERROR")).toBe(true);
    expect(cookie.flags.has("RETIRED")).toBe(true);
    expect(cookie.flags.has("NO_DATA_YET")).toBe(true);
    await h.all();
    expect(cookie.backing_objects).toEqual([]);
    expect(cookie.flags.has("INVALIDATING")).toBe(false);
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("a backend error (3.12): ERROR raised, the cookie neither retired nor emptied", async () => {
    const { cookie, o } = await invalidateWith(SPEC_REPAIRS, [failOnce("invalidateObject", "ENOSPC")]);
    expect(o.events.has("ERROR")).toBe(true);
    expect(cookie.flags.has("RETIRED")).toBe(false);
    expect(cookie.flags.has("NO_DATA_YET")).toBe(false);
  });

  it("a plain Error from the backend fails the op worker", async () => {
    const { o, out } = await invalidateWith(REPAIRS, [], true);
    expect(out.status).toBe("failed");
    expect(String(out.error)).toBe("Error: plain invalidateObject failure");
    expect(o.events.has("ERROR")).toBe(false);
  });
});

describe("the attr-change op", () => {
  const attrWith = async (plan: readonly FaultRule[], plain = false) => {
    const h = new Harness({ plan });
    if (plain) h.backend.plainErrors.add("attrChanged");
    const { cookie, obj: o, f } = await h.file(3);
    f.pages = 7;
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    expect(a.result()).toBe("OK");
    const k = opOf(h, "ATTR_CHANGED").id;
    expect(cookie.n_active).toBe(1);
    const out = await h.step(`op:${k}`, "OpAttrChanged");
    return { h, cookie, o, out, k };
  };

  it("tells the backend the new size under its own n_active unit", async () => {
    const { h, cookie, o, out, k } = await attrWith([]);
    expect(out.status).toBe("parked");
    expect(h.backend.calls).toContain(`attr netfs/f ${7 * 4096}`);
    expect(h.core.ops.get(k)?.state).toBe("COMPLETE");
    expect(cookie.n_active).toBe(1);
    expect(o.events.has("ERROR")).toBe(false);
  });

  it("a backend error raises ERROR on the object", async () => {
    const { h, cookie, o, k } = await attrWith([failOnce("attrChanged", "ENOSPC")]);
    expect(h.backend.injected()).toHaveLength(1);
    expect(o.events.has("ERROR")).toBe(true);
    expect(h.core.ops.get(k)?.state).toBe("COMPLETE");
    expect(cookie.n_active).toBe(1);
    await h.all();
    expect(cookie.backing_objects).toEqual([]);
  });

  it("a plain Error fails the op worker", async () => {
    const { o, out } = await attrWith([], true);
    expect(out.status).toBe("failed");
    expect(String(out.error)).toBe("Error: plain attrChanged failure");
    expect(o.events.has("ERROR")).toBe(false);
  });
});

describe("operations", () => {
  it("freeOp marks the op FREE and gives its slot back; no slot left gives null", () => {
    const h = new Harness({ maxOps: 1 });
    const a = allocOp(h.core, "READ", []);
    expect(a?.state).toBe("INITIALISED");
    expect(a?.id).toBe(1);
    expect(allocOp(h.core, "READ", [])).toBeNull();
    if (a) freeOp(h.core, a);
    expect(a?.state).toBe("FREE");
    expect(h.core.ops.size).toBe(0);
  });
});

describe("readPage refusals", () => {
  it("a cookie without an object, or INVALIDATING: ENOBUFS at the first step", async () => {
    const h = new Harness();
    const { cookie } = await h.file(4);
    cookie.flags.add("INVALIDATING");
    const a = h.read(cookie, 0);
    await h.all();
    expect(a.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.steps(`netfs:${a.t}`)).toEqual(["ReadPage"]);
    cookie.flags.delete("INVALIDATING");
    const w = h.cache.withdraw();
    await h.all();
    await w;
    expect(cookie.backing_objects).toEqual([]);
    const b = h.read(cookie, 0);
    await h.all();
    expect(b.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.steps(`netfs:${b.t}`)).toEqual(["ReadPage"]);
    expect(h.core.ops.size).toBe(0);
  });
});

describe("invalidate", () => {
  it("a second invalidate while the first is under way raises nothing more", async () => {
    const h = new Harness();
    const { cookie, obj: o } = await h.file(3);
    const i = h.invalidate(cookie);
    await h.run(`netfs:${i.t}`);
    await h.run(`object:${o.id}`, "InvalidateDone");
    expect(o.events.has("INVALIDATE")).toBe(false);
    const j = h.invalidate(cookie);
    await h.run(`netfs:${j.t}`);
    expect(j.done()).toBe(true);
    expect(o.events.has("INVALIDATE")).toBe(false);
    await h.all();
    expect(h.backend.calls.filter((c) => c.startsWith("invalidate"))).toEqual([
      `invalidate netfs/f ${3 * 4096}`,
    ]);
    expect(cookie.flags.has("INVALIDATING")).toBe(false);
  });

  it("an object that is no longer live is not told", async () => {
    const h = new Harness();
    const { cookie, obj: o } = await h.file(3);
    o.flags.delete("IS_LIVE");
    const i = h.invalidate(cookie);
    await h.run(`netfs:${i.t}`);
    expect(cookie.flags.has("INVALIDATING")).toBe(true);
    expect(o.events.has("INVALIDATE")).toBe(false);
  });
});

describe("submission while an exclusive op is in progress", () => {
  it("a read queues behind an attr change; an invalidation cancels it (ENOBUFS) and queues behind too", async () => {
    const h = new Harness();
    const { cookie, obj: o } = await h.file(3);
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    const x = opOf(h, "ATTR_CHANGED");
    expect(x.state).toBe("IN_PROGRESS");
    expect(o.n_exclusive).toBe(1);
    const r = h.read(cookie, 0);
    await h.run(`netfs:${r.t}`);
    const rd = opOf(h, "READ");
    expect(rd.state).toBe("PENDING");
    expect(o.pending_ops).toEqual([rd]);
    expect(rd.flags.has("WAITING")).toBe(true);
    expect(h.enabledOf(`netfs:${r.t}`)).toBeUndefined();
    const i = h.invalidate(cookie);
    await h.run(`netfs:${i.t}`);
    await h.run(`object:${o.id}`, "InvalidateDone");
    expect(rd.state).toBe("CANCELLED");
    expect(rd.flags.has("WAITING")).toBe(false);
    expect(rd.usage).toBe(1);
    const inv = opOf(h, "INVALIDATE");
    expect(inv.state).toBe("PENDING");
    expect(o.pending_ops).toEqual([inv]);
    expect(o.n_exclusive).toBe(2);
    expect(o.n_in_progress).toBe(1);
    // The cancelled reader wakes and gets ENOBUFS without reading.
    await h.run(`netfs:${r.t}`);
    expect(r.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.steps(`netfs:${r.t}`)).toEqual(["ReadPage", "ReadWaitLookup", "ReadWaitActive", "ReadPutOp"]);
    expect(h.cache.inspect().threads.find((t) => t.t === r.t)?.result).toBe("ENOBUFS");
    expect(await h.all()).toBe("done");
    expect(h.backend.calls.filter((c) => !c.startsWith("write"))).toEqual([
      `attr netfs/f ${3 * 4096}`,
      `invalidate netfs/f ${3 * 4096}`,
    ]);
    expect(o.n_exclusive).toBe(0);
    expect(o.n_ops).toBe(0);
    expect(h.core.ops.size).toBe(0);
    expect(cookie.n_active).toBe(1);
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("an attr change queues behind a read in progress, and clears PENDING_WRITE", async () => {
    const h = new Harness();
    const { cookie, obj: o } = await h.file(3);
    await h.readAll(cookie, 0);
    const w = h.write(cookie, 0, "w");
    await h.run(`netfs:${w.t}`);
    expect(o.flags.has("PENDING_WRITE")).toBe(true);
    const r = h.read(cookie, 1);
    await h.run(`netfs:${r.t}`, "ReadWaitActive");
    await h.step(`netfs:${r.t}`, "ReadWaitActive");
    const rd = opOf(h, "READ");
    expect(rd.state).toBe("IN_PROGRESS");
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    expect(o.flags.has("PENDING_WRITE")).toBe(false);
    const x = opOf(h, "ATTR_CHANGED");
    expect(x.state).toBe("PENDING");
    expect(o.pending_ops).toEqual([x]);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });
});

describe("ops queued on a looked-up object before it is available", () => {
  /** F with its object looked up (negative) but not yet available; the object worker's next step is LookupCreate. */
  const lookedUp = async (plan: readonly FaultRule[] = [], repairs?: readonly Repair[]) => {
    const h = new Harness({ plan, ...(repairs ? { repairs } : {}) });
    const i = h.acquire(null, indexDef, null, "I");
    await h.all();
    const index = i.result();
    const f: File = { name: "f", pages: 3, attrCalls: 0 };
    const d = h.acquire(index, dataDef(), f, "F");
    await h.run(`netfs:${d.t}`);
    const cookie = d.result();
    if (!cookie) throw new Error("no cookie");
    const o = obj(cookie);
    await h.until(() => o.flags.has("IS_LOOKED_UP"));
    expect(h.enabledOf(`object:${o.id}`)?.label.action).toBe("LookupCreate");
    return { h, cookie, o, f };
  };

  it("start together once available; a read submitted then starts those pending first", async () => {
    const { h, cookie, o } = await lookedUp();
    const r1 = h.read(cookie, 0);
    await h.run(`netfs:${r1.t}`);
    const r2 = h.read(cookie, 1);
    await h.run(`netfs:${r2.t}`);
    const [a, b] = [...h.core.ops.values()];
    expect([a?.state, b?.state]).toEqual(["PENDING", "PENDING"]);
    await h.step(`object:${o.id}`, "LookupCreate");
    await h.step(`object:${o.id}`, "LookupAvailable");
    expect(o.flags.has("IS_AVAILABLE")).toBe(true);
    expect(o.pending_ops).toHaveLength(2);
    // Active now, with ops pending: a new read is queued behind them and all three start.
    const r3 = h.read(cookie, 2);
    await h.run(`netfs:${r3.t}`, "ReadWaitActive");
    expect([...h.core.ops.values()].map((x) => x.state)).toEqual([
      "IN_PROGRESS",
      "IN_PROGRESS",
      "IN_PROGRESS",
    ]);
    expect(o.pending_ops).toEqual([]);
    expect(o.n_in_progress).toBe(3);
    expect(await h.all()).toBe("done");
    for (const r of [r1, r2, r3]) expect(r.result()).toEqual({ result: "ENODATA", data: null });
  });

  it("all pending reads start at OBJECT_AVAILABLE", async () => {
    const { h, cookie, o } = await lookedUp();
    const r1 = h.read(cookie, 0);
    await h.run(`netfs:${r1.t}`);
    const r2 = h.read(cookie, 1);
    await h.run(`netfs:${r2.t}`);
    await h.run(`object:${o.id}`);
    expect([...h.core.ops.values()].map((x) => x.state)).toEqual(["IN_PROGRESS", "IN_PROGRESS"]);
    expect(await h.all()).toBe("done");
  });

  it("an attr change submitted when available with a read pending waits for the read", async () => {
    const { h, cookie, o } = await lookedUp();
    const r = h.read(cookie, 0);
    await h.run(`netfs:${r.t}`);
    await h.step(`object:${o.id}`, "LookupCreate");
    await h.step(`object:${o.id}`, "LookupAvailable");
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    expect(a.result()).toBe("OK");
    expect(opOf(h, "READ").state).toBe("IN_PROGRESS");
    const x = opOf(h, "ATTR_CHANGED");
    expect(x.state).toBe("PENDING");
    expect(o.pending_ops).toEqual([x]);
    expect(await h.all()).toBe("done");
    expect(h.backend.calls).toContain(`attr netfs/f ${3 * 4096}`);
  });

  it("an exclusive op at the head runs alone; the read behind it waits", async () => {
    const { h, cookie, o } = await lookedUp();
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    const r = h.read(cookie, 0);
    await h.run(`netfs:${r.t}`);
    const x = opOf(h, "ATTR_CHANGED");
    const rd = opOf(h, "READ");
    expect(o.pending_ops).toEqual([x, rd]);
    await h.run(`object:${o.id}`);
    expect(x.state).toBe("IN_PROGRESS");
    expect(rd.state).toBe("PENDING");
    expect(await h.all()).toBe("done");
    expect(r.result()).toEqual({ result: "ENODATA", data: null });
    expect(h.backend.calls).toContain(`attr netfs/f ${3 * 4096}`);
  });

  it("creation fails: the pending ASYNC op is cancelled, the read behind it still runs", async () => {
    const rule: FaultRule = {
      op: "lookupObject",
      code: "ENOSPC",
      afterNegative: true,
      times: 1,
      path: ["netfs", "f"],
    };
    const { h, cookie, o } = await lookedUp([rule]);
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    const r = h.read(cookie, 0);
    await h.run(`netfs:${r.t}`);
    const x = opOf(h, "ATTR_CHANGED");
    expect(o.n_exclusive).toBe(1);
    expect(await h.all()).toBe("done");
    expect(x.state).toBe("FREE");
    expect(o.n_exclusive).toBe(0);
    expect(r.result()).toEqual({ result: "ENODATA", data: null });
    expect(h.backend.calls.filter((c) => c.startsWith("attr"))).toEqual([]);
    expect(h.cache.inspect().oops).toBe("NONE");
    expect(h.core.ops.size).toBe(0);
  });
});

describe("acquire under a parent object that is dying", () => {
  /** I's lookup fails (EIO breaks the cache); the index object F's acquisition attached is left dying. */
  const dyingIndex = async (code: "EIO" | "ENOSPC") => {
    const h = new Harness({ plan: [failOnce("lookupObject", code, ["netfs"])] });
    const i = h.acquire(null, indexDef, null, "I");
    await h.all();
    const index = i.result();
    if (!index) throw new Error("no index");
    const f: File = { name: "f", pages: 2, attrCalls: 0 };
    const d = h.acquire(index, dataDef(), f, "F");
    await h.run(`netfs:${d.t}`);
    return { h, index, d };
  };

  it("a dead parent object (dying, cache broken): ENOBUFS before any attach", async () => {
    const { h, index } = await dyingIndex("EIO");
    const io = obj(index);
    await h.until(() => !io.flags.has("IS_LIVE"));
    expect(h.core.broken).toBe(true);
    expect(index.backing_objects).toEqual([io]);
    const g = h.acquire(index, dataDef(), { name: "g", pages: 2, attrCalls: 0 }, "G");
    await h.run(`netfs:${g.t}`);
    expect(g.result()).toBeNull();
    expect(h.steps(`netfs:${g.t}`)).toEqual(["AcquireCookie", "AllocObject", "AcquireFail"]);
    expect(h.core.acquiring).toBe(0);
    expect(h.core.cookies.has("G")).toBe(false);
    expect(index.n_children).toBe(1);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("a parent object dropped between AllocObject and AttachObject: attached without a parent object", async () => {
    const { h, index } = await dyingIndex("ENOSPC");
    const io = obj(index);
    expect(io.flags.has("IS_LIVE")).toBe(true);
    const g = h.acquire(index, dataDef(), { name: "g", pages: 2, attrCalls: 0 }, "G");
    await h.run(`netfs:${g.t}`, "AttachObject");
    const gt = `netfs:${g.t}`;
    await h.until(() => index.backing_objects.length === 0, [gt]);
    expect(h.core.broken).toBe(false);
    await h.run(gt);
    const cookie = g.result();
    expect(cookie).not.toBeNull();
    expect(h.steps(gt)).toEqual(["AcquireCookie", "AllocObject", "AttachObject", "AcquireNewChild"]);
    expect(cookie?.backing_objects[0]?.parent).toBeNull();
    expect(io.n_children).toBe(0);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("the index object this acquisition attached dies before the data object's attach: only the rest is put", async () => {
    const h = new Harness({ plan: [failOnce("lookupObject", "ENOSPC", ["netfs"])] });
    const i = h.acquire(null, indexDef, null, "I");
    await h.all();
    const index = i.result();
    if (!index) throw new Error("no index");
    const f = h.acquire(index, dataDef(), { name: "f", pages: 2, attrCalls: 0 }, "F");
    const ft = `netfs:${f.t}`;
    await h.run(ft, "AttachObject");
    // F's acquisition allocated objects for F and for I, and attaches I's first.
    await h.step(ft, "AttachObject");
    const io = obj(index);
    // G's acquisition finds that object attached, and completes: its object starts, and so does I's lookup,
    // which fails (ENOSPC). I's object dies while F's acquisition waits before its second attach.
    const g = h.acquire(index, dataDef(), { name: "g", pages: 2, attrCalls: 0 }, "G");
    await h.run(`netfs:${g.t}`);
    expect(g.result()).not.toBeNull();
    await h.until(() => !io.flags.has("IS_LIVE"), [ft]);
    const usage = io.usage;
    await h.run(ft);
    expect(f.result()).toBeNull();
    expect(h.steps(ft)).toEqual([
      "AcquireCookie",
      "AllocObject",
      "AttachObject",
      "AttachObject",
      "AcquireFail",
    ]);
    // fscache_alloc_object's error path puts F's object alone: I's, attached, is not this path's to put.
    expect(io.usage).toBe(usage);
    expect(h.core.acquiring).toBe(0);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });
});

describe("two acquisitions under an index without an object", () => {
  const race = async (plan: readonly FaultRule[]) => {
    const h = new Harness({ plan });
    const i = h.acquire(null, indexDef, null, "I");
    await h.all();
    const index = i.result();
    if (!index) throw new Error("no index");
    const f = h.acquire(index, dataDef(), { name: "f", pages: 2, attrCalls: 0 }, "F");
    const g = h.acquire(index, dataDef(), { name: "g", pages: 2, attrCalls: 0 }, "G");
    const [ft, gt] = [`netfs:${f.t}`, `netfs:${g.t}`];
    await h.run(ft, "AttachObject");
    await h.run(gt, "AttachObject");
    // Both allocated an object for I.
    expect(h.core.objects.size).toBe(4);
    expect([...h.core.objects.keys()].filter((k) => k.startsWith("I"))).toHaveLength(2);
    await h.run(ft);
    return { h, index, f, g, gt };
  };

  it("the second finds I's live object and uses it", async () => {
    const { h, index, f, g, gt } = await race([]);
    await h.run(gt);
    expect(f.result()).not.toBeNull();
    expect(g.result()).not.toBeNull();
    expect(index.backing_objects.map((o) => o.id)).toEqual(["I"]);
    expect(h.core.objects.size).toBe(3);
    expect(obj(index).n_children).toBe(2);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });

  it("the second finds I's object dying: ENOBUFS at that attach", async () => {
    const { h, index, g, gt } = await race([failOnce("lookupObject", "ENOSPC", ["netfs"])]);
    const io = obj(index);
    await h.until(() => !io.flags.has("IS_LIVE"), [gt]);
    await h.run(gt);
    expect(g.result()).toBeNull();
    expect(h.steps(gt)).toEqual(["AcquireCookie", "AllocObject", "AttachObject", "AcquireFail"]);
    expect(h.core.acquiring).toBe(0);
    expect(await h.all()).toBe("done");
    expect(h.cache.inspect().oops).toBe("NONE");
  });
});

describe("a read whose object dies while it is in progress (F11)", () => {
  const deadRead = async (design: Design) => {
    const h = new Harness({ design, plan: [failOnce("writePage", "EIO", ["netfs", "g"])] });
    const { cookie: f, index, obj: fo } = await h.file(4, "f");
    const { cookie: g } = await h.file(4, "g", index);
    await h.readAll(g, 0);
    const r = h.read(f, 0);
    const rt = `netfs:${r.t}`;
    await h.run(rt, "ReadWaitActive");
    expect(opOf(h, "READ").state).toBe("IN_PROGRESS");
    const w = h.write(g, 0, "gee");
    await h.until(() => h.core.broken, [rt]);
    void w;
    const wd = h.cache.withdraw();
    void wd.catch(() => {});
    await h.until(() => !fo.flags.has("IS_LIVE"), [rt]);
    return { h, r, rt };
  };

  it("3.12: the reader's put is the op's last while it is in progress (oops)", async () => {
    const { h, rt } = await deadRead("POST_FIX");
    await h.step(rt, "ReadWaitActive");
    const out = await h.step(rt, "ReadPutOp");
    expect(out.status).toBe("failed");
    expect(out.error).toBeInstanceOf(OopsError);
    expect((out.error as OopsError).oops).toBe(SPEC_OOPS.ReadPutOp);
  });

  it("repaired: the op is cancelled, the read gets ENOBUFS", async () => {
    const { h, r, rt } = await deadRead("POST_FIX_REPAIRED");
    await h.run(rt);
    expect(r.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.steps(rt)).toEqual(["ReadPage", "ReadWaitLookup", "ReadWaitActive", "ReadPutOp"]);
  });
});

describe("PRE_FIX: relinquish detaches the object under a running op", () => {
  const preFix = async () => {
    const h = new Harness({ design: "PRE_FIX" });
    const { cookie, obj: o } = await h.file(3);
    return { h, cookie, o };
  };

  it("the attr-change op reads the size through the NULLed object->cookie", async () => {
    const { h, cookie, o } = await preFix();
    const a = h.attr(cookie);
    await h.run(`netfs:${a.t}`);
    const k = opOf(h, "ATTR_CHANGED").id;
    const rel = h.relinquish(cookie);
    await h.until(() => o.cookie === null, [`op:${k}`]);
    expect(h.steps(`netfs:${rel.t}`).slice(0, 3)).toEqual([
      "RelinquishCookie",
      "RelinquishWaitCreating",
      "RelinquishDetach",
    ]);
    const out = await h.step(`op:${k}`, "OpAttrChanged");
    expect((out.error as OopsError).oops).toBe(SPEC_OOPS.OpAttrChanged);
  });

  it("the write op stores a page through the NULLed object->cookie", async () => {
    const { h, cookie, o } = await preFix();
    await h.readAll(cookie, 0);
    const w = h.write(cookie, 0, "w");
    await h.run(`netfs:${w.t}`);
    const k = opOf(h, "WRITE").id;
    await h.step(`op:${k}`, "WriteOp");
    h.relinquish(cookie);
    await h.until(() => o.cookie === null, [`op:${k}`]);
    const out = await h.step(`op:${k}`, "WriteOpWritePage");
    expect((out.error as OopsError).oops).toBe(SPEC_OOPS.WriteOpWritePage);
  });

  it("relinquish waits for the object's reads in flight, and is woken by the last one", async () => {
    const { h, cookie } = await preFix();
    const r = h.read(cookie, 0);
    const rt = `netfs:${r.t}`;
    await h.run(rt, "ReadIO");
    const rel = h.relinquish(cookie);
    const relt = `netfs:${rel.t}`;
    await h.run(relt);
    expect(h.steps(relt)).toEqual(["RelinquishCookie", "RelinquishWaitCreating"]);
    expect(rel.done()).toBe(false);
    await h.run(rt);
    expect(r.result()).toEqual({ result: "ENODATA", data: null });
    expect(h.enabledOf(relt)?.label.action).toBe("RelinquishDetach");
    expect(await h.all()).toBe("done");
    expect(rel.done()).toBe(true);
    expect(h.cache.inspect().oops).toBe("NONE");
  });
});

describe("relinquish", () => {
  it("an index waits for its children", async () => {
    const h = new Harness();
    const { index, cookie } = await h.file(2);
    const ri = h.relinquish(index);
    await h.run(`netfs:${ri.t}`);
    expect(ri.done()).toBe(false);
    expect(index.relinquishing).toBe(false);
    const rd = h.relinquish(cookie, true);
    expect(await h.all()).toBe("done");
    expect(rd.done()).toBe(true);
    expect(ri.done()).toBe(true);
    expect(h.cache.inspect().oops).toBe("NONE");
    expect(h.core.cookies.size).toBe(0);
  });

  it("from its first step, calls on the cookie are refused", async () => {
    const h = new Harness();
    const { cookie } = await h.file(2);
    await h.readAll(cookie, 0);
    const w = h.write(cookie, 0, "w");
    await h.run(`netfs:${w.t}`);
    const rel = h.relinquish(cookie);
    await h.run(`netfs:${rel.t}`);
    expect(rel.done()).toBe(false);
    expect(cookie.relinquishing).toBe(true);
    expect(await misuse(() => h.cache.netfs.readPage({ task: stub(), t: "tx" }, cookie, 0))).toBe(
      "COOKIE_RELINQUISHED: readPage: cookie F was relinquished",
    );
    expect(await h.all()).toBe("done");
  });

  it("a second relinquish racing the first finds n_active at 0 (BUG)", async () => {
    const h = new Harness();
    const { cookie } = await h.file(2);
    // The second call's checks pass before the first call's first step; then it parks at RelinquishCookie.
    h.runtime.spawn("netfs:tb", label("Start", { t: "tb" }), async (task) => {
      await h.cache.netfs.relinquishCookie({ task, t: "tb" }, cookie, false);
    });
    await h.step("netfs:tb", "Start");
    const a = h.relinquish(cookie);
    await h.run(`netfs:${a.t}`, "RelinquishClear");
    expect(cookie.n_active).toBe(0);
    const out = await h.step("netfs:tb", "RelinquishCookie");
    expect((out.error as OopsError).oops).toBe(SPEC_OOPS.RelinquishCookie);
  });

  it("3.12: a page stranded by a failed write is still in stores at RelinquishClear (BUG)", async () => {
    const h = new Harness({ design: "POST_FIX", plan: [failOnce("writePage", "ENOSPC")] });
    const { cookie } = await h.file(4);
    for (const p of [0, 1]) await h.readAll(cookie, p);
    for (const p of [0, 1]) await h.run(`netfs:${h.write(cookie, p, `p${p}`).t}`);
    await h.all();
    expect([...cookie.stores.keys()]).toEqual([1]);
    const rel = h.relinquish(cookie);
    await h.run(`netfs:${rel.t}`, "RelinquishClear");
    const out = await h.step(`netfs:${rel.t}`, "RelinquishClear");
    expect((out.error as OopsError).oops).toBe(SPEC_OOPS.RelinquishClear);
  });
});

describe("acquire racing the parent's relinquish (netfs misuse)", () => {
  it("allocating an object for a parent whose netfs data is cleared oopses at AllocObject", async () => {
    const h = new Harness();
    const i = h.acquire(null, indexDef, null, "I");
    await h.all();
    const index = i.result();
    if (!index) throw new Error("no index");
    // The acquire's checks pass (the index is live), then the task parks at AcquireCookie.
    h.runtime.spawn("netfs:td", label("Start", { t: "td" }), async (task) => {
      await h.cache.netfs.acquireCookie({ task, t: "td" }, index, dataDef(), { name: "f", pages: 2 }, "F");
    });
    await h.step("netfs:td", "Start");
    const rel = h.relinquish(index);
    await h.run(`netfs:${rel.t}`);
    expect(rel.done()).toBe(true);
    expect(index.def).toBeNull();
    await h.step("netfs:td", "AcquireCookie");
    const out = await h.step("netfs:td", "AllocObject");
    expect((out.error as OopsError).oops).toBe("AllocObject: netfs data cleared");
  });
});

describe("op workers finding their object gone", () => {
  it("PRE_FIX, stranded writes repaired: a write op whose object was detached completes, storing nothing", async () => {
    const h = new Harness({ design: "PRE_FIX", repairs: ["STRANDED_WRITES_DISCARDED"] });
    const { cookie, obj: o } = await h.file(3);
    await h.readAll(cookie, 0);
    const w = h.write(cookie, 0, "w");
    await h.run(`netfs:${w.t}`);
    const op = opOf(h, "WRITE");
    h.relinquish(cookie);
    await h.until(() => o.cookie === null, [`op:${op.id}`]);
    expect(o.flags.has("IS_LIVE")).toBe(true);
    const out = await h.step(`op:${op.id}`, "WriteOp");
    expect(out.status).toBe("parked");
    expect(op.state).toBe("COMPLETE");
    expect(o.flags.has("PENDING_WRITE")).toBe(false);
    expect(h.backend.calls.filter((c) => c.startsWith("write"))).toEqual([]);
  });

  it("an attr-change op whose object is no longer active (cache broken) tells the backend nothing", async () => {
    const h = new Harness({ plan: [failOnce("writePage", "EIO", ["netfs", "g"])] });
    const { cookie: f, index, obj: fo } = await h.file(4, "f");
    const { cookie: g } = await h.file(4, "g", index);
    await h.readAll(g, 0);
    const a = h.attr(f);
    await h.run(`netfs:${a.t}`);
    const x = opOf(h, "ATTR_CHANGED");
    const w = h.write(g, 0, "gee");
    await h.until(() => h.core.broken, [`op:${x.id}`]);
    expect(w.result()).toBe("OK");
    const out = await h.step(`op:${x.id}`, "OpAttrChanged");
    expect(out.status).toBe("parked");
    expect(x.state).toBe("COMPLETE");
    expect(f.n_active).toBe(1);
    expect(fo.events.has("ERROR")).toBe(false);
    expect(h.backend.calls.filter((c) => c.startsWith("attr"))).toEqual([]);
  });
});

describe("refused submissions in PRE_FIX take no n_active unit back", () => {
  it("a read and a write refused on a dead object leave n_active at its baseline", async () => {
    const h = new Harness({ design: "PRE_FIX", repairs: ["NO_OPS_ON_DEAD_OBJECT"] });
    const { cookie, obj: o } = await h.file(3);
    await h.readAll(cookie, 0);
    expect(cookie.n_active).toBe(1);
    o.flags.delete("IS_LIVE");
    const r = h.read(cookie, 1);
    await h.all();
    expect(r.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.steps(`netfs:${r.t}`)).toEqual(["ReadPage", "ReadWaitLookup"]);
    expect(o.n_reads).toBe(0);
    expect(cookie.n_active).toBe(1);
    const w = h.write(cookie, 0, "w");
    await h.all();
    expect(w.result()).toBe("ENOBUFS");
    expect(h.result(w.t)).toBe("ENOBUFS");
    expect(cookie.n_active).toBe(1);
    expect(h.core.ops.size).toBe(0);
  });
});

describe("page reads from the backend", () => {
  const withData = async (plan: readonly FaultRule[] = [], plain = false) => {
    const h = new Harness({ plan });
    if (plain) h.backend.plainErrors.add("readPage");
    const { cookie, obj: o } = await h.file(3);
    // As after a positive lookup: the cookie has data.
    cookie.flags.delete("NO_DATA_YET");
    const r = h.read(cookie, 1);
    const end = await h.all();
    return { h, cookie, o, r, end };
  };

  it("a hole reads as OK without data; the page is marked cached", async () => {
    const { h, cookie, r } = await withData();
    expect(r.result()).toEqual({ result: "OK", data: null });
    expect(h.backend.calls).toContain("read netfs/f 1");
    expect(cookie.cachedPages.has(1)).toBe(true);
  });

  it("a non-EIO backend error: ENOBUFS, the page still marked cached, the cache not broken", async () => {
    const { h, cookie, r } = await withData([failOnce("readPage", "ENOSPC")]);
    expect(r.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.result(r.t)).toBe("ENOBUFS");
    expect(h.core.broken).toBe(false);
    expect(cookie.cachedPages.has(1)).toBe(true);
    expect(h.steps(`netfs:${r.t}`)).toContain("ReadIO");
    expect(h.runtime.log().find((l) => l.label.action === "ReadIO")?.label.params.result).toBe("OK");
  });

  it("an EIO: the cache is broken, ENOBUFS, the page not marked cached", async () => {
    const { h, cookie, r } = await withData([failOnce("readPage", "EIO")]);
    expect(r.result()).toEqual({ result: "ENOBUFS", data: null });
    expect(h.core.broken).toBe(true);
    expect(cookie.cachedPages.has(1)).toBe(false);
    expect(h.runtime.log().find((l) => l.label.action === "ReadIO")?.label.params.result).toBe("EIO");
  });

  it("a plain Error fails the reader", async () => {
    const { r } = await withData([], true);
    expect(r.done()).toBe(false);
    expect(String(r.error())).toBe("Error: plain readPage failure");
  });
});

describe("writePage copies the bytes", () => {
  it("the netfs may reuse its buffer once the call returned", async () => {
    const h = new Harness();
    const { cookie } = await h.file(3);
    await h.readAll(cookie, 0);
    const buf = enc("abc");
    const w = h.call("WritePage", { p: "p0" }, (c) => h.cache.netfs.writePage(c, cookie, 0, buf));
    await h.run(`netfs:${w.t}`);
    expect(w.result()).toBe("OK");
    expect(h.result(w.t)).toBe("OK");
    buf.set(enc("xyz"));
    await h.all();
    expect(h.backend.calls.filter((c) => c.startsWith("write"))).toEqual(["write netfs/f 0 abc"]);
  });
});

describe("CLEARED", () => {
  it("is raised on a killed object only when its last op is released", async () => {
    const h = new Harness();
    const { cookie, obj: o } = await h.file(3);
    const r1 = h.read(cookie, 0);
    await h.run(`netfs:${r1.t}`, "ReadIO");
    const r2 = h.read(cookie, 1);
    await h.run(`netfs:${r2.t}`, "ReadIO");
    expect(o.n_ops).toBe(2);
    const wd = h.cache.withdraw();
    const readers = [`netfs:${r1.t}`, `netfs:${r2.t}`];
    await h.until(() => o.state === "WAIT_FOR_CLEARANCE" && !h.enabledOf(`object:${o.id}`), readers);
    await h.run(readers[0] ?? "");
    expect(r1.result()).toEqual({ result: "ENODATA", data: null });
    expect(o.n_ops).toBe(1);
    expect(o.events.has("CLEARED")).toBe(false);
    await h.run(readers[1] ?? "");
    expect(o.n_ops).toBe(0);
    expect(o.events.has("CLEARED")).toBe(true);
    expect(await h.all()).toBe("done");
    await wd;
    expect(h.cache.inspect().oops).toBe("NONE");
  });
});

describe("completion starts pending ops only once nothing is in progress", () => {
  it("3.12, cache broken: a read queued on the looked-up object waits while another read is in progress", async () => {
    const h = new Harness({ design: "POST_FIX", plan: [failOnce("writePage", "EIO", ["netfs", "g"])] });
    const { cookie: f, index, obj: fo } = await h.file(4, "f");
    const { cookie: g } = await h.file(4, "g", index);
    await h.readAll(g, 0);
    const r1 = h.read(f, 0);
    await h.run(`netfs:${r1.t}`, "ReadWaitActive");
    const r3 = h.read(f, 2);
    await h.run(`netfs:${r3.t}`, "ReadWaitActive");
    expect(fo.n_in_progress).toBe(2);
    const readers = [`netfs:${r1.t}`, `netfs:${r3.t}`];
    const w = h.write(g, 0, "gee");
    await h.until(() => h.core.broken, readers);
    expect(w.result()).toBe("OK");
    const r2 = h.read(f, 1);
    await h.run(`netfs:${r2.t}`);
    const queued = [...h.core.ops.values()].find((o) => o.kind === "READ" && o.state === "PENDING");
    expect(queued).toBeDefined();
    expect(fo.pending_ops).toEqual([queued]);
    await h.run(readers[0] ?? "");
    expect(r1.result()).toEqual({ result: "ENODATA", data: null });
    expect(fo.n_in_progress).toBe(1);
    expect(queued?.state).toBe("PENDING");
    await h.run(readers[1] ?? "");
    expect(queued?.state).toBe("IN_PROGRESS");
  });
});
