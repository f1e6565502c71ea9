// The refinement mapping on a small hand-built scenario (the conformance model's cookies and threads): the
// implementation set up from a trace header is, through the abstraction function, the spec's Init state;
// its enabled steps are the spec's successors there; the action table matches labels to actions, drops
// scripted choices from enabled keys, and accepts TLC's grouped dot labels.

import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { projectSpec, stateText } from "../../conformance/mapping/abstraction.ts";
import { enabledKey, labelAgrees, matches } from "../../conformance/mapping/actions.ts";
import { fsCacheAdapter, loadImplementation } from "../../conformance/mapping/adapter.ts";
import { diffStates } from "../../conformance/replay/diff.ts";
import { traceScript } from "../../conformance/replay/target.ts";
import type { SpecState, Trace, TraceHeader } from "../../conformance/trace/format.ts";

const SRC = resolve(import.meta.dirname, "../../src");

const constants = {
  Cookies: ["D", "I"],
  Parent: { I: "FSDEF", D: "I" },
  IndexCookies: ["I"],
  Threads: ["tD", "tI"],
  TCookie: { tI: "I", tD: "D" },
  Pages: ["p1"],
  MaxOps: 1,
  MaxCalls: 1,
  NetfsCalls: ["Invalidate", "ReadPage"],
};

const header: TraceHeader = {
  format: "fscache-trace",
  version: 1,
  spec: "FSCache",
  model: "MCconf",
  design: "POST_FIX",
  source: "graph",
  constants,
};

const unbornObject = {
  state: "WAIT_FOR_INIT",
  wq: "IDLE",
  disp: "IDLE",
  cookie: "NULL",
  mem: "UNBORN",
  usage: 0,
  n_children: 0,
  flags: [],
  oob: "init",
  oob_mask: [],
  event_mask: [],
  events: [],
  parent: "NULL",
  n_ops: 0,
  n_obj_ops: 0,
  n_in_progress: 0,
  n_exclusive: 0,
  n_reads: 0,
  dependents: [],
  pending: [],
  exec: "NONE",
  dmask: [],
  lop: 0,
};
const unbornCookie = {
  mem: "UNBORN",
  usage: 0,
  n_children: 0,
  n_active: 0,
  flags: [],
  netfs: false,
  stores: { p1: "NONE" },
  backing: [],
};
const thread = {
  pc: "AcquireCookie",
  op: 0,
  calls: 1,
  page: "NONE",
  retire: false,
  result: "NONE",
  alloc: [],
  cached: [],
};

/** The spec's Init for these constants, as TLC prints it (spec-only fields included). */
const init: SpecState = {
  cookie: { I: unbornCookie, D: unbornCookie },
  object: { I: unbornObject, D: unbornObject },
  op: [{ object: "NULL", state: "FREE", pc: "NONE", usage: 0, flags: [], kind: "NONE", io: [], todo: [] }],
  thread: { tI: thread, tD: thread },
  oops: "NONE",
  cache: { flags: [], wd: "NONE", list: [], dying: [], waiters: [] },
  lastAction: { name: "Init" },
};

const trace: Trace = {
  id: "h0",
  steps: [
    {
      trace: "h0",
      step: 0,
      action: null,
      state: init,
      successors: [{ name: "AcquireCookie", params: { t: "tI" } }],
      end: true,
    },
  ],
};

describe("refinement mapping", () => {
  it("abstracts a fresh implementation to the spec's Init and enables what the spec enables", async () => {
    const adapter = fsCacheAdapter(await loadImplementation(SRC));
    const target = await adapter.setup(header, traceScript(trace));
    try {
      const spec = projectSpec(init);
      expect(spec["thread"]).toEqual({
        tI: { pc: "AcquireCookie", calls: 1, op: 0, page: "NONE", retire: false, result: "NONE", cached: [] },
        tD: { pc: "AcquireCookie", calls: 1, op: 0, page: "NONE", retire: false, result: "NONE", cached: [] },
      });
      expect(diffStates(spec, target.abstract())).toEqual([]);
      // One normal form on both sides: the canonical texts are equal, so fingerprints are too.
      expect(stateText(target.abstract())).toBe(stateText(spec));
      expect(target.enabled().map((e) => e.label.action)).not.toContain("Terminated");
      const keys = target
        .enabled()
        .map((e) => adapter.enabledKey(adapter.actionOfLabel(e.label), init))
        .filter((k) => k !== null);
      expect(keys).toEqual(["AcquireCookie(t=tI)"]);
    } finally {
      target.dispose();
    }
  });

  it("drops spec-only fields and lastAction, and sorts sets", () => {
    const s = projectSpec({
      ...init,
      object: { I: { ...unbornObject, flags: ["IS_LIVE", "IS_AVAILABLE"] }, D: unbornObject },
    });
    expect(s).not.toHaveProperty("lastAction");
    expect(s["object"]).toMatchObject({ I: { flags: ["IS_AVAILABLE", "IS_LIVE"] } });
    expect((s["object"] as Record<string, Record<string, unknown>>)["I"]).not.toHaveProperty("lop");
  });

  it("matches labels to actions by name and parameters", () => {
    const a = { name: "WritePage", params: { t: "tD", p: "p1" } };
    expect(matches(a, { action: "WritePage", params: { p: "p1", t: "tD" } })).toBe(true);
    expect(matches(a, { action: "WritePage", params: { t: "tD" } })).toBe(false);
    expect(matches(a, { action: "ReadPage", params: { t: "tD", p: "p1" } })).toBe(false);
  });

  it("keys enabled steps without scripted choices, and not at all for a Ready thread's next call", () => {
    const ready: SpecState = { ...init, thread: { tI: thread, tD: { ...thread, pc: "Ready" } } };
    expect(enabledKey({ name: "ReadPage", params: { t: "tD", p: "p1" } }, ready)).toBeNull();
    expect(enabledKey({ name: "LookupObject", params: { o: "D", result: "POSITIVE" } }, init)).toBe(
      "LookupObject(o=D)",
    );
    expect(enabledKey({ name: "RelinquishCookie", params: { t: "tI", retire: false } }, init)).toBe(
      "RelinquishCookie(t=tI)",
    );
  });

  it("accepts TLC 2.18's grouped dot labels for the action's actor only", () => {
    expect(labelAgrees("ObjStep", "LOOK_UP_OBJECT")).toBe(true);
    expect(labelAgrees("ThreadStep", "RelinquishWait")).toBe(true);
    expect(labelAgrees("OpStep", "RelinquishWait")).toBe(false);
    expect(labelAgrees("Terminated", "Terminated")).toBe(true);
  });
});
