// Raw snapshots: the implementation fields the abstraction (abstraction.ts) reads, copied as flat cells, one
// array per record: numbers and strings as they are, pointers as ids, sets and lists as a length and then their
// members. A record whose cells did not change since the snapshot before is that same array. A cookie, object,
// op or thread whose identity and revision (src/fscache/revision.ts: every write to one is preceded by `touch`)
// did not move (and, for a thread, the driver's view of it) is not read at all: most steps change one or two
// records. Taking a snapshot costs array writes
// and compares and builds no JSON, so a production run can record the state after every step cheaply; `abstractState` maps a snapshot to the spec's variables when it is read (once per distinct
// record). Conformance takes and maps one snapshot per step: both directions go through the same abstraction.

import type { CacheCore, ThreadRecord } from "../../src/fscache/context.ts";
import type { Cookie } from "../../src/fscache/cookie.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import type { Operation } from "../../src/fscache/operation.ts";
import type { Revisioned } from "../../src/fscache/revision.ts";
import type { DriverThreadView, Retained, Shape } from "./abstraction.ts";

/** A snapshot cell: an interned string, a counter or a flag. */
export type Cell = string | number | boolean;

/** Whether new logs verify skipped records (read once: an environment look-up per log costs as much as a step). */
let verifyByDefault = process.env["FSCACHE_SNAPSHOT_VERIFY"] === "1";

/** Sets the default of SnapshotLog's `verify` (tests compare runs recorded both ways); returns the old one. */
export function setSnapshotVerify(on: boolean): boolean {
  const was = verifyByDefault;
  verifyByDefault = on;
  return was;
}

/** Marks in the cells: a record that exists, and one that does not (UNBORN or a FREE op slot). */
export const PRESENT = 1;
export const ABSENT = 0;
const NO_CELLS: readonly Cell[] = [];

/**
 * Snapshots of one run. Record slots, in order: the cookies and then their objects (in the shape's cookie
 * order), the op slots, the threads, the cache.
 */
export class SnapshotLog {
  /** Snapshot i's record in slot j is `records[i * slots + j]`: one flat array, nothing allocated per step. */
  readonly records: (readonly Cell[])[] = [];
  /** The snapshots taken after an oops (the state is the oops alone; their record slots are empty arrays). */
  readonly crashed = new Map<number, string>();
  readonly slots: number;
  private taken = 0;
  /** The cells of each record slot in the last snapshot. */
  private readonly last: (readonly Cell[])[] = [];
  /** Where a record's cells are written before they are compared with the last ones: reused, never kept. */
  readonly scratch: Cell[] = [];
  /** Per cookie and object slot: the record last read, and its revision then (-1: none read yet). */
  readonly seen: (Revisioned | undefined)[] = [];
  readonly seenRev: number[] = [];
  /** Per thread slot: what the driver's view was then (viewKey). */
  readonly seenView: number[] = [];
  /** The record in each slot (cookies, objects, ops, threads), looked up at the core's registry revision `at`. */
  readonly slotRecords: (Revisioned | undefined)[] = [];
  at = -1;

  /**
   * With `verify`, a record skipped because its revision did not move is read anyway and must equal the last
   * copy: a write with no `touch` throws here. `npm test` runs this way (FSCACHE_SNAPSHOT_VERIFY=1, set in
   * vitest.config.ts); the touch check (review/touch/touch.ts) is the static side.
   */
  constructor(
    readonly shape: Shape,
    readonly verify = verifyByDefault,
  ) {
    this.slots = 2 * shape.cookies.length + shape.k.MaxOps + shape.threads.length + 1;
    for (let j = 0; j < this.slots; j++) {
      this.seenRev.push(-1);
      this.seenView.push(-1);
    }
  }

  /** The last copy of `slot`. */
  lastOf(slot: number): readonly Cell[] | undefined {
    return this.last[slot];
  }

  /** The last copy of `slot` if it holds `r` at the same revision (not re-read), else undefined. */
  unchanged(slot: number, r: Revisioned | undefined): readonly Cell[] | undefined {
    // An absent record (unborn, a free op slot) stays absent until the registry says otherwise.
    if (r === undefined) return this.seen[slot] === undefined ? this.last[slot] : undefined;
    if (r !== this.seen[slot] || r.rev !== this.seenRev[slot]) return undefined;
    return this.last[slot];
  }

  /** `cells` (from keep) as the copy of `r` at its current revision. */
  read(slot: number, r: Revisioned | undefined, cells: readonly Cell[]): readonly Cell[] {
    this.seen[slot] = r;
    this.seenRev[slot] = r ? r.rev : -1;
    return cells;
  }

  /** Verify mode: the cells just written to scratch must be the kept copy's. */
  check(slot: number, n: number, what: string): void {
    const prev = this.last[slot];
    const s = this.scratch;
    let same = prev !== undefined && prev.length === n;
    for (let i = 0; same && i < n; i++) same = prev?.[i] === s[i];
    if (!same)
      throw new Error(
        `snapshot: ${what} changed without a touch (revision unchanged): ${JSON.stringify(prev)} → ${JSON.stringify(s.slice(0, n))}`,
      );
  }

