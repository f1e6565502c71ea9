// Test support: random multi-threaded netfs workloads over one FsCache, each thread owning one data cookie
// under a shared index, with the netfs callbacks instrumented to catch use after relinquish, and an oracle
// for read-back data. Runs on the stepped runtime (schedule chosen by the test) or the event loop.

import { FsCache, type Cookie, type CookieDef, type Design, type Repair } from "../../src/fscache/index.ts";
import { REPAIRS } from "../../src/fscache/names.ts";
import type { CacheBackend } from "../../src/fscache/backend.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import type { Runtime, Task } from "../../src/runtime/runtime.ts";
import { label } from "../../src/runtime/runtime.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";

export type Op =
  | { readonly kind: "write"; readonly page: number }
  | { readonly kind: "read"; readonly page: number }
  | { readonly kind: "invalidate"; readonly wait: boolean }
  | { readonly kind: "update" }
  | { readonly kind: "attr" };

export interface ThreadPlan {
  readonly ops: readonly Op[];
  readonly retire: boolean;
}

export interface Workload {
  readonly threads: readonly ThreadPlan[];
}

/** Netfs-side record of one file: what it wrote, and whether the cache touched it after relinquish. */
export interface NetfsFile {
  readonly name: string;
  relinquished: boolean;
  /** Callbacks after relinquish returned (must stay empty). */
  readonly lateCalls: string[];
  /** Page → bytes last written (cleared by an invalidation). */
  readonly written: Map<number, Uint8Array>;
  /** Reads that returned bytes other than the last written ones. */
  readonly badReads: string[];
  writes: number;
  /** Pages the cache marked cached (`mark_page_cached`): the only ones the netfs writes to it. */
  readonly cached: Set<number>;
}

export function fileDef(file: NetfsFile, pages = 4): CookieDef<NetfsFile> {
  const touch = (what: string): void => {
    if (file.relinquished) file.lateCalls.push(what);
  };
  return {
    name: "file",
    type: "DATAFILE",
    getKey: (f) => f.name,
    getAux: (f) => {
      touch("getAux");
      return new TextEncoder().encode(`aux:${f.name}`);
    },
    getAttr: () => {
      touch("getAttr");
      return pages * 4096;
    },
    markPageCached: (f, page) => {
      touch("markPageCached");
      f.cached.add(page);
    },
  };
}

export const indexDef: CookieDef = { name: "index", type: "INDEX", getKey: () => "netfs" };

export function newFile(name: string): NetfsFile {
  return {
    name,
    relinquished: false,
    lateCalls: [],
    written: new Map(),
    badReads: [],
    writes: 0,
    cached: new Set(),
  };
}

