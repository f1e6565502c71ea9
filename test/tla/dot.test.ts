import { describe, expect, it } from "vitest";
import { parseDot } from "../../src/tla/dot.ts";
import { printValue, type TlaValue } from "../../src/tla/values.ts";
import { fixture } from "./fixtures.ts";

describe("parseDot", () => {
  it("reads the recorded Counter graph", () => {
    const r = parseDot(fixture("Counter.dot"), "Counter.dot");
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const { nodes, edges } = r.value;
    expect(nodes.size).toBe(7);
    expect(edges).toHaveLength(10);
    const initial = [...nodes.values()].filter((n) => n.initial);
    expect(initial.map((n) => n.id)).toEqual(["-8743964503074508666"]);
    expect(edges.filter((e) => e.action === "Reset").every((e) => e.to === "-8743964503074508666")).toBe(
      true,
    );
    expect(new Set(edges.map((e) => e.action))).toEqual(new Set(["Inc", "Reset"]));
    const n = nodes.get("5401864100350261600");
    expect(printValue(n?.state.log as TlaValue)).toBe('<<<<p1, "inc\\n\\"q\\"">>>>');
  });

  it("skips a colorize legend and keeps duplicate edges", () => {
    const text = [
      "strict digraph DiskGraph {",
      'edge [colorscheme="paired12"]',
      "nodesep=0.35;",
      "subgraph cluster_graph {",
      'color="white";',
      '1 [label="x = 0",style = filled]',
      '1 -> -2 [label="A",color="2",fontcolor="2"];',
      '-2 [label="x = 1"];',
      '1 -> -2 [label="A",color="2",fontcolor="2"];',
      "{rank = same; 1;}",
      "}",
      "subgraph cluster_legend {",
      'label = "Next State Actions";',
      "key [label=<<table><tr><td>A</td></tr></table>>]",
      "}",
      "}",
    ].join("\n");
    const r = parseDot(text);
    expect(r.ok && r.value.edges).toEqual([
      { from: "1", to: "-2", action: "A" },
      { from: "1", to: "-2", action: "A" },
    ]);
  });

  it("names file and line on errors", () => {
    expect(parseDot('strict digraph DiskGraph {\n1 [label="x = "]\n}', "g.dot")).toMatchObject({
      ok: false,
      error: { file: "g.dot", line: 2, expected: "a value" },
    });
    expect(parseDot('strict digraph DiskGraph {\n1 -> 2 [label="A"];\n}', "g.dot")).toMatchObject({
      ok: false,
      error: { file: "g.dot", line: 2, expected: "a node line for 1 somewhere in the file" },
    });
    expect(parseDot("graph {", "g.dot")).toMatchObject({ ok: false, error: { line: 1 } });
  });
});
