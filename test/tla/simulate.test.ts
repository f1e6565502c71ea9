import { describe, expect, it } from "vitest";
import { parseSimulationTrace } from "../../src/tla/simulate.ts";
import { printState } from "../../src/tla/values.ts";
import { fixture } from "./fixtures.ts";

describe("parseSimulationTrace", () => {
  it("reads a recorded behaviour file", () => {
    const r = parseSimulationTrace(fixture("sim_tr_0_0"), "sim_tr_0_0");
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.module).toBe("SIMDIR/sim/tr_0_0");
    expect(r.value.states).toHaveLength(4);
    expect(printState(r.value.states[1] ?? {})).toBe(
      '/\\ rec = (p1 :> [pc |-> "busy", n |-> 1] @@ p2 :> [pc |-> "idle", n |-> 0])\n/\\ x = 1\n/\\ log = <<<<p1, "inc\\n\\"q\\"">>>>',
    );
  });

  it("skips later TLCs' action comments", () => {
    const text =
      "---- MODULE m ----\n\\* <Init line 1>\nSTATE_1 == \nx = 0\n\n\\* <Inc line 2>\nSTATE_2 == \nx = 1\n====\n";
    const r = parseSimulationTrace(text);
    expect(r.ok && r.value.states.map(printState)).toEqual(["x = 0", "x = 1"]);
  });

  it("names file and line on errors", () => {
    expect(parseSimulationTrace("---- MODULE m ----\nSTATE_1 ==\nx = \n====\n", "t")).toMatchObject({
      ok: false,
      error: { file: "t", line: 3, column: 5, expected: "a value" },
    });
    expect(parseSimulationTrace("---- MODULE m ----\nSTATE_2 ==\nx = 1\n====\n", "t")).toMatchObject({
      ok: false,
      error: { line: 2, expected: "STATE_1" },
    });
    expect(parseSimulationTrace("---- MODULE m ----\nSTATE_1 ==\nx = 1\n", "t")).toMatchObject({
      ok: false,
      error: { expected: "the closing `====`" },
    });
  });

  it("rejects a STATE block with no variables", () => {
    const text = "---- MODULE m ----\nSTATE_1 == \nx = 0\n\nSTATE_2 == \n\n\n====\n";
    expect(parseSimulationTrace(text, "t")).toMatchObject({
      ok: false,
      error: { file: "t", line: 5, expected: "the variables of STATE_2", found: "none" },
    });
  });

  it("reports an empty file at line 1, not line 0", () => {
    for (const text of ["", "\n\n  \n"]) {
      expect(parseSimulationTrace(text, "t")).toMatchObject({
        ok: false,
        error: { file: "t", line: 1, column: 1, expected: "a `---- MODULE name ----` header" },
      });
    }
  });

  it("reads a long header line in linear time", () => {
    // Before, the header regex backtracked quadratically on a long run of dashes (about 40 s here).
    const header = `---- MODULE m ${"-".repeat(200_000)}x`;
    const t0 = performance.now();
    expect(parseSimulationTrace(`${header}\n====\n`)).toMatchObject({ ok: false, error: { line: 1 } });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
