// Runs a workload on the production path: the event-loop runtime, a real backend, one netfs task per spec thread
// calling the netfs API as the spec's thread does (acquire, the planned calls, the wait for page writes,
// relinquish). With recording on, a step listener on the runtime records every atomic step's label and the
// abstract state after it, through the conformance abstraction (mapping/abstraction.ts).

import type { Cookie, CookieDef, Design, FsCache } from "../../src/fscache/index.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import type { ExecutedStep } from "../../src/runtime/event-loop.ts";
import type { StepLabel, Task } from "../../src/runtime/runtime.ts";
import type { Json } from "../json.ts";
import {
  abstractState,
  type DriverThreadView,
  type Shape,
  shapeOf,
  threadPcOf,
} from "../mapping/abstraction.ts";
import type { ModelConstants } from "../mapping/model.ts";
import { netfsCall } from "../mapping/netfsCall.ts";
import { type LogSize, SnapshotLog, takeSnapshot } from "../mapping/snapshot.ts";
import type { SpecAction } from "../trace/format.ts";
import { type BackendKind, makeBackend } from "./backends.ts";
import type { Production } from "./production.ts";
import { pageData, runPages, type ThreadPlan, type Workload } from "./workload.ts";

/**
 * Per shape, the most any run's log has needed so far: a new log starts at that size, so that a recording does
 * not grow its arrays (copying them) as it goes; in perf, growing was about a tenth of recording's cost.
 */
const logSizes = new WeakMap<Shape, LogSize>();

/** One recorded step: the spec action its label names (null for the initial state) and the abstract state after. */
export interface RecordedStep {
  readonly action: SpecAction | null;
  readonly state: Record<string, Json>;
}

/**
 * A run's recording: the action of each step and a raw snapshot of the state after it (the log's snapshot i
 * follows labels[i]). Taking snapshots is all a run pays for recording; `steps()` applies the abstraction.
 */
export class Recording {
  constructor(
    readonly log: SnapshotLog,
    /** The runtime's step labels (immutable copies), null for the initial state. */
    readonly labels: readonly (StepLabel | null)[],
  ) {}

  private mapped: readonly RecordedStep[] | undefined;

  /** The recorded steps as the spec sees them: each action with the abstract state after it (mapped once). */
  steps(): readonly RecordedStep[] {
    this.mapped ??= this.labels.map((l, i) => ({
      action: l && { name: l.action, params: l.params },
      state: abstractState(this.log, i),
    }));
    return this.mapped;
  }
}

/** How a run ended: every task finished (`done`), some asleep forever (`stuck`), or a netfs task threw (`error`). */
export type RunEnd = "done" | "stuck" | "error";

export interface RunOutcome {
  readonly end: RunEnd;
  /** Atomic steps run. */
  readonly steps: number;
  /** Tasks asleep at the end (`stuck`). */
  readonly blocked: readonly string[];
  readonly error?: string;
  /** With recording on: the initial state, then one entry per step, then `Terminated` (see below). */
  readonly recording?: Recording;
}

export interface RunOptions {
  readonly backend: BackendKind;
  readonly design: Design;
  /** Record with these constants (the model the run is checked against, or constants sized to the run). */
  readonly record?: ModelConstants;
  /**
   * Run on the stepped runtime instead of the event loop: at each step the enabled step `choices[i]` (modulo
   * their number), then the first enabled one. Threads start at once (delays are event-loop turns).
   */
  readonly stepped?: { readonly choices: readonly number[] };
}

/** The states in which the spec's DataGone holds for thread `u`'s cookie: gone, nothing left to run. */
const GONE_STATES = new Set(["OBJECT_DEAD", "WAIT_FOR_INIT"]);

/** What the driver knows of one thread: its plan, and the view the abstraction reads (kept up to date in place). */
interface ThreadDriver extends DriverThreadView {
  readonly plan: ThreadPlan;
  notStarted: boolean;
  noParent: boolean;
  atRelinquish: boolean;
  callsUsed: number;
}

const NOT_STARTED: DriverThreadView = {
  notStarted: true,
  noParent: false,
  atRelinquish: false,
  callsUsed: 0,
  borrower: false,
  ended: false,
};

