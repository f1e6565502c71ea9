// `FsCache`: one cache over one backend and one runtime. It wires the object and op workers into the
// runtime, offers the netfs API in two shapes (`netfs.*`: steps run in the caller's task, as the spec's
// threads; and a facade that spawns a netfs task per call, for production callers) and `inspect()`.

import { label, type Runtime, type WaitQueue } from "../runtime/runtime.ts";
import type { CacheBackend } from "./backend.ts";
import { CacheCore, type CacheListener } from "./context.ts";
import type { Cookie, CookieDef } from "./cookie.ts";
import { runObjectWorker } from "./dispatcher.ts";
import { FsCacheError } from "./errors.ts";
import { type CacheView, inspectCore } from "./inspect.ts";
import { type ApiResult, type Design, DESIGN_REPAIRS, type Repair } from "./names.ts";
import * as api from "./netfs.ts";
import { objectLockGate } from "./object.ts";
import type { Caller, Eviction, ReadOutcome, WaitingCall } from "./netfs.ts";
import { runOpWorker } from "./opwork.ts";
import { type EndIo, OP_FIRST_STEP } from "./operation.ts";
import { copierParams } from "./retrieval.ts";
import { touch } from "./revision.ts";
import { runWithdrawal, startWithdrawal, WITHDRAW_FIRST_STEP } from "./withdraw.ts";

export interface FsCacheOptions {
  readonly runtime: Runtime;
  readonly backend: CacheBackend;
  /** Default POST_FIX_REPAIRED. */
  readonly design?: Design;
  /** Overrides the design's default repairs (e.g. to match the set a spec configuration models). */
  readonly repairs?: readonly Repair[];
  /** Bytes per page (default 4096). */
  readonly pageSize?: number;
  /** Called when a worker task fails (an OopsError is also recorded as `inspect().oops`). */
  readonly onFault?: (error: unknown, task: string) => void;
  /**
   * The most operations alive at once (the spec's MaxOps; default unbounded). An allocation beyond it fails
   * as the kernel's can, and each caller takes its -ENOMEM path (ENOBUFS to the netfs; INVALIDATE_OBJECT
   * kills the object).
   */
  readonly maxOps?: number;
  /** Told of freed cookies and objects, which leave the registries (default: nobody). */
  readonly listener?: CacheListener;
  /**
   * Whether a read's or a write's submission holds object->lock across two steps, its test of the object and its
   * count of the op, as 3.12 lets the unlocked KILL_OBJECT run between them (finding F13; the spec's SubmitWindow).
   * Default false: one step, as in the spec's models without the window.
   */
  readonly submitWindow?: boolean;
  /**
   * Whether a netfs thread's event raise sets the bit in one step and tests the object's mask and enqueues in
   * the next, cookie->lock held between, while the object's dispatcher runs (the spec's RaiseWindow). Default
   * false: one step.
   */
  readonly raiseWindow?: boolean;
}

/** The netfs API run inside the caller's own task, as thread `caller.t` of the spec. */
export interface TaskApi {
  acquireCookie(
    caller: Caller,
    parent: Cookie | null,
    def: CookieDef,
    data: unknown,
    id?: string,
  ): Promise<Cookie | null>;
  invalidate(caller: Caller, cookie: Cookie): Promise<void>;
  waitOnInvalidate(caller: Caller, cookie: Cookie): Promise<void>;
  updateCookie(caller: Caller, cookie: Cookie): Promise<void>;
  attrChanged(caller: Caller, cookie: Cookie): Promise<ApiResult>;
  readPage(caller: Caller, cookie: Cookie, page: number, endIo?: EndIo): Promise<ReadOutcome>;
  readPages(caller: Caller, cookie: Cookie, pages: readonly number[], endIo: EndIo): Promise<ApiResult>;
  writePage(caller: Caller, cookie: Cookie, page: number, data: Uint8Array): Promise<ApiResult>;
  waitOnPageWrite(caller: Caller, cookie: Cookie): Promise<void>;
  /** `eviction`: the netfs's wait before the cookie is cleared (netfs.ts Eviction, F16's repair). */
  relinquishCookie(caller: Caller, cookie: Cookie, retire: boolean, eviction?: Eviction): Promise<void>;
  /** Whether a call whose first step is a wait would start now (netfs.ts startsNow). */
  startsNow(call: WaitingCall, cookie: Cookie): boolean;
}

const NOBUFS: ReadOutcome = { result: "ENOBUFS", data: null };

export class FsCache {
  /** The shared state; exposed for white-box tests and the conformance harness (read it via inspect()). */
  readonly core: CacheCore;
  readonly netfs: TaskApi;
  private nextCall = 1;
  /**
   * The facade's calls in flight on each cookie. Its tasks share the cookie as NFS's tasks share an inode's, so
   * relinquish clears the cookie only once they have returned (F16's repair, 3.13's eviction: netfs.ts Eviction).
   */
  private readonly inflight = new Map<Cookie, number>();
  private inflightWq: WaitQueue | undefined;

