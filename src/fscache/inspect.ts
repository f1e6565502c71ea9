// A read-only snapshot of one cache: every cookie, object, op and netfs thread with the spec's field names
// and values (sets as sorted arrays, pointers as ids, "NULL"/"FSDEF" as the spec spells them), so that a
// conformance harness can compute the spec's variables without reaching into live structures.

import type { CacheCore } from "./context.ts";
import type { FscacheObject } from "./object.ts";
import type { Operation } from "./operation.ts";
import {
  type ApiResult,
  type CookieFlag,
  type Design,
  EVENT_BITS,
  type EventName,
  type MemState,
  type ObjectFlag,
  type OobTableName,
  type OpFlag,
  type OpKind,
  type OpState,
  type Repair,
  type StateName,
  type WorkQueueState,
} from "./names.ts";
import { pageName } from "./names.ts";

export interface CookieView {
  readonly id: string;
  readonly type: "INDEX" | "DATAFILE";
  readonly parent: string;
  readonly keyPath: readonly string[];
  readonly mem: MemState;
  readonly usage: number;
  readonly n_children: number;
  readonly n_active: number;
  readonly flags: readonly CookieFlag[];
  readonly netfs: boolean;
  /** The netfs data pointer (only while `netfs`). */
  readonly netfs_data: unknown;
  /** Page name → tag, for the pages in `stores`. */
  readonly stores: Readonly<Record<string, "PENDING" | "STORING">>;
  readonly backing: readonly string[];
}

/** An object's fields as the spec's `object[o]` record lists them, in docs/model.md's order. */
export interface ObjectFields {
  readonly mem: MemState;
  readonly state: StateName;
  readonly oob: OobTableName;
  readonly oob_mask: readonly EventName[];
  readonly event_mask: readonly EventName[];
  readonly events: readonly EventName[];
  readonly flags: readonly ObjectFlag[];
  readonly cookie: string;
  readonly parent: string;
  readonly n_children: number;
  readonly n_ops: number;
  readonly n_obj_ops: number;
  readonly n_in_progress: number;
  readonly n_exclusive: number;
  readonly n_reads: number;
  readonly usage: number;
  readonly dependents: readonly string[];
  readonly pending: readonly number[];
  readonly wq: WorkQueueState;
  readonly disp: string;
  readonly exec: StateName | "NONE";
  readonly dmask: readonly EventName[];
}

export interface ObjectView extends ObjectFields {
  readonly id: string;
}

/** An op's fields as the spec's `op[k]` record lists them. */
export interface OpFields {
  readonly state: OpState;
  readonly kind: OpKind;
  readonly object: string;
  readonly flags: readonly OpFlag[];
  readonly usage: number;
  readonly pc: string;
}

export interface OpView extends OpFields {
  readonly id: number;
}

export interface ThreadView {
  readonly t: string;
  readonly pc: string;
  readonly op: number;
  readonly page: string;
  readonly retire: boolean;
  readonly result: ApiResult;
  readonly cookie: string;
}

export interface CacheView {
  readonly design: Design;
  readonly repairs: readonly Repair[];
  readonly oops: string;
  readonly cookies: readonly CookieView[];
  readonly objects: readonly ObjectView[];
  /** Ops in use (a slot not listed is FREE). */
  readonly ops: readonly OpView[];
  readonly threads: readonly ThreadView[];
}

function events(s: Iterable<EventName>): EventName[] {
  return [...s].sort((a, b) => EVENT_BITS[a] - EVENT_BITS[b]);
}

function sorted<T extends string>(s: Iterable<T>): T[] {
  return [...s].sort();
}

/** An object's spec fields (sets sorted: events by bit, others by name). */
export function objectFields(o: FscacheObject): ObjectFields {
  return {
    mem: o.mem,
    state: o.state,
    oob: o.oob,
    oob_mask: events(o.oob_event_mask),
    event_mask: events(o.event_mask),
    events: events(o.events),
    flags: sorted(o.flags),
    cookie: o.cookie ? o.cookie.id : "NULL",
    parent: o.parent === null ? "NULL" : o.parent === "FSDEF" ? "FSDEF" : o.parent.id,
    n_children: o.n_children,
    n_ops: o.n_ops,
    n_obj_ops: o.n_obj_ops,
    n_in_progress: o.n_in_progress,
    n_exclusive: o.n_exclusive,
    n_reads: o.n_reads,
    usage: o.usage,
    dependents: o.dependents.map((d) => d.id).sort(),
    pending: o.pending_ops.map((op) => op.id),
    wq: o.wq,
    disp: o.disp,
    exec: o.exec,
    dmask: events(o.dmask),
  };
}

/** An op's spec fields. */
export function opFields(op: Operation): OpFields {
  return {
    state: op.state,
    kind: op.kind,
    object: op.object ? op.object.id : "NULL",
    flags: sorted(op.flags),
    usage: op.usage,
    pc: op.pc,
  };
}

export function inspectCore(core: CacheCore): CacheView {
  const cookies: CookieView[] = [...core.cookies.values()].map((c) => ({
    id: c.id,
    type: c.type,
    parent: c.parent ? c.parent.id : "FSDEF",
    keyPath: [...c.keyPath],
    mem: c.mem,
    usage: c.usage,
    n_children: c.n_children,
    n_active: c.n_active,
    flags: sorted(c.flags),
    netfs: c.netfs,
    netfs_data: c.netfs_data,
    stores: Object.fromEntries([...c.stores].sort(([a], [b]) => a - b).map(([p, e]) => [pageName(p), e.tag])),
    backing: c.backing_objects.map((o) => o.id).sort(),
  }));
  const objects: ObjectView[] = [...core.objects.values()].map((o) => ({ id: o.id, ...objectFields(o) }));
  const ops: OpView[] = [...core.ops.values()]
    .sort((a, b) => a.id - b.id)
    .map((op) => ({ id: op.id, ...opFields(op) }));
  const threads: ThreadView[] = [...core.threads.values()].map((th) => ({
    t: th.t,
    pc: th.pc,
    op: th.op,
    page: th.page,
    retire: th.retire,
    result: th.result,
    cookie: th.cookie ? th.cookie.id : "NULL",
  }));
  return { design: core.design, repairs: core.repairs, oops: core.oops, cookies, objects, ops, threads };
}
