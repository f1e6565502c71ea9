// The Stryker trace cache (conformance/stryker/traces.ts) without TLC: the sample keeps a greedy cover of the
// step signatures (the action and the fields it changed) and every STRIDE-th trace; a simulated behaviour is cut after its first
// Terminated step; the files are replayed goals first, then the trap traces, then the samples; each file's
// stamp changes with exactly the inputs it is made from; and a cache whose manifest matches is reused as it is. The replay itself (test/conformance/replay-cached.test.ts) is
// Stryker's test command, outside `npm test`: generating the cache takes minutes of TLC.

import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CACHE_VERSION,
  currentManifest,
  ensureStrykerTraces,
  goalSets,
  MANIFEST,
  readManifest,
  sampleCover,
  stampOf,
  simulatedSets,
  strykerFiles,
  untilTerminated,
} from "../../conformance/stryker/traces.ts";
import { stepSignature } from "../../conformance/stryker/signature.ts";
import type { Trace, TraceSet, TraceStepLine } from "../../conformance/trace/format.ts";

const step = (trace: string, i: number, name: string | null, params = {}, state = {}): TraceStepLine => ({
  trace,
  step: i,
  action: name === null ? null : { name, params },
  state,
});
const trace = (id: string, names: string[]): Trace => ({
  id,
  steps: [step(id, 0, null), ...names.map((n, i) => step(id, i + 1, n, { t: "tD" }))],
});
/** A trace whose steps set thread tD's `result` (and count its steps in `n`) as given. */
const run = (id: string, steps: [string, string][]): Trace => ({
  id,
  steps: [
    step(id, 0, null, {}, { thread: { tD: { result: "NONE", n: 0 } } }),
    ...steps.map(([name, result], i) =>
      step(id, i + 1, name, { t: "tD" }, { thread: { tD: { result, n: i + 1 } } }),
    ),
  ],
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
  it("tells the branches of one action apart by the fields its step changed", () => {
    const [ok, nobufs] = [run("a", [["ReadPage", "OK"]]), run("b", [["ReadPage", "ENOBUFS"]])];
    const sig = (t: Trace): string => stepSignature(t.steps[0] as TraceStepLine, t.steps[1] as TraceStepLine);
    expect(sig(ok)).toBe('["ReadPage",{"t":"tD"},["thread.n+","thread.result=OK"]]');
    expect(sig(nobufs)).not.toBe(sig(ok));
    expect(sig(run("c", [["ReadPage", "OK"]]))).toBe(sig(ok));
  });

  it("keeps a greedy cover of the step signatures and every stride-th trace", () => {
    const traces = [
      run("a", [
        ["AcquireCookie", "OK"],
        ["ReadPage", "OK"],
      ]),
      run("b", [
        ["AcquireCookie", "OK"],
        ["ReadPage", "OK"],
      ]),
      run("c", [
        ["AcquireCookie", "OK"],
        ["ReadPage", "ENOBUFS"],
      ]),
      run("d", [["AcquireCookie", "OK"]]),
      run("e", [["AcquireCookie", "OK"]]),
      run("f", [
        ["AcquireCookie", "OK"],
        ["ReadPage", "ENOBUFS"],
        ["ReadPage", "OK"],
      ]),
    ];
    const s = sampleCover({ header, traces }, 4);
    // f covers the most (3: AcquireCookie, a ReadPage that sets ENOBUFS, one that sets OK), then a adds a
    // ReadPage that leaves the result OK (only n changes); b, c, d add nothing new; a and e are 0th and 4th.
    expect(s.traces.map((t) => t.id)).toEqual(["a", "e", "f"]);
    expect(s.header.tlc).toMatchObject({ sample: { of: 6, stride: 4, signatures: 4, cover: 2 } });
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

  it("replays goals first, then the trap traces, then the samples, in the three designs", () => {
    const files = strykerFiles("/c").map((f) => f.slice(3));
    const kinds = files.map((f) => f.replace(/^.*-/, "").replace(".ndjson", ""));
    const firstTrap = kinds.indexOf("trap");
    const firstSample = kinds.indexOf("sample");
    expect(kinds.slice(0, firstTrap).every((k) => k === "goals")).toBe(true);
    expect(kinds.slice(firstTrap, firstSample).every((k) => k === "trap")).toBe(true);
    expect(kinds.slice(firstSample).every((k) => k === "sample")).toBe(true);
    expect(files).toContain("MCtrapIoErr-POST_FIX_REPAIRED-goals.ndjson");
    expect(files).toContain("MCwrite-POST_FIX-sample.ndjson");
    expect(new Set(simulatedSets().map((s) => s.design))).toEqual(
      new Set(["POST_FIX", "POST_FIX_REPAIRED", "PRE_FIX"]),
    );
    expect(goalSets().length).toBeGreaterThan(0);
  });

  it("reuses a cache whose manifest matches, without running TLC", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stryker-cache-"));
    dirs.push(dir);
    // A complete cache: every file present, and the manifest the current sources produce.
    for (const f of strykerFiles(dir)) writeFileSync(f, "");
    writeFileSync(join(dir, MANIFEST), JSON.stringify(currentManifest(dir)));
    expect(readManifest(dir)).toEqual(currentManifest(dir));
    expect(await ensureStrykerTraces(dir, false)).toEqual(strykerFiles(dir));
    expect(readdirSync(dir).sort()).toEqual(
      [MANIFEST, ...strykerFiles(dir).map((f) => f.slice(dir.length + 1))].sort(),
    );
  });
});

describe("the stamp of a cached file", () => {
  const ROOT = resolve(import.meta.dirname, "../..");
  /** A copy of the stamps' inputs (spec/FSCache.tla and conformance/models/), to change one of them. */
  const copyRoot = (): string => {
    const root = mkdtempSync(join(tmpdir(), "stryker-stamp-"));
    dirs.push(root);
    mkdirSync(join(root, "spec"));
    cpSync(join(ROOT, "spec", "FSCache.tla"), join(root, "spec", "FSCache.tla"));
    cpSync(join(ROOT, "conformance", "models"), join(root, "conformance", "models"), { recursive: true });
    return root;
  };
  const sets = [
    ...goalSets(),
    ...simulatedSets().flatMap((s) => [
      { ...s, source: "sample" as const },
      { ...s, source: "trap" as const },
    ]),
  ];
  const stamps = (root: string): string[] => sets.map((s) => stampOf(s, root));
  const name = (s: { model: string; design: string; source: string }): string =>
    `${s.model}-${s.design}-${s.source}`;

  it("differs between files and is the same for the same inputs", () => {
    const root = copyRoot();
    expect(stamps(root)).toEqual(stamps(ROOT));
    expect(new Set(stamps(root)).size).toBe(sets.length);
    // A simulation and its sample are one input: the sample is what is kept of it.
    const [s] = simulatedSets();
    if (!s) throw new Error("no simulated set");
    expect(stampOf(s, root)).toBe(stampOf({ ...s, source: "sample" }, root));
  });

  /** The sets whose stamps an edit of `file` (a path under a copy of the inputs) changes, and the others. */
  const editing = (...file: string[]): { changed: string[]; unchanged: string[] } => {
    const root = copyRoot();
    const before = stamps(root);
    appendFileSync(join(root, ...file), "\\* changed\n");
    const after = stamps(root);
    return {
      changed: sets.filter((_, i) => before[i] !== after[i]).map(name),
      unchanged: sets.filter((_, i) => before[i] === after[i]).map(name),
    };
  };

  it("changes for one model's files alone when that model's cfg changes", () => {
    const { changed } = editing("conformance", "models", "MCwrite.cfg");
    const designs = ["POST_FIX", "POST_FIX_REPAIRED", "PRE_FIX"];
    expect(changed.sort()).toEqual(
      designs.flatMap((d) => [`MCwrite-${d}-sample`, `MCwrite-${d}-trap`]).sort(),
    );
  });

  it("changes for a trap model's goal files alone when that model changes", () => {
    const { changed } = editing("conformance", "models", "MCtrapWrite.tla");
    expect(changed.sort()).toEqual(
      goalSets()
        .filter((s) => s.model === "MCtrapWrite")
        .map(name)
        .sort(),
    );
    expect(changed.length).toBeGreaterThan(0);
  });

  it("changes for every file when the spec changes", () => {
    expect(editing("spec", "FSCache.tla").unchanged).toEqual([]);
  });

  it("inside a mutation run, refuses a stale file instead of regenerating it under the run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stryker-stale-"));
    dirs.push(dir);
    for (const f of strykerFiles(dir)) writeFileSync(f, "kept");
    const current = currentManifest(dir);
    const [first] = goalSets();
    if (!first) throw new Error("no goal set");
    const stale = `${first.model}-${first.design}-goals.ndjson`;
    const files = { ...current.files, [stale]: "an older stamp" };
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ ...current, files }));
    await expect(ensureStrykerTraces(dir, false, () => undefined, false)).rejects.toThrow(
      new RegExp(`1 cached trace file\\(s\\) older .*first: ${stale}.*conformance/stryker/traces\\.ts`),
    );
    // Nothing was removed or rewritten.
    expect(readManifest(dir).files).toEqual(files);
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, ...strykerFiles(dir).map((f) => basename(f))].sort());
  });

  it("reads a manifest of another version, or an unreadable one, as empty", () => {
    const dir = mkdtempSync(join(tmpdir(), "stryker-manifest-"));
    dirs.push(dir);
    expect(readManifest(dir)).toEqual({ version: CACHE_VERSION, files: {} });
    writeFileSync(join(dir, MANIFEST), JSON.stringify({ version: 6, sets: [] }));
    expect(readManifest(dir).files).toEqual({});
    writeFileSync(join(dir, MANIFEST), "{ not json");
    expect(readManifest(dir).files).toEqual({});
  });
});
