// Errors in files TLC wrote: a malformed state-graph dump or simulation file is a TLC_DUMP error naming
// file, line and what was expected; one malformed simulation file leaves the others usable.

import { describe, expect, it } from "vitest";
import { formatError } from "../../conformance/errors.ts";
import { behavioursFromSimulation, graphFromDot } from "../../conformance/generate/tlcPort.ts";
import { parseSimulationTrace } from "../../src/tla/index.ts";

const node = (id: string, x: number, initial = false): string =>
  `${id} [label="/\\\\ x = ${x}\\n/\\\\ lastAction = [name |-> \\"Inc\\"]"${initial ? ",style = filled" : ""}];`;

const dot = (body: string[]): string =>
  [
    "strict digraph DiskGraph {",
    "nodesep=0.35;",
    "subgraph cluster_graph {",
    'color="white";',
    ...body,
    "}",
    "}",
  ].join("\n");

const sim = (name: string, states: string[]): string =>
  [
    `---------------- MODULE ${name} -----------------`,
    ...states.flatMap((s, i) => [`STATE_${i + 1} == `, s, "", ""]),
    "=================================================",
    "",
  ].join("\n");

describe("TLC dump errors", () => {
  it("reads a well-formed dump", () => {
    const g = graphFromDot(dot([node("1", 0, true), '1 -> 2 [label="Inc"];', node("2", 1)]), "g.dot");
    expect("graph" in g && g.graph.edges).toEqual([{ from: "1", to: "2", label: "Inc" }]);
  });

  it("names file, line and expectation for a malformed dump line", () => {
    const g = graphFromDot(dot([node("1", 0, true), "1 -> [label=Inc];"]), "out/g.dot");
    expect("error" in g).toBe(true);
    if (!("error" in g)) return;
    expect(g.error.code).toBe("TLC_DUMP");
    expect(g.error.where).toMatchObject({ file: "out/g.dot", line: 6 });
    expect(formatError(g.error)).toMatch(/^TLC_DUMP at out\/g\.dot:6: malformed state-graph dump: expected /);
  });

  it("names the line of a state that does not parse", () => {
    const g = graphFromDot(dot([`1 [label="/\\\\ x = <<1,",style = filled];`]), "g.dot");
    expect("error" in g && g.error).toMatchObject({ code: "TLC_DUMP", where: { file: "g.dot", line: 5 } });
  });

  it("rejects a truncated dump without an initial state", () => {
    const g = graphFromDot(dot([]), "g.dot");
    expect("error" in g && g.error.message).toContain("without an initial state");
  });

  it("one malformed simulation file is an error; the other files' behaviours are kept", () => {
    const good = parseSimulationTrace(sim("tr_0_1", ["/\\ x = 0", "/\\ x = 1"]), "sim/tr_0_1");
    const bad = parseSimulationTrace(sim("tr_0_2", ["/\\ x = 0", "/\\ x = {1,"]), "sim/tr_0_2");
    const r = behavioursFromSimulation([good, bad]);
    expect(r.behaviours).toEqual([[{ x: 0 }, { x: 1 }]]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: "TLC_DUMP", where: { file: "sim/tr_0_2" } });
    expect(r.errors[0]?.where.line).toBeGreaterThan(1);
    expect(r.errors[0]?.message).toMatch(/malformed simulation trace: expected/);
  });
});
