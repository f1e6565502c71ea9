// What every module of one cache shares: the runtime, the backend, the design and its repairs, the op-slot
// allocator, and the registries of live cookies, objects, ops and netfs threads that `inspect()` exposes.
// Spawning object and op workers goes through hooks so that object.ts/operation.ts need not import the
// workers (no import cycles); freed records leave the registries, announced to an optional listener.

import type { Runtime, StepLabel, Task, WaitQueue } from "../runtime/runtime.ts";
import type { CacheBackend } from "./backend.ts";
import type { Cookie } from "./cookie.ts";
import { OopsError } from "./errors.ts";
import type { ApiResult, CacheFlag, Design, Repair, WithdrawPc } from "./names.ts";
import type { FscacheObject } from "./object.ts";
import type { Operation } from "./operation.ts";
import { touch } from "./revision.ts";

/** A netfs thread as the spec sees it (`thread[t]`). */
export interface ThreadRecord {
  readonly t: string;
  /** Counts writes, for recording (revision.ts): bumped by `touch` before each. */
  rev: number;
  /** The next action of the thread, `Ready` between calls, `Done` once its cookie is gone. */
  pc: string;
  /** The op the thread holds (0: none). */
  op: number;
  page: string;
  retire: boolean;
  result: ApiResult;
  /** The cookie of the thread's current or last call (the spec's `TCookie[t]`). */
  cookie: Cookie | null;
}

/**
 * A read waiter inside its window: the op it will queue (`monitor->op`), the page, and its monitor: LIVE, TAKEN
 * by the copier (off op->to_do, not yet freed), FREED.
 */
export interface ReadWaiter {
  readonly op: Operation;
  readonly page: number;
  monitor: "LIVE" | "TAKEN" | "FREED";
}

export interface Workers {
  /** Starts the object's work item (first step DispatchStart(o)). */
  object(core: CacheCore, obj: FscacheObject): void;
  /** Starts an ASYNC op on the op workqueue (first step named by its kind). */
  op(core: CacheCore, op: Operation): void;
  /** Starts another task of the cache (a read waiter), whose faults are recorded as the workers' are. */
  task(core: CacheCore, name: string, first: StepLabel, body: (task: Task) => Promise<void>): void;
}

/**
 * Told when a cookie or an object is freed and leaves the registries (its record keeps its last values, with
 * `mem: "FREED"`). A conformance harness keeps them to compare with the spec's FREED records; a production
 * cache passes none, so freed memory is not retained.
 */
export interface CacheListener {
  cookieFreed?(cookie: Cookie): void;
  objectFreed?(obj: FscacheObject): void;
}

export class CacheCore {
  /** Live cookies by id (a freed cookie is removed, see CacheListener). */
  /** Counts changes to the registry (cookies, objects, ops, threads, cacheFlags), for recording (revision.ts). */
  rev = 0;
  readonly cookies = new Map<string, Cookie>();
  /** Live objects by id. */
  readonly objects = new Map<string, FscacheObject>();
  /** Ops in use, by slot id (a freed slot is deleted and reused, lowest first). */
  readonly ops = new Map<number, Operation>();
  readonly threads = new Map<string, ThreadRecord>();
  /** The spec's `oops`: the first kernel fault detected, or "NONE". */
  oops = "NONE";
  /**
   * The cache's flags (`cache->flags`, the spec's `cache.flags`): IOERROR once the backend has reported an I/O
   * error (`fscache_io_error`); it is never cleared.
   */
  readonly cacheFlags = new Set<CacheFlag>();
  /** The withdrawal's program counter (the spec's `cache.wd`; withdraw.ts). */
  withdrawal: WithdrawPc = "NONE";
  /**
   * `cache->object_list`, `object_list.next` first: `fscache_attach_object` lists an object at the head,
   * `fscache_drop_object` unlists it; the withdrawal takes objects from the head.
   */
  readonly objectList: FscacheObject[] = [];
  /**
   * The spec's `cache.waiters`: cachefiles_read_waiter calls between putting their monitor on `op->to_do` and
   * queueing the op (3.12 only), in the order they began; `monitor` turns FREED when the copier frees it.
   */
  readonly waiters: ReadWaiter[] = [];
  /** The withdrawal's dying list (the spec's `cache.dying`): objects it has killed, until each is dropped. */
  readonly dying = new Set<FscacheObject>();
  /**
   * Acquisitions holding `fscache_addremove_sem` for reading: from the AllocObject step that goes on to attach
   * until AcquireNewChild, or the AttachObject that fails. The withdrawal's WithdrawUnlist waits for none.
   */
  acquiring = 0;
  readonly addremoveWq: WaitQueue;
  /**
   * Woken when a netfs thread drops a lock it held across two steps: a reader's or writer's object->lock inside
   * its submit (submitWindow), or a raiser's cookie->lock inside its raise (raiseWindow).
   */
  readonly objectLockWq: WaitQueue;
  /** `fscache_cache_cleared_wq`: woken when the last object is destroyed. */
  readonly clearedWq: WaitQueue;
  private readonly repairSet: ReadonlySet<Repair>;
  private nextCookie = 1;

