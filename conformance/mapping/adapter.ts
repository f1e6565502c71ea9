// The FsCache replay adapter: sets an implementation up in a model's initial state on the stepped runtime
// and drives it along a script (a trace, or a path through the state graph). One netfs task per spec thread
// runs a scripted netfs program: whenever thread t is between calls it looks at the script's next action of
// t to choose the next API call (the spec's threads choose nondeterministically). Backend outcomes
// (LookupObject, WriteOpWritePage results) come from the script through a scripted backend; op slots are
// bounded by the model's MaxOps. The implementation is loaded by dynamic import from a src/ root, so
// mutants (patched copies of src/) run through the same code.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as FsCacheModule from "../../src/fscache/index.ts";
import type * as BackendModule from "../../src/fscache/backend.ts";
import type * as MemoryModule from "../../src/fscache/backends/memory.ts";
import type * as SteppedModule from "../../src/runtime/stepped.ts";
import type * as RuntimeModule from "../../src/runtime/runtime.ts";
import type { Cookie, CookieDef, Design, FsCache, NfsInode } from "../../src/fscache/index.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import { pageName } from "../../src/fscache/names.ts";
import type { StepLabel, Task } from "../../src/runtime/runtime.ts";
import type { SteppedRuntime } from "../../src/runtime/stepped.ts";
import type { Json } from "../json.ts";
import type { EnabledStep, ReplayAdapter, ReplayScript, ReplayTarget } from "../replay/target.ts";
import type { SpecAction, TraceHeader } from "../trace/format.ts";
import {
  abstractNow,
  type DriverThreadView,
  projectSpec,
  quiescent,
  type Shape,
  shapeOf,
  stateText,
  threadPcOf,
} from "./abstraction.ts";
import { countsCall, enabledKey, KNOWN_ACTIONS, matches } from "./actions.ts";
import { asConstants, type ModelConstants } from "./model.ts";
import { netfsCall, type NetfsCallOptions } from "./netfsCall.ts";
import { SnapshotLog, snapshotText, takeSnapshot } from "./snapshot.ts";
import { ScriptedBackend } from "./scriptedBackend.ts";

/** The implementation modules the harness drives, loaded from one src/ root. */
export interface Implementation {
  readonly root: string;
  readonly fscache: typeof FsCacheModule;
  readonly backend: typeof BackendModule;
  readonly memory: typeof MemoryModule;
  readonly stepped: typeof SteppedModule;
  readonly runtime: typeof RuntimeModule;
}

export async function loadImplementation(srcRoot: string): Promise<Implementation> {
  const load = async <T>(rel: string): Promise<T> =>
    (await import(pathToFileURL(join(srcRoot, rel)).href)) as T;
  return {
    root: srcRoot,
    fscache: await load<typeof FsCacheModule>("fscache/index.ts"),
    backend: await load<typeof BackendModule>("fscache/backend.ts"),
    memory: await load<typeof MemoryModule>("fscache/backends/memory.ts"),
    stepped: await load<typeof SteppedModule>("runtime/stepped.ts"),
    runtime: await load<typeof RuntimeModule>("runtime/runtime.ts"),
  };
}

/** Task id of the spec's Terminated step, which has no implementation step (the system is quiescent). */
const TERMINATED_TASK = -1;
const REL_PCS = new Set([
  "RelinquishKill",
  "RelinquishEnqueue",
  "RelinquishDropActive",
  "RelinquishWait",
  "RelinquishClear",
  "RelinquishPut",
  "RelinquishWaitCreating",
  "RelinquishDetach",
  "Done",
]);

interface ThreadDriver {
  spawned: boolean;
  started: boolean;
  noParent: boolean;
  /** WaitOnPageWrite has returned and the program is parked before RelinquishCookie. */
  atRelinquish: boolean;
  callsUsed: number;
  /** An NFS task (the model's Borrowers): it loads its owner's cookie pointer and makes one read. */
  readonly borrower: boolean;
  /** The NFS task has ended (NfsTaskDone). */
  ended: boolean;
}

class FsCacheTarget implements ReplayTarget {
  private readonly rt: SteppedRuntime;
  private readonly cache: FsCache;
  private readonly shape: Shape;
  private readonly threads = new Map<string, ThreadDriver>();
  /** Freed cookies and objects, kept for the abstraction (the spec's FREED records keep their values). */
  private readonly retained = {
    cookies: new Map<string, Cookie>(),
    objects: new Map<string, FscacheObject>(),
  };
  private cursor = 0;
  private readonly idle;
  /** The inode of each data cookie NFS tasks read (the model's Borrowers), holding `nfsi->fscache`. */
  private readonly inodes = new Map<string, NfsInode>();