  get length(): number {
    return this.taken;
  }

  /** Counts the snapshot whose records were just pushed. */
  taking(): number {
    return this.taken++;
  }

  /** The first `n` scratch cells as record `slot`'s: the last snapshot's array when they are the same. */
  keep(slot: number, n: number): readonly Cell[] {
    const s = this.scratch;
    const prev = this.last[slot];
    if (prev !== undefined && prev.length === n) {
      let i = 0;
      while (i < n && prev[i] === s[i]) i++;
      if (i === n) return prev;
    }
    const cells = s.slice(0, n);
    this.last[slot] = cells;
    return cells;
  }
}

/** Writes a set's or a list's length and members from cell `i`; returns the next cell. */
function members(s: Cell[], i: number, xs: Iterable<Cell>, size: number): number {
  s[i++] = size;
  // Most event sets are empty most of the time: skip making an iterator for them.
  if (size > 0) for (const x of xs) s[i++] = x;
  return i;
}

/** Writes the count and then the ids of `xs` (`size` of them) from cell `i`; returns the next cell. */
function ids(s: Cell[], i: number, xs: Iterable<{ readonly id: string | number }>, size: number): number {
  s[i++] = size;
  for (const x of xs) s[i++] = x.id;
  return i;
}

function cookieCells(s: Cell[], c: Cookie | undefined, shape: Shape): number {
  if (!c) {
    s[0] = ABSENT;
    return 1;
  }
  s[0] = PRESENT;
  s[1] = c.mem;
  s[2] = c.usage;
  s[3] = c.n_children;
  s[4] = c.n_active;
  s[5] = c.def !== null;
  let i = members(s, 6, c.flags, c.flags.size);
  for (const p of shape.pages) s[i++] = c.stores.get(p.index)?.tag ?? "NONE";
  return ids(s, i, c.backing_objects, c.backing_objects.length);
}

function objectCells(s: Cell[], o: FscacheObject | undefined): number {
  if (!o) {
    s[0] = ABSENT;
    return 1;
  }
  s[0] = PRESENT;
  s[1] = o.mem;
  s[2] = o.state;
  s[3] = o.oob;
  s[4] = o.cookie ? o.cookie.id : "NULL";
  s[5] = o.parent === null ? "NULL" : o.parent === "FSDEF" ? "FSDEF" : o.parent.id;
  s[6] = o.n_children;
  s[7] = o.n_ops;
  s[8] = o.n_obj_ops;
  s[9] = o.n_in_progress;
  s[10] = o.n_exclusive;
  s[11] = o.n_reads;
  s[12] = o.usage;
  s[13] = o.wq;
  s[14] = o.disp;
  s[15] = o.exec;
  let i = members(s, 16, o.oob_event_mask, o.oob_event_mask.size);
  i = members(s, i, o.event_mask, o.event_mask.size);
  i = members(s, i, o.events, o.events.size);
  i = members(s, i, o.flags, o.flags.size);
  i = members(s, i, o.dmask, o.dmask.size);
  i = ids(s, i, o.dependents, o.dependents.length);
  return ids(s, i, o.pending_ops, o.pending_ops.length);
}

function opCells(s: Cell[], op: Operation | undefined): number {
  if (!op) {
    s[0] = ABSENT;
    return 1;
  }
  s[0] = PRESENT;
  s[1] = op.state;
  s[2] = op.kind;
  s[3] = op.object ? op.object.id : "NULL";
  s[4] = op.usage;
  s[5] = op.pc;
  return members(s, 6, op.flags, op.flags.size);
}

/** The cache record: its flags, the withdrawal's pc, the ids on the withdrawal's dying list. */
function cacheCells(s: Cell[], core: CacheCore): number {
  const i = members(s, 0, core.cacheFlags, core.cacheFlags.size);
  s[i] = core.withdrawal;
  return ids(s, i + 1, core.dying, core.dying.size);
}

/** The driver's view of a thread as one number (its flags and call count), to see it unchanged cheaply. */
function viewKey(d: DriverThreadView): number {
  return (d.notStarted ? 1 : 0) + (d.noParent ? 2 : 0) + (d.atRelinquish ? 4 : 0) + 8 * d.callsUsed;
}

function threadCells(s: Cell[], v: ThreadRecord | undefined, d: DriverThreadView): number {
  // A thread the implementation has no record of yet (or whose netfs found no parent): its pc and result.
  if (d.noParent || d.notStarted || !v) {
    s[0] = ABSENT;
    s[1] = d.noParent ? "Done" : "AcquireCookie";
    s[2] = d.callsUsed;
    s[3] = d.noParent ? "ENOBUFS" : "NONE";
    return 4;
  }
  s[0] = PRESENT;
  s[1] = d.atRelinquish ? "RelinquishCookie" : v.pc;
  s[2] = d.callsUsed;
  s[3] = v.op;
  s[4] = v.page;
  s[5] = v.retire;
  s[6] = v.result;
  return 7;
}

