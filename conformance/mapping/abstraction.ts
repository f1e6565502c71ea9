// The abstraction function: the implementation's state (the cache core, plus the freed records the harness
// retains, plus what the harness's netfs driver knows about each thread's program), as a raw snapshot
// (snapshot.ts) holds it → the spec's variables, field by field as docs/model.md lists them. Both sides are built in one normal form (ids and set elements
// sorted, record fields in FIELDS order), so a state's JSON text is canonical: equal states give equal texts,
// and a fingerprint of the text (fingerprint.ts) is all the per-step comparison needs.

import type { CacheCore } from "../../src/fscache/context.ts";
import type { Cookie } from "../../src/fscache/cookie.ts";
import { EVENT_BITS, type EventName } from "../../src/fscache/names.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import { isObject, type Json } from "../json.ts";
import type { SpecState } from "../trace/format.ts";
import type { ModelConstants } from "./model.ts";
import { fieldShape } from "../../src/cli/fieldShapes.ts";
import { type Cell, PRESENT, SnapshotLog, takeSnapshot } from "./snapshot.ts";

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
  op: ["state", "kind", "object", "flags", "usage", "pc", "io", "todo"],
  thread: ["pc", "calls", "op", "page", "retire", "result", "cached"],
  cache: ["flags", "wd", "dying", "waiters"],
} as const;

/** The spec variables the abstraction produces, in order (the rest of the spec's variables are SPEC_ONLY). */
export const VARIABLES = ["cookie", "object", "op", "thread", "oops", "cache"] as const;

/**
 * What the spec has and the implementation does not, projected away on the spec side: the history variable
 * naming each step, and bookkeeping the spec keeps to state its actions (docs/model.md: changes 1, 3 and 14, and
 * the cache's `list`).
 */
export const SPEC_ONLY = {
  variables: ["lastAction"],
  fields: { cookie: ["unwoken"], object: ["lop"], thread: ["alloc"], cache: ["list"] },
} as const;

