// Raw snapshots: the implementation fields the abstraction (abstraction.ts) reads, copied as flat cells into one
// growing array per log (the arena): numbers and strings as they are, pointers as ids, sets and lists as a length
// and then their members. Each record copy is its length and then its cells; a snapshot is one arena offset per
// record slot. A record whose cells did not change since the snapshot before keeps that same offset. A cookie,
// object, op or thread whose identity and revision (src/fscache/revision.ts: every write to one is preceded by
// `touch`) did not move (and, for a thread, the driver's view of it) is not read at all: most steps change one or
// two records. Taking a snapshot writes cells and numbers into arrays that only grow: no array per record, no
// JSON, little for the garbage collector, so a production run can record the state after every step cheaply
// (bench/validate.ts measures it). `abstractState` maps a snapshot to the spec's variables when it is read (once
// per record copy). Conformance takes and maps one snapshot per step: both directions go through the same
// abstraction.

import type { CacheCore, ThreadRecord } from "../../src/fscache/context.ts";
import type { Cookie } from "../../src/fscache/cookie.ts";
import type { FscacheObject } from "../../src/fscache/object.ts";
import type { Monitor, Operation } from "../../src/fscache/operation.ts";
import { pageName } from "../../src/fscache/names.ts";
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
/** The offset of every record slot of a snapshot taken after an oops (the state is the oops alone). */
const CRASHED = -1;
/** The room the arena keeps ahead for one record copy, and its first size per record slot (cells). */
const RECORD_ROOM = 128;
const ARENA_PER_SLOT = 32;

/** How large a log's arrays are made at first: its arena's cells and its record offsets. */
export interface LogSize {
  readonly cells: number;
  readonly records: number;
}

/**
 * Snapshots of one run. Record slots, in order: the cookies and then their objects (in the shape's cookie
 * order), the op slots, the threads, the cache.
 */
export class SnapshotLog {
  /**
   * The arena: every record copy, as its number of cells and then the cells; `used` of them are written. It is
   * allocated ahead (room()) so that writing a cell is an in-bounds store: growing an array cell by cell made
   * each cell cost several times what the write itself does.
   */
  cells: Cell[];
  used = 0;
  /**
   * Snapshot i's copy of slot j starts at `cells[records[i * slots + j]]`: numbers only, nothing per step. Like
   * the arena, allocated ahead and doubled as it fills.
   */
  records: number[];
  /** The entries of `records` written. */
  nrec = 0;
  /** The snapshots taken after an oops, with the oops. */
  readonly crashed = new Map<number, string>();
  readonly slots: number;
  private taken = 0;
  /** Per slot: the offset of its last copy (-1: none yet). */
  private readonly last: number[] = [];
  /** Per cookie, object, op and thread slot: the record last read (undefined: none, or absent), and its revision. */
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
    /** The sizes to start from (size()): by default, about one snapshot's worth. */
    start?: LogSize,
  ) {
    this.slots = 2 * shape.cookies.length + shape.k.MaxOps + shape.threads.length + 1;
    // Doubled as they fill (room(), put()). Holes, not filled: only written cells are read, and filling costs
    // V8's generic element path per cell.
    this.cells = new Array<Cell>(Math.max(start?.cells ?? 0, ARENA_PER_SLOT * this.slots + RECORD_ROOM));
    this.records = new Array<number>(Math.max(start?.records ?? 0, this.slots));
    for (let j = 0; j < this.slots; j++) {
      this.last.push(-1);
      this.seen.push(undefined);
      this.seenRev.push(-1);
      this.seenView.push(-1);
      this.slotRecords.push(undefined);
    }
  }

  /** The offset of the last copy of `slot` (-1: none yet). */
  lastOf(slot: number): number {
    return this.last[slot] as number;
  }

  /** The last copy of `slot` if it holds `r` at the same revision (not re-read), else -1. */
  unchanged(slot: number, r: Revisioned | undefined): number {
    // An absent record (unborn, a free op slot) stays absent until the registry says otherwise.
    if (r === undefined) return this.seen[slot] === undefined ? (this.last[slot] as number) : -1;
    if (r !== this.seen[slot] || r.rev !== this.seenRev[slot]) return -1;
    return this.last[slot] as number;
  }

  /** The copy at `at` (from keep) as the copy of `r` at its current revision. */
  read(slot: number, r: Revisioned | undefined, at: number): number {
    this.seen[slot] = r;
    this.seenRev[slot] = r ? r.rev : -1;
    return at;
  }

  /**
   * The cells just written at the arena's end, from `start` (its length, left free) to `end`, as slot `slot`'s
   * copy: the last copy when they are the same (the new cells are dropped again), else the new one.
   */
  keep(slot: number, start: number, end: number): number {
    const c = this.cells;
    const n = end - start - 1;
    c[start] = n;
    const prev = this.last[slot] as number;
    if (prev >= 0 && c[prev] === n) {
      let i = 1;
      while (i <= n && c[prev + i] === c[start + i]) i++;
      if (i > n) return prev;
    }
    this.used = end;
    this.last[slot] = start;
    return start;
  }

  /**
   * Where the next record copy starts, with room for any record ahead of it (a record longer than RECORD_ROOM
   * still fits: its last cells are appended, only more slowly).
   */
  room(): number {
    const c = this.cells;
    if (this.used + RECORD_ROOM > c.length) {
      c.length = 2 * c.length;
    }
    return this.used;
  }

  /** Verify mode: the cells just written at the arena's end must be the last copy's; they are dropped again. */
  check(slot: number, start: number, end: number, what: string): void {
    const c = this.cells;
    const prev = this.last[slot] as number;
    const fresh = c.slice(start + 1, end);
    const kept = prev >= 0 ? c.slice(prev + 1, prev + 1 + (c[prev] as number)) : [];
    if (kept.length !== fresh.length || kept.some((x, i) => x !== fresh[i]))
      throw new Error(
        `snapshot: ${what} changed without a touch (revision unchanged): ${JSON.stringify(kept)} → ${JSON.stringify(fresh)}`,
      );
  }

  get length(): number {
    return this.taken;
  }

  /** The sizes a log as large as this one and `other` would start from, so as never to grow. */
  size(other?: LogSize): LogSize {
    return {
      cells: Math.max(other?.cells ?? 0, this.used + RECORD_ROOM),
      records: Math.max(other?.records ?? 0, this.nrec),
    };
  }

  /** Appends a record offset (of the snapshot being taken). */
  put(at: number): void {
    const r = this.records;
    if (this.nrec === r.length) r.length = 2 * r.length;
    r[this.nrec++] = at;
  }

  /** Counts the snapshot whose records were just pushed. */
  taking(): number {
    return this.taken++;
  }

  /** Snapshot `i`'s copy of `slot`: its cells, from the arena. */
  copyOf(i: number, slot: number): readonly Cell[] {
    const at = this.records[i * this.slots + slot] as number;
    if (at === CRASHED) return [];
    return this.cells.slice(at + 1, at + 1 + (this.cells[at] as number));
  }
}

