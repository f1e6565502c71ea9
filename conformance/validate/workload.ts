// Workloads for trace validation: what each netfs thread of a production run does (its cookie, its calls, when
// it starts), the op slots, and the backend faults to inject. A workload is plain data, so fast-check can
// generate and shrink it, and it is generated to fit a validation model (or sized for a TLC check).

import fc from "fast-check";
import type { ModelConstants } from "../mapping/model.ts";
import type { ValidationModel } from "./models.ts";

/** The netfs calls a thread makes between acquire and relinquish (the spec's NetfsCalls). */
export const CALL_NAMES = [
  "Invalidate",
  "WaitOnInvalidate",
  "UpdateCookie",
  "AttrChanged",
  "ReadPage",
  "WritePage",
  "ReadPages",
] as const;
export type CallName = (typeof CALL_NAMES)[number];

/** One call; `page` is used by ReadPage and WritePage (page n is the spec's `pn`); ReadPages reads every page. */
export interface CallPlan {
  readonly name: CallName;
  readonly page: number;
}

/** One spec thread: the cookie it owns, its calls, and how many event-loop turns it waits before it starts. */
export interface ThreadPlan {
  readonly t: string;
  readonly cookie: string;
  /** "FSDEF" for an index cookie under the cache's root index. */
  readonly parent: string;
  readonly index: boolean;
  readonly calls: readonly CallPlan[];
  readonly retire: boolean;
  readonly delay: number;
}

/** A backend fault: the `nth` (0-based) call of `op` on the object of `cookie` fails. */
export interface FaultPlan {
  readonly op: "lookupObject" | "writePage";
  readonly cookie: string;
  readonly nth: number;
  /** lookupObject only: the object is found absent and creating it fails (the spec's LookupCreate ERROR). */
  readonly afterNegative: boolean;
  /**
   * The failure is an I/O error (EIO: the spec's EIO outcome, which breaks the cache) rather than a plain
   * failure (ENOBUFS for a lookup, ENOSPC for a create or a page write: the spec's ERROR).
   */
  readonly eio: boolean;
}

export interface Workload {
  readonly threads: readonly ThreadPlan[];
  /** Operation slots (the spec's MaxOps). */
  readonly maxOps: number;
  readonly faults: readonly FaultPlan[];
  /**
   * The cache is withdrawn during the run (the spec's `Withdrawal`: started in the initial state, its steps
   * interleaved with the threads'). The event loop runs them at once; the stepped runtime's schedule spreads them.
   */
  readonly withdraw: boolean;
  /**
   * On the stepped runtime: the withdrawal's steps are held back for this many steps while others are enabled
   * (the spec lets its WithdrawCache step wait), so that it meets objects being looked up, live or dying.
   */
  readonly withdrawDelay: number;
  /**
   * Data cookies whose backing objects exist before the run, as an earlier use of the cache left them (their
   * key path's objects, with the driver's empty aux, and every page of the run): their lookups are POSITIVE and
   * their reads find data, so a multi-page read's pages come from the copier. None when absent.
   */
  readonly seeded?: readonly string[];
  /** Event-loop turns each backend I/O call waits, cycled (random delays, reproducible on the memory backend). */
  readonly ioDelays: readonly number[];
  /** On the stepped runtime: the index of the enabled step to run at each step (modulo), then the first. */
  readonly schedule: readonly number[];
}

const callArb = (names: readonly CallName[], pages: number): fc.Arbitrary<CallPlan> =>
  fc.record({ name: fc.constantFrom(...names), page: fc.integer({ min: 1, max: pages }) });

/**
 * The netfs contract the spec models: a page is written only after a read of it (the read marks it cached; the
 * driver skips a write whose read did not), so each WritePage is preceded by a ReadPage of its page.
 */
function readsFirst(calls: readonly CallPlan[], max: number): CallPlan[] {
  const out: CallPlan[] = [];
  const read = new Set<number>();
  for (const c of calls) {
    if (c.name === "WritePage" && !read.has(c.page)) out.push({ name: "ReadPage", page: c.page });
    if (c.name === "ReadPage") read.add(c.page);
    out.push(c);
  }
  return out.slice(0, max);
}

interface Shape {
  readonly dataCookies: readonly string[];
  readonly calls: readonly CallName[];
  readonly maxCalls: number;
  readonly pages: number;
  readonly maxOps: number;
  readonly lookupFaults: boolean;
  readonly createFaults: boolean;
  readonly writeFaults: boolean;
  /** Faults may be I/O errors (EIO), which no graph model has. */
  readonly ioErrors: boolean;
  /** Some runs withdraw the cache, which no graph model does. */
  readonly withdrawals: boolean;
  readonly retire: readonly boolean[];
  /** Some data cookies' objects exist before the run (Workload.seeded): lookups that find them. */
  readonly seeded: boolean;
  /** Call sequences mixed in with the random ones: the races the protocol is about, which uniform choice rarely makes. */
  readonly scenarios: readonly (readonly CallPlan[])[];
}

