// The action table: every spec action (docs/model.md), whose parameter names its actor, which parameters
// are choices the harness scripts (backend outcomes, the retire flag) rather than reads of the implementation,
// and which actions start a netfs call from "Ready" (the netfs program's choice, taken from the trace).
// An implementation step implements a spec action when its label has the same name and parameters.

import type { StepLabel } from "../../src/runtime/runtime.ts";
import { formatAction } from "./lastAction.ts";
import type { SpecAction, SpecState } from "../trace/format.ts";
import { isObject } from "../json.ts";

interface ActionDef {
  /** The parameter naming the actor: thread t, object o, op k; w for the withdrawal; none for Terminated. */
  readonly actor: "t" | "o" | "k" | "w" | "none";
  /** Parameters the trace chooses and the harness scripts: not compared in enabled sets. */
  readonly chosen?: readonly string[];
  /** Starts a netfs call from pc "Ready". */
  readonly fromReady?: boolean;
  /** Counts against thread[t].calls. */
  readonly countsCall?: boolean;
}

const thread = (more: Partial<ActionDef> = {}): ActionDef => ({ actor: "t", ...more });
const obj: ActionDef = { actor: "o" };
const op: ActionDef = { actor: "k" };
const call: ActionDef = { actor: "t", fromReady: true, countsCall: true };

export const ACTIONS: Readonly<Record<string, ActionDef>> = {
  NfsLoadCookie: thread(),
  NfsTaskDone: thread({ fromReady: true }),
  AcquireCookie: thread(),
  AllocObject: thread(),
  AttachObject: thread(),
  AcquireNewChild: thread(),
  AcquireFail: thread(),
  AcquireEnqueue: thread(),
  InvalidateEnqueue: thread(),
  UpdateEnqueue: thread(),
  RelinquishEnqueue: thread(),
  Invalidate: call,
  WaitOnInvalidate: call,
  UpdateCookie: call,
  AttrChanged: call,
  ReadPage: call,
  ReadPages: call,
  ReadPagesIO: thread({ chosen: ["up"] }),
  ReadPagesTest: thread(),
  ReadWaitLookup: thread(),
  ReadCookieLocked: thread(),
  ReadSubmitActive: thread(),
  ReadSubmitLookedUp: thread(),
  WriteSubmitActive: thread(),
  WriteSubmitLookedUp: thread(),
  AttrSubmitActive: thread(),
  AttrSubmitLookedUp: thread(),
  ReadWaitActive: thread(),
  ReadIO: thread({ chosen: ["result"] }),
  ReadPutOp: thread(),
  WritePage: call,
  WaitOnPageWrite: thread({ fromReady: true }),
  RelinquishCookie: thread({ chosen: ["retire"] }),
  RelinquishKill: thread(),
  RelinquishDropActive: thread(),
  RelinquishWait: thread(),
  RelinquishClear: thread(),
  RelinquishPut: thread(),
  RelinquishWaitCreating: thread(),
  RelinquishDetach: thread(),
  DispatchStart: obj,
  DispatchSelect: obj,
  DispatchUnmask: obj,
  DispatchRecheck: obj,
  INIT_OBJECT: obj,
  PARENT_READY: obj,
  LOOK_UP_OBJECT: obj,
  LookupObject: { actor: "o", chosen: ["result"] },
  LookupCreate: { actor: "o", chosen: ["result"] },
  LookupAvailable: obj,
  LookupUnuse: obj,
  OBJECT_AVAILABLE: obj,
  JUMPSTART_DEPS: obj,
  INVALIDATE_OBJECT: obj,
  InvalidateWrites: obj,
  InvalidateSubmitOp: obj,
  InvalidateDone: obj,
  UPDATE_OBJECT: obj,
  UpdateObject: obj,
  ABORT_INIT: obj,
  LOOKUP_FAILURE: obj,
  KILL_OBJECT: obj,
  KillTest: obj,
  KillStartOps: obj,
  KILL_DEPENDENTS: obj,
  DROP_OBJECT: obj,
  DETACH_FROM_COOKIE: obj,
  OpInvalidateObject: op,
  WriteOp: op,
  WriteOpWritePage: { actor: "k", chosen: ["result"] },
  OpAttrChanged: op,
  OpPut: op,
  ReadWaiter: op,
  ReadWaiterEnqueue: op,
  ReadCopier: { actor: "k", chosen: ["result"] },
  ReadCopierTest: op,
  ReadCopierPut: op,
  WithdrawCache: { actor: "w" },
  WithdrawUnlist: { actor: "w" },
  WithdrawAllObjects: { actor: "w" },
  WithdrawWait: { actor: "w" },
  Terminated: { actor: "none" },
};

/** The spec's grouping of actions in Next, which TLC 2.18 prints as dot labels instead of the action. */
export const ACTION_GROUPS: Readonly<Record<string, ActionDef["actor"]>> = {
  ThreadStep: "t",
  ObjStep: "o",
  OpStep: "k",
  WithdrawStep: "w",
};

export const KNOWN_ACTIONS: ReadonlySet<string> = new Set(Object.keys(ACTIONS));

/** Whether a dot edge label agrees with the action lastAction names (the action, or its group in Next). */
export function labelAgrees(label: string, action: string): boolean {
  if (label === action) return true;
  const def = ACTIONS[action];
  return def !== undefined && ACTION_GROUPS[label] === def.actor;
}

/** The implementation step `label` implements `action`: same name, same parameters. */
export function matches(action: SpecAction, label: StepLabel): boolean {
  if (action.name !== label.action) return false;
  // Called for each enabled step at each replayed step: no key arrays.
  let n = 0;
  for (const k in action.params) {
    if (action.params[k] !== label.params[k]) return false;
    n++;
  }
  for (const k in label.params) if (Object.hasOwn(label.params, k)) n--;
  return n === 0;
}

/** Whether `action` is a netfs call that thread t starts from "Ready". */
export function startsFromReady(action: SpecAction): boolean {
  return ACTIONS[action.name]?.fromReady === true;
}

export function countsCall(action: SpecAction): boolean {
  return ACTIONS[action.name]?.countsCall === true;
}

function threadPc(state: SpecState, t: string): string | undefined {
  const th = state["thread"];
  if (!isObject(th)) return undefined;
  const r = th[t];
  return isObject(r) && typeof r["pc"] === "string" ? r["pc"] : undefined;
}

/**
 * The enabled-set key of an action when `isReady(t)` says whether thread t is between calls: null for a Ready
 * thread's next call (the netfs program's choice, scripted from the trace); chosen parameters dropped
 * (scripted outcomes).
 */
export function enabledKeyWith(action: SpecAction, isReady: (t: string) => boolean): string | null {
  const def = ACTIONS[action.name];
  const t = action.params["t"];
  if (typeof t === "string" && isReady(t)) return null;
  if (!def?.chosen) return formatAction(action);
  const params = { ...action.params };
  for (const c of def.chosen) delete params[c];
  return formatAction({ name: action.name, params });
}

/** The enabled-set key of an action in `state` (see enabledKeyWith). */
export function enabledKey(action: SpecAction, state: SpecState): string | null {
  return enabledKeyWith(action, (t) => threadPc(state, t) === "Ready");
}

/** The canonical text of an enabled set: its distinct keys, sorted, one per line. */
export function enabledText(keys: Iterable<string>): string {
  return [...new Set(keys)].sort().join("\n");
}
