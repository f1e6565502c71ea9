// Lockstep replay on a toy system (two tasks incrementing a counter on the stepped runtime): a conforming
// implementation replays every step; a broken one is stopped at the first divergence with a per-variable
// diff, the enabled-set comparison catches a missing step, and the error names the replay command.

import { describe, expect, it } from "vitest";
import { formatError } from "../../conformance/errors.ts";
import { CoverageTracker } from "../../conformance/coverage.ts";
import { replayTrace } from "../../conformance/replay/lockstep.ts";
import type { ReplayAdapter, ReplayTarget } from "../../conformance/replay/target.ts";
import type { SpecState, Trace, TraceHeader } from "../../conformance/trace/format.ts";
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
