// Lockstep replay on a toy system (two tasks incrementing a counter on the stepped runtime): a conforming
// implementation replays every step; a broken one is stopped at the first divergence with a per-variable
// diff, the enabled-set comparison catches a missing step, and the error names the replay command. A Ready
// thread's next call that starts with a wait is compared where the successors carry no schedule.

import { describe, expect, it } from "vitest";
import { formatError } from "../../conformance/errors.ts";
import { CoverageTracker } from "../../conformance/coverage.ts";
import { replayTrace } from "../../conformance/replay/lockstep.ts";
import type { ReplayAdapter, ReplayTarget } from "../../conformance/replay/target.ts";
import {
  UNSCHEDULED_SUCCESSORS,
  type SpecState,
  type Trace,
  type TraceHeader,
} from "../../conformance/trace/format.ts";
import { SteppedRuntime } from "../../src/runtime/stepped.ts";
import { label } from "../../src/runtime/runtime.ts";

const header: TraceHeader = {
  format: "fscache-trace",
  version: 1,
  spec: "FSCache",
  model: "Toy",
  design: "POST_FIX",
  source: "graph",
};

function toyAdapter(step: number): ReplayAdapter {
  return {
    knownActions: new Set(["Inc"]),
    setup(): Promise<ReplayTarget> {
      const rt = new SteppedRuntime();
      const s = { x: 0, pc: { p1: "Inc", p2: "Inc" } as Record<string, string> };
      for (const p of ["p1", "p2"]) {
        rt.spawn(`netfs:${p}`, label("Inc", { t: p }), () => {
          s.x += step;
          s.pc[p] = "Done";
          return Promise.resolve();
        });
      }
      return Promise.resolve({
        abstract: () => ({ x: s.x, pc: { ...s.pc } }),
        enabled: () => rt.enabled(),
        run: async (e) => {
          await rt.runStep(e.taskId);
        },
        dispose: () => undefined,
      });
    },
    matches: (a, l) => a.name === l.action && a.params["t"] === l.params["t"],
    enabledKey: (a) => `${a.name}(${String(a.params["t"])})`,
    actionOfLabel: (l) => ({ name: l.action, params: { ...l.params } }),
  };
}

const st = (x: number, p1: string, p2: string, la: Record<string, string>): SpecState => ({
  x,
  pc: { p1, p2 },
  lastAction: la,
});

const trace: Trace = {
  id: "g0",
  steps: [
    {
      trace: "g0",
      step: 0,
      action: null,
      state: st(0, "Inc", "Inc", { name: "Init" }),
      node: "n0",
      successors: [
        { name: "Inc", params: { t: "p1" } },
        { name: "Inc", params: { t: "p2" } },
      ],
    },
    {
      trace: "g0",
      step: 1,
      action: { name: "Inc", params: { t: "p2" } },
      state: st(1, "Inc", "Done", { name: "Inc", t: "p2" }),
      node: "n1",
      successors: [{ name: "Inc", params: { t: "p1" } }],
    },
    {
      trace: "g0",
      step: 2,
      action: { name: "Inc", params: { t: "p1" } },
      state: st(2, "Done", "Done", { name: "Inc", t: "p1" }),
      node: "n2",
      successors: [],
      end: true,
    },
  ],
};

const replayCommand = (id: string): string => `npm run cli -- conform toy.ndjson --trace ${id}`;

describe("lockstep replay", () => {
  it("replays a conforming implementation and records coverage", async () => {
    const coverage = new CoverageTracker();
    const o = await replayTrace(toyAdapter(1), header, trace, { replayCommand, coverage });
    expect(o.error).toBeUndefined();
    expect(o.steps).toBe(2);
    const c = coverage.report({ states: 4, transitions: 4, actions: { Inc: 4 } });
    expect(c.states.covered).toBe(3);
    expect(c.transitions.covered).toBe(2);
    expect(c.actions["Inc"]?.fraction).toBe(0.5);
  });

  it("stops at the first divergence with a per-variable diff and a replay command", async () => {
    const o = await replayTrace(toyAdapter(2), header, trace, { replayCommand });
    expect(o.error).toMatchObject({
      code: "STATE_MISMATCH",
      trace: "g0",
      step: 1,
      variable: "x",
      expected: 1,
      actual: 2,
    });
    expect(o.error?.action).toBe("Inc(t=p2)");
    const text = formatError(o.error!);
    expect(text).toContain("x\n    - spec: 1\n    + impl: 2");
    expect(text).toContain("replay: npm run cli -- conform toy.ndjson --trace g0");
  });

  it("compares enabled steps with the spec's successors", async () => {
    const t: Trace = {
      ...trace,
      steps: trace.steps.map((s, i) =>
        i === 0 ? { ...s, successors: [{ name: "Inc", params: { t: "p1" } }] } : s,
      ),
    };
    const o = await replayTrace(toyAdapter(1), header, t, { replayCommand });
    expect(o.error).toMatchObject({ code: "ENABLED_MISMATCH", step: 0, variable: "(enabled)" });
    expect(o.error?.message).toContain("implementation only [Inc(p2)]");
  });

  it("reports an action no enabled step implements", async () => {
    const t: Trace = {
      ...trace,
      steps: [trace.steps[0]!, { ...trace.steps[1]!, action: { name: "Inc", params: { t: "p3" } } }],
    };
    const o = await replayTrace(toyAdapter(1), header, t, { replayCommand, checkEnabled: false });
    expect(o.error).toMatchObject({ code: "NO_MATCHING_STEP", step: 1 });
  });
});