/** Distinct bytes for each write: thread name and a counter, so a stale page is recognisable. */
function pageBytes(file: NetfsFile, page: number): Uint8Array {
  file.writes++;
  return new TextEncoder().encode(`${file.name}:${page}:${file.writes}`);
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export interface Scenario {
  readonly cache: FsCache;
  readonly files: NetfsFile[];
  /** Objects as they were when freed: id and state (a freed object must be dead or never initialised). */
  readonly freed: { id: string; state: string }[];
  /** Violations seen while running (relinquish returned with n_active > 0, ...). */
  readonly violations: string[];
  index: Cookie | null;
  readonly cookies: (Cookie | null)[];
}

/**
 * A cache on the event-loop runtime with the memory backend, the netfs's index cookie and one data cookie for
 * a new file `name` (acquired through the facade; the cookie is null if the acquisition failed).
 */
export async function facadeWithFile(name: string) {
  const runtime = new EventLoopRuntime();
  const cache = new FsCache({ runtime, backend: new MemoryBackend() });
  const index = await cache.acquireCookie(null, indexDef, null);
  const file = newFile(name);
  const cookie = await cache.acquireCookie(index, fileDef(file), file);
  return { runtime, cache, index, file, cookie };
}

export function newScenario(
  runtime: Runtime,
  opts: { design?: Design; repairs?: readonly Repair[]; backend?: CacheBackend } = {},
): Scenario {
  // The default design is POST_FIX_REPAIRED with every repair, the spec's and the opt-in ones: these
  // workloads inject backend faults and write pages the cache never marked cached (the spec's netfs contract
  // forbids that), which strand writes on 3.12 even with the spec's repairs.
  const design = opts.design ?? "POST_FIX_REPAIRED";
  const repairs = opts.repairs ?? (design === "POST_FIX_REPAIRED" ? REPAIRS : undefined);
  const freed: { id: string; state: string }[] = [];
  const cache = new FsCache({
    runtime,
    backend: opts.backend ?? new MemoryBackend(),
    design,
    ...(repairs ? { repairs } : {}),
    listener: { objectFreed: (o) => freed.push({ id: o.id, state: o.state }) },
  });
  return { cache, files: [], freed, violations: [], index: null, cookies: [] };
}

/** The body of data thread `t`: acquire, its ops, wait for writes, relinquish. Starts inside AcquireCookie. */
export async function dataThread(
  s: Scenario,
  task: Task,
  t: string,
  plan: ThreadPlan,
  i: number,
): Promise<void> {
  const file = newFile(`f${i}`);
  s.files.push(file);
  const api = s.cache.netfs;
  const caller = { task, t };
  const cookie = await api.acquireCookie(
    { ...caller, entered: label("AcquireCookie", { t }) },
    s.index,
    fileDef(file),
    file,
    `D${i}`,
  );
  s.cookies.push(cookie);
  if (!cookie) return;
  for (const op of plan.ops) {
    switch (op.kind) {
      case "write": {
        // The netfs writes to the cache only pages a read through the cookie has marked cached.
        if (!file.cached.has(op.page)) await api.readPage(caller, cookie, op.page);
        if (!file.cached.has(op.page)) break;
        const bytes = pageBytes(file, op.page);
        const r = await api.writePage(caller, cookie, op.page, bytes);
        // Only a write the cache accepted can come back; a refused one leaves the old copy in place,
        // which a correct cache must no longer serve either (the netfs has newer data).
        file.written.set(op.page, bytes);
        if (r === "OK") await api.waitOnPageWrite(caller, cookie);
        break;
      }
      case "read": {
        const r = await api.readPage(caller, cookie, op.page);
        if (r.data) {
          const want = file.written.get(op.page);
          if (!want || !same(want, r.data)) {
            file.badReads.push(`${t} page ${op.page}: got ${new TextDecoder().decode(r.data)}`);
          }
        }
        break;
      }
      case "invalidate":
        await api.invalidate(caller, cookie);
        file.written.clear();
        if (op.wait) await api.waitOnInvalidate(caller, cookie);
        break;
      case "update":
        await api.updateCookie(caller, cookie);
        break;
      case "attr":
        await api.attrChanged(caller, cookie);
        break;
    }
  }
  await api.waitOnPageWrite(caller, cookie);
  await api.relinquishCookie(caller, cookie, plan.retire);
  if (cookie.n_active !== 0 && s.cache.design !== "PRE_FIX") {
    s.violations.push(`${t}: relinquish returned with n_active ${cookie.n_active}`);
  }
  file.relinquished = true;
}

/** Spawns the index thread (acquire I, then relinquish once its children are gone) and the data threads. */
export function spawnWorkload(s: Scenario, runtime: Runtime, w: Workload): void {
  runtime.spawn("netfs:tI", label("AcquireCookie", { t: "tI" }), async (task) => {
    const caller = { task, t: "tI" };
    s.index = await s.cache.netfs.acquireCookie(
      { ...caller, entered: label("AcquireCookie", { t: "tI" }) },
      null,
      indexDef,
      null,
      "I",
    );
    // The netfs relinquishes its index only after its files are gone (a test-level gate, not a spec step).
    let finished = 0;
    const gate = runtime.waitQueue("test:files-done");
    w.threads.forEach((plan, i) => {
      const t = `tD${i}`;
      runtime.spawn(`netfs:${t}`, label("AcquireCookie", { t }), async (task2) => {
        try {
          await dataThread(s, task2, t, plan, i);
        } finally {
          finished++;
          runtime.wake(gate);
        }
      });
    });
    await task.waitUntil(label("TestFilesDone", { t: "tI" }), gate, () => finished === w.threads.length);
    if (s.index) await s.cache.netfs.relinquishCookie(caller, s.index, false);
  });
}

/** End-state checks once every task has finished: everything freed, nothing leaked, no netfs misuse. */
export function endStateProblems(s: Scenario): string[] {
  const out = [...s.violations];
  const view = s.cache.inspect();
  if (view.oops !== "NONE") out.push(`oops: ${view.oops}`);
  for (const f of s.files) {
    for (const c of f.lateCalls) out.push(`${f.name}: netfs ${c} after relinquish`);
    out.push(...f.badReads);
  }
  // Freed cookies and objects leave the registries: whatever is still listed was never freed.
  for (const c of view.cookies) out.push(`cookie ${c.id} not freed (usage ${c.usage})`);
  for (const o of view.objects) out.push(`object ${o.id} not freed (${o.state}, usage ${o.usage})`);
  for (const o of s.freed) {
    if (o.state !== "OBJECT_DEAD" && o.state !== "WAIT_FOR_INIT")
      out.push(`object ${o.id} freed in ${o.state}`);
  }
  for (const op of view.ops) out.push(`op ${op.id} (${op.kind}) not freed: ${op.state}`);
  return out;
}
