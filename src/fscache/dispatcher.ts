// The object dispatcher (`fscache_object_work_func`, §2.1) as a small pure decision over the state table
// (`select`, `afterWork`) and the worker loop that performs it in the atomic steps DispatchStart /
// DispatchSelect / <work steps> / DispatchUnmask of docs/model.md.
//
// No lock objects: a step is atomic on both runtimes, so each step is its own spinlock critical section. The
// locks held across steps are a submitter's object->lock inside its submit (CacheCore.submitWindow) and a
// raiser's cookie->lock inside its raise (CacheCore.raiseWindow), which the steps that take them wait for.

import { label, type Task } from "../runtime/runtime.ts";
import type { CacheCore } from "./context.ts";
import { bugOn } from "./errors.ts";
import { type EventName, highestEvent, type OobTableName, type StateName } from "./names.ts";
import { type FscacheObject, objectPut, objectStepGate } from "./object.ts";
import { takesObjectLock } from "./operation.ts";
import { SPEC_OOPS } from "./oops.ts";
import { firstStep, isWaitState, OOB_TABLES, STATES, waitEvents, type WorkStateName } from "./states.ts";
import { type WorkCtx, WORK } from "./work.ts";
import { touch } from "./revision.ts";

/** What DispatchSelect decides: run a work state (clearing `event`, changing `state` for a wait transition). */
export type Selection =
  | { readonly kind: "oob"; readonly event: EventName; readonly exec: WorkStateName }
  | { readonly kind: "transition"; readonly event: EventName; readonly exec: WorkStateName }
  | { readonly kind: "work"; readonly exec: WorkStateName }
  | { readonly kind: "unmask" };

/** The inputs of DispatchSelect. */
export interface SelectInput {
  readonly state: StateName;
  readonly events: ReadonlySet<EventName>;
  readonly oobMask: ReadonlySet<EventName>;
  readonly oob: OobTableName;
  /** The dispatcher's saved event mask. */
  readonly dmask: ReadonlySet<EventName>;
}

/** DispatchSelect, pure: OOB events first, then the wait state's table in order, else the work state itself. */
export function select(input: SelectInput): Selection {
  const oobHit = [...input.events].filter((e) => input.oobMask.has(e));
  const oobEvent = highestEvent(oobHit);
  if (oobEvent !== undefined) return { kind: "oob", event: oobEvent, exec: OOB_TABLES[input.oob].to };
  const state = input.state;
  if (isWaitState(state)) {
    const pending = [...input.events].filter((e) => input.dmask.has(e));
    if (pending.length === 0) return { kind: "unmask" };
    for (const t of STATES[state].transitions) {
      const event = highestEvent(pending.filter((e) => (t.events as readonly EventName[]).includes(e)));
      if (event !== undefined) return { kind: "transition", event, exec: t.to };
    }
    // The kernel BUGs when a pending event in the mask matches no transition.
    bugOn(true, SPEC_OOPS.DispatchSelect);
  }
  bugOn(STATES[state].kind === "dead", "dispatcher: OBJECT_DEAD selected");
  return { kind: "work", exec: state as WorkStateName };
}

/** What the dispatcher does after a work state returned `next`. */
export type AfterWork =
  | { readonly kind: "select" }
  | { readonly kind: "unmask"; readonly dmask: ReadonlySet<EventName> }
  | { readonly kind: "dead" };

/** After a work state: another work state → select again; a wait state → its mask; DEAD → end the run. */
export function afterWork(next: StateName, oobMask: ReadonlySet<EventName>): AfterWork {
  if (STATES[next].kind === "dead") return { kind: "dead" };
  if (isWaitState(next)) return { kind: "unmask", dmask: new Set([...oobMask, ...waitEvents(next)]) };
  return { kind: "select" };
}

/** Whether DispatchUnmask must restart the run: a pending event the new mask listens for. */
export function mustRestart(events: ReadonlySet<EventName>, dmask: ReadonlySet<EventName>): boolean {
  for (const e of events) if (dmask.has(e)) return true;
  return false;
}