  constructor(options: FsCacheOptions) {
    const design = options.design ?? "POST_FIX_REPAIRED";
    const onFault = options.onFault;
    const watch = (core: CacheCore, done: Promise<void>, name: string): void => {
      done.catch((e: unknown) => {
        core.recordFault(e);
        onFault?.(e, name);
      });
    };
    this.core = new CacheCore(
      options.runtime,
      options.backend,
      design,
      options.repairs ?? DESIGN_REPAIRS[design],
      options.pageSize ?? 4096,
      {
        object: (core, obj) => {
          const name = `object:${obj.id}`;
          const h = core.runtime.spawn(name, label("DispatchStart", { o: obj.id }), (task) =>
            runObjectWorker(core, obj, task),
          );
          watch(core, h.done, name);
        },
        op: (core, op) => {
          const name = `op:${op.id}`;
          const first = OP_FIRST_STEP[op.kind] ?? "OpPut";
          // Its first step waits, as the later ones do, while a submitter holds the object's lock (opwork.ts).
          const gate = op.object ? objectLockGate(core, op.object) : undefined;
          // The copier's first step names the outcome of its first page's backing read (retrieval.ts).
          const params = op.kind === "READ" ? copierParams(core, op) : {};
          const h = core.runtime.spawn(
            name,
            label(first, { k: op.id, ...params }),
            (task) => runOpWorker(core, op, task),
            gate,
          );
          watch(core, h.done, name);
        },
        task: (core, name, first, body) => watch(core, core.runtime.spawn(name, first, body).done, name),
      },
      // Undefined: CacheCore's default, no limit.
      options.maxOps,
      options.listener ?? {},
      options.submitWindow ?? false,
      options.raiseWindow ?? false,
    );
    const core = this.core;
    this.netfs = {
      acquireCookie: (caller, parent, def, data, id) =>
        api.acquireCookie(core, caller, parent, def, data, id),
      invalidate: (caller, cookie) => api.invalidate(core, caller, cookie),
      waitOnInvalidate: (caller, cookie) => api.waitOnInvalidate(core, caller, cookie),
      updateCookie: (caller, cookie) => api.updateCookie(core, caller, cookie),
      attrChanged: (caller, cookie) => api.attrChanged(core, caller, cookie),
      readPage: (caller, cookie, page, endIo) => api.readPage(core, caller, cookie, page, endIo),
      readPages: (caller, cookie, pages, endIo) => api.readPages(core, caller, cookie, pages, endIo),
      writePage: (caller, cookie, page, data) => api.writePage(core, caller, cookie, page, data),
      waitOnPageWrite: (caller, cookie) => api.waitOnPageWrite(core, caller, cookie),
      relinquishCookie: (caller, cookie, retire, eviction) =>
        api.relinquishCookie(core, caller, cookie, retire, eviction),
      startsNow: (call, cookie) => api.startsNow(call, cookie),
    };
  }

  get design(): Design {
    return this.core.design;
  }

  /** A snapshot of every cookie, object, op and netfs thread. */
  inspect(): CacheView {
    return inspectCore(this.core);
  }

  /**
   * Withdraws the cache (`fscache_withdraw_cache`): new acquisitions fail, every object is killed, and the
   * promise settles once all of them are destroyed. Cookies stay valid without objects (calls on them give
   * ENOBUFS) and must still be relinquished. A second withdrawal throws WITHDRAWN.
   */
  async withdraw(): Promise<void> {
    startWithdrawal(this.core);
    const h = this.core.runtime.spawn("withdraw", WITHDRAW_FIRST_STEP, (task) =>
      runWithdrawal(this.core, task),
    );
    h.done.catch((e: unknown) => this.core.recordFault(e));
    await h.done;
  }

  // ---- Facade: each call runs as its own netfs task (named netfs:apiN); a null cookie means "not cached".

  /** Acquires a cookie under `parent` (null: the netfs's primary index under FSDEF); null if uncached. */
  acquireCookie(parent: Cookie | null, def: CookieDef, data: unknown, id?: string): Promise<Cookie | null> {
    return this.call("AcquireCookie", {}, (caller) =>
      api.acquireCookie(this.core, caller, parent, def, data, id),
    );
  }

  /**
   * Reads one page through the cache. A page the copier completes (the backend's `pageResident` said no) is
   * awaited here, after the call has returned as the kernel's does: its data, or, if it ended with EIO or ESTALE,
   * ENOBUFS (the netfs reads the server).
   */
  async readPage(cookie: Cookie | null, page: number): Promise<ReadOutcome> {
    if (!cookie) return NOBUFS;
    let ended: (end: { data: Uint8Array | null; ok: boolean }) => void = () => undefined;
    const end = new Promise<{ data: Uint8Array | null; ok: boolean }>((resolve) => (ended = resolve));
    const out = await this.call(
      "ReadPage",
      { p: `p${page}` },
      (caller) =>
        api.readPage(this.core, caller, cookie, page, (_, data, error) =>
          ended({ data, ok: error === "OK" }),
        ),
      cookie,
    );
    if (!out.pending) return out;
    const { data, ok } = await end;
    return ok ? { result: "OK", data } : NOBUFS;
  }

