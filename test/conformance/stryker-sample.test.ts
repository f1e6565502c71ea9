// The Stryker trace cache (conformance/stryker/traces.ts) without TLC: the sample keeps, per action label, the
// first simulated trace taking it and every STRIDE-th trace; a simulated behaviour is cut after its first
// Terminated step; the files are replayed goals first, then the trap traces, then the samples; and a cache
// whose manifest matches is reused as it is. The replay itself (test/conformance/replay-cached.test.ts) is
// Stryker's test command, outside `npm test`: generating the cache takes minutes of TLC.

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ensureStrykerTraces,
  goalSets,
  MANIFEST,
  manifest,
  sampleCover,
  simulatedSets,
  strykerFiles,
  untilTerminated,
} from "../../conformance/stryker/traces.ts";
import type { Trace, TraceSet, TraceStepLine } from "../../conformance/trace/format.ts";

const step = (trace: string, i: number, name: string | null, params = {}): TraceStepLine => ({
  trace,
  step: i,
  action: name === null ? null : { name, params },
  state: {},
});
const trace = (id: string, names: string[]): Trace => ({
  id,
  steps: [step(id, 0, null), ...names.map((n, i) => step(id, i + 1, n, { t: "tD" }))],
});
const header: TraceSet["header"] = {
  format: "fscache-trace",
  version: 1,
  spec: "FSCache",
  model: "MCconf",
  design: "POST_FIX",
  source: "simulate",
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("Stryker trace sample", () => {
  it("keeps the first trace of each action label and every stride-th trace", () => {
    const traces = [
      trace("a", ["AcquireCookie", "ReadPage"]),
      trace("b", ["AcquireCookie", "ReadPage"]),
      trace("c", ["AcquireCookie", "Invalidate"]),
      trace("d", ["AcquireCookie"]),
      trace("e", ["AcquireCookie"]),
    ];
    const s = sampleCover({ header, traces }, 4);
    // a: first of its labels; b, d: nothing new; c: Invalidate; e: index 4 (every 4th).
    expect(s.traces.map((t) => t.id)).toEqual(["a", "c", "e"]);
    expect(s.header.tlc).toMatchObject({ sample: { of: 5, stride: 4, labels: 3 } });
  });

  it("cuts a simulated behaviour after its first Terminated step", () => {
    const t = trace("x", ["AcquireCookie", "Terminated", "Terminated", "Terminated"]);
    expect(untilTerminated(t).steps.map((s) => s.action?.name ?? null)).toEqual([
      null,
      "AcquireCookie",
      "Terminated",
    ]);
    const u = trace("y", ["AcquireCookie"]);
    expect(untilTerminated(u)).toBe(u);
  });

  it("replays goals first, then the trap traces, then the samples, in both designs", () => {
    const files = strykerFiles("/c").map((f) => f.slice(3));
    const kinds = files.map((f) => f.replace(/^.*-/, "").replace(".ndjson", ""));
    const firstTrap = kinds.indexOf("trap");
    const firstSample = kinds.indexOf("sample");
    expect(kinds.slice(0, firstTrap).every((k) => k === "goals")).toBe(true);
    expect(kinds.slice(firstTrap, firstSample).every((k) => k === "trap")).toBe(true);
    expect(kinds.slice(firstSample).every((k) => k === "sample")).toBe(true);
    expect(files).toContain("MCtrapIoErr-POST_FIX_REPAIRED-goals.ndjson");
    expect(files).toContain("MCwrite-POST_FIX-sample.ndjson");
    expect(new Set(simulatedSets().map((s) => s.design))).toEqual(new Set(["POST_FIX", "POST_FIX_REPAIRED"]));
    expect(goalSets().length).toBeGreaterThan(0);
  });

  it("reuses a cache whose manifest matches, without running TLC", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stryker-cache-"));
    dirs.push(dir);
    // A complete cache: every file present, and the manifest the current parameters produce.
    for (const f of strykerFiles(dir)) writeFileSync(f, "");
    writeFileSync(join(dir, MANIFEST), manifest());
    expect(await ensureStrykerTraces(dir, false)).toEqual(strykerFiles(dir));
    expect(readdirSync(dir).sort()).toEqual(
      [MANIFEST, ...strykerFiles(dir).map((f) => f.slice(dir.length + 1))].sort(),
    );
  });
});
