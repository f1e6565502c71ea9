// The abstraction function: the implementation's state (the cache core, plus the freed records the harness
// retains, plus what the harness's netfs driver knows about each thread's program) → the spec's variables,
// field by field as docs/model.md lists them. Both sides are built in one normal form (ids and set elements
// sorted, record fields in FIELDS order), so a state's JSON text is canonical: equal states give equal texts,
// and a fingerprint of the text (fingerprint.ts) is all the per-step comparison needs.

import type { CacheCore } from "../../src/fscache/context.ts";
import type { Cookie } from "../../src/fscache/cookie.ts";
import type { ObjectFields, OpFields } from "../../src/fscache/inspect.ts";
import { EVENT_BITS, type EventName } from "../../src/fscache/names.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import type { Operation } from "../../src/fscache/operation.ts";
import { isObject, type Json } from "../json.ts";
import type { SpecState } from "../trace/format.ts";
import type { ModelConstants } from "./model.ts";

/** The compared fields of each record variable, in the order both sides emit them. */
export const FIELDS = {
  cookie: ["mem", "usage", "n_children", "n_active", "flags", "netfs", "stores", "backing"],
  object: [
    "mem",
    "state",
    "oob",
    "oob_mask",
    "event_mask",
    "events",
    "flags",
    "cookie",
    "parent",
    "n_children",
    "n_ops",
    "n_obj_ops",
    "n_in_progress",
    "n_exclusive",
    "n_reads",
    "usage",
    "dependents",
    "pending",
    "wq",
    "disp",
    "exec",
    "dmask",
  ],
  op: ["state", "kind", "object", "flags", "usage", "pc"],
  thread: ["pc", "calls", "op", "page", "retire", "result"],
} as const;

/** The spec variables the abstraction produces, in order (the rest of the spec's variables are SPEC_ONLY). */
export const VARIABLES = ["cookie", "object", "op", "thread", "oops"] as const;

/**
 * What the spec has and the implementation does not, projected away on the spec side: the history variable
 * naming each step, and bookkeeping the spec keeps to state its actions (docs/model.md, changes 1–3).
 */
export const SPEC_ONLY = {
  variables: ["lastAction"],
  fields: { object: ["lop"], thread: ["alloc", "cached"] },
} as const;

/** Set-valued fields: sorted by name, except event sets, sorted by bit (as the implementation lists them). */
const SETS: ReadonlySet<string> = new Set(["flags", "backing", "dependents"]);
const EVENT_SETS: ReadonlySet<string> = new Set(["oob_mask", "event_mask", "events", "dmask"]);

/** What the netfs driver knows about thread t beyond the implementation's thread record. */
export interface DriverThreadView {
  /** The task has not run AcquireCookie yet. */
  readonly notStarted: boolean;
  /** The netfs got no usable parent cookie: the spec's AcquireCookie → Done, ENOBUFS. */
  readonly noParent: boolean;
  /** The program is parked before RelinquishCookie (after WaitOnPageWrite): the spec's pc says so. */
  readonly atRelinquish: boolean;
  readonly callsUsed: number;
}

/** Records the harness keeps after the implementation freed them (the spec's FREED records keep their values). */
export interface Retained {
  readonly cookies: ReadonlyMap<string, Cookie>;
  readonly objects: ReadonlyMap<string, FscacheObject>;
}

function sortedSet(v: Json | undefined): Json {
  return Array.isArray(v)
    ? v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).sort()
    : (v ?? null);
}

const bit = (e: string): number => EVENT_BITS[e as EventName] ?? 99;

function eventSet(v: Json | undefined): Json {
  return Array.isArray(v)
    ? v.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).sort((a, b) => bit(a) - bit(b))
    : (v ?? null);
}

function sortedKeys(m: Json | undefined): [string, Json][] {
  return isObject(m) ? Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
}