  constructor(
    private readonly impl: Implementation,
    private readonly k: ModelConstants,
    private readonly script: ReplayScript,
    design: Design,
  ) {
    this.shape = shapeOf(k);
    this.rt = new impl.stepped.SteppedRuntime();
    this.idle = this.rt.waitQueue("conformance:idle");
    const backend = new ScriptedBackend(new impl.memory.MemoryBackend(), {
      lookup: (objId) => this.lookahead("LookupObject", (a) => a.params["o"] === objId),
      create: (objId) => this.lookahead("LookupCreate", (a) => a.params["o"] === objId),
      write: () => this.lookahead("WriteOpWritePage"),
      // One thread per cookie: the reader of the object's page is the thread owning its cookie, whose next
      // step reports the read (the backend reads in the tail of ReadWaitActive). A multi-page read's backing
      // reads do not fail when they start (its ReadPagesIO has no result, but names the page already up to
      // date); a monitored page's failure is found by the copier, whose next ReadCopier of that op reports it.
      read: (objId) => this.readerNext(objId, "ReadIO", "result"),
      resident: (objId) => this.readerNext(objId, "ReadPagesIO", "up"),
      copy: (objId, page) => this.copierNext(objId, page),
      error: (op, detail, afterNegative, code) =>
        new impl.backend.BackendError(code, op, detail, { afterNegative }),
    });
    this.cache = new impl.fscache.FsCache({
      runtime: this.rt,
      backend,
      design,
      maxOps: k.MaxOps,
      submitWindow: k.SubmitWindow === true,
      raiseWindow: k.RaiseWindow === true,
      listener: {
        cookieFreed: (c) => this.retained.cookies.set(c.id, c),
        objectFreed: (o) => this.retained.objects.set(o.id, o),
      },
    });
    // The model's withdrawal starts in the initial state (the spec's Init sets cache.wd = "WithdrawCache").
    if (k.Withdrawal === true) this.cache.withdraw().catch(() => undefined); // its fault, if any, is recorded as the oops
    for (const t of k.Threads) {
      this.threads.set(t, {
        spawned: false,
        started: false,
        noParent: false,
        atRelinquish: false,
        callsUsed: 0,
        borrower: k.Borrowers?.includes(t) === true,
        ended: false,
      });
    }
    for (const t of k.Borrowers ?? []) {
      const c = k.TCookie[t] as string;
      const inode = this.inodes.get(c) ?? new impl.fscache.NfsInode(this.rt, c);
      this.inodes.set(c, inode);
      inode.opened(t);
    }
    this.spawnReady();
  }

  /** The `result` of the next `name` action (of the actor `of` accepts) after the current step. */
  private lookahead(name: string, of: (a: SpecAction) => boolean = () => true): string | undefined {
    for (let i = this.cursor + 1; i < this.script.length; i++) {
      const a = this.script.actionAt(i);
      if (a?.name === name && of(a)) {
        return typeof a.params["result"] === "string" ? a.params["result"] : undefined;
      }
    }
    return undefined;
  }

  /**
   * Parameter `key` of the next action of the thread reading cookie `objId`'s page, if that action is `name`:
   * the thread of that cookie (its owner, or an NFS task on it) whose next action is `name`.
   */
  private readerNext(objId: string, name: string, key: string): string | undefined {
    for (const u of this.k.Threads) {
      if (this.k.TCookie[u] !== objId) continue;
      const next = this.nextOf(u);
      if (next?.name === name && typeof next.params[key] === "string") return next.params[key];
    }
    return undefined;
  }

  /**
   * The result of the next ReadCopier of the op whose copier is about to take page `page` of object `objId` (the
   * head of its op->to_do): a READ op of that object with that page first, whose next step in the script is it.
   */
  private copierNext(objId: string, page: string): string | undefined {
    const ops = new Set<string>();
    for (const op of this.cache.core.ops.values()) {
      const head = op.todo[0];
      const ofObject = op.object !== null && ScriptedBackend.idOf(op.object.backend) === objId;
      if (op.kind === "READ" && ofObject && head && pageName(head.page) === page) ops.add(String(op.id));
    }
    return this.lookahead("ReadCopier", (a) => ops.has(String(a.params["k"])));
  }

