// End to end over the CI conformance models and the CI model: TLC dumps each full state graph, the harness
// reads it while TLC writes, and every transition is replayed in lockstep against the implementation (on
// both cores), which must conform with every state and transition covered. The protocol goals of the trap
// models (conformance/generate/goals.ts) are replayed as traces, in both designs where they aim at a repair.
// Together the covers and the goal traces exercise every action of the spec. Sharding the replay and
// merging the shard results gives exactly the single-process result. Every mutant (PRE_FIX included) must
// be killed by the suite, the killing path named, and by the CI model's cover alone unless its fault needs
// a path outside that model's scope (listed with the reason). MCconf (all three designs), MCfault, MCwrite,
// MCwindowAttr, MCpages, MCraiseFail, MCtrapNfs, MCtrapAsync, MCtrapEio and the POST_FIX covers of MCcalls and
// MCfail run outside `npm test` (`npm run conformance:full`); MCtrapNfs's REPAIRED cover is the one that sees a
// relinquish not waiting for the NFS task (an enabled step, which goal traces do not compare):
// test/fscache/nfs-tasks.test.ts checks that wait in `npm test`. For the same reason MCtrapWake's POST_FIX cover is
// here: F17's relinquish left asleep differs from a woken one only in its enabled step.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTraceSets, graphModel, replayPrepared } from "../../conformance/cli.ts";
import { conform } from "../../conformance/conform.ts";
import { GOAL_MODELS, goalsOf } from "../../conformance/generate/goals.ts";
import { prepareGraph, type PreparedGraph } from "../../conformance/graphRun.ts";
import { mergeResults, resultIdentity, type GraphResultJson } from "../../conformance/graphResult.ts";
import { KNOWN_ACTIONS } from "../../conformance/mapping/actions.ts";
import { fsCacheAdapter, loadImplementation } from "../../conformance/mapping/adapter.ts";
import { MUTANTS } from "../../conformance/mutants/mutants.ts";
import { runMutants, type SuiteItem } from "../../conformance/mutants/run.ts";
import type { Design, TraceSet } from "../../conformance/trace/format.ts";

const REPO = resolve(import.meta.dirname, "../..");
const SRC = join(REPO, "src");
const MODELS = join(REPO, "conformance", "models");

/**
 * The graphs replayed, in the order the mutant suite tries them (it stops at the first kill): the window models
 * first, since each alone kills a mutant (which would otherwise replay every graph before it whole: 34 s for
 * the one MCwindow kills behind MCcalls and MCfail) and the generic mutants die early in them too; then the
 * cheapest first, except that MCci, which kills nothing the others and the goals miss, comes last.
 */
const GRAPHS: readonly { model: string; design: Design; dir: string }[] = [
  // A netfs thread's raise in two steps.
  { model: "MCraise", design: "POST_FIX_REPAIRED", dir: MODELS },
  // The reader's submit in two steps.
  { model: "MCwindow", design: "POST_FIX_REPAIRED", dir: MODELS },
  { model: "MCcalls", design: "POST_FIX_REPAIRED", dir: MODELS },
  { model: "MCfail", design: "POST_FIX_REPAIRED", dir: MODELS },
  // An NFS task's refused read and relinquish's wait (F17): only an enabled set shows a sleeper left unwoken.
  { model: "MCtrapWake", design: "POST_FIX", dir: MODELS },
  { model: "MCci", design: "POST_FIX_REPAIRED", dir: join(REPO, "spec") },
];

/**
 * The goal trace sets: MCtrap's in POST_FIX; the fault goals in both designs (F10, F4 and their repairs), and
 * PRE_FIX's own step DETACH_FROM_COOKIE.
 */
