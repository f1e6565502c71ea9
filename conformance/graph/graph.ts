// The harness's own view of a spec state graph: node ids, labelled edges, initial nodes. Built from TLC's
// dot dump by generate/fromGraph.ts; the path algorithms work on this shape only, so they test on tiny graphs.

/** One transition `from → to`, labelled with the bare action name TLC printed. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface StateGraph<S = unknown> {
  readonly initial: readonly string[];
  /** Every node with its state. */
  readonly nodes: ReadonlyMap<string, S>;
  /** Distinct transitions, in dump order. */
  readonly edges: readonly GraphEdge[];
}

/** Out-edge indices per node, in edge order. */
export function outEdges(g: StateGraph<unknown>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const id of g.nodes.keys()) out.set(id, []);
  g.edges.forEach((e, i) => {
    let l = out.get(e.from);
    if (!l) out.set(e.from, (l = []));
    l.push(i);
  });
  return out;
}

/** Drops repeated `from → to` edges with the same label (TLC writes a transition each time it is generated). */
export function dedupeEdges(edges: readonly GraphEdge[]): GraphEdge[] {
  const seen = new Set<string>();
  const out: GraphEdge[] = [];
  for (const e of edges) {
    const k = `${e.from}\u0000${e.to}\u0000${e.label}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}
