// No public call sequence hangs: fast-check drives the production facade on the event-loop runtime with
// arbitrary call sequences per file — writes before reads, calls after or racing relinquish, concurrent
// calls, injected backend faults — and every call must settle (a result, or a typed FsCacheError refusing
// it before it changes anything), after which relinquishing everything frees every cookie, object and op.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FaultyBackend, type FaultRule } from "../../src/fscache/backends/faults.ts";
import { MemoryBackend } from "../../src/fscache/backends/memory.ts";
import { type Cookie, FsCache, FsCacheError } from "../../src/fscache/index.ts";
import { EventLoopRuntime } from "../../src/runtime/event-loop.ts";
import { facadeWithFile, fileDef, indexDef, newFile } from "./workload.ts";

type Call =
  | { readonly kind: "read" | "write"; readonly page: number }
  | { readonly kind: "invalidate" | "waitOnInvalidate" | "update" | "attr" | "waitOnPageWrite" }
  | { readonly kind: "relinquish"; readonly retire: boolean };

/** One call, and whether the caller awaits it before issuing the next (false: the calls overlap). */
interface Issue {
  readonly call: Call;
  readonly await: boolean;
}

const callArb: fc.Arbitrary<Call> = fc.oneof(
  fc.record({ kind: fc.constantFrom("read" as const, "write" as const), page: fc.nat({ max: 3 }) }),
  fc.record({
    kind: fc.constantFrom(
      "invalidate" as const,
      "waitOnInvalidate" as const,
      "update" as const,
      "attr" as const,
      "waitOnPageWrite" as const,
    ),
  }),
  fc.record({ kind: fc.constant("relinquish" as const), retire: fc.boolean() }),
);

const planArb = fc.array(fc.array(fc.record({ call: callArb, await: fc.boolean() }), { maxLength: 10 }), {
  minLength: 1,
  maxLength: 4,
});

const faultArb: fc.Arbitrary<FaultRule[]> = fc.array(
  fc.record({
    op: fc.constantFrom(
      "lookupObject" as const,
      "writePage" as const,
      "readPage" as const,
      "invalidateObject" as const,
    ),
    code: fc.constantFrom("EIO" as const, "ENOSPC" as const),
    after: fc.nat({ max: 3 }),
    times: fc.integer({ min: 1, max: 2 }),
  }),
  { maxLength: 2 },
);

function issue(cache: FsCache, cookie: Cookie | null, c: Call): Promise<unknown> {
  switch (c.kind) {
    case "read":
      return cache.readPage(cookie, c.page);
    case "write":
      return cache.writePage(cookie, c.page, new Uint8Array([c.page]));
    case "invalidate":
      return cache.invalidate(cookie);
    case "waitOnInvalidate":
      return cache.waitOnInvalidate(cookie);
    case "update":
      return cache.updateCookie(cookie);
    case "attr":
      return cache.attrChanged(cookie);
    case "waitOnPageWrite":
      return cache.waitOnPageWrite(cookie);
    case "relinquish":
      return cache.relinquishCookie(cookie, c.retire);
  }
}

/**
 * Awaits `p` unless it hangs: a promise still pending when the runtime has nothing left to run (every task
 * finished or asleep) can never settle. Returns false then.
 */
async function settles(runtime: EventLoopRuntime, p: Promise<unknown>): Promise<boolean> {
  let done = false;
  const watched = p.then(
    () => void (done = true),
    () => void (done = true),
  );
  while (!done) {
    await Promise.race([watched, runtime.whenIdle()]);
    // Let settled promises' callbacks run (they may start new tasks) before deciding.
    await new Promise((resolve) => setImmediate(resolve));
    if (!done && runtime.isIdle()) return false;
  }
  return true;
}