/**
 * A Ready netfs thread tD whose next call, WaitOnPageWrite, starts only once a worker has flushed the pending
 * page (`guarded`); with `guarded` false the call starts at once, the guard weakened to "always".
 */
function waitAdapter(guarded: boolean): ReplayAdapter {
  return {
    knownActions: new Set(["Flush", "WaitOnPageWrite"]),
    async setup(): Promise<ReplayTarget> {
      const rt = new SteppedRuntime();
      const q = rt.waitQueue("stores");
      const s = { stores: 1, pc: "Ready" };
      rt.spawn("worker", label("Flush", {}), () => {
        s.stores = 0;
        rt.wake(q);
        return Promise.resolve();
      });
      const d = rt.spawn("netfs:tD", label("Program", { t: "tD" }), async (task) => {
        await task.waitUntil(label("WaitOnPageWrite", { t: "tD" }), q, () => !guarded || s.stores === 0);
        s.pc = "Done";
      });
      await rt.runStep(d.id);
      return {
        abstract: () => ({ stores: s.stores, pc: s.pc }),
        enabled: () => rt.enabled(),
        run: async (e) => {
          await rt.runStep(e.taskId);
        },
        dispose: () => undefined,
      };
    },
    matches: (a, l) => a.name === l.action && (a.params["t"] ?? null) === (l.params["t"] ?? null),
    // Like the FsCache adapter: a Ready thread's call is the netfs program's choice, not compared.
    enabledKey: (a, state) =>
      a.params["t"] === "tD" && state["pc"] === "Ready" ? null : `${a.name}(${String(a.params["t"])})`,
    actionOfLabel: (l) => ({ name: l.action, params: { ...l.params } }),
  };
}

const waitTrace: Trace = {
  id: "s0",
  steps: [
    {
      trace: "s0",
      step: 0,
      action: null,
      state: { stores: 1, pc: "Ready", lastAction: { name: "Init" } },
      successors: [{ name: "Flush", params: {} }],
    },
    {
      trace: "s0",
      step: 1,
      action: { name: "Flush", params: {} },
      state: { stores: 0, pc: "Ready", lastAction: { name: "Flush" } },
      successors: [{ name: "WaitOnPageWrite", params: { t: "tD" } }],
    },
    {
      trace: "s0",
      step: 2,
      action: { name: "WaitOnPageWrite", params: { t: "tD" } },
      state: { stores: 0, pc: "Done", lastAction: { name: "WaitOnPageWrite", t: "tD" } },
      successors: [],
      end: true,
    },
  ],
};

describe("a Ready thread's next call that starts with a wait", () => {
  const unscheduled: TraceHeader = {
    ...header,
    source: "simulate",
    tlc: { successors: UNSCHEDULED_SUCCESSORS },
  };

  it("is compared where the successors carry no schedule: a guard that never blocks is caught", async () => {
    expect(
      (await replayTrace(waitAdapter(true), unscheduled, waitTrace, { replayCommand })).error,
    ).toBeUndefined();
    const o = await replayTrace(waitAdapter(false), unscheduled, waitTrace, { replayCommand });
    expect(o.error).toMatchObject({ code: "ENABLED_MISMATCH", step: 0 });
    expect(o.error?.message).toContain("implementation only [WaitOnPageWrite(t=tD) (Ready)]");
  });

  it("is not compared where the successors may be a schedule's (graph dumps keep ACTION_CONSTRAINT)", async () => {
    const o = await replayTrace(waitAdapter(false), header, waitTrace, { replayCommand });
    expect(o.error).toBeUndefined();
  });
});
