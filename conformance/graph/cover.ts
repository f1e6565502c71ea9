// An edge-covering set of paths through a CompactGraph: every transition reachable from an initial state lies
// on at least one path, and every path starts at an initial state (the implementation can only be set up in
// an initial state and cannot be rewound). BFS tree from the initial states; then, for each uncovered edge
// u→v in BFS order of u, the tree path init→u, the edge, and a greedy extension along uncovered edges
// (preferring targets with uncovered edges of their own), bridging through covered edges to the nearest
// uncovered one when that is cheaper than a new path's tree prefix. Paths are stored flat in typed arrays.
//
// Why a cover and not a tree of shared prefixes: the implementation under test is live async code (tasks parked
// at awaits), which cannot be copied at a branching state and resumed once per branch, so every path is replayed
// from an initial state and pays for its prefix. What remains to choose is how far a path goes before a new one
// starts; bench/cover.ts measures the three strategies below on the same graphs.

import type { CompactGraph } from "./compact.ts";
import { GrowInt32 } from "./grow.ts";

/** The paths: path i starts at node `start[i]` and takes edges `edges[offset[i] .. offset[i+1])`. */
export interface PathSet {
  readonly count: number;
  readonly start: Int32Array;
  readonly offset: Int32Array;
  readonly edges: Int32Array;
  /** The BFS tree: the edge by which each node was first reached (-1 for initial or unreached nodes). */
  readonly treeEdge: Int32Array;
  /** Edges not reachable from any initial state (normally none in a TLC dump). */
  readonly unreachable: number;
}

/**
 * How a path goes on after the uncovered edge it was started for: "tree" not at all (one path per such edge),
 * "greedy" along uncovered edges until none leaves its end, "bridge" (the default) also through covered edges
 * to the nearest uncovered one when that walk is shorter than a new path's tree prefix.
 */
export type CoverStrategy = "tree" | "greedy" | "bridge";
export const COVER_STRATEGIES: readonly CoverStrategy[] = ["tree", "greedy", "bridge"];

export interface CoverOptions {
  readonly strategy?: CoverStrategy;
  /** Most nodes one bridging search visits (bounds the cost on large graphs). */
  readonly bridgeSearchLimit?: number;
}

/** The part of a compact graph a cover reads. */
export type CoverGraph = Pick<CompactGraph, "nodes" | "edges" | "initial" | "from" | "to" | "outStart">;

export function coverPaths(g: CoverGraph, options: CoverOptions = {}): PathSet {
  const searchLimit = options.bridgeSearchLimit ?? 4096;
  const strategy = options.strategy ?? "bridge";
  const { nodes, outStart, to, from } = g;
  const treeEdge = new Int32Array(nodes).fill(-1);
  const depth = new Int32Array(nodes).fill(-1);
  const order = new Int32Array(nodes);
  let queued = 0;
  for (const s of g.initial) {
    if (depth[s] !== -1) continue;
    depth[s] = 0;
    order[queued++] = s;
  }
  for (let i = 0; i < queued; i++) {
    const n = order[i] as number;
    for (let e = outStart[n] as number; e < (outStart[n + 1] as number); e++) {
      const t = to[e] as number;
      if (depth[t] === -1) {
        depth[t] = (depth[n] as number) + 1;
        treeEdge[t] = e;
        order[queued++] = t;
      }
    }
  }
  const covered = new Uint8Array(g.edges);
  const uncoveredOut = new Int32Array(nodes);
  for (let n = 0; n < nodes; n++) uncoveredOut[n] = (outStart[n + 1] as number) - (outStart[n] as number);
  const cover = (e: number): void => {
    if (covered[e]) return;
    covered[e] = 1;
    const f = from[e] as number;
    uncoveredOut[f] = (uncoveredOut[f] as number) - 1;
  };
  const nextUncovered = (n: number): number => {
    let best = -1;
    let bestScore = -1;
    for (let e = outStart[n] as number; e < (outStart[n + 1] as number); e++) {
      if (covered[e]) continue;
      const score = uncoveredOut[to[e] as number] as number;
      if (score > bestScore) [best, bestScore] = [e, score];
    }
    return best;
  };
  // Bridging search state, reused across searches (stamp marks the nodes seen in this search).
  const seenStamp = new Int32Array(nodes);
  const via = new Int32Array(nodes);
  const queue = new Int32Array(Math.min(nodes, searchLimit + 1) + 1);
  let stamp = 0;
  /** Shortest walk from `start` to a node with an uncovered out-edge, if shorter than a new tree prefix. */
  const bridgeFrom = (start: number): number[] | undefined => {
    stamp++;
    seenStamp[start] = stamp;
    via[start] = -1;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    while (head < tail) {
      const n = queue[head++] as number;
      if ((uncoveredOut[n] as number) > 0) {
        const walk: number[] = [];
        for (let e = via[n] as number; e !== -1; e = via[from[e] as number] as number) walk.push(e);
        walk.reverse();
        return walk.length < (depth[n] as number) ? walk : undefined;
      }
      for (let e = outStart[n] as number; e < (outStart[n + 1] as number); e++) {
        const t = to[e] as number;
        if (seenStamp[t] === stamp) continue;
        if (tail >= queue.length - 1) return undefined;
        seenStamp[t] = stamp;
        via[t] = e;
        queue[tail++] = t;
      }
    }
    return undefined;
  };
  const starts = new GrowInt32();
  const offsets = new GrowInt32();
  const edges = new GrowInt32();
  const tree: number[] = [];
  for (const s of g.initial) {
    if ((outStart[s + 1] as number) === (outStart[s] as number)) {
      starts.push(s);
      offsets.push(edges.length);
    }
  }
  for (let i = 0; i < queued; i++) {
    const u = order[i] as number;
    for (let e0 = outStart[u] as number; e0 < (outStart[u + 1] as number); e0++) {
      if (covered[e0]) continue;
      tree.length = 0;
      let n = u;
      for (let te = treeEdge[n] as number; te !== -1; te = treeEdge[n] as number) {
        tree.push(te);
        n = from[te] as number;
      }
      starts.push(n);
      offsets.push(edges.length);
      for (let j = tree.length - 1; j >= 0; j--) {
        cover(tree[j] as number);
        edges.push(tree[j] as number);
      }
      cover(e0);
      edges.push(e0);
      let end = to[e0] as number;
      while (strategy !== "tree") {
        const next = nextUncovered(end);
        if (next !== -1) {
          cover(next);
          edges.push(next);
          end = to[next] as number;
          continue;
        }
        if (strategy === "greedy") break;
        const walk = bridgeFrom(end);
        if (!walk || walk.length === 0) break;
        for (const w of walk) {
          cover(w);
          edges.push(w);
        }
        end = to[walk[walk.length - 1] as number] as number;
      }
    }
  }
  offsets.push(edges.length);
  let unreachable = 0;
  for (let e = 0; e < g.edges; e++) if (!covered[e]) unreachable++;
  return {
    count: starts.length,
    start: starts.trimmed(),
    offset: offsets.trimmed(),
    edges: edges.trimmed(),
    treeEdge,
    unreachable,
  };
}
