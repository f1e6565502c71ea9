// An edge-covering set of paths through a state graph: every transition reachable from an initial state
// lies on at least one path, and every path starts at an initial state. BFS tree from the initial states;
// then, for each uncovered edge u→v in BFS order of u, the shortest path init→u, the edge, and a greedy
// extension along uncovered out-edges until none is left at the path's end.

import { outEdges, type StateGraph } from "./graph.ts";

/** A path: its start node and the indices (into graph.edges) of the edges it takes. */
export interface GraphPath {
  readonly start: string;
  readonly edges: readonly number[];
}

export interface EdgeCover {
  readonly paths: GraphPath[];
  /** Edges not reachable from any initial state (not covered; normally none in a TLC dump). */
  readonly unreachable: number[];
}

export function edgeCover(g: StateGraph<unknown>): EdgeCover {
  const out = outEdges(g);
  // BFS: parent edge per node (undefined for initial nodes), discovery order.
  const parent = new Map<string, number | undefined>();
  const order: string[] = [];
  for (const s of g.initial) {
    if (parent.has(s)) continue;
    parent.set(s, undefined);
    order.push(s);
  }
  for (let i = 0; i < order.length; i++) {
    for (const ei of out.get(order[i] as string) ?? []) {
      const to = (g.edges[ei] as { to: string }).to;
      if (!parent.has(to)) {
        parent.set(to, ei);
        order.push(to);
      }
    }
  }
  const prefix = (node: string): { start: string; edges: number[] } => {
    const edges: number[] = [];
    let n = node;
    for (let pe = parent.get(n); pe !== undefined; pe = parent.get(n)) {
      edges.push(pe);
      n = (g.edges[pe] as { from: string }).from;
    }
    return { start: n, edges: edges.reverse() };
  };
  const covered = new Uint8Array(g.edges.length);
  const paths: GraphPath[] = [];
  for (const s of g.initial) {
    if ((out.get(s) ?? []).length === 0 && !paths.some((p) => p.start === s))
      paths.push({ start: s, edges: [] });
  }
  for (const u of order) {
    for (const ei of out.get(u) ?? []) {
      if (covered[ei]) continue;
      const p = prefix(u);
      p.edges.push(ei);
      covered[ei] = 1;
      let end = (g.edges[ei] as { to: string }).to;
      for (;;) {
        const next = (out.get(end) ?? []).find((x) => !covered[x]);
        if (next === undefined) break;
        covered[next] = 1;
        p.edges.push(next);
        end = (g.edges[next] as { to: string }).to;
      }
      for (const x of p.edges) covered[x] = 1;
      paths.push(p);
    }
  }
  const unreachable: number[] = [];
  covered.forEach((c, i) => {
    if (!c) unreachable.push(i);
  });
  return { paths, unreachable };
}
