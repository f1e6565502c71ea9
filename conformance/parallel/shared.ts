// The graph, its paths and the coverage marks in shared memory, so worker threads replay paths of one graph
// without copying it: typed arrays move into SharedArrayBuffers once; the small tables travel by message.

import type { CompactGraph } from "../graph/compact.ts";
import type { PathSet } from "../graph/cover.ts";

type Typed = Int32Array | Uint32Array | Uint8Array | Float64Array;

function share<T extends Typed>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** Shared zeroed bytes. */
export function sharedBytes(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(Math.max(1, n)));
}

/** The graph with its typed arrays in shared memory (posting it to a worker shares, not copies). */
export function shareGraph(g: CompactGraph): CompactGraph {
  return {
    ...g,
    fpHi: share(g.fpHi),
    fpLo: share(g.fpLo),
    enHi: share(g.enHi),
    enLo: share(g.enLo),
    action: share(g.action),
    ready: share(g.ready),
    offset: share(g.offset),
    initial: share(g.initial),
    objState: share(g.objState),
    from: share(g.from),
    to: share(g.to),
    outStart: share(g.outStart),
    actions: [...g.actions],
    objects: [...g.objects],
    stateNames: [...g.stateNames],
  };
}

export function sharePaths(p: PathSet): PathSet {
  return {
    ...p,
    start: share(p.start),
    offset: share(p.offset),
    edges: share(p.edges),
    treeEdge: share(p.treeEdge),
  };
}