/** Writes a set's size and members from cell `i`; returns the next cell. */
function members(s: Cell[], i: number, xs: ReadonlySet<Cell>): number {
  s[i++] = xs.size;
  // Most event sets are empty most of the time: skip making an iterator for them.
  if (xs.size > 0) for (const x of xs) s[i++] = x;
  return i;
}

/** Writes the length and then the ids of list `xs` from cell `i`; returns the next cell. */
function ids(s: Cell[], i: number, xs: readonly { readonly id: string }[]): number {
  const n = xs.length;
  s[i++] = n;
  // An indexed loop: an array iterator per list per step would cost more than the list.
  for (let j = 0; j < n; j++) s[i++] = (xs[j] as { readonly id: string }).id;
  return i;
}

/** `ids` for a list of ops (their ids are slot numbers: a function of its own keeps each one monomorphic). */
function opIds(s: Cell[], i: number, xs: readonly Operation[]): number {
  const n = xs.length;
  s[i++] = n;
  for (let j = 0; j < n; j++) s[i++] = (xs[j] as Operation).id;
  return i;
}

// The record writers: each writes its record's cells from cell `i` and returns the next cell.

function cookieCells(s: Cell[], i: number, c: Cookie | undefined, shape: Shape): number {
  if (!c) {
    s[i] = ABSENT;
    return i + 1;
  }
  s[i] = PRESENT;
  s[i + 1] = c.mem;
  s[i + 2] = c.usage;
  s[i + 3] = c.n_children;
  s[i + 4] = c.n_active;
  s[i + 5] = c.def !== null;
  i = members(s, i + 6, c.flags);
  for (const p of shape.pages) s[i++] = c.stores.get(p.index)?.tag ?? "NONE";
  i = ids(s, i, c.backing_objects);
  // The pages marked PG_fscache through the cookie: the spec's thread[t].cached of every thread of its inode.
  s[i++] = c.cachedPages.size;
  if (c.cachedPages.size > 0) for (const page of c.cachedPages) s[i++] = pageName(page);
  return i;
}