function pick(rec: Json | undefined, fields: readonly string[]): Json {
  if (!isObject(rec)) return rec ?? null;
  const out: Record<string, Json> = {};
  for (const f of fields) {
    const v = rec[f];
    out[f] = SETS.has(f)
      ? sortedSet(v)
      : EVENT_SETS.has(f)
        ? eventSet(v)
        : f === "stores"
          ? Object.fromEntries(sortedKeys(v))
          : (v ?? null);
  }
  return out;
}

/**
 * A state after a kernel oops is compared by the oops alone: the kernel has crashed at that step, the spec
 * freezes every variable there by convention (Oops), and what the implementation had half done before it
 * detected the fault says nothing. What conformance checks is that both oops at the same step, the same way.
 */
function oopsState(oops: Json | undefined): Record<string, Json> | undefined {
  return oops === undefined || oops === "NONE" ? undefined : { oops };
}

/** The spec state as compared: the listed fields of each record in normal form; SPEC_ONLY dropped. */
export function projectSpec(state: SpecState): Record<string, Json> {
  const crashed = oopsState(state["oops"]);
  if (crashed) return crashed;
  const out: Record<string, Json> = {};
  for (const v of ["cookie", "object", "thread"] as const) {
    const o: Record<string, Json> = {};
    for (const [k, r] of sortedKeys(state[v])) o[k] = pick(r, FIELDS[v]);
    out[v] = o;
  }
  const ops = state["op"];
  out["op"] = Array.isArray(ops) ? ops.map((r) => pick(r, FIELDS.op)) : (ops ?? null);
  out["oops"] = state["oops"] ?? null;
  const at = (v: string): Json => out[v] ?? null;
  return { cookie: at("cookie"), object: at("object"), op: at("op"), thread: at("thread"), oops: at("oops") };
}

/** The canonical text of a state in normal form (both sides emit keys in the same order). */
export function stateText(s: Record<string, Json>): string {
  return JSON.stringify(s);
}

const sorted = <T extends string>(s: Iterable<T>): T[] => [...s].sort();

function unbornCookie(pages: readonly string[]): Json {
  return {
    mem: "UNBORN",
    usage: 0,
    n_children: 0,
    n_active: 0,
    flags: [],
    netfs: false,
    stores: Object.fromEntries(pages.map((p) => [p, "NONE"])),
    backing: [],
  };
}

const UNBORN_OBJECT: Json = {
  mem: "UNBORN",
  state: "WAIT_FOR_INIT",
  oob: "init",
  oob_mask: [],
  event_mask: [],
  events: [],
  flags: [],
  cookie: "NULL",
  parent: "NULL",
  n_children: 0,
  n_ops: 0,
  n_obj_ops: 0,
  n_in_progress: 0,
  n_exclusive: 0,
  n_reads: 0,
  usage: 0,
  dependents: [],
  pending: [],
  wq: "IDLE",
  disp: "IDLE",
  exec: "NONE",
  dmask: [],
};

const FREE_OP: Json = { state: "FREE", kind: "NONE", object: "NULL", flags: [], usage: 0, pc: "NONE" };

/** The constants in normal form, and each page name's index in the implementation (`p1` → 1). */
export interface Shape {
  readonly k: ModelConstants;
  readonly cookies: readonly string[];
  readonly threads: readonly string[];
  readonly pages: readonly { readonly name: string; readonly index: number }[];
}

export function shapeOf(k: ModelConstants): Shape {
  return {
    k,
    cookies: sorted(k.Cookies),
    threads: sorted(k.Threads),
    pages: sorted(k.Pages).map((name) => ({ name, index: Number(name.replace(/^p/, "")) })),
  };
}

function cookieJson(c: Cookie, shape: Shape): Json {
  const stores: Record<string, Json> = {};
  for (const p of shape.pages) stores[p.name] = c.stores.get(p.index)?.tag ?? "NONE";
  return {
    mem: c.mem,
    usage: c.usage,
    n_children: c.n_children,
    n_active: c.n_active,
    flags: sorted(c.flags),
    netfs: c.def !== null,
    stores,
    backing: c.backing_objects.map((o) => o.id).sort(),
  };
}

