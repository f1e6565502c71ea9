// Trace validation by TLC on a sample (TLC takes seconds per run): a wide production run (two data cookies, every
// netfs call, faults), recorded with constants sized to it, is followed by the spec to its end; the same run
// with one state tampered with is followed exactly up to the tampered step.

import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runWorkload } from "../../conformance/validate/driver.ts";
import { loadProduction } from "../../conformance/validate/production.ts";
import { traceModule } from "../../conformance/validate/tlaTrace.ts";
import { checkByTlc } from "../../conformance/validate/tlcCheck.ts";
import { runConstants, wideWorkload, type Workload } from "../../conformance/validate/workload.ts";

const REPO = resolve(import.meta.dirname, "..", "..");
const DESIGN = "POST_FIX_REPAIRED" as const;

describe("validation by TLC", () => {
  it("matches a recorded wide run, and stops at the tampered step of a tampered copy", async () => {
    const p = await loadProduction(join(REPO, "src"));
    // A sampled wide workload, given a read, a write and an invalidation on the first data cookie.
    const [w0] = fc.sample(wideWorkload(2), { numRuns: 1, seed: 11 }) as [Workload];
    const w: Workload = {
      ...w0,
      threads: w0.threads.map((t) =>
        t.t === "tD1"
          ? {
              ...t,
              calls: [
                { name: "ReadPage", page: 1 },
                { name: "WritePage", page: 1 },
                { name: "Invalidate", page: 1 },
              ],
            }
          : t,
      ),
    };
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