function objectCells(s: Cell[], i: number, o: FscacheObject | undefined): number {
  if (!o) {
    s[i] = ABSENT;
    return i + 1;
  }
  s[i] = PRESENT;
  s[i + 1] = o.mem;
  s[i + 2] = o.state;
  s[i + 3] = o.oob;
  s[i + 4] = o.cookie ? o.cookie.id : "NULL";
  s[i + 5] = o.parent === null ? "NULL" : o.parent === "FSDEF" ? "FSDEF" : o.parent.id;
  s[i + 6] = o.n_children;
  s[i + 7] = o.n_ops;
  s[i + 8] = o.n_obj_ops;
  s[i + 9] = o.n_in_progress;
  s[i + 10] = o.n_exclusive;
  s[i + 11] = o.n_reads;
  s[i + 12] = o.usage;
  s[i + 13] = o.wq;
  s[i + 14] = o.disp;
  s[i + 15] = o.exec;
  i = members(s, i + 16, o.oob_event_mask);
  i = members(s, i, o.event_mask);
  i = members(s, i, o.events);
  i = members(s, i, o.flags);
  i = members(s, i, o.dmask);
  i = ids(s, i, o.dependents);
  return opIds(s, i, o.pending_ops);
}

function opCells(s: Cell[], i: number, op: Operation | undefined): number {
  if (!op) {
    s[i] = ABSENT;
    return i + 1;
  }
  s[i] = PRESENT;
  s[i + 1] = op.state;
  s[i + 2] = op.kind;
  s[i + 3] = op.object ? op.object.id : "NULL";
  s[i + 4] = op.usage;
  s[i + 5] = op.pc;
  i = members(s, i + 6, op.flags);
  // A multi-page read's pages: those in flight (a set: sorted when mapped) and op->to_do (in order).
  s[i++] = op.io.size;
  if (op.io.size > 0) for (const page of op.io.keys()) s[i++] = pageName(page);
  const n = op.todo.length;
  s[i++] = n;
  for (let j = 0; j < n; j++) s[i++] = pageName((op.todo[j] as Monitor).page);
  return i;
}

/** The cache record: its flags, the withdrawal's pc, the ids on the withdrawal's dying list. */
function cacheCells(s: Cell[], i: number, core: CacheCore): number {
  i = members(s, i, core.cacheFlags);
  s[i++] = core.withdrawal;
  s[i++] = core.dying.size;
  for (const o of core.dying) s[i++] = o.id;
  s[i++] = core.waiters.length;
  for (const w of core.waiters) {
    s[i++] = w.op.id;
    s[i++] = pageName(w.page);
    s[i++] = w.monitor;
  }
  return i;
}

/** The driver's view of a thread as one number (its flags and call count), to see it unchanged cheaply. */
function viewKey(d: DriverThreadView): number {
  return (
    (d.notStarted ? 1 : 0) +
    (d.noParent ? 2 : 0) +
    (d.atRelinquish ? 4 : 0) +
    (d.borrower ? 8 : 0) +
    (d.ended ? 16 : 0) +
    32 * d.callsUsed
  );
}

function threadCells(s: Cell[], i: number, v: ThreadRecord | undefined, d: DriverThreadView): number {
  // A thread the implementation has no record of yet (or whose netfs found no parent): its pc and result.
  // An NFS task: before its load (NfsLoadCookie), after a NULL load (Done, ENOBUFS), or loaded and not yet
  // calling (Ready).
  if (d.noParent || d.notStarted || !v) {
    s[i] = ABSENT;
    s[i + 1] = d.noParent
      ? "Done"
      : d.notStarted
        ? d.borrower
          ? "NfsLoadCookie"
          : "AcquireCookie"
        : "Ready";
    s[i + 2] = d.callsUsed;
    s[i + 3] = d.noParent ? "ENOBUFS" : "NONE";
    return i + 4;
  }
  s[i] = PRESENT;
  s[i + 1] = d.ended ? "Done" : d.atRelinquish ? "RelinquishCookie" : v.pc;
  s[i + 2] = d.callsUsed;
  s[i + 3] = v.op;
  s[i + 4] = v.page;
  s[i + 5] = v.retire;
  s[i + 6] = v.result;
  return i + 7;
}

/**
 * Appends the implementation's state to `log`: the cache core, the records the harness retains after the
 * implementation freed them, and what the netfs driver knows of each thread (`driver`, given the thread and its
 * index in the shape's thread order).
 */
