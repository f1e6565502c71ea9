// Each mapping-completeness check fails, with the right file:line, on a seeded fault: a copy of the checkout
// with one edit in the spec, the implementation, the abstraction function, the state table or the kernel map.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMapping, formatMismatches, type ImplModel } from "../../review/check/mapping.ts";
import { loadImpl } from "../../review/impl/model.ts";
import { readKernelMap } from "../../review/kernel-map.ts";
import { loadSpec, type SpecModel } from "../../review/spec/model.ts";
import { type Edit, lineOf, ROOT, seedTree } from "./seed.ts";

let spec: SpecModel;
let impl: ImplModel;

beforeAll(async () => {
  spec = await loadSpec(ROOT);
  impl = loadImpl(
    ROOT,
    spec.variables.map((v) => v.name),
  );
});

/** The mismatch report for a seeded copy; only the side the edit touches is re-read. */
async function reportWith(
  edits: readonly Edit[],
): Promise<{ report: string; root: string; dispose: () => void }> {
  const seeded = seedTree(edits);
  const files = new Set(edits.map((e) => e.file));
  const s = [...files].some((f) => f.startsWith("spec/")) ? await loadSpec(seeded.root) : spec;
  const i = [...files].some((f) => f.startsWith("src/") || f.startsWith("conformance/"))
    ? loadImpl(
        seeded.root,
        s.variables.map((v) => v.name),
      )
    : impl;
  return { report: formatMismatches(checkMapping(s, i, readKernelMap(seeded.root))), ...seeded };
}

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

describe("mapping completeness on seeded faults", () => {
  it("the unseeded checkout has no mismatch", async () => {
    const { report, dispose } = await reportWith([]);
    cleanups.push(dispose);
    expect(report).toBe("");
  });

  it("a renamed step label: the label names no action, and the action has no step", async () => {
    const { report, dispose } = await reportWith([
      {
        file: "src/fscache/netfs.ts",
        find: 'call.step("RelinquishKill")',
        replace: 'call.step("RelinquishKil")',
      },
    ]);
    cleanups.push(dispose);
    const labelLine = lineOf("src/fscache/netfs.ts", 'call.step("RelinquishKill")');
    const actionLine = lineOf("spec/FSCache.tla", "RelinquishKill(t) ==");
    expect(report).toContain(`src/fscache/netfs.ts:${labelLine}: step label "RelinquishKil"`);
    expect(report).toContain(
      `spec/FSCache.tla:${actionLine}: spec action RelinquishKill has no implementing step`,
    );
  });

  it("a new spec action: no implementing step and no kernel-map entry", async () => {
    const { report, root, dispose } = await reportWith([
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
    ]);
    cleanups.push(dispose);
    const line = lineOf("spec/FSCache.tla", "OpNoop(k) ==", root);
    expect(report).toContain(`spec/FSCache.tla:${line}: spec action OpNoop has no implementing step`);
    expect(report).toContain(
      `review/kernel-map.json:1: no kernel-map entry for spec action OpNoop (spec/FSCache.tla:${line})`,
    );
  });

  it("a spec field the abstraction neither compares nor projects away", async () => {
    const { report, dispose } = await reportWith([
      { file: "conformance/mapping/abstraction.ts", find: '    "dmask",\n', replace: "" },
    ]);
    cleanups.push(dispose);
    const fieldsLine = lineOf("conformance/mapping/abstraction.ts", "  object: [");
    expect(report).toContain(
      `conformance/mapping/abstraction.ts:${fieldsLine}: spec field object.dmask (spec/FSCache.tla:${lineOf("spec/FSCache.tla", "dmask |-> {}")})`,
    );
  });

  it("the projected-away list must be exact: a missing and a bogus entry", async () => {
    const { report, dispose } = await reportWith([
      {
        file: "conformance/mapping/abstraction.ts",
        find: "thread.alloc, thread.cached",
        replace: "thread.alloc, thread.bogus",
      },
    ]);
    cleanups.push(dispose);
    expect(report).toContain("spec field thread.cached");
    expect(report).toContain(
      "conformance/mapping/abstraction.ts:2: thread.bogus is listed as projected away but is not a spec variable or field",
    );
  });

  it("the TypeScript table drops a next state of a work state", async () => {
    const { report, dispose } = await reportWith([
      {
        file: "src/fscache/states.ts",
        find: 'next: ["DROP_OBJECT", "DETACH_FROM_COOKIE", "KILL_DEPENDENTS", "WAIT_FOR_CLEARANCE"]',
        replace: 'next: ["DROP_OBJECT", "KILL_DEPENDENTS", "WAIT_FOR_CLEARANCE"]',
      },
    ]);
    cleanups.push(dispose);
    expect(report).toContain(
      `src/fscache/states.ts:${lineOf("src/fscache/states.ts", "  KILL_OBJECT: {")}: KILL_OBJECT may go to`,
    );
  });

  it("the spec's wait table changes order: reported at the TypeScript entry, citing the spec's", async () => {
    const { report, dispose } = await reportWith([
      {
        file: "spec/FSCache.tla",
        find: '<< [ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"],\n                                       [ev |-> {"UPDATE"}, to |-> "UPDATE_OBJECT"],',
        replace:
          '<< [ev |-> {"UPDATE"}, to |-> "UPDATE_OBJECT"],\n                                       [ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"],',
      },
    ]);
    cleanups.push(dispose);
    const tsLine = lineOf("src/fscache/states.ts", '{ events: ["INVALIDATE"], to: "INVALIDATE_OBJECT" }');
    const specLine = lineOf("spec/FSCache.tla", '[ev |-> {"INVALIDATE"}, to |-> "INVALIDATE_OBJECT"]');
    expect(report).toContain(
      `src/fscache/states.ts:${tsLine}: WAIT_FOR_CMD table entry 1 is [INVALIDATE] → INVALIDATE_OBJECT; the spec's WaitTable (spec/FSCache.tla:${specLine}) has [UPDATE] → UPDATE_OBJECT`,
    );
  });

  it("a kernel-map entry removed", async () => {
    const { report, dispose } = await reportWith([
      { file: "review/kernel-map.json", find: '  "OpPut": {', replace: '  "OpPutX": {' },
    ]);
    cleanups.push(dispose);
    expect(report).toContain("review/kernel-map.json:1: no kernel-map entry for spec action OpPut");
    expect(report).toMatch(/review\/kernel-map\.json:\d+: kernel-map entry OpPutX names no spec action/);
  });
});
