// A spec state graph held compactly, for graphs of millions of transitions: typed arrays per node (the
// fingerprint of its projected state, of its enabled set, the action that leads to it, its object states,
// where its line is in the dump) and per edge (from, to), with out-edges in CSR form. The states themselves
// stay in TLC's dump file; a failure report re-reads the one it needs.

import type { SpecAction } from "../trace/format.ts";
import { GrowInt32 } from "./grow.ts";

/** The compact graph. Node and edge ids are dense indices. */
export interface CompactGraph {
  readonly nodes: number;
  readonly edges: number;
  /** Fingerprint of each node's projected state. */
  readonly fpHi: Uint32Array;
  readonly fpLo: Uint32Array;
  /** Fingerprint of each node's enabled set (the keys of its successors' actions). */
  readonly enHi: Uint32Array;
  readonly enLo: Uint32Array;
  /** The action leading to each node (its lastAction), an index into `actions`. */
  readonly action: Int32Array;
  /** Per node, bit i set: thread i (sorted) is between calls, so its next call is not compared. */
  readonly ready: Int32Array;
  /** Byte offset of each node's line in `file`. */
  readonly offset: Float64Array;
  readonly initial: Int32Array;
  /** Per node, for each object (in `objects` order), the index of its state name in `stateNames`. */
  readonly objState: Uint8Array;
  readonly objects: readonly string[];
  readonly stateNames: readonly string[];
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** Edges are sorted by source: the out-edges of node n are the edges outStart[n] .. outStart[n+1]-1. */
  readonly outStart: Int32Array;
  readonly actions: readonly SpecAction[];
  /** The dump the node lines live in. */
  readonly file: string;
}

/** What the builder needs to know of a node when its line is read. */
export interface NodeFacts {
  readonly fpHi: number;
  readonly fpLo: number;
  readonly action: number;
  readonly offset: number;
  readonly initial: boolean;
  /** Object state name indices, one per object. */
  readonly objStates: readonly number[];
  /** Bit i set: thread i (in sorted order) is between calls (pc "Ready") in this state. */
  readonly ready: number;
}

/** Exact 64-bit key of a TLC node id (a signed decimal fingerprint) as two 32-bit halves. */
function idHalves(id: string): [number, number] {
  let neg = false;
  let i = 0;
  if (id.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
  }
  let hi = 0;
  let lo = 0;
  for (; i < id.length; i++) {
    const d = id.charCodeAt(i) - 48;
    lo = lo * 10 + d;
    const carry = Math.floor(lo / 4294967296);
    lo -= carry * 4294967296;
    hi = hi * 10 + carry;
  }
  // |id| < 2^63, so hi < 2^31: the sign takes the top bit.
  return [neg ? (hi | 0x80000000) >>> 0 : hi >>> 0, lo >>> 0];
}

/** Open-addressing map from TLC node ids to dense indices. */
class IdTable {
  private keysHi = new Uint32Array(1 << 16);
  private keysLo = new Uint32Array(1 << 16);
  private vals = new Int32Array(1 << 16).fill(-1);
  size = 0;

  private slot(hi: number, lo: number): number {
    const mask = this.vals.length - 1;
    let s = (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 0) & mask;
    while (this.vals[s] !== -1 && (this.keysHi[s] !== hi || this.keysLo[s] !== lo)) s = (s + 1) & mask;
    return s;
  }

  /** The index of `id`, allocating the next one if new. */
  intern(id: string): { index: number; fresh: boolean } {
    if ((this.size + 1) * 2 > this.vals.length) this.grow();
    const [hi, lo] = idHalves(id);
    const s = this.slot(hi, lo);
    const v = this.vals[s] as number;
    if (v !== -1) return { index: v, fresh: false };
    this.keysHi[s] = hi;
    this.keysLo[s] = lo;
    this.vals[s] = this.size;
    return { index: this.size++, fresh: true };
  }

  private grow(): void {
    const { keysHi, keysLo, vals } = this;
    this.keysHi = new Uint32Array(vals.length * 2);
    this.keysLo = new Uint32Array(vals.length * 2);
    this.vals = new Int32Array(vals.length * 2).fill(-1);
    for (let i = 0; i < vals.length; i++) {
      if (vals[i] === -1) continue;
      const s = this.slot(keysHi[i] as number, keysLo[i] as number);
      this.keysHi[s] = keysHi[i] as number;
      this.keysLo[s] = keysLo[i] as number;
      this.vals[s] = vals[i] as number;
    }
  }
}

/** Builds a CompactGraph from node and edge lines in any order (TLC writes an edge before its target node). */
export class GraphBuilder {
  private readonly ids = new IdTable();
  private readonly fpHi = new GrowInt32();
  private readonly fpLo = new GrowInt32();
  private readonly action = new GrowInt32();
  private readonly ready = new GrowInt32();
  private readonly offset: number[] = [];
  private readonly known = new GrowInt32();
  private readonly objState = new GrowInt32();
  private readonly initial: number[] = [];
  private readonly from = new GrowInt32();
  private readonly to = new GrowInt32();

