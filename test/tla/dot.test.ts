import { describe, expect, it } from "vitest";
import { DotReader, parseDot, parseDotLine, type DotNode } from "../../src/tla/dot.ts";
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

  it("reads the recorded colorized graph: its legend and its `}}` last line", () => {
    const plain = parseDot(fixture("Counter.dot"));
    const colored = parseDot(fixture("Counter.colorize.dot"), "Counter.colorize.dot");
    if (!plain.ok || !colored.ok) throw new Error(JSON.stringify([plain, colored]));
    expect([...colored.value.nodes.keys()].sort()).toEqual([...plain.value.nodes.keys()].sort());
    expect(colored.value.edges).toEqual(plain.value.edges);
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

  it("refuses a label nested 10,000 deep with an error at its line, not a stack overflow", () => {
    const deep = `${"{".repeat(10_000)}${"}".repeat(10_000)}`;
    const r = parseDot(`strict digraph DiskGraph {\n1 [label="x = ${deep}",style = filled]\n}`, "g.dot");
    expect(r).toMatchObject({
      ok: false,
      error: { file: "g.dot", line: 2, expected: "values nested at most 1000 deep" },
    });
  });

  it("rejects a node id defined twice, naming both lines", () => {
    const text = 'digraph DiskGraph {\n1 [label="x = 0",style = filled]\n  1 [label="x = 1"]\n}';
    expect(parseDot(text, "g.dot")).toEqual({
      ok: false,
      error: {
        file: "g.dot",
        line: 3,
        column: 3,
        expected: "a node id not defined before",
        found: "duplicate node 1 (first at line 2)",
      },
    });
  });

  it("rejects a node whose label holds no variable", () => {
    expect(parseDot('digraph DiskGraph {\n1 [label="",style = filled]\n}')).toMatchObject({
      ok: false,
      error: { line: 2, column: 11, expected: "a state: `x = value` lines" },
    });
  });

  it("points into the label at the raw line's column, through its escapes", () => {
    const line = '-5 [label="/\\\\ x = \\"a\\"\\n/\\\\ y = <<1, }>>"]';
    expect(parseDot(`digraph DiskGraph {\n${line}\n}`)).toMatchObject({
      ok: false,
      error: { line: 2, column: line.indexOf("}") + 1, expected: "a value", found: '"}"' },
    });
  });

  it("rejects a file that is truncated, unframed, or goes on after the graph", () => {
    const node = '1 [label="x = 0",style = filled]';
    expect(parseDot(`digraph DiskGraph {\nsubgraph cluster_graph {\n${node}`, "g.dot")).toMatchObject({
      ok: false,
      error: { file: "g.dot", line: 3, expected: "the graph's closing brace (is the file truncated?)" },
    });
    expect(parseDot(node)).toMatchObject({
      ok: false,
      error: { line: 1, expected: "the `digraph` line that starts the graph" },
    });
    expect(parseDot(`digraph DiskGraph {\n${node}\n}\n${node}`)).toMatchObject({
      ok: false,
      error: { line: 4, expected: "nothing after the graph's closing brace" },
    });
    expect(parseDot(`digraph DiskGraph {\n}}`)).toMatchObject({ ok: false, error: { line: 2 } });
    expect(parseDot("")).toMatchObject({ ok: false, error: { line: 1 } });
  });
});

describe("parseDotLine and DotReader", () => {
  const at = { line: 9, file: "g.dot" };

  it("read one line alone: node, edge, frame or error", () => {
    expect(parseDotLine('7 [label="x = 1",style = filled];', at)).toEqual({
      kind: "node",
      node: { id: "7", initial: true, state: { x: { kind: "int", value: 1 } } },
    });
    expect(parseDotLine('7 -> -8 [label="Inc",color="black",fontcolor="black"];', at)).toEqual({
      kind: "edge",
      edge: { from: "7", to: "-8", action: "Inc" },
    });
    expect(parseDotLine("strict digraph DiskGraph {", at)).toEqual({
      kind: "frame",
      opens: "digraph DiskGraph",
      closes: 0,
    });
    expect(parseDotLine("}}", at)).toEqual({ kind: "frame", closes: 2 });
    expect(parseDotLine("{rank = same; 7;-8;}", at)).toEqual({ kind: "frame", closes: 0 });
    expect(parseDotLine('7 -> [label="Inc"];', at)).toMatchObject({
      kind: "error",
      error: { file: "g.dot", line: 9, column: 6, expected: "the edge's target node id" },
    });
    expect(parseDotLine('7 [label="x = 1"] junk', at)).toMatchObject({
      kind: "error",
      error: { column: 18 },
    });
  });

  it("DotReader read line by line gives what parseDot gives", () => {
    const reader = new DotReader("Counter.dot");
    const nodes: DotNode[] = [];
    let edges = 0;
    for (const line of fixture("Counter.colorize.dot").split("\n")) {
      const item = reader.line(line);
      if (item.kind === "error") throw new Error(JSON.stringify(item.error));
      if (item.kind === "node") nodes.push(item.node);
      if (item.kind === "edge") edges += 1;
    }
    expect(reader.finish()).toBeUndefined();
    expect([nodes.length, edges]).toEqual([7, 10]);
  });

  it("DotReader reports an edge to a node that never gets a line at the end, at the edge's line", () => {
    const reader = new DotReader("g.dot");
    for (const line of [
      "digraph DiskGraph {",
      '1 [label="x = 0",style = filled]',
      '1 -> 2 [label="A"];',
      "}",
    ]) {
      expect(reader.line(line).kind).not.toBe("error");
    }
    expect(reader.finish()).toEqual({
      file: "g.dot",
      line: 3,
      column: 1,
      expected: "a node line for 2 somewhere in the file",
      found: "none",
    });
  });
});