/** Runs a plan; returns what went wrong (empty when every call settled and everything was freed). */
async function run(plan: readonly (readonly Issue[])[], faults: readonly FaultRule[]): Promise<string[]> {
  const runtime = new EventLoopRuntime();
  const cache = new FsCache({ runtime, backend: new FaultyBackend(new MemoryBackend(), faults) });
  const problems: string[] = [];
  const pending = new Map<string, Promise<unknown>>();
  const settled = new Set<string>();
  const track = (name: string, p: Promise<unknown>): Promise<void> => {
    pending.set(name, p);
    return p.then(
      () => void settled.add(name),
      (e: unknown) => {
        settled.add(name);
        if (!(e instanceof FsCacheError)) problems.push(`${name}: ${String(e)}`);
      },
    );
  };
  const index = await cache.acquireCookie(null, indexDef, null);
  const cookies = await Promise.all(
    plan.map((_, i) => {
      const f = newFile(`f${i}`);
      return cache.acquireCookie(index, fileDef(f), f);
    }),
  );
  const planDone = Promise.all(
    plan.map(async (calls, i) => {
      const waits: Promise<void>[] = [];
      for (const [j, { call, await: wait }] of calls.entries()) {
        const w = track(`f${i}#${j} ${call.kind}`, issue(cache, cookies[i] ?? null, call));
        if (wait) await w;
        else waits.push(w);
      }
      await Promise.all(waits);
    }),
  );
  await settles(runtime, planDone);
  for (const name of pending.keys()) if (!settled.has(name)) problems.push(`${name} never returned`);
  for (const b of runtime.blocked()) problems.push(`task ${b.taskName} asleep in ${b.label.action}`);
  if (problems.length > 0) return problems;
  // Then the netfs lets go of everything: every cookie, object and op is freed.
  for (const c of cookies) {
    if (!c || c.mem !== "LIVE" || c.closing) continue;
    const r = cache.relinquishCookie(c).catch((e: unknown) => void problems.push(String(e)));
    if (!(await settles(runtime, r))) problems.push(`relinquish of ${c.id} never returned`);
  }
  if (!(await settles(runtime, cache.relinquishCookie(index))))
    problems.push("relinquish of the index never returned");
  await runtime.whenIdle();
  const view = cache.inspect();
  if (view.oops !== "NONE") problems.push(`oops: ${view.oops}`);
  for (const c of view.cookies) problems.push(`cookie ${c.id} not freed`);
  for (const o of view.objects) problems.push(`object ${o.id} not freed (${o.state})`);
  for (const o of view.ops) problems.push(`op ${o.id} not freed`);
  return problems;
}

describe("no call hangs (production facade, event-loop runtime, default design)", () => {
  it("every call returns or is refused with a typed error, and everything is freed afterwards", async () => {
    await fc.assert(
      fc.asyncProperty(planArb, faultArb, async (plan, faults) => {
        const problems = await run(plan, faults);
        if (problems.length > 0) throw new Error(problems.join("\n"));
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a write of a page no read has marked cached, before changing anything", async () => {
    const { runtime, cache, index, cookie } = await facadeWithFile("a");
    await runtime.whenIdle();
    const before = JSON.stringify(cache.inspect());
    await expect(cache.writePage(cookie, 1, new Uint8Array(1))).rejects.toMatchObject({
      code: "PAGE_NOT_CACHED",
    });
    expect(JSON.stringify(cache.inspect())).toBe(before);
    // Read first (the page is marked cached), and the write is taken.
    await cache.readPage(cookie, 1);
    expect(await cache.writePage(cookie, 1, new Uint8Array(1))).toBe("OK");
    await cache.relinquishCookie(cookie);
    await cache.relinquishCookie(index);
    await runtime.whenIdle();
    expect(cache.inspect().cookies).toEqual([]);
  });

  it("refuses calls and children after relinquish began, so none slips in before it", async () => {
    const { runtime, cache, index, cookie } = await facadeWithFile("a");
    await cache.readPage(cookie, 0);
    const rel = cache.relinquishCookie(cookie);
    await expect(cache.writePage(cookie, 0, new Uint8Array(1))).rejects.toMatchObject({
      code: "COOKIE_RELINQUISHED",
    });
    await expect(cache.relinquishCookie(cookie)).rejects.toMatchObject({ code: "COOKIE_RELINQUISHED" });
    await rel;
    const relIndex = cache.relinquishCookie(index);
    const b = newFile("b");
    await expect(cache.acquireCookie(index, fileDef(b), b)).rejects.toMatchObject({
      code: "COOKIE_RELINQUISHED",
    });
    await relIndex;
    await runtime.whenIdle();
    expect(cache.inspect().cookies).toEqual([]);
  });
});
