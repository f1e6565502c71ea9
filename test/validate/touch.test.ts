// Recording skips a cookie or object whose revision did not move (conformance/mapping/snapshot.ts); the tests
// run with FSCACHE_SNAPSHOT_VERIFY=1, which re-reads every skipped record and throws on a difference. Here a
// copy of src/ with one `touch` removed must make a recorded production run throw, naming the record; the real
// sources record the same runs without an error (and the same states as a recording that skips nothing). A
// touch that another one in the same step makes redundant cannot be caught this way: the static touch check
// (test/review/touch.test.ts) requires every write to have its own.

import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSnapshotVerify } from "../../conformance/mapping/snapshot.ts";
import { runWorkload } from "../../conformance/validate/driver.ts";
import { validationModel, type ValidationModel } from "../../conformance/validate/models.ts";
import { loadProduction, type Production } from "../../conformance/validate/production.ts";
import { workloadFor } from "../../conformance/validate/workload.ts";
import { applyMutant, type Mutant } from "../../conformance/mutants/patch.ts";

const REPO = resolve(import.meta.dirname, "..", "..");
const DESIGN = "POST_FIX_REPAIRED" as const;
const m = validationModel("MCvalWrite") as ValidationModel;
const workloads = fc.sample(workloadFor(m), { numRuns: 30, seed: 11 });

async function recordAll(p: Production): Promise<string[]> {
  const states: string[] = [];
  for (const w of workloads) {
    const out = await runWorkload(p, w, { backend: "memory", design: DESIGN, record: m.constants });
    if (out.error !== undefined) throw new Error(out.error);
    states.push(JSON.stringify(out.recording?.steps()));
  }
  return states;
}

/** A copy of src/ without the `touch` before `find`'s write. */
const untouched = (name: string, file: string, find: string): Mutant => ({
  name,
  file,
  find,
  replace: find.replace(/touch\([a-z]+\);\n\s*/, ""),
  why: "a write the recorder is not told of",
});

describe("recording by revision", () => {
  it("verify mode is on in the tests", () => {
    expect(process.env["FSCACHE_SNAPSHOT_VERIFY"]).toBe("1");
  });

  it("the real sources record without a stale record, and as a full re-read does", async () => {
    const p = await loadProduction(join(REPO, "src"));
    const tracked = await recordAll(p);
    const was = setSnapshotVerify(false);
    try {
      expect(await recordAll(p)).toEqual(tracked);
    } finally {
      setSnapshotVerify(was);
    }
  });

  it.each([
    untouched(
      "use-cookie-untouched",
      "fscache/cookie.ts",
      "  touch(cookie);\n  cookie.n_active++;\n  return true;",
    ),
    untouched(
      "unuse-cookie-untouched",
      "fscache/cookie.ts",
      "  touch(cookie);\n  cookie.n_active--;\n  bugOn(",
    ),
    untouched("acquire-parent-untouched", "fscache/netfs.ts", "    touch(parent);\n    parent.usage++;"),
  ])("$name: a recorded run throws", async (mutant) => {
    const tree = applyMutant(REPO, join(REPO, "src"), mutant);
    try {
      const pm = await loadProduction(tree.root);
      await expect(recordAll(pm)).rejects.toThrow(/changed without a touch/);
    } finally {
      tree.dispose();
    }
  });
});
