// Model checking in the test suite: every (model, variant) of spec/models.json that is marked for CI is checked
// with the real TLC, and must give the expected outcome, the expected violated property, and exactly the
// recorded number of distinct states (runs are deterministic: -fp 0, -seed 0, one worker, and temporal
// properties checked once, after the search, so a timer never decides which violation TLC reports first).

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkModel } from "../../src/cli/check.ts";
import { FINDINGS, readManifest, repairLabel, SPEC_DIR } from "../../src/cli/models.ts";

const entries = await readManifest();
const inCi = entries.filter((e) => e.ci === true || process.env.FSCACHE_CHECK_ALL === "1");

describe("spec/models.json", () => {
  it("lists the CI model in all three designs", () => {
    const variants = entries.filter((e) => e.model === "ci").map((e) => e.variant);
    expect(new Set(variants)).toEqual(new Set(["POST_FIX", "PRE_FIX", "POST_FIX_REPAIRED"]));
  });

  it("expects the pre-fix oops (behind F9) and a clean repaired design", () => {
    const pre = entries.find((e) => e.model === "ci" && e.variant === "PRE_FIX" && e.with === undefined);
    expect(pre).toMatchObject({ expect: "safety", property: "NoOops" });
    const oops2013 = entries.find((e) => e.model === "ci" && e.variant === "PRE_FIX" && e.with === "F9");
    expect(oops2013).toMatchObject({ expect: "safety", property: "NoOops", ci: true });
    const repaired = entries.filter((x) => x.variant === "POST_FIX_REPAIRED" && x.without === undefined);
    for (const e of repaired) expect(e.expect, e.model).toBe("pass");
    // Every property holds on the CI model, liveness included, and on the lookup-fault model.
    for (const m of ["ci", "ci-live", "lookup"]) expect(repaired.map((e) => e.model)).toContain(m);
  });

  it("lists the findings the spec repairs, each left out at least once", async () => {
    const spec = await readFile(join(SPEC_DIR, "FSCache.tla"), "utf8");
    const all = /^AllRepairs == \{([^}]*)\}/m.exec(spec)?.[1];
    expect(all?.split(",").map((f) => f.trim().replaceAll('"', ""))).toEqual([...FINDINGS]);
    for (const f of FINDINGS) expect(spec).toContain(`Without_${f} == AllRepairs \\ {"${f}"}`);
    const without = entries.filter((e) => e.without !== undefined);
    // F17 is reproduced in POST_FIX (`finding`): F16's repair closes its window as well.
    const own = entries.filter((e) => e.finding !== undefined);
    // In finding order; a finding may be reproduced by more than one model (F13: submit and submitattr).
    expect([...new Set([...without, ...own].map((e) => e.without ?? e.finding))].sort(byId)).toEqual([...FINDINGS]);
    // Each repair is needed: leaving it out brings its finding back, or adding it alone to the design where its
    // finding shows makes the same model pass.
    expect(without.filter((e) => e.expect === "pass").map((e) => e.without)).toEqual([]);
    for (const e of own) {
      expect(e.expect).not.toBe("pass");
      const repaired = entries.find(
        (x) => x.model === e.model && x.variant === e.variant && x.with === e.finding && x.without === undefined,
      );
      expect(repaired?.expect, `${e.model} ${e.variant} --with ${String(e.finding)}`).toBe("pass");
    }
  });
});

/** Findings in numeric order (F2 before F10). */
function byId(a: string | undefined, b: string | undefined): number {
  return (a ?? "").localeCompare(b ?? "", "en", { numeric: true });
}

describe.each(inCi)("TLC on $model / $variant", (entry) => {
  it(
    `${repairLabel(entry).trim()}${repairLabel(entry) === "" ? "" : ": "}gives ${entry.expect}${entry.property === undefined ? "" : ` (${entry.property})`}`,
    async () => {
      const r = await checkModel(entry, { timeoutMs: 600_000 });
      expect(r.errors).toEqual([]);
      expect({ verdict: r.verdict, property: r.property, asExpected: r.asExpected }).toEqual({
        verdict: entry.expect,
        property: entry.expect === "safety" ? entry.property : undefined,
        asExpected: true,
      });
      if (entry.distinct !== undefined) expect(r.stats.distinct).toBe(entry.distinct);
      if (entry.variant === "PRE_FIX" && entry.model === "ci" && entry.with === "F9") {
        // The oops is the 1362729b one: INVALIDATE_OBJECT's path dereferences a NULL or freed cookie after
        // an invalidate was followed by relinquish.
        const actions = (r.counterexample ?? []).map((s) => s.action);
        expect(actions).toContain("Invalidate");
        expect(actions.some((a) => a.startsWith("Relinquish"))).toBe(true);
        expect(actions.some((a) => a === "INVALIDATE_OBJECT" || a === "InvalidateWrites")).toBe(true);
      }
      if (entry.model === "withdraw" && entry.variant === "POST_FIX" && entry.with === "F9") {
        // F1 with no lookup fault: the withdrawal kills the index object while the data object waits to look
        // up, so D's lookup fails and a deferred reader wakes on an attached, not-looked-up object.
        const steps = r.counterexample ?? [];
        expect(steps.map((s) => s.action)).toContain("WithdrawAllObjects");
        expect(steps.filter((s) => s.action === "LookupObject" && s.params["o"] === "D")).toEqual([]);
        expect(steps.at(-1)?.action).toBe("ReadWaitLookup");
      }
    },
    900_000,
  );
});
