// The successors the Stryker trace cache gives every line (conformance/stryker/successors.ts): the TLA+
// literal a JSON state is written back as, the expansion module and cfg, and one real TLC expansion of a
// short MCconf behaviour, whose recorded steps must be among the successors found and whose schedule is gone.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { trapTraces } from "../../conformance/generate/generate.ts";
import { loadModel } from "../../conformance/generate/model.ts";
import { tlcPort } from "../../conformance/generate/tlcPort.ts";
import { stateLiteral } from "../../conformance/generate/tlaValue.ts";
import { canonical } from "../../conformance/json.ts";
import { formatAction } from "../../conformance/mapping/lastAction.ts";
import {
  expandStates,
  expansionCfg,
  expansionModule,
  withSuccessors,
} from "../../conformance/stryker/successors.ts";
import {
  addSuccessors,
  cachedFile,
  currentManifest,
  ensureStrykerTraces,
  MANIFEST,
  readManifest,
  strykerFiles,
} from "../../conformance/stryker/traces.ts";
import type { TraceSet } from "../../conformance/trace/format.ts";
import { readTraceFile } from "../../conformance/trace/reader.ts";
import { writeTraceSet } from "../../conformance/trace/writer.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const MODELS = join(ROOT, "conformance", "models");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("a JSON spec state as a TLA+ literal", () => {
  it("writes the spec's sequences as tuples and every other array as a set", () => {
    const state = {
      op: [{ pc: "NONE", flags: ["F1", "F2"] }],
      cache: { list: ["D", "I"], dying: ["I"] },
      object: { D: { pending: [2, 1], dependents: [] } },
      oops: "NONE",
    };
    expect(stateLiteral(state)).toBe(
      '[cache |-> [dying |-> {"I"}, list |-> <<"D", "I">>], object |-> [D |-> [dependents |-> {}, ' +
        'pending |-> <<2, 1>>]], oops |-> "NONE", op |-> <<[flags |-> {"F1", "F2"}, pc |-> "NONE"]>>]',
    );
  });

  it("writes booleans and integers as TLA+ values, escapes strings, and keys that are no names as functions", () => {
    expect(stateLiteral({ x: { "a b": true, c: false }, n: -3, s: 'q"\\' })).toBe(
      '[n |-> -3, s |-> "q\\"\\\\", x |-> ("a b" :> TRUE @@ "c" :> FALSE)]',
    );
  });

  it("refuses what has no TLA+ value, naming where", () => {
    expect(() => stateLiteral({ object: { D: { usage: null } } })).toThrow(
      "object.D.usage: null has no TLA+ value",
    );
    expect(() => stateLiteral({ cookie: { D: { usage: 1.5 } } })).toThrow(
      "cookie.D.usage: 1.5 is not an integer",
    );
    expect(() => stateLiteral({ cookie: {} })).toThrow("cookie: an empty record has no literal");
  });
});

describe("the expansion module", () => {
  it("starts from the given states with the flag down and lets Next fire once", () => {
    const m = expansionModule("XExpand", "MCconf", [{ oops: "NONE", lastAction: { name: "Init" } }]);
    expect(m).toContain("EXTENDS MCconf\nVARIABLE xStepped");
    expect(m).toContain('  [lastAction |-> [name |-> "Init"], oops |-> "NONE"]\n}');
    expect(m).toContain(
      "XInit == \\E s \\in XStates : lastAction = s.lastAction /\\ oops = s.oops /\\ xStepped = FALSE",
    );
    expect(m).toContain("XNext == ~xStepped /\\ Next /\\ xStepped' = TRUE");
    expect(() => expansionModule("XExpand", "MCconf", [])).toThrow("no states to expand");
  });

  it("keeps the model's constants and drops its specification, schedule and checks", () => {
    const cfg = [
      "SPECIFICATION Spec",
      "CONSTANTS",
      "    MaxOps = 1",
      "ACTION_CONSTRAINT ConfOrder",
      "CHECK_DEADLOCK FALSE",
      "INVARIANTS",
      "    TypeOK",
      'CONSTANT DESIGN = "POST_FIX"',
    ].join("\n");
    expect(expansionCfg(cfg)).toBe(
      'CONSTANTS\n    MaxOps = 1\nCHECK_DEADLOCK FALSE\nCONSTANT DESIGN = "POST_FIX"\nINIT XInit\nNEXT XNext\n',
    );
  });

  it("annotates every line, and refuses a state it was not given", () => {
    const set: TraceSet = {
      header: {
        format: "fscache-trace",
        version: 1,
        spec: "FSCache",
        model: "M",
        design: "POST_FIX",
        source: "simulate",
      },
      traces: [{ id: "a", steps: [{ trace: "a", step: 0, action: null, state: { x: 1 } }] }],
    };
    const succ = new Map([[canonical({ x: 1 }), [{ name: "Tick", params: {} }]]]);
    const out = withSuccessors(set, succ);
    expect(out.traces[0]?.steps[0]?.successors).toEqual([{ name: "Tick", params: {} }]);
    expect(out.header.tlc).toEqual({ successors: "one-step expansion" });
    expect(() => withSuccessors(set, new Map())).toThrow("trace a step 0: state not expanded");
  });
});

