// Trace validation by TLC on a sample (TLC takes seconds per run): a wide production run (two data cookies, every
// netfs call, faults), recorded with constants sized to it, is followed by the spec to its end; the same run
// with one state tampered with is followed exactly up to the tampered step. A run over a backend that already
// holds the data cookie's object reads its pages through the multi-page reader's copier, and the mutants that
// undo F14's and F15's repairs make runs the spec does not follow.

import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MUTANTS } from "../../conformance/mutants/mutants.ts";
import { applyMutant } from "../../conformance/mutants/patch.ts";
import { runWorkload } from "../../conformance/validate/driver.ts";
import { loadProduction } from "../../conformance/validate/production.ts";
import { traceModule } from "../../conformance/validate/tlaTrace.ts";
import { checkByTlc } from "../../conformance/validate/tlcCheck.ts";
import {
  type CallName,
  runConstants,
  wideWorkload,
  type Workload,
} from "../../conformance/validate/workload.ts";

const REPO = resolve(import.meta.dirname, "..", "..");
const DESIGN = "POST_FIX_REPAIRED" as const;

/** `w` with thread `t` making these calls, each on page 1. */
function withCalls(w: Workload, t: string, calls: readonly CallName[]): Workload {
  return {
    ...w,
    threads: w.threads.map((th) =>
      th.t === t ? { ...th, calls: calls.map((name) => ({ name, page: 1 })) } : th,
    ),
  };
}