function workloadOf(s: Shape): fc.Arbitrary<Workload> {
  const data = s.dataCookies.map(() =>
    fc.record({
      calls:
        s.scenarios.length > 0
          ? fc.oneof(
              { weight: 2, arbitrary: fc.array(callArb(s.calls, s.pages), { maxLength: s.maxCalls }) },
              { weight: 1, arbitrary: fc.constantFrom(...s.scenarios) },
            )
          : fc.array(callArb(s.calls, s.pages), { maxLength: s.maxCalls }),
      retire: fc.constantFrom(...s.retire),
      delay: fc.integer({ min: 0, max: 12 }),
    }),
  );
  const cookies = ["I", ...s.dataCookies];
  const faultArbs: fc.Arbitrary<FaultPlan>[] = [
    ...(s.lookupFaults || s.createFaults
      ? [
          fc.record({
            op: fc.constant("lookupObject" as const),
            cookie: fc.constantFrom(...cookies),
            nth: fc.constant(0),
            afterNegative: s.lookupFaults && s.createFaults ? fc.boolean() : fc.constant(s.createFaults),
            eio: s.ioErrors ? fc.boolean() : fc.constant(false),
          }),
        ]
      : []),
    ...(s.writeFaults
      ? [
          fc.record({
            op: fc.constant("writePage" as const),
            cookie: fc.constantFrom(...s.dataCookies),
            nth: fc.integer({ min: 0, max: 1 }),
            afterNegative: fc.constant(false),
            eio: s.ioErrors ? fc.boolean() : fc.constant(false),
          }),
        ]
      : []),
  ];
  return fc
    .record({
      index: fc.record({ retire: fc.constantFrom(...s.retire), delay: fc.integer({ min: 0, max: 4 }) }),
      data: fc.tuple(...data),
      faults: faultArbs.length > 0 ? fc.array(fc.oneof(...faultArbs), { maxLength: 2 }) : fc.constant([]),
      seeded: s.seeded ? fc.subarray([...s.dataCookies]) : fc.constant([]),
      withdraw: s.withdrawals ? fc.boolean() : fc.constant(false),
      withdrawDelay: s.withdrawals ? fc.nat({ max: 80 }) : fc.constant(0),
      ioDelays: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
      schedule: fc.array(fc.nat({ max: 7 }), { maxLength: 120 }),
    })
    .map(({ index, data, faults, seeded, withdraw, withdrawDelay, ioDelays, schedule }) => ({
      threads: [
        { t: "tI", cookie: "I", parent: "FSDEF", index: true, calls: [], ...index },
        ...data.map((d, i) => {
          const c = s.dataCookies[i] as string;
          return {
            t: `t${c}`,
            cookie: c,
            parent: "I",
            index: false,
            calls: readsFirst(d.calls, s.maxCalls),
            retire: d.retire,
            delay: d.delay,
          };
        }),
      ],
      maxOps: s.maxOps,
      faults,
      seeded,
      withdraw,
      withdrawDelay,
      ioDelays,
      schedule,
    }));
}

/** Workloads that fit validation model `m` (its cookie tree, calls, pages, op slots and fault outcomes). */
export function workloadFor(m: ValidationModel): fc.Arbitrary<Workload> {
  const k = m.constants;
  return workloadOf({
    dataCookies: k.Cookies.filter((c) => !k.IndexCookies.includes(c)),
    calls: k.NetfsCalls as CallName[],
    maxCalls: k.MaxCalls,
    pages: k.Pages.length,
    maxOps: k.MaxOps,
    lookupFaults: m.LookupResults.includes("ERROR"),
    createFaults: false,
    writeFaults: m.WriteResults.includes("ERROR"),
    ioErrors: false,
    withdrawals: m.constants.Withdrawal === true,
    retire: m.RetireChoices,
    seeded: m.LookupResults.includes("POSITIVE"),
    scenarios: [],
  });
}

const READ1: CallPlan = { name: "ReadPage", page: 1 };
const WRITE1: CallPlan = { name: "WritePage", page: 1 };

/**
 * Wider workloads than any graph covers (several data cookies and their threads, every call, both kinds of
 * lookup fault, write faults, each fault a plain failure or an I/O error that breaks the cache, retire, the
 * cache's withdrawal): checked by TLC, one run at a time.
 */