export function takeSnapshot(
  log: SnapshotLog,
  core: CacheCore,
  retained: Retained,
  driver: (t: string, j: number) => DriverThreadView,
): void {
  if (core.oops !== "NONE") {
    log.crashed.set(log.taking(), core.oops);
    for (let j = 0; j < log.slots; j++) log.put(CRASHED);
    return;
  }
  const shape = log.shape;
  // The records are looked up only when the registry changed (a record born, freed, an op slot taken).
  const moved = log.at !== core.rev;
  if (moved || log.verify) lookUp(log, core, retained, moved);
  const at = log.slotRecords;
  // No closures: tsx names each function it creates (esbuild's keepNames), a cost that would be paid per step.
  const nc = shape.cookies.length;
  let slot = 0;
  for (let j = 0; j < nc; j++, slot++) log.put(copyRecord(log, slot, "cookie", at[slot]));
  for (let j = 0; j < nc; j++, slot++) log.put(copyRecord(log, slot, "object", at[slot]));
  for (let k = 1; k <= shape.k.MaxOps; k++, slot++) log.put(copyRecord(log, slot, "op", at[slot]));
  const threads = shape.threads;
  for (let j = 0; j < threads.length; j++) {
    const t = threads[j] as string;
    const th = at[slot] as ThreadRecord | undefined;
    const d = driver(t, j);
    const view = viewKey(d);
    const same = log.seenView[slot] === view ? log.unchanged(slot, th) : -1;
    if (same < 0) {
      log.seenView[slot] = view;
      const start = log.room();
      log.put(log.read(slot, th, log.keep(slot, start, threadCells(log.cells, start + 1, th, d))));
    } else {
      if (log.verify) {
        const start = log.room();
        log.check(slot, start, threadCells(log.cells, start + 1, th, d), `thread ${t}`);
      }
      log.put(same);
    }
    slot++;
  }
  // The cache's flags and withdrawal are part of the registry: unchanged while its revision stands.
  const last = log.lastOf(slot);
  const start = log.room();
  if (moved || last < 0) log.put(log.keep(slot, start, cacheCells(log.cells, start + 1, core)));
  else {
    if (log.verify) log.check(slot, start, cacheCells(log.cells, start + 1, core), "cache");
    log.put(last);
  }
  log.taking();
}

/** The kinds of record slot that carry nothing but the record (a thread's also shows the driver's view). */
type RecordKind = "cookie" | "object" | "op";

/** Writes record `r`'s cells from cell `i` of `s`; returns the next cell. */
function cellsOf(s: Cell[], i: number, kind: RecordKind, r: Revisioned | undefined, shape: Shape): number {
  if (kind === "cookie") return cookieCells(s, i, r as Cookie | undefined, shape);
  if (kind === "object") return objectCells(s, i, r as FscacheObject | undefined);
  return opCells(s, i, r as Operation | undefined);
}

/** Slot `slot`'s copy of record `r`: the last one while its identity and revision stand, else read now. */
function copyRecord(log: SnapshotLog, slot: number, kind: RecordKind, r: Revisioned | undefined): number {
  const same = log.unchanged(slot, r);
  // The usual case, kept short: most slots are unchanged at most steps.
  if (same >= 0 && !log.verify) return same;
  const start = log.room();
  if (same < 0)
    return log.read(slot, r, log.keep(slot, start, cellsOf(log.cells, start + 1, kind, r, log.shape)));
  log.check(slot, start, cellsOf(log.cells, start + 1, kind, r, log.shape), `${kind} in slot ${slot}`);
  return same;
}

/**
 * Looks up the record of every slot (a freed one is the harness's retained copy); with `moved` false (verify
 * mode), checks that the registry's revision was right to stand: the same records as looked up last.
 */
function lookUp(log: SnapshotLog, core: CacheCore, retained: Retained, moved: boolean): void {
  const shape = log.shape;
  const at = log.slotRecords;
  // Written in place, slot by slot: an array per look-up (the registry moves on about one step in six) cost
  // some 2 points of recording overhead in bench/recording-instructions.ts.
  let j = 0;
  let same = true;
  let r: Revisioned | undefined;
  for (const c of shape.cookies) {
    r = core.cookies.get(c) ?? retained.cookies.get(c);
    same &&= at[j] === r;
    at[j++] = r;
  }
  for (const o of shape.cookies) {
    r = core.objects.get(o) ?? retained.objects.get(o);
    same &&= at[j] === r;
    at[j++] = r;
  }
  for (let k = 1; k <= shape.k.MaxOps; k++) {
    r = core.ops.get(k);
    same &&= at[j] === r;
    at[j++] = r;
  }
  for (const t of shape.threads) {
    r = core.threads.get(t);
    same &&= at[j] === r;
    at[j++] = r;
  }
  if (!moved && !same) throw new Error("snapshot: the registry changed without a touch (revision unchanged)");
  log.at = core.rev;
}

/** Snapshot `i` as one text (records in slot order): equal texts, equal snapshots, equal abstract states. */
export function snapshotText(log: SnapshotLog, i: number): string {
  const oops = log.crashed.get(i);
  if (oops !== undefined) return `oops\u0001${oops}`;
  const parts: string[] = [];
  for (let j = 0; j < log.slots; j++) parts.push(log.copyOf(i, j).join("\u0001"));
  return parts.join("\u0002");
}
