// An edge-covering set of paths through a state graph: every transition reachable from an initial state
// lies on at least one path, and every path starts at an initial state. BFS tree from the initial states;
// then, for each uncovered edge u→v in BFS order of u, the shortest path init→u, the edge, and a greedy
// longest extension: keep taking an uncovered out-edge (preferring one whose target has uncovered edges of
// its own), and when the path's end has none left, walk the shortest way to the nearest state that has one
// if that is cheaper than starting a new path from an initial state. Fewer, longer traces replay fewer
// steps: every new path pays for its prefix from the initial state again.

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

export interface EdgeCoverOptions {
  /** Walk through covered edges to reach uncovered ones (default true); false: stop at the first dead end. */
  readonly bridge?: boolean;
  /** Most nodes one bridging search visits (bounds the cost on large graphs). */
  readonly bridgeSearchLimit?: number;
}

export function edgeCover(g: StateGraph<unknown>, options: EdgeCoverOptions = {}): EdgeCover {
  const bridge = options.bridge ?? true;
  const searchLimit = options.bridgeSearchLimit ?? 4096;
  const out = outEdges(g);
  const to = (ei: number): string => (g.edges[ei] as { to: string }).to;
  // BFS: parent edge per node (undefined for initial nodes), depth, discovery order.
  const parent = new Map<string, number | undefined>();
  const depth = new Map<string, number>();
  const order: string[] = [];
  for (const s of g.initial) {
    if (parent.has(s)) continue;
    parent.set(s, undefined);
    depth.set(s, 0);
    order.push(s);
  }
  for (let i = 0; i < order.length; i++) {
    const n = order[i] as string;
    for (const ei of out.get(n) ?? []) {
      const t = to(ei);
      if (!parent.has(t)) {
        parent.set(t, ei);
        depth.set(t, (depth.get(n) ?? 0) + 1);
        order.push(t);
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
  const uncoveredOut = new Map<string, number>();
  for (const [n, eis] of out) uncoveredOut.set(n, eis.length);
  const cover = (ei: number): void => {
    if (covered[ei]) return;
    covered[ei] = 1;
    const from = (g.edges[ei] as { from: string }).from;
    uncoveredOut.set(from, (uncoveredOut.get(from) ?? 1) - 1);
  };
  const nextUncovered = (n: string): number | undefined => {
    let best: number | undefined;
    let bestScore = -1;
    for (const ei of out.get(n) ?? []) {
      if (covered[ei]) continue;
      const score = uncoveredOut.get(to(ei)) ?? 0;
      if (score > bestScore) [best, bestScore] = [ei, score];
    }
    return best;
  };
  /** Shortest walk from `from` to a node with an uncovered out-edge, if shorter than `limit` edges. */
  const bridgeFrom = (from: string): number[] | undefined => {
    const via = new Map<string, number | null>([[from, null]]);
    const queue = [from];
    for (let i = 0; i < queue.length && via.size <= searchLimit; i++) {
      const n = queue[i] as string;
      if ((uncoveredOut.get(n) ?? 0) > 0) {
        const walk: number[] = [];
        for (
          let e = via.get(n);
          e !== null && e !== undefined;
          e = via.get((g.edges[e] as { from: string }).from)
        )
          walk.push(e);
        walk.reverse();
        // Worth it only when cheaper than a new path's prefix to the same node.
        return walk.length < (depth.get(n) ?? Infinity) ? walk : undefined;
      }
      for (const ei of out.get(n) ?? []) {
        const t = to(ei);
        if (!via.has(t)) {
          via.set(t, ei);
          queue.push(t);
        }
      }
    }
    return undefined;
  };
  const paths: GraphPath[] = [];
  for (const s of g.initial) {
    if ((out.get(s) ?? []).length === 0 && !paths.some((p) => p.start === s))
      paths.push({ start: s, edges: [] });
  }
  for (const u of order) {
    for (const ei of out.get(u) ?? []) {
      if (covered[ei]) continue;
      const p = prefix(u);
      for (const x of p.edges) cover(x);
      p.edges.push(ei);
      cover(ei);
      let end = to(ei);
      for (;;) {
        const next = nextUncovered(end);
        if (next !== undefined) {
          cover(next);
          p.edges.push(next);
          end = to(next);
          continue;
        }
        const walk = bridge ? bridgeFrom(end) : undefined;
        if (!walk || walk.length === 0) break;
        for (const w of walk) {
          cover(w);
          p.edges.push(w);
        }
        end = to(walk[walk.length - 1] as number);
      }
      paths.push(p);
    }
  }
  const unreachable: number[] = [];
  covered.forEach((c, i) => {
    if (!c) unreachable.push(i);
  });
  return { paths, unreachable };
}
