// The reader of out/conformance/summary.json: the sample run is read and summed, an absent file is reported
// as such, and each kind of malformed summary is rejected with the place that is wrong.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  actionCoverage,
  objectTransitionCounts,
  parseSummary,
  readSummary,
} from "../../review/pack/summary.ts";
import { ROOT } from "./seed.ts";

const FIXTURE = join(ROOT, "test/review/fixtures/conformance-summary.json");
const sample = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>;
const empty = mkdtempSync(join(tmpdir(), "review-summary-"));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe("conformance summary reader", () => {
  it("reads the sample run and sums coverage over its runs", () => {
    const r = readSummary(ROOT, FIXTURE);
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.summary.runs.map((x) => `${x.model}/${x.design}/${x.source}`)).toEqual([
      "MCconf/POST_FIX/graph",
      "MCconf/POST_FIX_REPAIRED/graph",
      "MCtrap/POST_FIX/goals",
    ]);
    const runs = r.summary.runs;
    const parent = actionCoverage(r.summary, "PARENT_READY");
    expect(parent.covered).toBe(runs.reduce((n, x) => n + (x.actions.PARENT_READY?.covered ?? 0), 0));
    // The goal run has no graph, so the total is unknown.
    expect(parent.total).toBeNull();
    expect(objectTransitionCounts(r.summary).get("DROP_OBJECT->OBJECT_DEAD")).toBeGreaterThan(0);
  });

  it("says when no run is recorded", () => {
    expect(readSummary(empty).kind).toBe("absent");
  });

  it.each([
    ["not JSON", "{", "not JSON"],
    ["a wrong version", JSON.stringify({ ...sample, version: 2 }), "/version"],
    [
      "an unknown verdict",
      JSON.stringify({ ...sample, runs: [{ ...(sample.runs as object[])[0], verdict: "OK" }] }),
      "/runs/0/verdict",
    ],
    [
      "a malformed object transition",
      JSON.stringify({
        ...sample,
        runs: [{ ...(sample.runs as object[])[0], objectTransitions: { "A-B": 1 } }],
      }),
      "/runs/0/objectTransitions",
    ],
    [
      "a negative count",
      JSON.stringify({
        ...sample,
        runs: [{ ...(sample.runs as object[])[0], covered: { states: -1, transitions: 0 } }],
      }),
      "/runs/0/covered/states",
    ],
    ["a mutant without status", JSON.stringify({ ...sample, mutants: [{ name: "m" }] }), "/mutants/0"],
  ])("rejects %s", (_what, text, where) => {
    const r = parseSummary(text, "summary.json");
    expect(r.kind).toBe("invalid");
    expect(r.kind === "invalid" ? r.error : "").toContain(where);
  });
});
