// The abstraction function: the implementation's inspect() view (plus what the harness's netfs driver knows
// about each thread's program) → the spec's variables, field by field as docs/model.md lists them. Spec-only
// bookkeeping fields (object.lop, thread.alloc, thread.cached) and lastAction are projected away on the spec
// side; sets become sorted arrays on both sides.

import type { CacheView, ObjectView, OpView } from "../../src/fscache/index.ts";
import { isObject, type Json } from "../json.ts";
import type { SpecState } from "../trace/format.ts";
import type { ModelConstants } from "./model.ts";

/** The compared fields of each record variable, and which of them are sets. */
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

const SETS = new Set(["flags", "backing", "oob_mask", "event_mask", "events", "dependents", "dmask"]);

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

function sortedSet(v: Json | undefined): Json {
  return Array.isArray(v)
    ? [...v].map((x) => (typeof x === "string" ? x : JSON.stringify(x))).sort()
    : (v ?? null);
}

function pick(rec: Json | undefined, fields: readonly string[]): Json {
  if (!isObject(rec)) return rec ?? null;
  const out: Record<string, Json> = {};
  for (const f of fields) out[f] = SETS.has(f) ? sortedSet(rec[f]) : (rec[f] ?? null);
  return out;
}

/** The spec state as compared: the listed fields of each record, sets sorted; lastAction dropped. */
export function projectSpec(state: SpecState): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const v of ["cookie", "object", "thread"] as const) {
    const m = state[v];
    const o: Record<string, Json> = {};
    if (isObject(m)) for (const [k, r] of Object.entries(m)) o[k] = pick(r, FIELDS[v]);
    out[v] = o;
  }
  const ops = state["op"];
  out["op"] = Array.isArray(ops) ? ops.map((r) => pick(r, FIELDS.op)) : (ops ?? null);
  out["oops"] = state["oops"] ?? null;
  return out;
}

const unbornCookie = (pages: readonly string[]): Json => ({
  mem: "UNBORN",
  usage: 0,
  n_children: 0,
  n_active: 0,
  flags: [],
  netfs: false,
  stores: Object.fromEntries(pages.map((p) => [p, "NONE"])),
  backing: [],
});

const unbornObject: Json = {
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

const freeOp: Json = { state: "FREE", kind: "NONE", object: "NULL", flags: [], usage: 0, pc: "NONE" };

/**
 * The implementation's `disp` names the worker's next step even while the work item is only queued
 * (`DispatchStart`); the spec's dispatcher pc is "IDLE" until DispatchStart runs.
 */
function objectJson(o: ObjectView): Json {
  const v = pick(o as unknown as Json, FIELDS.object) as Record<string, Json>;
  if (v["disp"] === "DispatchStart") v["disp"] = "IDLE";
  return v;
}

function opJson(o: OpView): Json {
  return pick(o as unknown as Json, FIELDS.op);
}

/** The spec's variables (cookie, object, op, thread, oops) computed from the implementation. */
export function abstractState(
  view: CacheView,
  k: ModelConstants,
  driver: (t: string) => DriverThreadView,
): Record<string, Json> {
  const cookie: Record<string, Json> = {};
  for (const c of k.Cookies) {
    const v = view.cookies.find((x) => x.id === c);
    cookie[c] = v
      ? {
          mem: v.mem,
          usage: v.usage,
          n_children: v.n_children,
          n_active: v.n_active,
          flags: [...v.flags].sort(),
          netfs: v.netfs,
          stores: Object.fromEntries(k.Pages.map((p) => [p, v.stores[p] ?? "NONE"])),
          backing: [...v.backing].sort(),
        }
      : unbornCookie(k.Pages);
  }
  const object: Record<string, Json> = {};
  for (const o of k.Cookies) {
    const v = view.objects.find((x) => x.id === o);
    object[o] = v ? objectJson(v) : unbornObject;
  }
  const op: Json[] = [];
  for (let i = 1; i <= k.MaxOps; i++) {
    const v = view.ops.find((x) => x.id === i);
    op.push(v ? opJson(v) : freeOp);
  }
  const thread: Record<string, Json> = {};
  for (const t of k.Threads) {
    const d = driver(t);
    const v = view.threads.find((x) => x.t === t);
    const calls = k.MaxCalls - d.callsUsed;
    if (d.noParent) {
      thread[t] = { pc: "Done", calls, op: 0, page: "NONE", retire: false, result: "ENOBUFS" };
    } else if (d.notStarted || !v) {
      thread[t] = { pc: "AcquireCookie", calls, op: 0, page: "NONE", retire: false, result: "NONE" };
    } else {
      thread[t] = {
        pc: d.atRelinquish ? "RelinquishCookie" : v.pc,
        calls,
        op: v.op,
        page: v.page,
        retire: v.retire,
        result: v.result,
      };
    }
  }
  return { cookie, object, op, thread, oops: view.oops };
}

/** The spec's Quiescent, over an abstract state: when the spec's Terminated step is enabled. */
export function quiescent(s: Record<string, Json>): boolean {
  const all = (m: Json | undefined, p: (r: Record<string, Json>) => boolean): boolean =>
    (Array.isArray(m) ? m : isObject(m) ? Object.values(m) : []).every((r) => isObject(r) && p(r));
  return (
    s["oops"] === "NONE" &&
    all(s["thread"], (r) => r["pc"] === "Done") &&
    all(s["object"], (r) => r["wq"] === "IDLE" && r["disp"] === "IDLE") &&
    all(s["op"], (r) => r["pc"] === "NONE")
  );
}