  /** Thread t's next action after the current step, if the script has one. */
  private nextOf(t: string): SpecAction | undefined {
    for (let i = this.cursor + 1; i < this.script.length; i++) {
      const a = this.script.actionAt(i);
      if (a?.params["t"] === t) return a;
    }
    return undefined;
  }

  private driver(t: string): ThreadDriver {
    const d = this.threads.get(t);
    if (!d) throw new Error(`no thread ${t} in the model`);
    return d;
  }

  private driverView = (t: string): DriverThreadView => {
    const d = this.driver(t);
    return {
      notStarted: !d.started,
      noParent: d.noParent,
      atRelinquish: d.atRelinquish,
      callsUsed: d.callsUsed,
      borrower: d.borrower,
      ended: d.ended,
    };
  };

  /** A netfs thread's task exists once its parent cookie does (the netfs needs the parent's pointer). */
  private spawnReady(): void {
    for (const t of this.k.Threads) {
      const d = this.driver(t);
      if (d.spawned) continue;
      const c = this.k.TCookie[t] as string;
      const L = this.impl.runtime.label;
      if (d.borrower) {
        // An NFS task runs from the start: its load finds the pointer set or not.
        d.spawned = true;
        this.rt.spawn(`nfs:${t}`, this.impl.fscache.NfsInode.loadStep(t), (task) => this.nfsTask(task, t, c));
        continue;
      }
      const p = this.k.Parent[c] as string;
      if (p !== "FSDEF" && !this.known(p)) continue;
      d.spawned = true;
      const first = L("AcquireCookie", { t });
      this.rt.spawn(`netfs:${t}`, first, (task) => this.netfsProgram(task, first, t, c, p));
    }
  }

  /** A cookie the implementation has allocated (live, or freed and retained). */
  private known(c: string): boolean {
    return this.cache.core.cookies.has(c) || this.retained.cookies.has(c);
  }

  /** The spec's ParentUsable: the parent cookie is live and its owner has not started relinquishing. */
  private parentUsable(p: string): boolean {
    if (p === "FSDEF") return true;
    const ck = this.cache.core.cookies.get(p);
    if (!ck || ck.mem !== "LIVE") return false;
    return this.k.Threads.every(
      (u) => this.k.TCookie[u] !== p || !REL_PCS.has(threadPcOf(this.cache.core, u, this.driverView(u))),
    );
  }

  private def(c: string): CookieDef {
    const index = this.k.IndexCookies.includes(c);
    return { name: c, type: index ? "INDEX" : "DATAFILE", getKey: () => c, markPageCached: () => undefined };
  }

  /** The scripted netfs program of thread t: acquire, then the calls the script shows, then relinquish. */
  private async netfsProgram(task: Task, first: StepLabel, t: string, c: string, p: string): Promise<void> {
    const d = this.driver(t);
    const api = this.cache.netfs;
    d.started = true;
    if (!this.parentUsable(p)) {
      d.noParent = true;
      return;
    }
    const parent = p === "FSDEF" ? null : (this.cache.core.cookies.get(p) ?? null);
    const cookie: Cookie | null = await api.acquireCookie(
      { task, t, entered: first },
      parent,
      this.def(c),
      { c },
      c,
    );
    if (!cookie) return;
    const inode = this.inodes.get(c);
    inode?.publish(cookie);
    // Each call's first step is a step of this program (labelled as the call's first step); the API function
    // then runs inside it (`entered`), so nothing of the call happens before the spec's step does.
    const L = this.impl.runtime.label;
    for (;;) {
      const next = this.nextOf(t);
      if (!next) {
        await task.waitUntil(L("EndOfTrace", { t }), this.idle, () => false);
        return;
      }
      const first = L(next.name, { ...next.params });
      const caller = { task, t, entered: first };
      switch (next.name) {
        case "Invalidate":
        case "WaitOnInvalidate":
        case "UpdateCookie":
        case "AttrChanged":
        case "ReadPage":
        case "ReadPages":
        case "WritePage":
          await netfsCall(api, task, caller, cookie, next.name, first, this.callOptions(t, next));
          break;
        case "WaitOnPageWrite": {
          if (cookie.type === "DATAFILE") {
            await task.waitUntil(first, cookie.storesWq, () => api.startsNow("WaitOnPageWrite", cookie));
            await api.waitOnPageWrite(caller, cookie);
          } else {
            await task.step(first);
          }
          d.atRelinquish = true;
          const rel = this.nextOf(t);
          const retire = rel?.name === "RelinquishCookie" && rel.params["retire"] === true;
          const relLabel = L("RelinquishCookie", { t, retire });
          // The calls that start with a wait start when the library's own guard lets them (startsNow).
          if (cookie.type === "INDEX")
            await task.waitUntil(relLabel, cookie.childrenWq, () =>
              api.startsNow("RelinquishCookie", cookie),
            );
          else await task.step(relLabel);
          // With F16's repair the cookie is cleared at the inode's eviction, after its NFS tasks.
          await api.relinquishCookie({ task, t, entered: relLabel }, cookie, retire, inode?.eviction());
          inode?.zap();
          return;
        }
        default:
          throw new Error(`scripted netfs: thread ${t} cannot start ${next.name} between calls`);
      }
    }
  }

