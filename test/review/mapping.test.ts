// Each mapping-completeness check fails, with the right file:line, on a seeded fault: a copy of the checkout
// with edits in the implementation (a step label, the abstraction function, the state table), in the spec (a
// new action, a reordered wait table) or in the kernel map. Edits that cannot disturb each other's reports
// share a copy, so the spec and the sources are each parsed once more; every fault has its own assertion.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMapping, formatMismatches, type ImplModel } from "../../review/check/mapping.ts";
import { loadImpl } from "../../review/impl/model.ts";
import { readKernelMap } from "../../review/kernel-map.ts";
import { loadSpec, type SpecModel } from "../../review/spec/model.ts";
import { type Edit, lineOf, ROOT, seedTree } from "./seed.ts";

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

let spec: SpecModel;
let impl: ImplModel;
beforeAll(async () => {
  spec = await loadSpec(ROOT);
  impl = loadImpl(
    ROOT,
    spec.variables.map((v) => v.name),
  );
});

/** The mismatch report for a seeded copy; only the side the edits touch is read again. */
async function reportWith(edits: readonly Edit[]): Promise<{ report: string; root: string }> {
  const seeded = seedTree(edits);
  cleanups.push(seeded.dispose);
  const touched = (p: (f: string) => boolean): boolean => edits.some((e) => p(e.file));
  const s = touched((f) => f.startsWith("spec/")) ? await loadSpec(seeded.root) : spec;
  const i = touched((f) => f.startsWith("src/") || f.startsWith("conformance/"))
    ? loadImpl(
        seeded.root,
        s.variables.map((v) => v.name),
      )
    : impl;
  return { report: formatMismatches(checkMapping(s, i, readKernelMap(seeded.root))), root: seeded.root };
}

it("the unseeded checkout has no mismatch", () => {
  expect(formatMismatches(checkMapping(spec, impl, readKernelMap(ROOT)))).toBe("");
});

describe("implementation-side faults", () => {
  const KILL_NEXT = 'next: ["DROP_OBJECT", "DETACH_FROM_COOKIE", "KILL_DEPENDENTS", "WAIT_FOR_CLEARANCE"]';
  let report = "";
  let root = "";
  beforeAll(async () => {
    ({ report, root } = await reportWith([
      {
        file: "src/fscache/netfs.ts",
        find: 'call.step("RelinquishKill")',
        replace: 'call.step("RelinquishKil")',
      },
      { file: "conformance/mapping/abstraction.ts", find: '    "dmask",\n', replace: "" },
      {
        file: "conformance/mapping/abstraction.ts",
        find: 'thread: ["alloc"]',
        replace: 'thread: ["bogus"]',
      },
      {
        file: "src/fscache/states.ts",
        find: KILL_NEXT,
        replace: KILL_NEXT.replace(' "DETACH_FROM_COOKIE",', ""),
      },
    ]));
  });

  it("a renamed step label: the label names no action, and the action has no step", () => {
    const label = lineOf("src/fscache/netfs.ts", 'call.step("RelinquishKill")');
    const action = lineOf("spec/FSCache.tla", "RelinquishKill(t) ==");
    expect(report).toContain(`src/fscache/netfs.ts:${label}: step label "RelinquishKil"`);
    expect(report).toContain(
      `spec/FSCache.tla:${action}: spec action RelinquishKill has no implementing step`,
    );
  });

  it("a spec field the abstraction neither compares nor projects away", () => {
    const fields = lineOf("conformance/mapping/abstraction.ts", "  object: [");
    const spec = lineOf("spec/FSCache.tla", "dmask |-> {}");
    expect(report).toContain(
      `conformance/mapping/abstraction.ts:${fields}: spec field object.dmask (spec/FSCache.tla:${spec})`,
    );
  });

  it("the projected-away list must be exact: a missing and a bogus entry", () => {
    expect(report).toContain("spec field thread.alloc");
    // In the seeded tree (a FIELDS line above it is gone).
    const list = lineOf("conformance/mapping/abstraction.ts", "export const SPEC_ONLY", root);
    expect(report).toContain(
      `conformance/mapping/abstraction.ts:${list}: thread.bogus is listed as projected away but is not a spec variable or field`,
    );
  });

  it("the TypeScript table drops a next state of a work state", () => {
    expect(report).toContain(
      `src/fscache/states.ts:${lineOf("src/fscache/states.ts", "  KILL_OBJECT: {")}: KILL_OBJECT may go to`,
    );
  });
});

describe("spec-side faults", () => {
  const CMD_TABLE =
    '<< [ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"],\n                                       [ev |-> {"UPDATE"}, to |-> "UPDATE_OBJECT"],';
  let report = "";
  let root = "";
  beforeAll(async () => {
    ({ report, root } = await reportWith([
      {
        file: "spec/FSCache.tla",
        find: "OpStep(k) ==",
        replace:
          'OpNoop(k) == OpAct(k, "OpNoop") /\\ op\' = op /\\ UNCHANGED <<cookie, object, thread, oops>>\n\nOpStep(k) ==',
      },
      {
        file: "spec/FSCache.tla",
        find: "\\/ OpAttrChanged(k) \\/ OpPut(k)",
        replace: "\\/ OpAttrChanged(k) \\/ OpPut(k) \\/ OpNoop(k)",
      },
      {
        file: "spec/FSCache.tla",
        find: CMD_TABLE,
        replace:
          '<< [ev |-> {"UPDATE"}, to |-> "UPDATE_OBJECT"],\n                                       [ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"],',
      },
    ]));
  });

  it("a new spec action: no implementing step and no kernel-map entry", () => {
    const line = lineOf("spec/FSCache.tla", "OpNoop(k) ==", root);
    expect(report).toContain(`spec/FSCache.tla:${line}: spec action OpNoop has no implementing step`);
    expect(report).toContain(
      `review/kernel-map.json:1: no kernel-map entry for spec action OpNoop (spec/FSCache.tla:${line})`,
    );
  });

  it("the spec's wait table changes order: reported at the TypeScript entry, citing the spec's", () => {
    const ts = lineOf("src/fscache/states.ts", '{ events: ["INVALIDATE"], to: "INVALIDATE_OBJECT" }');
    const tla = lineOf("spec/FSCache.tla", '[ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"]');
    expect(report).toContain(
      `src/fscache/states.ts:${ts}: WAIT_FOR_CMD table entry 1 is [INVALIDATE] → INVALIDATE_OBJECT; the spec's WaitTable (spec/FSCache.tla:${tla}) has [UPDATE] → UPDATE_OBJECT`,
    );
  });
});

it("a kernel-map entry renamed: the action lacks one, and the entry names no action", async () => {
  const { report } = await reportWith([
    { file: "review/kernel-map.json", find: '  "OpPut": {', replace: '  "OpPutX": {' },
  ]);
  expect(report).toContain("review/kernel-map.json:1: no kernel-map entry for spec action OpPut");
  expect(report).toMatch(/review\/kernel-map\.json:\d+: kernel-map entry OpPutX names no spec action/);
});