const GOAL_SETS: readonly { model: string; design: Design }[] = [
  { model: "MCtrap", design: "POST_FIX" },
  { model: "MCtrapFault", design: "PRE_FIX" },
  { model: "MCtrapFault", design: "POST_FIX" },
  { model: "MCtrapFault", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapAttach", design: "POST_FIX" },
  { model: "MCtrapAttach", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapIoErr", design: "POST_FIX" },
  { model: "MCtrapIoErr", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapWithdraw", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapWrite", design: "POST_FIX" },
  { model: "MCtrapExcl", design: "POST_FIX" },
  { model: "MCtrapWindow", design: "POST_FIX" },
  { model: "MCtrapPages", design: "POST_FIX" },
  { model: "MCtrapPages", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapEio", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapNfs", design: "POST_FIX" },
  { model: "MCtrapNfs", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapStale", design: "POST_FIX_REPAIRED" },
  { model: "MCtrapAsync", design: "POST_FIX_REPAIRED" },
];

/**
 * Mutants the CI model's cover cannot kill, because the fault lies on a path outside MCci's scope (one call
 * per thread, one data cookie, lookups that find their object).
 */
const BEYOND_MCCI: Readonly<Record<string, string>> = {
  "submit-rechecks-object": "needs a reader's submit in two steps and a kill between them (F13's window)",
  "kill-clears-live-unlocked":
    "needs a reader's submit in two steps (SubmitWindow), which MCci's model keeps as one, and a kill during it (F13)",
  "attr-submit-unsplit":
    "needs attr_changed's submit in two steps (SubmitWindow), which MCci's model keeps as one",
  "read-waiter-enqueues-unlocked":
    "needs a multi-page read (ReadPages), which MCci's netfs does not make (F14)",
  "retrieval-complete-split": "needs a multi-page read (ReadPages), which MCci's netfs does not make (F15)",
  "raise-reads-mask-early": "needs a netfs raise in two steps (RaiseWindow), which MCci's model keeps as one",
  "drop-ignores-raise-lock":
    "needs a netfs raise in two steps (RaiseWindow), which MCci's model keeps as one",
  "wait-for-cmd-update-to-invalidate": "needs an UpdateCookie call, which MCci's netfs does not make",
  "invalidate-leaves-pending-stores": "needs a write and then an invalidation: two calls",
  "drop-keeps-looking-up": "needs the index lookup to fail while a read waits (F8)",
  "kill-starts-async-on-unavailable": "needs a negative lookup whose creation fails (F10)",
  "unattached-destroy-puts-cookie": "needs a second data cookie under the index (F4)",
  "dead-read-keeps-op": "needs a page write failing with EIO under a running read (F11)",
  "put-ignores-op-state": "needs a page write failing with EIO under a running read (F11)",
  "broken-cache-queues-ops": "needs a page write failing with EIO, then a read (F12)",
  "withdraw-takes-tail": "needs the cache withdrawn, which MCci does not do",
  "acquire-ignores-withdrawal": "needs the cache withdrawn, which MCci does not do",
  "withdraw-forgets-kill": "needs the cache withdrawn, which MCci does not do",
  "drop-stays-on-dying-list": "needs the cache withdrawn, which MCci does not do",
  "lookup-eio-keeps-cache": "needs a lookup failing with EIO; MCci's lookups all succeed",
  "create-eio-keeps-cache": "needs a negative lookup whose creation fails with EIO",
  "read-eio-keeps-cache": "needs a page read failing with EIO; MCci's reads all succeed",
  "copier-eio-keeps-cache":
    "needs a multi-page read whose backing read the copier finds failed; MCci's netfs does not make one",
  "invalidate-raises-again": "needs two invalidations of one cookie: two calls",
  "write-ignores-invalidating": "needs a read, an invalidation and a write: three calls",
  "write-requeues-storing-page": "needs two writes of one page and two op slots",
  "write-resubmits-when-pending": "needs two writes and two op slots",
  "exclusive-ignores-in-progress": "needs a write and then an invalidation, and two op slots",
  "refused-read-returns-ok": "needs a refused read (ENOBUFS); MCci's one read is always served",
  "nfs-read-ignores-disabled": "needs an NFS task reading through its owner's cookie (F16), which MCci lacks",
  "read-page-monitor-copies-at-once":
    "needs a single-page read whose backing page is not up to date (ReadIO's MONITOR); MCci's reads copy at once",
  "read-page-monitor-not-installed":
    "needs a single-page read whose backing page is not up to date (ReadIO's MONITOR); MCci's reads copy at once",
  "nfs-entry-ignores-disabled":
    "needs an NFS task reading through its owner's cookie (F16), which MCci lacks",
  "copier-ignores-invalidating": "needs a multi-page read and then an invalidation: two calls",
  "nfs-give-back-wakes": "needs an NFS task reading through its owner's cookie (F17), which MCci lacks",
  "nfs-read-counts-under-lock":
    "needs an NFS task reading through its owner's cookie (F17), which MCci lacks",
};

const key = (g: { model: string; design: string }): string => `${g.model}/${g.design}`;

describe("conformance over full state graphs (streamed from TLC), protocol goals, shards and mutants", () => {
  const out = mkdtempSync(join(tmpdir(), "conf-e2e-"));
  const prepared = new Map<string, PreparedGraph>();
  const results = new Map<string, GraphResultJson>();
  const goals = new Map<string, TraceSet>();

  beforeAll(async () => {
    // The graphs and the goal trace sets are independent TLC runs, one core each: two workers take them from one
    // queue, the graphs first with MCci, the longest, leading, so that neither core idles while the other still
    // has runs to do (two fixed chains, graphs and goals, left one core idle for the last 50 s). A failure stops
    // both workers before their next run: no TLC is left running. The goal sets are kept in GOAL_SETS order,
    // which the mutant suite replays first.
    const sets: (TraceSet | undefined)[] = [];
    const jobs: (() => Promise<void>)[] = [
      ...[...GRAPHS].reverse().map((g) => async () => {
        prepared.set(
          key(g),
          await prepareGraph(graphModel({ model: g.model, modelDir: g.dir, specDesign: g.design })),
        );
      }),
      ...GOAL_SETS.map((g, i) => async () => {
        const generated = await generateTraceSets({
          model: g.model,
          modelDir: MODELS,
          design: g.design,
          sources: ["goals"],
          seed: 1,
          num: 0,
          depth: 0,
        });
        sets[i] = generated[0]?.set;
      }),
    ];
    let failed = false;
    const worker = async (): Promise<void> => {
      for (let job = jobs.shift(); job && !failed; job = jobs.shift()) {
        try {
          await job();
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    const done = await Promise.allSettled([worker(), worker()]);
    for (const d of done) if (d.status === "rejected") throw d.reason;
    GOAL_SETS.forEach((g, i) => {
      const set = sets[i];
      if (set) goals.set(key(g), set);
    });
  }, 900_000);

  afterAll(() => {
    for (const p of prepared.values()) p.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it.each(GRAPHS)(
    "$model in $design: every transition replayed, the implementation conforms",
    async (g) => {
      const p = prepared.get(key(g));
      expect(p?.errors.map((e) => e.message)).toEqual([]);
      if (!p) return;
      const r = await replayPrepared(p, { enabled: true, workers: 2, out });
      expect(r.failures.slice(0, 2)).toEqual([]);
      expect(r.verdict).toBe("CONFORMS");
      expect(r.coverage.states.covered).toBe(r.coverage.states.total);
      expect(r.coverage.transitions.covered).toBe(r.coverage.transitions.total);
      results.set(key(g), r);
    },
    600_000,
  );

  it.each(GOAL_SETS)(
    "$model in $design: every protocol goal is reached and the implementation conforms on its trace",
    async (g) => {
      const set = goals.get(key(g));
      if (!set) throw new Error(`no goal traces for ${key(g)}`);
      const header = set.header as { tlc?: { unreachable?: string[] } };
      expect(header.tlc?.unreachable).toEqual([]);
      const r = await conform(fsCacheAdapter(await loadImplementation(SRC)), [{ name: key(g), set }], {
        replayCommand: () => "",
      });
      expect(r.sets.flatMap((s) => [...s.errors, ...s.failures])).toEqual([]);
      expect(r.traces).toBe(goalsOf(g.model, g.design).length);
    },
    120_000,
  );

  it("every trap model's goals are run", () => {
    expect(new Set(GOAL_SETS.map((g) => g.model))).toEqual(new Set(GOAL_MODELS));
  });

  it("the covers and the goal traces together exercise every action of the spec", () => {
    const seen = new Set<string>();
    for (const r of results.values())
      for (const [a, c] of Object.entries(r.coverage.actions)) if (c.covered > 0) seen.add(a);
    for (const set of goals.values())
      for (const t of set.traces) for (const s of t.steps) if (s.action) seen.add(s.action.name);
    expect(results.size).toBe(GRAPHS.length);
    expect([...KNOWN_ACTIONS].filter((a) => !seen.has(a)).sort()).toEqual([]);
    // The parent-kill path the no-fault models never take.
    expect(
      results.get("MCfail/POST_FIX_REPAIRED")?.coverage.actions["KILL_DEPENDENTS"]?.covered,
    ).toBeGreaterThan(0);
  });

  it("the POST_FIX goal traces end in the oopses of F10 and F4, which the implementation reports alike", () => {
    const last = (m: string): unknown => goals.get(`${m}/POST_FIX`)?.traces[0]?.steps.at(-1)?.state["oops"];
    expect(last("MCtrapFault")).toMatch(/^RunOp: ASSERT\(fscache_object_is_available\)/);
    expect(last("MCtrapAttach")).toMatch(/^AcquireFail: __fscache_cookie_put of an already freed cookie/);
  });

  it("a sharded replay merges into exactly the single-process result", async () => {
    // A small graph: its three shards replay it once more in all, on one core.
    const p = prepared.get("MCtrapWake/POST_FIX");
    if (!p) throw new Error("MCtrapWake not prepared");
    const single = results.get("MCtrapWake/POST_FIX") ?? (await replayPrepared(p, { enabled: true }));
    const shards: GraphResultJson[] = [];
    for (let i = 0; i < 3; i++)
      shards.push(await replayPrepared(p, { enabled: true, shard: { index: i, count: 3 } }));
    const merged = mergeResults(shards);
    expect(resultIdentity(merged)).toEqual(resultIdentity(single));
    expect(() => mergeResults(shards.slice(0, 2))).toThrow(/1 of 3 shards missing/);
  }, 300_000);

  /** The goal traces first (a few short traces each), then the graphs cheapest first. */
  function suite(graphs: readonly { model: string; design: Design }[], withGoals: boolean): SuiteItem[] {
    const items: SuiteItem[] = [];
    if (withGoals)
      for (const [name, set] of goals) items.push({ kind: "traces", input: { name: `goals ${name}`, set } });
    for (const g of graphs)
      items.push({ kind: "graph", name: key(g), prepared: prepared.get(key(g)) as PreparedGraph });
    return items;
  }

  /** How the mutants run: on both cores, each against a fresh adapter in the design its item names. */
  function mutantOptions(items: SuiteItem[]): Parameters<typeof runMutants>[1] {
    return {
      repoRoot: REPO,
      srcRoot: SRC,
      suite: items,
      workers: 2,
      makeAdapter: async (root, opts) =>
        fsCacheAdapter(
          await loadImplementation(root),
          opts["design"] ? { design: opts["design"] as Design } : {},
        ),
      replayCommand: () => "",
    };
  }

  async function mutantResults(
    items: SuiteItem[],
  ): Promise<Map<string, { status: string; killedIn?: string | undefined }>> {
    const rs = await runMutants(MUTANTS, mutantOptions(items));
    // FSCACHE_E2E_MUTANTS=<file> keeps where each mutant died (the kill table of conformance/README.md).
    const report = process.env["FSCACHE_E2E_MUTANTS"];
    if (report !== undefined && report !== "")
      writeFileSync(
        report,
        JSON.stringify(
          rs.map((r) => ({
            name: r.name,
            status: r.status,
            killedIn: r.killedIn,
            trace: r.killedBy?.trace,
            step: r.killedBy?.step,
            action: r.killedBy?.action,
            variable: r.killedBy?.variable,
            ms: Math.round(r.ms),
          })),
          null,
          2,
        ),
      );
    return new Map(rs.map((r) => [r.name, { status: r.status, killedIn: r.killedIn }]));
  }

  it("kills every mutant, naming where", async () => {
    const by = await mutantResults(suite(GRAPHS, true));
    for (const m of MUTANTS)
      expect(by.get(m.name)?.status, m.name).toBe(m.equivalent ? "equivalent" : "killed");
    expect(by.get("pre-fix-design")?.killedIn).toBe("goals MCtrap/POST_FIX");
    // A lost repair is seen only where the repaired code runs.
    for (const m of MUTANTS.filter((x) => x.repair !== undefined))
      expect(by.get(m.name)?.killedIn, m.name).toMatch(/POST_FIX_REPAIRED/);
    // F10 and F4 are reached only by their goals; the lookup split lets a cover kill object-available-skips-ops
    // (a read queued between LookupObject and LookupAvailable), which no goal aims at.
    expect(by.get("kill-starts-async-on-unavailable")?.killedIn).toBe("goals MCtrapFault/POST_FIX_REPAIRED");
    expect(by.get("unattached-destroy-puts-cookie")?.killedIn).toBe("goals MCtrapAttach/POST_FIX_REPAIRED");
    expect(by.get("dead-read-keeps-op")?.killedIn).toBe("goals MCtrapIoErr/POST_FIX_REPAIRED");
    expect(by.get("put-ignores-op-state")?.killedIn).toBe("goals MCtrapIoErr/POST_FIX");
    expect(by.get("broken-cache-queues-ops")?.killedIn).toBe("goals MCtrapIoErr/POST_FIX_REPAIRED");
    // KILL_OBJECT inside a reader's locked section shows as an enabled step the spec lacks: a cover finds it.
    expect(by.get("kill-clears-live-unlocked")?.killedIn).toBe("MCwindow/POST_FIX_REPAIRED");
    // The second step keeps the branch its test chose, whatever the kill did in between.
    expect(by.get("submit-rechecks-object")?.killedIn).toBe("goals MCtrapWindow/POST_FIX");
    // attr_changed's exclusive submit in one step lacks the spec's second step.
    expect(by.get("attr-submit-unsplit")?.killedIn).toBe("goals MCtrapWindow/POST_FIX");
    // A page's waiter that queues the op after dropping work_lock has a step the repaired spec lacks.
    expect(by.get("read-waiter-enqueues-unlocked")?.killedIn).toBe("goals MCtrapPages/POST_FIX_REPAIRED");
    // A copier that tests op->n_pages in a later step completes the op one step after the repaired spec does.
    expect(by.get("retrieval-complete-split")?.killedIn).toBe("goals MCtrapPages/POST_FIX_REPAIRED");
    // A raise's enqueue that misses a mask stored after its set, and DROP_OBJECT inside a raiser's cookie->lock.
    for (const m of ["raise-reads-mask-early", "drop-ignores-raise-lock"])
      expect(by.get(m)?.killedIn, m).toBe("MCraise/POST_FIX_REPAIRED");
    expect(by.get("object-available-skips-ops")?.status).toBe("killed");
    // A lookup's, a create's, a page read's or the copier's EIO breaks the cache: the state after it shows a
    // mutant that does not, on its goal's short trace (MCfail's cover finds the first three too, after the covers
    // before it).
    for (const m of [
      "lookup-eio-keeps-cache",
      "create-eio-keeps-cache",
      "read-eio-keeps-cache",
      "copier-eio-keeps-cache",
    ])
      expect(by.get(m)?.killedIn, m).toBe("goals MCtrapEio/POST_FIX_REPAIRED");
    // A second call into a running invalidation or write is reached only by its goal.
    expect(by.get("invalidate-raises-again")?.killedIn).toBe("goals MCtrap/POST_FIX");
    expect(by.get("write-ignores-invalidating")?.killedIn).toBe("goals MCtrap/POST_FIX");
    for (const m of ["write-requeues-storing-page", "write-resubmits-when-pending"])
      expect(by.get(m)?.killedIn, m).toBe("goals MCtrapWrite/POST_FIX");
    expect(by.get("exclusive-ignores-in-progress")?.killedIn).toBe("goals MCtrapExcl/POST_FIX");
    // A call's return value is compared with its thread's recorded result (mapping/netfsCall.ts).
    expect(by.get("refused-read-returns-ok")?.killedIn).toBe("goals MCtrapIoErr/POST_FIX_REPAIRED");
    // An NFS task's read of a disabled cookie is refused at the entry or under cookie->lock only in F16's repair.
    expect(by.get("nfs-entry-ignores-disabled")?.killedIn).toBe("goals MCtrapNfs/POST_FIX_REPAIRED");
    expect(by.get("nfs-read-ignores-disabled")?.killedIn).toBe("goals MCtrapNfs/POST_FIX_REPAIRED");
    // 3.12's NFS task takes its n_active unit a step before cookie->lock, and its refused read's give-back wakes
    // nobody (F17): the state after the first step shows the one mutant, the sleeper's enabled step the other.
    expect(by.get("nfs-read-counts-under-lock")?.killedIn).toBe("goals MCtrapNfs/POST_FIX");
    expect(by.get("nfs-give-back-wakes")?.killedIn).toBe("MCtrapWake/POST_FIX");
    // A page the copier reaches while the cookie is being invalidated ends with -ESTALE, not marked cached.
    expect(by.get("copier-ignores-invalidating")?.killedIn).toBe("goals MCtrapStale/POST_FIX_REPAIRED");
    // A single-page read whose backing page is not up to date leaves its page to the copier (ReadIO's MONITOR).
    for (const m of ["read-page-monitor-copies-at-once", "read-page-monitor-not-installed"])
      expect(by.get(m)?.killedIn, m).toBe("goals MCtrapAsync/POST_FIX_REPAIRED");
    // The withdrawal is reached only by its trap model's goals.
    for (const m of [
      "withdraw-takes-tail",
      "acquire-ignores-withdrawal",
      "withdraw-forgets-kill",
      "drop-stays-on-dying-list",
    ])
      expect(by.get(m)?.killedIn, m).toMatch(/^goals MCtrapWithdraw\//);
  }, 900_000);

  it("kills every mutant with the CI model's cover alone, but those whose fault lies outside its scope", async () => {
    const mcci = MUTANTS.filter((m) => BEYOND_MCCI[m.name] === undefined);
    expect(Object.keys(BEYOND_MCCI).every((n) => MUTANTS.some((m) => m.name === n))).toBe(true);
    const rs = await runMutants(
      mcci,
      mutantOptions(suite([{ model: "MCci", design: "POST_FIX_REPAIRED" }], false)),
    );
    for (const r of rs) expect(r.status, r.name).toBe("killed");
  }, 900_000);
});