/** The implementation's record mappers (src/fscache/inspect.ts), from the implementation under test. */
export interface RecordFields {
  objectFields(o: FscacheObject): ObjectFields;
  opFields(op: Operation): OpFields;
}

/**
 * The implementation's `disp` names the worker's next step even while the work item is only queued
 * (`DispatchStart`); the spec's dispatcher pc is "IDLE" until DispatchStart runs.
 */
function objectJson(o: FscacheObject, fields: RecordFields): Json {
  const f = fields.objectFields(o) as unknown as Record<string, Json>;
  return f["disp"] === "DispatchStart" ? { ...f, disp: "IDLE" } : f;
}

/** The spec's variables (cookie, object, op, thread, oops) computed from the implementation, in normal form. */
export function abstractState(
  core: CacheCore,
  retained: Retained,
  shape: Shape,
  driver: (t: string) => DriverThreadView,
  fields: RecordFields,
): Record<string, Json> {
  const crashed = oopsState(core.oops);
  if (crashed) return crashed;
  const k = shape.k;
  const cookie: Record<string, Json> = {};
  for (const c of shape.cookies) {
    const v = core.cookies.get(c) ?? retained.cookies.get(c);
    cookie[c] = v ? cookieJson(v, shape) : unbornCookie(shape.pages.map((p) => p.name));
  }
  const object: Record<string, Json> = {};
  for (const o of shape.cookies) {
    const v = core.objects.get(o) ?? retained.objects.get(o);
    object[o] = v ? objectJson(v, fields) : UNBORN_OBJECT;
  }
  const op: Json[] = [];
  for (let i = 1; i <= k.MaxOps; i++) {
    const v = core.ops.get(i);
    op.push(v ? (fields.opFields(v) as unknown as Json) : FREE_OP);
  }
  const thread: Record<string, Json> = {};
  for (const t of shape.threads) thread[t] = threadJson(core, k, t, driver(t));
  return { cookie, object, op, thread, oops: core.oops };
}

/** The spec's `thread[t]` record (compared fields). */
export function threadJson(core: CacheCore, k: ModelConstants, t: string, d: DriverThreadView): Json {
  const v = core.threads.get(t);
  const calls = k.MaxCalls - d.callsUsed;
  if (d.noParent) return { pc: "Done", calls, op: 0, page: "NONE", retire: false, result: "ENOBUFS" };
  if (d.notStarted || !v)
    return { pc: "AcquireCookie", calls, op: 0, page: "NONE", retire: false, result: "NONE" };
  return {
    pc: threadPcOf(core, t, d),
    calls,
    op: v.op,
    page: v.page,
    retire: v.retire,
    result: v.result,
  };
}

/** The abstract pc of thread t (as the `thread` variable above shows it). */
export function threadPcOf(core: CacheCore, t: string, d: DriverThreadView): string {
  if (d.noParent) return "Done";
  const v = core.threads.get(t);
  if (d.notStarted || !v) return "AcquireCookie";
  return d.atRelinquish ? "RelinquishCookie" : v.pc;
}

/** The spec's Quiescent (when its Terminated step is enabled), read off the implementation directly. */
export function quiescent(core: CacheCore, shape: Shape, driver: (t: string) => DriverThreadView): boolean {
  if (core.oops !== "NONE") return false;
  for (const t of shape.threads) if (threadPcOf(core, t, driver(t)) !== "Done") return false;
  // A freed object has left the registry idle; a queued one is not idle (its disp names DispatchStart).
  for (const o of core.objects.values()) if (o.wq !== "IDLE") return false;
  for (const op of core.ops.values()) if (op.pc !== "NONE") return false;
  return true;
}