describe("validation by TLC", () => {
  it("matches a recorded wide run, and stops at the tampered step of a tampered copy", async () => {
    const p = await loadProduction(join(REPO, "src"));
    // A sampled wide workload, given a read, a write and an invalidation on the first data cookie.
    const [w0] = fc.sample(wideWorkload(2), { numRuns: 1, seed: 11 }) as [Workload];
    // (No withdrawal: the write must reach its op; another test withdraws the cache.)
    const w = { ...withCalls(w0, "tD1", ["ReadPage", "WritePage", "Invalidate"]), withdraw: false };
    const k = runConstants(w);
    const out = await runWorkload(p, w, { backend: "memory", design: DESIGN, record: k });
    expect(out.end).toBe("done");
    const run = out.recording?.steps() ?? [];
    expect(run.map((s) => s.action?.name)).toContain("WriteOp");

    expect(await checkByTlc(run, k, DESIGN, { repoRoot: REPO })).toMatchObject({
      matched: true,
      steps: run.length - 1,
    });

    const i = Math.floor(run.length / 2);
    const bad = run.map((s) => structuredClone(s));
    const st = bad[i]?.state as { thread: { tI: { calls: number } } };
    st.thread.tI.calls += 1;
    expect(await checkByTlc(bad, k, DESIGN, { repoRoot: REPO })).toMatchObject({
      matched: false,
      position: i,
    });
  });

  it("matches a wide run on the disk backend whose page write fails with EIO, breaking the cache", async () => {
    const p = await loadProduction(join(REPO, "src"));
    const [w0] = fc.sample(wideWorkload(2), { numRuns: 1, seed: 5 }) as [Workload];
    const w: Workload = {
      ...withCalls(w0, "tD1", ["ReadPage", "WritePage", "ReadPage"]),
      faults: [{ op: "writePage", cookie: "D1", nth: 0, afterNegative: false, eio: true }],
      withdraw: false,
    };
    const k = runConstants(w);
    const out = await runWorkload(p, w, { backend: "disk", design: DESIGN, record: k });
    expect(out.end).toBe("done");
    const run = out.recording?.steps() ?? [];
    // The write's EIO reached the cache (cachefiles_io_error): from then on the cache is flagged broken.
    const broken = run.findIndex((s) =>
      JSON.stringify((s.state as { cache?: unknown }).cache).includes("IOERROR"),
    );
    expect(broken).toBeGreaterThan(0);
    expect(run[broken]?.action?.name).toBe("WriteOpWritePage");
    expect(await checkByTlc(run, k, DESIGN, { repoRoot: REPO })).toMatchObject({
      matched: true,
      steps: run.length - 1,
    });
  });

  it("matches a wide run on the stepped runtime in which the cache is withdrawn under live objects", async () => {
    const p = await loadProduction(join(REPO, "src"));
    const [w0] = fc.sample(wideWorkload(2), { numRuns: 1, seed: 9 }) as [Workload];
    const w: Workload = { ...w0, faults: [], withdraw: true, withdrawDelay: 40 };
    const k = runConstants(w);
    expect(k.Withdrawal).toBe(true);
    const out = await runWorkload(p, w, {
      backend: "memory",
      design: DESIGN,
      record: k,
      stepped: { choices: w.schedule },
    });
    expect(out.end).toBe("done");
    const run = out.recording?.steps() ?? [];
    // The withdrawal took at least one listed object (a WithdrawAllObjects step per kill, one more for the end).
    expect(run.filter((s) => s.action?.name === "WithdrawAllObjects").length).toBeGreaterThan(1);
    expect(await checkByTlc(run, k, DESIGN, { repoRoot: REPO })).toMatchObject({
      matched: true,
      steps: run.length - 1,
    });
  });

  it("matches a run whose data object exists before it: the pages come from the copier; F14's and F15's mutants do not match", async () => {
    const [w0] = fc.sample(wideWorkload(2), { numRuns: 1, seed: 11 }) as [Workload];
    const w: Workload = {
      ...withCalls(w0, "tD1", ["ReadPages", "ReadPage"]),
      faults: [],
      withdraw: false,
      seeded: ["D1"],
    };
    const k = runConstants(w);
    const record = async (srcRoot: string) => {
      const out = await runWorkload(await loadProduction(srcRoot), w, {
        backend: "memory",
        design: DESIGN,
        record: k,
      });
      expect(out.end).toBe("done");
      return out.recording?.steps() ?? [];
    };
    const run = await record(join(REPO, "src"));
    const actions = run.map((s) =>
      s.action ? `${s.action.name}(${String(s.action.params["result"] ?? "")})` : "",
    );
    // D1's object was found with its data: the read's pages went through the waiters and the copier.
    expect(actions).toContain("LookupObject(POSITIVE)");
    for (const a of [
      "ReadPagesIO()",
      "ReadWaiter()",
      "ReadCopier(OK)",
      "ReadCopierTest()",
      "ReadCopierPut()",
    ])
      expect(actions).toContain(a);
    expect(await checkByTlc(run, k, DESIGN, { repoRoot: REPO })).toMatchObject({
      matched: true,
      steps: run.length - 1,
    });
    for (const name of ["read-waiter-enqueues-unlocked", "retrieval-complete-split"]) {
      const m = MUTANTS.find((x) => x.name === name);
      if (!m) throw new Error(`no mutant ${name}`);
      const tree = applyMutant(REPO, join(REPO, "src"), m);
      try {
        const bad = await record(tree.root);
        expect(await checkByTlc(bad, k, DESIGN, { repoRoot: REPO }), name).toMatchObject({ matched: false });
      } finally {
        tree.dispose();
      }
    }
  });

  it("writes the recording as a sequence of records and the spec's constants sized to the run", () => {
    const k = {
      Cookies: ["D", "I"],
      Parent: { I: "FSDEF", D: "I" },
      IndexCookies: ["I"],
      Threads: ["tD", "tI"],
      TCookie: { tI: "I", tD: "D" },
      Pages: ["p1"],
      MaxOps: 1,
      MaxCalls: 0,
      NetfsCalls: ["ReadPage"],
    };
    const { tla, cfg } = traceModule("VT", [{ action: null, state: { oops: "boom" } }], k, DESIGN);
    expect(tla).toContain('(* 0 *) [a |-> [name |-> "Init"], s |-> [crashed |-> TRUE, oops |-> "boom"]]');
    expect(tla).toContain("VT_Next == /\\ vtI < Len(VT_Trace)");
    expect(cfg).toContain("INVARIANT VT_NotDone");
    expect(cfg).toContain('DESIGN = "POST_FIX_REPAIRED"');
  });
});