/** What the netfs driver knows about thread t beyond the implementation's thread record. */
export interface DriverThreadView {
  /** The task has not run AcquireCookie yet. */
  readonly notStarted: boolean;
  /**
   * The netfs got no usable parent cookie (the spec's AcquireCookie → Done, ENOBUFS), or an NFS task found
   * `nfsi->fscache` NULL (NfsLoadCookie → Done, ENOBUFS).
   */
  readonly noParent: boolean;
  /** The program is parked before RelinquishCookie (after WaitOnPageWrite): the spec's pc says so. */
  readonly atRelinquish: boolean;
  readonly callsUsed: number;
  /** An NFS task (the spec's Borrowers): it starts at NfsLoadCookie, not AcquireCookie. */
  readonly borrower: boolean;
  /** An NFS task whose read has returned and which has ended (NfsTaskDone). */
  readonly ended: boolean;
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

/** `cache.waiters`, each record with its fields in one order (TLC prints a record's fields in its own). */
function waiterList(v: Json | undefined): Json {
  return Array.isArray(v)
    ? v.map((w) =>
        isObject(w) ? { k: w["k"] ?? null, p: w["p"] ?? null, monitor: w["monitor"] ?? null } : w,
      )
    : (v ?? null);
}

/** A field's value in its canonical form: sets sorted (event sets by bit), a function's keys sorted. */
function canonical(f: string, v: Json | undefined): Json {
  switch (fieldShape(f)) {
    case "set":
      return sortedSet(v);
    case "eventSet":
      return eventSet(v);
    case "function":
      return Object.fromEntries(sortedKeys(v));
    case "waiters":
      return waiterList(v);
    case "sequence":
    case "scalar":
      return v ?? null;
  }
}

function pick(rec: Json | undefined, fields: readonly string[]): Json {
  if (!isObject(rec)) return rec ?? null;
  const out: Record<string, Json> = {};
  for (const f of fields) out[f] = canonical(f, rec[f]);
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
  out["cache"] = pick(state["cache"], FIELDS.cache);
  const at = (v: string): Json => out[v] ?? null;
  return {
    cookie: at("cookie"),
    object: at("object"),
    op: at("op"),
    thread: at("thread"),
    oops: at("oops"),
    cache: at("cache"),
  };
}

/** The canonical text of a state in normal form (both sides emit keys in the same order). */
export function stateText(s: Record<string, Json>): string {
  return JSON.stringify(s);
}

const sorted = <T extends string>(s: Iterable<T>): T[] => [...s].sort();

/** The constants in normal form, and each page name's index in the implementation (`p1` → 1). */
export interface Shape {
  readonly k: ModelConstants;
  readonly cookies: readonly string[];
  readonly threads: readonly string[];
  readonly pages: readonly { readonly name: string; readonly index: number }[];
}

const shapes = new WeakMap<ModelConstants, Shape>();

/** The shape of a model's constants (memoised per constants object: recording asks once per run). */
export function shapeOf(k: ModelConstants): Shape {
  let shape = shapes.get(k);
  if (!shape) {
    shape = computeShape(k);
    shapes.set(k, shape);
  }
  return shape;
}

function computeShape(k: ModelConstants): Shape {
  return {
    k,
    cookies: sorted(k.Cookies),
    threads: sorted(k.Threads),
    pages: sorted(k.Pages).map((name) => ({ name, index: Number(name.replace(/^p/, "")) })),
  };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byBit = (a: string, b: string): number => bit(a) - bit(b);

/** Reads a record's cells, from the log's arena at its offset, in the order takeSnapshot (snapshot.ts) wrote them. */
class Cells {
  constructor(
    private readonly d: readonly Cell[],
    private i: number,
  ) {}
  next(): Cell {
    return this.d[this.i++] as Cell;
  }
  str(): string {
    return this.next() as string;
  }
  num(): number {
    return this.next() as number;
  }
  /** A list: its length, then its members; sorted by `order`, or in list order (`pending`). */
  list(order?: (a: string, b: string) => number): Json[] {
    const out: (string | number)[] = [];
    for (let n = this.num(); n > 0; n--) out.push(this.next() as string | number);
    return order ? (out as string[]).sort(order) : out;
  }
}

/**
 * The pages each cookie record's cookie has marked PG_fscache (`Cookie.cachedPages`, the last of its cells), read
 * with the record: the spec's `thread[t].cached` of every thread t of that cookie (FSCache.tla MarkCached), which
 * is not a field of the spec's cookie record.
 */
const markedPages = new WeakMap<object, Json[]>();

function cookieRecord(r: Cells, shape: Shape): Json {
  const present = r.num() === PRESENT;
  const stores: Record<string, Json> = {};
  if (!present) {
    for (const p of shape.pages) stores[p.name] = "NONE";
    const unborn = {
      mem: "UNBORN",
      usage: 0,
      n_children: 0,
      n_active: 0,
      flags: [],
      netfs: false,
      stores,
      backing: [],
    };
    markedPages.set(unborn, []);
    return unborn;
  }
  const mem = r.str();
  const usage = r.num();
  const n_children = r.num();
  const n_active = r.num();
  const netfs = r.next() as boolean;
  const flags = r.list(byName);
  for (const p of shape.pages) stores[p.name] = r.str();
  const record = { mem, usage, n_children, n_active, flags, netfs, stores, backing: r.list(byName) };
  markedPages.set(record, r.list(byName));
  return record;
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

/**
 * The implementation's `disp` names the worker's next step even while the work item is only queued
 * (`DispatchStart`); the spec's dispatcher pc is "IDLE" until DispatchStart runs.
 */
const specDisp = (d: string): string => (d === "DispatchStart" ? "IDLE" : d);

function objectRecord(r: Cells): Json {
  if (r.num() !== PRESENT) return UNBORN_OBJECT;
  const [mem, state, oob, cookie, parent] = [r.str(), r.str(), r.str(), r.str(), r.str()];
  const [n_children, n_ops, n_obj_ops, n_in_progress, n_exclusive, n_reads, usage] = [
    r.num(),
    r.num(),
    r.num(),
    r.num(),
    r.num(),
    r.num(),
    r.num(),
  ];
  const [wq, disp, exec] = [r.str(), r.str(), r.str()];
  const [oob_mask, event_mask, events] = [r.list(byBit), r.list(byBit), r.list(byBit)];
  const [flags, dmask, dependents, pending] = [r.list(byName), r.list(byBit), r.list(byName), r.list()];
  return {
    mem,
    state,
    oob,
    oob_mask,
    event_mask,
    events,
    flags,
    cookie,
    parent,
    n_children,
    n_ops,
    n_obj_ops,
    n_in_progress,
    n_exclusive,
    n_reads,
    usage,
    dependents,
    pending,
    wq,
    disp: specDisp(disp),
    exec,
    dmask,
  };
}

const FREE_OP: Json = {
  state: "FREE",
  kind: "NONE",
  object: "NULL",
  flags: [],
  usage: 0,
  pc: "NONE",
  io: [],
  todo: [],
};

function opRecord(r: Cells): Json {
  if (r.num() !== PRESENT) return FREE_OP;
  const [state, kind, object] = [r.str(), r.str(), r.str()];
  const usage = r.num();
  const pc = r.str();
  const flags = r.list(byName);
  return { state, kind, object, flags, usage, pc, io: r.list(byName), todo: r.list() };
}

/**
 * The spec's `thread[t]` record (compared fields); `calls` counts down from MaxCalls (an NFS task's from its one
 * call) as the driver starts calls.
 */
function threadRecord(r: Cells, k: ModelConstants, t: string): Json {
  const present = r.num() === PRESENT;
  const pc = r.str();
  const calls = (k.Borrowers?.includes(t) === true ? 1 : k.MaxCalls) - r.num();
  if (!present) return { pc, calls, op: 0, page: "NONE", retire: false, result: r.str() };
  return { pc, calls, op: r.num(), page: r.str(), retire: r.next() as boolean, result: r.str() };
}

/**
 * The spec's `cache` record: the cache's flags (IOERROR once the backend reported an I/O error), the withdrawal's
 * program counter and its dying list (`list`, the object list, is SPEC_ONLY: the spec keeps it only in models
 * with a withdrawal; its order shows in which object each WithdrawAllObjects step kills).
 */
function cacheRecord(r: Cells): Json {
  const [flags, wd, dying] = [r.list(byName), r.str(), r.list(byName)];
  const waiters: Json[] = [];
  for (let n = r.num(); n > 0; n--) waiters.push({ k: r.num(), p: r.str(), monitor: r.str() });
  return { flags, wd, dying, waiters };
}

/** Each log's record copies mapped once, by arena offset: a record unchanged between snapshots is one copy. */
const mapped = new WeakMap<SnapshotLog, Map<number, Json>>();

function remember(memo: Map<number, Json> | undefined, at: number, v: Json): Json {
  memo?.set(at, v);
  return v;
}

function memoOf(log: SnapshotLog): Map<number, Json> {
  let m = mapped.get(log);
  if (!m) {
    m = new Map();
    mapped.set(log, m);
  }
  return m;
}

/**
 * The spec's variables (cookie, object, op, thread, oops, cache) of snapshot `i` of `log`, in normal form: the
 * abstraction function. Records the implementation has not created (or freed without the harness retaining
 * them) are the spec's UNBORN records and FREE op slots. States share unchanged records: never mutate one.
 * With `memo` (the default), each record copy is mapped once across the log's snapshots.
 */
export function abstractState(log: SnapshotLog, i: number, memo = true): Record<string, Json> {
  const oops = log.crashed.get(i);
  if (oops !== undefined) return oopsState(oops) as Record<string, Json>;
  const shape = log.shape;
  const records = log.records;
  const cells = log.cells;
  const m = memo ? memoOf(log) : undefined;
  // No closures: tsx names each function it creates (esbuild's keepNames), a cost paid per conformance step.
  let slot = i * log.slots;
  let at: number;
  const cookie: Record<string, Json> = {};
  for (const c of shape.cookies) {
    at = records[slot++] as number;
    cookie[c] = m?.get(at) ?? remember(m, at, cookieRecord(new Cells(cells, at + 1), shape));
  }
  const object: Record<string, Json> = {};
  for (const o of shape.cookies) {
    at = records[slot++] as number;
    object[o] = m?.get(at) ?? remember(m, at, objectRecord(new Cells(cells, at + 1)));
  }
  const op: Json[] = [];
  for (let k = 1; k <= shape.k.MaxOps; k++) {
    at = records[slot++] as number;
    op.push(m?.get(at) ?? remember(m, at, opRecord(new Cells(cells, at + 1))));
  }
  const thread: Record<string, Json> = {};
  for (const t of shape.threads) {
    at = records[slot++] as number;
    const base = (m?.get(at) ??
      remember(m, at, threadRecord(new Cells(cells, at + 1), shape.k, t))) as Record<string, Json>;
    // The thread's cookie's marked pages (the thread record itself does not change when a page is marked).
    thread[t] = { ...base, cached: markedPages.get(cookie[shape.k.TCookie[t] ?? ""] as object) ?? [] };
  }
  at = records[slot] as number;
  const cache = m?.get(at) ?? remember(m, at, cacheRecord(new Cells(cells, at + 1)));
  return { cookie, object, op, thread, oops: "NONE", cache };
}

/** The abstract state of the implementation now: one snapshot, mapped at once (the conformance replay's step). */
export function abstractNow(
  core: CacheCore,
  retained: Retained,
  shape: Shape,
  driver: (t: string) => DriverThreadView,
): Record<string, Json> {
  const log = new SnapshotLog(shape);
  takeSnapshot(log, core, retained, driver);
  return abstractState(log, 0, false);
}

/** The abstract pc of thread t (as the `thread` variable above shows it). */
export function threadPcOf(core: CacheCore, t: string, d: DriverThreadView): string {
  if (d.noParent || d.ended) return "Done";
  const v = core.threads.get(t);
  if (d.notStarted) return d.borrower ? "NfsLoadCookie" : "AcquireCookie";
  if (!v) return d.borrower ? "Ready" : "AcquireCookie";
  return d.atRelinquish ? "RelinquishCookie" : v.pc;
}

/** The spec's Quiescent (when its Terminated step is enabled), read off the implementation directly. */
export function quiescent(core: CacheCore, shape: Shape, driver: (t: string) => DriverThreadView): boolean {
  if (core.oops !== "NONE") return false;
  for (const t of shape.threads) if (threadPcOf(core, t, driver(t)) !== "Done") return false;
  // A freed object has left the registry idle; a queued one is not idle (its disp names DispatchStart).
  for (const o of core.objects.values()) if (o.wq !== "IDLE") return false;
  for (const op of core.ops.values()) if (op.pc !== "NONE") return false;
  if (core.waiters.length > 0) return false;
  return core.withdrawal === "NONE" || core.withdrawal === "Withdrawn";
}