  constructor(
    readonly runtime: Runtime,
    readonly backend: CacheBackend,
    readonly design: Design,
    repairs: readonly Repair[],
    readonly pageSize: number,
    private readonly workers: Workers,
    /** The most ops alive at once (the spec's MaxOps): one more is the kernel's failed allocation. */
    readonly maxOps: number = Infinity,
    readonly listener: CacheListener = {},
    /**
     * Whether a read's or a write's `fscache_submit_op` is two steps, its test of the object's flags and then
     * its `n_ops++`, with object->lock held from one to the other (the spec's SubmitWindow). Off, the submit is
     * one step and no lock is held across steps, as in the spec's models without it.
     */
    readonly submitWindow = false,
    /**
     * Whether a netfs thread's `fscache_raise_event` (acquire, invalidate, update, relinquish) is two steps, the
     * set of the event bit and then the test of the object's event_mask and the enqueue, with cookie->lock held
     * from one to the other (the spec's RaiseWindow). Off, a raise is one step.
     */
    readonly raiseWindow = false,
  ) {
    this.repairSet = new Set(repairs);
    this.objectLockWq = runtime.waitQueue("object->lock");
    this.addremoveWq = runtime.waitQueue("fscache_addremove_sem");
    this.clearedWq = runtime.waitQueue("fscache_cache_cleared_wq");
  }

  get preFix(): boolean {
    return this.design === "PRE_FIX";
  }

  repaired(r: Repair): boolean {
    return this.repairSet.has(r);
  }

  get repairs(): Repair[] {
    return [...this.repairSet];
  }

  wake(...queues: WaitQueue[]): void {
    for (const q of queues) this.runtime.wake(q);
  }

  spawnObjectWorker(obj: FscacheObject): void {
    this.workers.object(this, obj);
  }

  spawnOpWorker(op: Operation): void {
    this.workers.op(this, op);
  }

  spawnTask(name: string, first: StepLabel, body: (task: Task) => Promise<void>): void {
    this.workers.task(this, name, first, body);
  }

  /** A fresh cookie id (`c1`, `c2`, …) unless the caller names it. */
  cookieId(requested?: string): string {
    if (requested !== undefined) return requested;
    let id: string;
    do id = `c${this.nextCookie++}`;
    while (this.cookies.has(id));
    return id;
  }

  /** Object id: the cookie's id for its first object (the spec's identity), suffixed for later ones. */
  objectId(cookieId: string): string {
    if (!this.objects.has(cookieId)) return cookieId;
    let n = 2;
    while (this.objects.has(`${cookieId}#${n}`)) n++;
    return `${cookieId}#${n}`;
  }

  /** Lowest free op slot from 1, as the spec allocates `OpIds`; 0 when all `maxOps` slots are in use. */
  opId(): number {
    let k = 1;
    while (this.ops.has(k)) k++;
    return k > this.maxOps ? 0 : k;
  }

  /** `fscache_io_error`: the backend met an I/O error; the cache is broken from now on. */
  ioError(): void {
    touch(this);
    this.cacheFlags.add("IOERROR");
  }

  /** The withdrawal has taken the cache off the cache list: `fscache_select_cache_for_object` finds none. */
  get cacheGone(): boolean {
    return (
      this.withdrawal !== "NONE" &&
      this.withdrawal !== "WithdrawCache" &&
      this.withdrawal !== "WithdrawUnlist"
    );
  }

  /** `list_add(&object->cache_link, &cache->object_list)` in `fscache_attach_object`. */
  listObject(obj: FscacheObject): void {
    touch(this);
    this.objectList.unshift(obj);
  }

  /** `list_del_init(&object->cache_link)` in `fscache_drop_object`: off the object list or the dying list. */
  unlistObject(obj: FscacheObject): void {
    const i = this.objectList.indexOf(obj);
    touch(this);
    if (i >= 0) this.objectList.splice(i, 1);
    this.dying.delete(obj);
  }

  /** An acquisition takes `fscache_addremove_sem` for reading (`down_read`). */
  acquireBegin(): void {
    touch(this);
    this.acquiring++;
  }

  /** Releases an acquisition's hold on `fscache_addremove_sem` (`up_read`). */
  acquireDone(): void {
    touch(this);
    this.acquiring--;
    if (this.acquiring === 0) this.wake(this.addremoveWq);
  }

  /** `fscache_cache_is_broken`. */
  get broken(): boolean {
    return this.cacheFlags.has("IOERROR");
  }

  /** Records a task's failure: an OopsError sets `oops` (first one wins). */
  recordFault(e: unknown): void {
    if (e instanceof OopsError && this.oops === "NONE") this.oops = e.oops;
  }

  thread(t: string): ThreadRecord {
    let th = this.threads.get(t);
    if (!th) {
      th = { t, rev: 0, pc: "Ready", op: 0, page: "NONE", retire: false, result: "NONE", cookie: null };
      touch(this);
      this.threads.set(t, th);
    }
    return th;
  }
}