  /**
   * Reads `pages` through the cache: OK when every page's read has started, each page then reaching `endIo`
   * later, with its data (null for a page the cache holds nothing of) or with EIO (ENODATA, ENOBUFS: none
   * does; the netfs reads the server).
   */
  readPages(cookie: Cookie | null, pages: readonly number[], endIo: EndIo): Promise<ApiResult> {
    if (!cookie) return Promise.resolve("ENOBUFS");
    return this.call(
      "ReadPages",
      {},
      (caller) => api.readPages(this.core, caller, cookie, pages, endIo),
      cookie,
    );
  }

  writePage(cookie: Cookie | null, page: number, data: Uint8Array): Promise<ApiResult> {
    if (!cookie) return Promise.resolve("ENOBUFS");
    return this.call(
      "WritePage",
      { p: `p${page}` },
      (caller) => api.writePage(this.core, caller, cookie, page, data),
      cookie,
    );
  }

  invalidate(cookie: Cookie | null): Promise<void> {
    if (!cookie) return Promise.resolve();
    return this.call("Invalidate", {}, (caller) => api.invalidate(this.core, caller, cookie), cookie);
  }

  waitOnInvalidate(cookie: Cookie | null): Promise<void> {
    if (!cookie) return Promise.resolve();
    return this.call(
      "WaitOnInvalidate",
      {},
      (caller) => api.waitOnInvalidate(this.core, caller, cookie),
      cookie,
    );
  }

  updateCookie(cookie: Cookie | null): Promise<void> {
    if (!cookie) return Promise.resolve();
    return this.call("UpdateCookie", {}, (caller) => api.updateCookie(this.core, caller, cookie), cookie);
  }

  attrChanged(cookie: Cookie | null): Promise<ApiResult> {
    if (!cookie) return Promise.resolve("ENOBUFS");
    return this.call("AttrChanged", {}, (caller) => api.attrChanged(this.core, caller, cookie), cookie);
  }

  waitOnPageWrite(cookie: Cookie | null): Promise<void> {
    if (!cookie) return Promise.resolve();
    return this.call(
      "WaitOnPageWrite",
      {},
      (caller) => api.waitOnPageWrite(this.core, caller, cookie),
      cookie,
    );
  }

  /**
   * Waits for the cookie's page writes, then relinquishes it. From the call on, new calls on the cookie and
   * new children under it are refused (COOKIE_RELINQUISHED). Children must have been relinquished first: a
   * facade caller gets HAS_CHILDREN rather than a task that sleeps until they are. Calls on the cookie still in
   * flight (started before) may run on, as NFS's tasks do beside an inode's owner: with repair
   * COOKIE_DISABLED_TESTED they are refused once relinquish has begun, and the cookie is cleared only after
   * they have returned (3.13's eviction, F16); in the 3.12 designs they meet what 3.12's tasks meet.
   */
  async relinquishCookie(cookie: Cookie | null, retire = false): Promise<void> {
    if (!cookie) return;
    if (cookie.mem !== "LIVE" || cookie.relinquishing || cookie.closing) {
      throw new FsCacheError("COOKIE_RELINQUISHED", `relinquish: cookie ${cookie.id} was relinquished`);
    }
    if (cookie.n_children > 0) {
      throw new FsCacheError("HAS_CHILDREN", `relinquish: ${cookie.id} has ${cookie.n_children} children`);
    }
    touch(cookie);
    cookie.closing = true;
    if (cookie.type === "DATAFILE") await this.waitOnPageWrite(cookie);
    const wq = (this.inflightWq ??= this.core.runtime.waitQueue("facade:calls"));
    const eviction = { wq, ready: () => (this.inflight.get(cookie) ?? 0) === 0 };
    return this.call("RelinquishCookie", { retire }, (caller) =>
      api.relinquishCookie(this.core, caller, cookie, retire, eviction),
    );
  }

  private call<T>(
    action: string,
    params: Record<string, string | boolean>,
    body: (caller: Caller) => Promise<T>,
    on?: Cookie,
  ): Promise<T> {
    const t = `api${this.nextCall++}`;
    if (on) this.inflight.set(on, (this.inflight.get(on) ?? 0) + 1);
    const returned = (): void => {
      if (!on) return;
      const n = (this.inflight.get(on) ?? 1) - 1;
      if (n === 0) this.inflight.delete(on);
      else this.inflight.set(on, n);
      if (this.inflightWq) this.core.runtime.wake(this.inflightWq);
    };
    let out: T | undefined;
    // The task's promise settles only once its body has returned (then `out` is set) or thrown.
    const first = api.firstLabel(action, t, params);
    const h = this.core.runtime.spawn(`netfs:${t}`, first, async (task) => {
      out = await body({ task, t, entered: first });
    });
    return h.done.then(
      () => {
        touch(this.core);
        this.core.threads.delete(t);
        returned();
        return out as T;
      },
      (e: unknown) => {
        touch(this.core);
        this.core.threads.delete(t);
        returned();
        this.core.recordFault(e);
        throw e;
      },
    );
  }
}