/** Runs `w` once; resolves when no task can run any more. */
export async function runWorkload(p: Production, w: Workload, o: RunOptions): Promise<RunOutcome> {
  const L = p.runtime.label;
  const drivers = new Map<string, ThreadDriver>();
  for (const plan of w.threads) drivers.set(plan.t, { ...NOT_STARTED, plan });
  const view = (t: string): DriverThreadView => drivers.get(t) ?? NOT_STARTED;
  const retained = { cookies: new Map<string, Cookie>(), objects: new Map<string, FscacheObject>() };
  const shape: Shape | undefined = o.record ? shapeOf(o.record) : undefined;
  // Recording takes a raw snapshot per step (snapshot.ts); the abstraction maps them when they are read.
  const log = shape ? new SnapshotLog(shape, undefined, logSizes.get(shape)) : undefined;
  // The driver's view of each thread, in the shape's order: the records are updated in place, so the recorder
  // reads them by index rather than by a map look-up per thread and step.
  const views = shape ? shape.threads.map((t) => view(t)) : [];
  const viewAt = (_t: string, j: number): DriverThreadView => views[j] as DriverThreadView;
  const labels: (StepLabel | null)[] = [];
  let failure: string | undefined;
  let steps = 0;
  // The runtime's listener needs the cache, which needs the runtime: the listener reads it through `ref`.
  const ref: { cache?: FsCache } = {};
  const record = (label: StepLabel | null): void => {
    if (!log || !ref.cache) return;
    takeSnapshot(log, ref.cache.core, retained, viewAt);
    labels.push(label);
  };

  const childrenGoneQ = { name: "validate:children-gone" };
  const onStep = (s: ExecutedStep): void => {
    steps++;
    if (s.status === "failed" && ref.cache) {
      const e = s.error as { oops?: unknown } | undefined;
      // An oops ends the worker that met it; the spec's Oops freezes the state with `oops` set.
      if (e && typeof e.oops === "string") ref.cache.core.recordFault(e);
      else failure ??= `${s.taskName}: ${s.error instanceof Error ? s.error.message : String(s.error)}`;
    }
    // Labels are immutable copies (runtime.label), so the recording can keep their parameters as they are.
    // A listener must not throw into the runtime (it would surface as an unhandled rejection): a recording
    // that fails (a stale record in verify mode) ends the run with an error.
    if (shape && failure === undefined) {
      try {
        record(s.label);
      } catch (e) {
        failure = `recording: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    // The index threads wait for their children to be gone (the models' netfs schedule): re-check after each step.
    rt.wake(childrenGoneQ);
  };
  const stepped = o.stepped ? new p.stepped.SteppedRuntime({ onStep }) : undefined;
  const loop = stepped ? undefined : new p.eventLoop.EventLoopRuntime({ onStep });
  const rt = (stepped ?? loop) as NonNullable<typeof stepped | typeof loop>;
  const rb = await makeBackend(p, o.backend, w);
  const fs = new p.fscache.FsCache({
    runtime: rt,
    backend: rb.backend,
    design: o.design,
    maxOps: w.maxOps,
    ...(shape
      ? {
          listener: {
            cookieFreed: (c: Cookie) => retained.cookies.set(c.id, c),
            objectFreed: (ob: FscacheObject) => retained.objects.set(ob.id, ob),
          },
        }
      : {}),
  });
  ref.cache = fs;
  const core = fs.core;
  // The spec's withdrawal starts in the initial state (Init: cache.wd = "WithdrawCache"); its task runs
  // alongside the threads'. Its fault, if any, is reported by the step listener. Not awaited: it settles only
  // once every object is gone, and the run ends when no task can step, settled or not.
  if (w.withdraw) void fs.withdraw().catch(() => undefined);
  record(null);

  const REL = new Set(["RelinquishKill", "RelinquishDropActive", "RelinquishWait", "RelinquishClear"]);
  const relPcs = new Set([
    ...REL,
    "RelinquishEnqueue",
    "RelinquishPut",
    "RelinquishWaitCreating",
    "RelinquishDetach",
    "Done",
  ]);
  /** The spec's ParentUsable: the parent is live and its owner has not started relinquishing. */
  const parentUsable = (parent: string): boolean => {
    if (parent === "FSDEF") return true;
    const ck = core.cookies.get(parent);
    if (!ck || ck.mem !== "LIVE") return false;
    return w.threads.every((u) => u.cookie !== parent || !relPcs.has(threadPcOf(core, u.t, view(u.t))));
  };
  /** The models' DataGone for every child thread of index cookie `c`. */
  const childrenGone = (c: string): boolean =>
    w.threads.every((u) => {
      if (u.parent !== c) return true;
      if (threadPcOf(core, u.t, view(u.t)) !== "Done") return false;
      const ob = core.objects.get(u.cookie);
      if (ob) {
        const f = p.fscache.objectFields(ob);
        if (!GONE_STATES.has(f.state) || f.wq !== "IDLE" || f.disp !== "IDLE") return false;
      }
      return [...core.ops.values()].every((op) => op.pc === "NONE");
    });

  const pending: Promise<void>[] = [];
  const start = (plan: ThreadPlan): void => {
    pending.push(
      (async () => {
        if (!o.stepped) for (let i = 0; i < plan.delay; i++) await new Promise<void>((r) => setImmediate(r));
        const first = L("AcquireCookie", { t: plan.t });
        const h = rt.spawn(`netfs:${plan.t}`, first, (task) => program(task, first, plan));
        // A netfs task that throws is reported by the step listener.
        h.done.catch(() => undefined);
      })(),
    );
  };

  /**
   * Starts the thread after `after` among the children of cookie `parent` (the first when `after` is undefined).
   * The spec lets only one thread at a time allocate objects for a parent without one (AllocObject's
   * ~pPendingElsewhere: it has one object per cookie), so sibling data cookies are acquired one after another;
   * the implementation would race them through its EEXIST path, which the spec does not model.
   */
  const startChild = (parent: string, after: string | undefined): void => {
    const siblings = w.threads.filter((u) => u.parent === parent);
    const i = after === undefined ? 0 : siblings.findIndex((u) => u.t === after) + 1;
    const next = siblings[i];
    if (next && (after === undefined || i > 0)) start(next);
  };

  const def = (plan: ThreadPlan, cached: Set<number>): CookieDef => ({
    name: plan.cookie,
    type: plan.index ? "INDEX" : "DATAFILE",
    getKey: () => plan.cookie,
    markPageCached: (_d: unknown, page: number) => cached.add(page),
  });

  /** Thread `plan.t` of the spec: its task is parked at AcquireCookie when this starts. */
  async function program(task: Task, first: StepLabel, plan: ThreadPlan): Promise<void> {
    const d = drivers.get(plan.t) as ThreadDriver;
    const t = plan.t;
    const api = fs.netfs;
    const caller = { task, t, entered: first };
    d.notStarted = false;
    if (!parentUsable(plan.parent)) {
      d.noParent = true;
      startChild(plan.parent, plan.t);
      return;
    }
    const parent = plan.parent === "FSDEF" ? null : (core.cookies.get(plan.parent) ?? null);
    const cached = new Set<number>();
    const cookie = await api.acquireCookie(caller, parent, def(plan, cached), {}, plan.cookie);
    // The children's threads can start once their parent cookie exists (the spec's AcquireCookie needs it);
    // siblings acquire one after another (see startNextSibling).
    if (plan.index) startChild(plan.cookie, undefined);
    else startChild(plan.parent, plan.t);
    if (!cookie) return;
    for (const call of plan.calls) {
      const pn = `p${call.page}`;
      // The netfs writes only pages a read marked cached; a write the contract forbids is not made.
      if (call.name === "WritePage" && !cached.has(call.page)) continue;
      const first = L(
        call.name,
        call.name === "ReadPage" || call.name === "WritePage" ? { t, p: pn } : { t },
      );
      await netfsCall(api, task, { task, t, entered: first }, cookie, call.name, first, {
        page: call.page,
        // A ReadPages reads every page of the run (the spec's Pages: runConstants).
        pages: runPages(w),
        data: () => pageData(call.page),
        started: () => d.callsUsed++,
        recorded: () => core.threads.get(t)?.result,
      });
    }
    const wait = L("WaitOnPageWrite", { t });
    if (plan.index) {
      await task.waitUntil(wait, childrenGoneQ, () => childrenGone(plan.cookie));
    } else {
      await task.waitUntil(wait, cookie.storesWq, () => cookie.stores.size === 0);
      await api.waitOnPageWrite({ task, t, entered: wait }, cookie);
    }
    d.atRelinquish = true;
    const rel = L("RelinquishCookie", { t, retire: plan.retire });
    if (plan.index) await task.waitUntil(rel, cookie.childrenWq, () => cookie.n_children === 0);
    else await task.step(rel);
    d.atRelinquish = false;
    await api.relinquishCookie({ task, t, entered: rel }, cookie, plan.retire);
  }

  try {
    for (const plan of w.threads) if (plan.parent === "FSDEF") start(plan);
    if (stepped) {
      const choices = o.stepped?.choices ?? [];
      // A spawn from a step lands after a microtask: settle them before each choice.
      for (let i = 0; ; i++) {
        await Promise.all(pending);
        let enabled = stepped.enabled();
        // The withdrawal waits its turn (Workload.withdrawDelay) while another task can step.
        if (i < w.withdrawDelay && enabled.some((e) => e.taskName !== "withdraw"))
          enabled = enabled.filter((e) => e.taskName !== "withdraw");
        const c = choices[i] ?? 0;
        const step = enabled[((c % enabled.length) + enabled.length) % enabled.length];
        if (!step) break;
        await stepped.runStep(step.taskId);
      }
    } else if (loop) {
      // Threads start on timers and from other steps: settle until no start is pending and no step can run.
      for (let seen = -1; seen !== pending.length || !loop.isIdle();) {
        seen = pending.length;
        await Promise.all(pending);
        await loop.whenIdle();
      }
    }
  } finally {
    await rb.dispose();
  }
  const blocked = rt.blocked().map((b) => `${b.taskName} ${p.runtime.formatLabel(b.label)} (on ${b.queue})`);
  // The run has ended: record it as the spec's Terminated step, which the spec allows only in a quiescent
  // state. A run that stops where the spec still has steps enabled (they stay enabled: nothing runs any more)
  // is not a fair behaviour of the spec, so its Terminated step is rejected.
  if (shape && failure === undefined) record(L("Terminated"));
  if (log && shape) logSizes.set(shape, log.size(logSizes.get(shape)));
  const end: RunEnd = failure !== undefined ? "error" : blocked.length > 0 ? "stuck" : "done";
  return {
    end,
    steps,
    blocked,
    ...(failure !== undefined ? { error: failure } : {}),
    ...(log ? { recording: new Recording(log, labels) } : {}),
  };
}