/**
 * The object's work item. The task starts inside DispatchStart(o); it runs the item until it ends, and again
 * if it was requeued while running (the same task plays the next run, starting at DispatchStart).
 */
export async function runObjectWorker(core: CacheCore, obj: FscacheObject, task: Task): Promise<void> {
  const o = obj.id;
  const yieldTo = (action: string, params: Record<string, string> = {}): Promise<void> => {
    touch(obj);
    obj.disp = action;
    // A step that takes object->lock or cookie->lock waits while a submitter or a raiser holds it across two steps.
    const gate = objectStepGate(core, obj, takesObjectLock(core, action), action);
    if (gate) return task.waitUntil(label(action, { o, ...params }), gate.queue, gate.condition);
    return task.step(label(action, { o, ...params }));
  };
  const w: WorkCtx = { core, obj, step: yieldTo };
  for (;;) {
    // DispatchStart
    bugOn(obj.wq !== "QUEUED", `DispatchStart: object ${o} work item is ${obj.wq}`);
    let again: boolean;
    if (STATES[obj.state].kind === "dead") {
      // A run queued while the previous one was ending in OBJECT_DEAD: 3.12 calls the DEAD state's sentinel
      // work function; repair DEAD_RUN_RETURNS returns at once, leaving every event masked.
      bugOn(!core.repaired("DEAD_RUN_RETURNS"), SPEC_OOPS.DispatchStart);
      touch(obj);
      obj.event_mask = new Set();
      // The run is this one step, so nothing can have requeued the item: it goes idle.
      endRun(core, obj);
      return;
    }
    touch(obj);
    obj.wq = "RUNNING";
    obj.dmask = new Set(obj.event_mask);
    obj.event_mask = new Set();
    await yieldTo("DispatchSelect");
    for (;;) {
      // DispatchSelect
      const sel = select({
        state: obj.state,
        events: obj.events,
        oobMask: obj.oob_event_mask,
        oob: obj.oob,
        dmask: obj.dmask,
      });
      if (sel.kind !== "unmask") {
        touch(obj);
        if (sel.kind === "oob") {
          obj.oob_event_mask.delete(sel.event);
          obj.events.delete(sel.event);
        } else if (sel.kind === "transition") {
          obj.events.delete(sel.event);
          obj.state = sel.exec;
        }
        obj.exec = sel.exec;
        await yieldTo(firstStep(sel.exec));
        const next: StateName = await WORK[sel.exec](w);
        // The work state's last step: commit the transition.
        touch(obj);
        obj.state = next;
        obj.exec = "NONE";
        const after = afterWork(next, obj.oob_event_mask);
        if (after.kind === "dead") {
          // OBJECT_DEAD: the run ends at once, leaving event_mask empty for good.
          again = endRun(core, obj);
          break;
        }
        if (after.kind === "select") {
          await yieldTo("DispatchSelect");
          continue;
        }
        touch(obj);
        obj.dmask = new Set(after.dmask);
      }
      await yieldTo("DispatchUnmask");
      // Store the mask; until the re-read, a raiser of an event in it queues this running item again.
      touch(obj);
      obj.event_mask = new Set(obj.dmask);
      await yieldTo("DispatchRecheck");
      if (mustRestart(obj.events, obj.dmask)) {
        touch(obj);
        obj.event_mask = new Set();
        await yieldTo("DispatchSelect");
        continue;
      }
      again = endRun(core, obj);
      break;
    }
    if (!again) return;
    await yieldTo("DispatchStart");
  }
}

/** The end of one run: the work item goes idle (or stays queued) and drops its object ref. */
function endRun(core: CacheCore, obj: FscacheObject): boolean {
  const again = obj.wq === "REQUEUED";
  touch(obj);
  obj.wq = again ? "QUEUED" : "IDLE";
  // A requeued item's next run sets `disp` again at its DispatchStart, in this same step.
  obj.disp = "IDLE";
  objectPut(core, obj);
  return again;
}