export function wideWorkload(dataCookies = 2): fc.Arbitrary<Workload> {
  return workloadOf({
    dataCookies: Array.from({ length: dataCookies }, (_, i) => `D${i + 1}`),
    calls: CALL_NAMES,
    maxCalls: 3,
    pages: 2,
    maxOps: 2,
    lookupFaults: true,
    createFaults: true,
    writeFaults: true,
    ioErrors: true,
    withdrawals: true,
    retire: [false, true],
    seeded: true,
    // A pending write meeting an invalidation or an update (the InvalidateWrites barrier, WAIT_FOR_CMD's table),
    // and a multi-page read before a single-page one (with a seeded object, its pages come from the copier).
    scenarios: [
      [{ name: "ReadPages", page: 1 }, READ1],
      [READ1, WRITE1, { name: "Invalidate", page: 1 }],
      [READ1, WRITE1, { name: "UpdateCookie", page: 1 }],
      [{ name: "Invalidate", page: 1 }, { name: "WaitOnInvalidate", page: 1 }, READ1],
    ],
  });
}

/** Why `w` does not fit model `m`, or undefined when every run of `w` is a behaviour of `m`'s constants. */
export function misfit(w: Workload, m: ValidationModel): string | undefined {
  const k = m.constants;
  const threads = w.threads.map((t) => t.t).sort();
  if (threads.join() !== [...k.Threads].sort().join()) return `threads ${threads.join()}`;
  for (const t of w.threads) {
    if (k.TCookie[t.t] !== t.cookie || k.Parent[t.cookie] !== t.parent) return `cookie tree at ${t.t}`;
    if (t.calls.length > k.MaxCalls) return `${t.t} makes ${t.calls.length} calls > MaxCalls`;
    for (const c of t.calls) {
      if (!k.NetfsCalls.includes(c.name)) return `${t.t} calls ${c.name}`;
      if (!k.Pages.includes(`p${c.page}`)) return `${t.t} uses page p${c.page}`;
    }
    if (!m.RetireChoices.includes(t.retire)) return `${t.t} retire ${String(t.retire)}`;
  }
  if (w.maxOps !== k.MaxOps) return `maxOps ${w.maxOps}`;
  if ((w.seeded ?? []).length > 0 && !m.LookupResults.includes("POSITIVE")) return "seeded backend";
  if ((w.withdraw === true) !== (k.Withdrawal === true)) return w.withdraw ? "withdrawal" : "no withdrawal";
  for (const f of w.faults) {
    if (f.eio) return "I/O error";
    if (f.op === "lookupObject" && !f.afterNegative && !m.LookupResults.includes("ERROR"))
      return "lookup fault";
    if (f.op === "lookupObject" && f.afterNegative && !m.LookupResults.includes("ERROR"))
      return "create fault";
    if (f.op === "writePage" && !m.WriteResults.includes("ERROR")) return "write fault";
  }
  return undefined;
}

/** The first (smallest) model `w` fits, if any. */
export function smallestModel(w: Workload, models: readonly ValidationModel[]): ValidationModel | undefined {
  return models.find((m) => misfit(w, m) === undefined);
}

/** The pages of a run sized to it: page 1 and every page a call names (a ReadPages reads all of them). */
export function runPages(w: Workload): number[] {
  const pages = new Set<number>([1]);
  for (const t of w.threads) for (const c of t.calls) pages.add(c.page);
  return [...pages].sort((a, b) => a - b);
}

/** The bytes the driver writes to page `page` (and a seeded object holds there). */
export function pageData(page: number): Uint8Array {
  return new Uint8Array(16).fill(page);
}

/** Constants sized to the run (for a TLC check): its cookies, threads, pages, op slots and most calls. */
export function runConstants(w: Workload): ModelConstants {
  return {
    Cookies: w.threads.map((t) => t.cookie).sort(),
    Parent: Object.fromEntries(w.threads.map((t) => [t.cookie, t.parent])),
    IndexCookies: w.threads.filter((t) => t.index).map((t) => t.cookie),
    Threads: w.threads.map((t) => t.t).sort(),
    TCookie: Object.fromEntries(w.threads.map((t) => [t.t, t.cookie])),
    Pages: runPages(w).map((p) => `p${p}`),
    MaxOps: w.maxOps,
    MaxCalls: Math.max(0, ...w.threads.map((t) => t.calls.length)),
    NetfsCalls: [...CALL_NAMES],
    ...(w.withdraw ? { Withdrawal: true } : {}),
  };
}