  constructor(
    private readonly objects: readonly string[],
    private readonly stateNames: readonly string[],
    private readonly actions: readonly SpecAction[],
    private readonly file: string,
  ) {}

  private index(id: string): number {
    const { index, fresh } = this.ids.intern(id);
    if (fresh) {
      this.fpHi.push(0);
      this.fpLo.push(0);
      this.action.push(-1);
      this.ready.push(0);
      this.offset.push(-1);
      this.known.push(0);
      for (let i = 0; i < this.objects.length; i++) this.objState.push(0);
    }
    return index;
  }

  /** A node line; returns false when the id was already defined (a duplicate node line). */
  node(id: string, facts: NodeFacts): boolean {
    const n = this.index(id);
    if (this.known.data[n]) return false;
    this.known.data[n] = 1;
    this.fpHi.data[n] = facts.fpHi | 0;
    this.fpLo.data[n] = facts.fpLo | 0;
    this.action.data[n] = facts.action;
    this.ready.data[n] = facts.ready;
    this.offset[n] = facts.offset;
    facts.objStates.forEach((s, i) => (this.objState.data[n * this.objects.length + i] = s));
    if (facts.initial) this.initial.push(n);
    return true;
  }

  /** An edge line; returns the index of its target node. */
  edge(fromId: string, toId: string): number {
    const t = this.index(toId);
    this.from.push(this.index(fromId));
    this.to.push(t);
    return t;
  }

  /** The action index of a defined node (-1 before its line is read). */
  actionOf(node: number): number {
    return this.action.data[node] as number;
  }

  /** Node ids referenced by an edge but never defined by a node line. */
  undefinedNodes(): number {
    let n = 0;
    for (let i = 0; i < this.ids.size; i++) if (!this.known.data[i]) n++;
    return n;
  }

  /**
   * The graph, with repeated transitions (TLC writes one each time it generates it) dropped, and the
   * enabled-set fingerprint of each node computed by `enabledOf` from its out-edges.
   */
  finish(
    enabledOf: (ready: number, targetActions: readonly number[]) => { hi: number; lo: number },
  ): CompactGraph {
    const nodes = this.ids.size;
    const rawFrom = this.from.data;
    const rawTo = this.to.data;
    // Counting sort of the raw edges by source, then per source by target, dropping repeats.
    const count = new Int32Array(nodes + 1);
    for (let i = 0; i < this.from.length; i++) {
      const f = (rawFrom[i] as number) + 1;
      count[f] = (count[f] as number) + 1;
    }
    for (let n = 0; n < nodes; n++) count[n + 1] = (count[n + 1] as number) + (count[n] as number);
    const order = new Int32Array(this.from.length);
    const fill = count.slice();
    for (let i = 0; i < this.from.length; i++) {
      const f = rawFrom[i] as number;
      order[fill[f] as number] = rawTo[i] as number;
      fill[f] = (fill[f] as number) + 1;
    }
    const outStart = new Int32Array(nodes + 1);
    const to = new GrowInt32();
    const from = new GrowInt32();
    for (let n = 0; n < nodes; n++) {
      outStart[n] = to.length;
      const targets = Array.from(order.subarray(count[n], count[n + 1])).sort((a, b) => a - b);
      for (let j = 0; j < targets.length; j++) {
        if (j > 0 && targets[j] === targets[j - 1]) continue;
        from.push(n);
        to.push(targets[j] as number);
      }
    }
    outStart[nodes] = to.length;
    const edges = to.length;
    const enHi = new Uint32Array(nodes);
    const enLo = new Uint32Array(nodes);
    const toArr = to.trimmed();
    for (let n = 0; n < nodes; n++) {
      const targets = toArr.subarray(outStart[n], outStart[n + 1]);
      const f = enabledOf(
        this.ready.data[n] as number,
        Array.from(targets, (t) => this.action.data[t] as number),
      );
      enHi[n] = f.hi;
      enLo[n] = f.lo;
    }
    return {
      nodes,
      edges,
      fpHi: new Uint32Array(this.fpHi.trimmed().buffer),
      fpLo: new Uint32Array(this.fpLo.trimmed().buffer),
      enHi,
      enLo,
      action: this.action.trimmed(),
      ready: this.ready.trimmed(),
      offset: Float64Array.from(this.offset),
      initial: Int32Array.from(this.initial),
      objState: Uint8Array.from(this.objState.trimmed()),
      objects: this.objects,
      stateNames: this.stateNames,
      from: from.trimmed(),
      to: toArr,
      outStart,
      actions: this.actions,
      file: this.file,
    };
  }
}