describe("one TLC step from each state of an MCconf behaviour", () => {
  it("finds every recorded step among the successors, and the calls the model's schedule would prune", async () => {
    const model = loadModel(join(ROOT, "spec"), "MCconf", "POST_FIX", MODELS);
    const g = await trapTraces(tlcPort, model, [{ id: "Read", predicate: 'lastAction.name = "ReadPage"' }]);
    const t = g.set.traces[0];
    if (!t) throw new Error("no behaviour reaches ReadPage");
    const succ = await expandStates(
      tlcPort,
      model,
      t.steps.map((s) => s.state),
    );
    const at = (i: number): string[] =>
      (succ.get(canonical(t.steps[i]?.state ?? {})) ?? []).map(formatAction).sort();
    // Initially only the index cookie can be acquired: the data cookie's parent is not yet live.
    expect(at(0)).toEqual(["AcquireCookie(t=tI)"]);
    for (let i = 1; i < t.steps.length; i++)
      expect(at(i - 1)).toContain(formatAction(t.steps[i]?.action ?? { name: "", params: {} }));
    // ConfOrder prunes tI's WaitOnPageWrite until the data cookie is gone (DataGone); the expansion runs
    // without the schedule, as the implementation does, so that call is a successor from tI's acquire on.
    expect(at(1)).toContain("WaitOnPageWrite(t=tI)");
    expect(succ.size).toBe(new Set(t.steps.map((s) => canonical(s.state))).size);
  }, 120_000);

  it("the cache stage annotates each file once, one TLC run per model and design", async () => {
    const model = loadModel(join(ROOT, "spec"), "MCconf", "POST_FIX_REPAIRED", MODELS);
    const g = await trapTraces(tlcPort, model, [{ id: "Inv", predicate: 'lastAction.name = "Invalidate"' }]);
    const dir = mkdtempSync(join(tmpdir(), "fscache-successors-test-"));
    dirs.push(dir);
    const file = join(dir, "MCconf-POST_FIX_REPAIRED-trap.ndjson");
    writeTraceSet(file, g.set);
    const log: string[] = [];
    await addSuccessors([file], MODELS, (x) => log.push(x));
    const r = readTraceFile(file);
    expect(r.errors).toEqual([]);
    expect(r.header?.tlc?.["successors"]).toBe("one-step expansion");
    const lines = r.traces.flatMap((t) => t.steps);
    expect(lines.length).toBe(g.set.traces.flatMap((t) => t.steps).length);
    expect(lines.every((l) => Array.isArray(l.successors))).toBe(true);
    // The last state is Invalidate's; from it the data object's worker can run, so it has successors.
    expect(lines.at(-1)?.successors?.length).toBeGreaterThan(0);
    expect(log).toEqual([
      expect.stringMatching(/^MCconf POST_FIX_REPAIRED: successors of \d+ states \(1 files\)$/),
    ]);
    const text = readFileSync(file, "utf8");
    await addSuccessors([file], MODELS, (x) => log.push(x));
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(log).toHaveLength(1);
  }, 120_000);

  it("the cache regenerates a stale file alone, annotated, and records its stamp", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fscache-stale-test-"));
    dirs.push(dir);
    // Every file present but empty; the manifest current but for one goal file, as if its goals had changed (a
    // small one: one goal, a short BFS).
    const stale = cachedFile(dir, { model: "MCtrapStale", design: "POST_FIX_REPAIRED", source: "goals" });
    for (const f of strykerFiles(dir)) writeFileSync(f, "");
    const current = currentManifest(dir);
    const name = basename(stale);
    writeFileSync(
      join(dir, MANIFEST),
      JSON.stringify({ ...current, files: { ...current.files, [name]: "an older stamp" } }),
    );
    writeFileSync(join(dir, "left-over.ndjson.tmp"), "half a file");
    await ensureStrykerTraces(dir);
    expect(readManifest(dir)).toEqual(current);
    const r = readTraceFile(stale);
    expect(r.errors).toEqual([]);
    expect(r.header?.tlc?.["successors"]).toBe("one-step expansion");
    expect(r.traces.map((t) => t.id)).toEqual(["trap_CopierStaleAfterInvalidate"]);
    // The other files are untouched, and nothing else is left in the directory.
    for (const f of strykerFiles(dir)) if (f !== stale) expect(readFileSync(f, "utf8"), f).toBe("");
    expect(readdirSync(dir).sort()).toEqual([MANIFEST, ...strykerFiles(dir).map((f) => basename(f))].sort());
  }, 180_000);
});