  /** What thread t's scripted call `next` reads or writes, and where its recorded result is. */
  private callOptions(t: string, next: SpecAction): NetfsCallOptions {
    const p = next.params["p"];
    return {
      pages: this.shape.pages.map((q) => q.index),
      page: typeof p === "string" ? Number(p.replace(/^p/, "")) : 0,
      data: () => new Uint8Array(16),
      recorded: () => this.cache.core.threads.get(t)?.result,
    };
  }

  /**
   * An NFS task reading through its owner's cookie (3.12 nfs_readpage_from_fscache): NfsLoadCookie loads
   * `nfsi->fscache` (NULL: ENOBUFS, the task ends), the read the script shows goes through that pointer
   * (`borrowed`), then NfsTaskDone.
   */
  private async nfsTask(task: Task, t: string, c: string): Promise<void> {
    const d = this.driver(t);
    const inode = this.inodes.get(c);
    if (!inode) throw new Error(`no inode for ${c}`);
    d.started = true;
    const cookie = inode.load(t);
    if (!cookie) {
      d.noParent = true;
      return;
    }
    const L = this.impl.runtime.label;
    const next = this.nextOf(t);
    if (next?.name === "ReadPage" || next?.name === "ReadPages") {
      const first = L(next.name, { ...next.params });
      const caller = { task, t, entered: first, borrowed: true };
      await netfsCall(this.cache.netfs, task, caller, cookie, next.name, first, this.callOptions(t, next));
    } else if (next?.name !== "NfsTaskDone") {
      await task.waitUntil(L("EndOfTrace", { t }), this.idle, () => false);
      return;
    }
    await inode.done(task, t);
    d.ended = true;
  }

  abstract(): Record<string, Json> {
    return abstractNow(this.cache.core, this.retained, this.shape, this.driverView);
  }

  rawState(): string {
    const log = new SnapshotLog(this.shape);
    takeSnapshot(log, this.cache.core, this.retained, this.driverView);
    return snapshotText(log, 0);
  }

  enabled(): EnabledStep[] {
    if (this.cache.core.oops !== "NONE") return [];
    const steps: EnabledStep[] = this.rt.enabled();
    if (quiescent(this.cache.core, this.shape, this.driverView))
      steps.push({ taskId: TERMINATED_TASK, label: { action: "Terminated", params: {} } });
    return steps;
  }

  async run(step: EnabledStep, action: SpecAction, index: number): Promise<void> {
    this.cursor = index;
    if (step.taskId === TERMINATED_TASK) return;
    const t = action.params["t"];
    const d = typeof t === "string" ? this.driver(t) : undefined;
    if (d) {
      if (action.name === "RelinquishCookie") d.atRelinquish = false;
      if (countsCall(action)) d.callsUsed++;
    }
    const out = await this.rt.runStep(step.taskId);
    if (out.status === "failed") {
      const e = out.error as { oops?: unknown } | undefined;
      if (!e || typeof e.oops !== "string")
        throw out.error instanceof Error ? out.error : new Error(String(out.error));
      this.cache.core.recordFault(e);
    }
    this.spawnReady();
  }

  dispose(): void {
    this.threads.clear();
  }
}

/** The replay adapter over the implementation at `impl`; `design` overrides the traces' design. */
export function fsCacheAdapter(impl: Implementation, options: { design?: Design } = {}): ReplayAdapter {
  return {
    knownActions: KNOWN_ACTIONS,
    setup(header: TraceHeader, script: ReplayScript): Promise<ReplayTarget> {
      const k = asConstants(header.constants);
      return Promise.resolve(new FsCacheTarget(impl, k, script, options.design ?? header.design));
    },
    matches,
    enabledKey,
    project: projectSpec,
    text: stateText,
    actionOfLabel: (l) => ({ name: l.action, params: { ...l.params } }),
  };
}