/**
 * Appends the implementation's state to `log`: the cache core, the records the harness retains after the
 * implementation freed them, and what the netfs driver knows of each thread (`driver`).
 */
export function takeSnapshot(
  log: SnapshotLog,
  core: CacheCore,
  retained: Retained,
  driver: (t: string) => DriverThreadView,
): void {
  const records = log.records;
  if (core.oops !== "NONE") {
    log.crashed.set(log.taking(), core.oops);
    for (let j = 0; j < log.slots; j++) records.push(NO_CELLS);
    return;
  }
  const shape = log.shape;
  const s = log.scratch;
  // The records are looked up only when the registry changed (a record born, freed, an op slot taken).
  const moved = log.at !== core.rev;
  if (moved || log.verify) lookUp(log, core, retained, moved);
  const at = log.slotRecords as (Cookie | FscacheObject | Operation | ThreadRecord | undefined)[];
  // No closures: tsx names each function it creates (esbuild's keepNames), a cost that would be paid per step.
  let slot = 0;
  for (const c of shape.cookies) {
    records.push(copyRecord(log, slot, "cookie", at[slot], c));
    slot++;
  }
  for (const o of shape.cookies) {
    records.push(copyRecord(log, slot, "object", at[slot], o));
    slot++;
  }
  for (let k = 1; k <= shape.k.MaxOps; k++) {
    records.push(copyRecord(log, slot, "op", at[slot], k));
    slot++;
  }
  for (const t of shape.threads) {
    const th = at[slot] as ThreadRecord | undefined;
    const d = driver(t);
    const view = viewKey(d);
    const same = log.seenView[slot] === view ? log.unchanged(slot, th) : undefined;
    if (same === undefined) {
      log.seenView[slot] = view;
      records.push(log.read(slot, th, log.keep(slot, threadCells(s, th, d))));
    } else {
      if (log.verify) log.check(slot, threadCells(s, th, d), `thread ${t}`);
      records.push(same);
    }
    slot++;
  }
  // The cache's flags and withdrawal are part of the registry: unchanged while its revision stands.
  const last = log.lastOf(slot);
  if (moved || last === undefined) records.push(log.keep(slot, cacheCells(s, core)));
  else {
    if (log.verify) log.check(slot, cacheCells(s, core), "cache");
    records.push(last);
  }
  log.taking();
}

/** The kinds of record slot that carry nothing but the record (a thread's also shows the driver's view). */
type RecordKind = "cookie" | "object" | "op";

function cellsOf(s: Cell[], kind: RecordKind, r: Revisioned | undefined, shape: Shape): number {
  if (kind === "cookie") return cookieCells(s, r as Cookie | undefined, shape);
  if (kind === "object") return objectCells(s, r as FscacheObject | undefined);
  return opCells(s, r as Operation | undefined);
}

/** Slot `slot`'s copy of record `r`: the last one while its identity and revision stand, else read now. */
function copyRecord(
  log: SnapshotLog,
  slot: number,
  kind: RecordKind,
  r: Revisioned | undefined,
  name: string | number,
): readonly Cell[] {
  const same = log.unchanged(slot, r);
  if (same === undefined) return log.read(slot, r, log.keep(slot, cellsOf(log.scratch, kind, r, log.shape)));
  if (log.verify) log.check(slot, cellsOf(log.scratch, kind, r, log.shape), `${kind} ${name}`);
  return same;
}

/**
 * Looks up the record of every slot (a freed one is the harness's retained copy); with `moved` false (verify
 * mode), checks that the registry's revision was right to stand: the same records as looked up last.
 */
function lookUp(log: SnapshotLog, core: CacheCore, retained: Retained, moved: boolean): void {
  const shape = log.shape;
  const found: (Revisioned | undefined)[] = [];
  for (const c of shape.cookies) found.push(core.cookies.get(c) ?? retained.cookies.get(c));
  for (const o of shape.cookies) found.push(core.objects.get(o) ?? retained.objects.get(o));
  for (let k = 1; k <= shape.k.MaxOps; k++) found.push(core.ops.get(k));
  for (const t of shape.threads) found.push(core.threads.get(t));
  if (!moved && found.some((r, j) => r !== log.slotRecords[j]))
    throw new Error("snapshot: the registry changed without a touch (revision unchanged)");
  log.slotRecords.length = 0;
  log.slotRecords.push(...found);
  log.at = core.rev;
}

/** Snapshot `i` as one text (records in slot order): equal texts, equal snapshots, equal abstract states. */
export function snapshotText(log: SnapshotLog, i: number): string {
  const oops = log.crashed.get(i);
  if (oops !== undefined) return `oops\u0001${oops}`;
  const parts: string[] = [];
  for (let j = i * log.slots; j < (i + 1) * log.slots; j++)
    parts.push((log.records[j] as Cell[]).join("\u0001"));
  return parts.join("\u0002");
}
