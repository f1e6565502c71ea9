// Type-level proof that the state table is complete: leaving a state out, adding an unknown one, or giving a
// wait state a work state's fields does not compile. Plus runtime checks of the table's shape.

import { describe, expect, it } from "vitest";
import type { StateName } from "../../src/fscache/names.ts";
import { STATE_NAMES } from "../../src/fscache/names.ts";
import { machineToDot, machineToJSON, OOB_TABLES, STATES, type StateDef } from "../../src/fscache/states.ts";

describe("state table types", () => {
  it("rejects a table with a missing state", () => {
    const { OBJECT_DEAD: _dead, ...partial } = STATES;
    // @ts-expect-error OBJECT_DEAD is missing
    const incomplete: Record<StateName, StateDef> = partial;
    expect(Object.keys(incomplete)).not.toContain("OBJECT_DEAD");
  });

  it("rejects an unknown state and a wait state with work fields", () => {
    const bad = {
      ...STATES,
      // @ts-expect-error NOT_A_STATE is not a StateName
      NOT_A_STATE: { kind: "dead", short: "X" },
    } satisfies Record<StateName, StateDef>;
    const wrongKind = {
      ...STATES,
      // @ts-expect-error a wait state has no steps
      WAIT_FOR_CMD: { kind: "wait", short: "?CMD", steps: ["X"] },
    } satisfies Record<StateName, StateDef>;
    expect(bad).toBeDefined();
    expect(wrongKind).toBeDefined();
  });

  it("lists every state exactly once, in the names order", () => {
    expect(Object.keys(STATES)).toEqual([...STATE_NAMES]);
  });

  it("only targets known states", () => {
    for (const def of Object.values(STATES) as StateDef[]) {
      const targets =
        def.kind === "work" ? def.next : def.kind === "wait" ? def.transitions.map((t) => t.to) : [];
      for (const t of targets) expect(STATE_NAMES).toContain(t);
    }
  });

  it("exports as JSON and DOT", () => {
    const json = machineToJSON();
    expect(json.states.WAIT_FOR_CMD).toEqual(STATES.WAIT_FOR_CMD);
    expect(json.oob.run.to).toBe("KILL_OBJECT");
    const dot = machineToDot();
    expect(dot).toContain('WAIT_FOR_CMD -> INVALIDATE_OBJECT [label="INVALIDATE"]');
    expect(dot).not.toContain("DETACH_FROM_COOKIE");
    expect(machineToDot("PRE_FIX")).toContain("KILL_OBJECT -> DETACH_FROM_COOKIE");
  });

  it("draws every state of the design once with its kind's shape, every edge, and the OOB tables dashed", () => {
    for (const design of ["POST_FIX", "PRE_FIX"] as const) {
      const dot = machineToDot(design);
      const lines = dot.split("\n");
      expect(lines.slice(0, 2)).toEqual(["digraph fscache_object {", "  rankdir=TB;"]);
      expect(lines.slice(-2)).toEqual(["}", ""]);
      const shown = (Object.entries(STATES) as [StateName, StateDef][]).filter(
        ([, d]) => d.kind !== "work" || d.onlyIn === undefined || d.onlyIn === design,
      );
      const shape = { work: "box", wait: "ellipse", dead: "doublecircle" } as const;
      const nodes = shown.map(([n, d]) => `  ${n} [shape=${shape[d.kind]}, label="${n}\\n${d.short}"];`);
      const names = new Set(shown.map(([n]) => n));
      const edges = shown.flatMap(([n, d]) =>
        d.kind === "work"
          ? d.next.filter((x) => names.has(x)).map((x) => `  ${n} -> ${x};`)
          : d.kind === "wait"
            ? d.transitions.map((t) => `  ${n} -> ${t.to} [label="${t.events.join("|")}"];`)
            : [],
      );
      const oob = Object.entries(OOB_TABLES).flatMap(([table, e]) => [
        `  oob_${table} [shape=plaintext, label="OOB ${table}: ${e.events.join("|")}"];`,
        `  oob_${table} -> ${e.to} [style=dashed];`,
      ]);
      expect(lines.slice(2, -2)).toEqual([...nodes, ...edges, ...oob]);
    }
    // The default is POST_FIX's machine, without PRE_FIX's DETACH_FROM_COOKIE.
    expect(machineToDot()).toBe(machineToDot("POST_FIX"));
    expect(machineToDot("PRE_FIX")).toContain(
      '  DETACH_FROM_COOKIE [shape=box, label="DETACH_FROM_COOKIE\\nDTCH"];',
    );
    expect(machineToDot()).toContain('  OBJECT_DEAD [shape=doublecircle, label="OBJECT_DEAD\\nDEAD"];');
    expect(machineToDot()).toContain('  WAIT_FOR_CMD [shape=ellipse, label="WAIT_FOR_CMD\\n?CMD"];');
  });
});
