// The edge-covering path algorithm on small graphs: every reachable edge lies on a path that starts at an
// initial state and is connected; checked on hand-made graphs and on random graphs (fast-check).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { edgeCover } from "../../conformance/graph/edgeCover.ts";
import type { GraphEdge, StateGraph } from "../../conformance/graph/graph.ts";

function graph(initial: string[], edges: [string, string][]): StateGraph<null> {
  const nodes = new Map<string, null>();
  for (const s of initial) nodes.set(s, null);
  for (const [a, b] of edges) {
    nodes.set(a, null);
    nodes.set(b, null);
  }
  return {
    initial,
    nodes,
    edges: edges.map(([from, to]): GraphEdge => ({ from, to, label: `${from}${to}` })),
  };
}

function reachable(g: StateGraph<null>): Set<string> {
  const seen = new Set(g.initial);
  const queue = [...g.initial];
  while (queue.length > 0) {
    const n = queue.shift() as string;
    for (const e of g.edges) {
      if (e.from === n && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen;
}

function checkCover(g: StateGraph<null>): void {
  const { paths, unreachable } = edgeCover(g);
  const reach = reachable(g);
  const covered = new Set<number>();
  for (const p of paths) {
    expect(g.initial).toContain(p.start);
    let at = p.start;
    for (const ei of p.edges) {
      const e = g.edges[ei] as GraphEdge;
      expect(e.from).toBe(at);
      at = e.to;
      covered.add(ei);
    }
  }
  g.edges.forEach((e, i) => {
    if (reach.has(e.from)) expect(covered.has(i)).toBe(true);
    else expect(unreachable).toContain(i);
  });
  const visited = new Set(
    paths.flatMap((p) => [p.start, ...p.edges.map((ei) => (g.edges[ei] as GraphEdge).to)]),
  );
  for (const s of g.initial) expect(visited.has(s)).toBe(true);
}

describe("edgeCover", () => {
  it("covers a diamond with a back edge and a self loop", () => {
    const g = graph(
      ["a"],
      [
        ["a", "b"],
        ["a", "c"],
        ["b", "d"],
        ["c", "d"],
        ["d", "a"],
        ["d", "d"],
      ],
    );
    checkCover(g);
    expect(edgeCover(g).paths.length).toBeLessThanOrEqual(3);
  });

  it("covers several initial states, one without successors", () => {
    checkCover(
      graph(
        ["a", "x", "z"],
        [
          ["a", "b"],
          ["x", "b"],
          ["b", "c"],
        ],
      ),
    );
    expect(edgeCover(graph(["z"], [])).paths).toEqual([{ start: "z", edges: [] }]);
  });

  it("reports unreachable edges", () => {
    const g = graph(
      ["a"],
      [
        ["a", "b"],
        ["q", "r"],
      ],
    );
    expect(edgeCover(g).unreachable).toEqual([1]);
  });

  it("covers every reachable edge of random graphs", () => {
    const node = fc.integer({ min: 0, max: 7 }).map(String);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(node, node), { maxLength: 30 }),
        fc.uniqueArray(node, { minLength: 1, maxLength: 3 }),
        (edges, initial) => checkCover(graph(initial, edges)),
      ),
    );
  });
});
