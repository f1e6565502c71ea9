// The machine-readable result of a graph conformance run (`conform --model … --json`), and the merge of the
// results of a CI matrix's shards into the result one process would have given: the covered-edge and
// covered-node marks travel with each shard's result (gzipped bitmaps), with each edge's coverage class
// (action and object-state change), so the merge needs neither TLC nor the graph.

import { gunzipSync, gzipSync } from "node:zlib";
import { ConformanceError } from "./errors.ts";
import type { Json } from "./json.ts";
import type { GraphReplay, PreparedGraph, Shard } from "./graphRun.ts";
import type { PathFailure } from "./replay/pathReplay.ts";

export const RESULT_KIND = "fscache-graph-conformance";

export interface CoverageCount {
  covered: number;
  total: number;
}

export interface GraphResultJson {
  readonly kind: typeof RESULT_KIND;
  readonly version: 1;
  readonly model: string;
  readonly design: string;
  /** The implementation's design, when it differs from the traces' (mutant runs). */
  readonly implementation: string;
  readonly shard: Shard | null;
  readonly graph: { states: number; transitions: number; paths: number };
  readonly verdict: "CONFORMS" | "DIVERGES" | "INCOMPLETE";
  readonly paths: number;
  readonly steps: number;
  readonly coverage: {
    states: CoverageCount;
    transitions: CoverageCount;
    actions: Record<string, CoverageCount>;
    objectTransitions: Record<string, number>;
  };
  readonly failing: readonly { path: number; step: number; kind: PathFailure["kind"] }[];
  readonly failures: readonly Json[];
  readonly errors: readonly Json[];
  /** Coverage marks for merging shards: gzipped, base64. */
  readonly marks: { edges: string; nodes: string; classes: string; classNames: string[] };
  /** Figures that differ between runs and shards (not part of a result's identity). */
  readonly timing: {
    tlcMs: number;
    prepareMs: number;
    replayMs: number;
    compared: number;
    stepsPerSecond: number;
    workers: number;
    peakRssMB: number;
  };
}

const pack = (a: Uint8Array | Uint16Array): string =>
  gzipSync(Buffer.from(a.buffer, a.byteOffset, a.byteLength)).toString("base64");
const unpack = (s: string): Buffer => gunzipSync(Buffer.from(s, "base64"));

/** Each edge's coverage class: its action's name and the object-state changes it makes. */
function edgeClasses(prepared: PreparedGraph): { classes: Uint16Array; names: string[] } {
  const g = prepared.graph;
  const names: string[] = [];
  const index = new Map<string, number>();
  const classes = new Uint16Array(g.edges);
  const nObj = g.objects.length;
  for (let e = 0; e < g.edges; e++) {
    const from = g.from[e] as number;
    const to = g.to[e] as number;
    const changes: string[] = [];
    for (let i = 0; i < nObj; i++) {
      const s0 = g.objState[from * nObj + i] as number;
      const s1 = g.objState[to * nObj + i] as number;
      if (s0 !== s1) changes.push(`${g.stateNames[s0] ?? "?"}->${g.stateNames[s1] ?? "?"}`);
    }
    const key = [g.actions[g.action[to] as number]?.name ?? "?", ...changes].join("|");
    let c = index.get(key);
    if (c === undefined) {
      c = names.length;
      names.push(key);
      index.set(key, c);
    }
    classes[e] = c;
  }
  return { classes, names };
}

/** Coverage counted from the marks and the edge classes. */
function countCoverage(
  edges: Uint8Array,
  nodes: Uint8Array,
  classes: Uint16Array,
  names: readonly string[],
): GraphResultJson["coverage"] {
  const actions: Record<string, CoverageCount> = {};
  const objectTransitions: Record<string, number> = {};
  let covered = 0;
  for (let e = 0; e < classes.length; e++) {
    const [action, ...changes] = (names[classes[e] as number] ?? "?").split("|");
    const a = (actions[action as string] ??= { covered: 0, total: 0 });
    a.total++;
    if (!edges[e]) continue;
    a.covered++;
    covered++;
    for (const c of changes) objectTransitions[c] = (objectTransitions[c] ?? 0) + 1;
  }
  let states = 0;
  for (const n of nodes) if (n) states++;
  const sortedRecord = <T>(r: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    states: { covered: states, total: nodes.length },
    transitions: { covered, total: classes.length },
    actions: sortedRecord(actions),
    objectTransitions: sortedRecord(objectTransitions),
  };
}

function verdictOf(failing: number, errors: number): GraphResultJson["verdict"] {
  if (failing > 0) return "DIVERGES";
  return errors > 0 ? "INCOMPLETE" : "CONFORMS";
}

/** The JSON result of one run (one shard, or all paths). */
export function graphResultJson(
  prepared: PreparedGraph,
  r: GraphReplay,
  o: { shard?: Shard | undefined; implementation: string; workers: number; peakRssMB: number },
): GraphResultJson {
  const { classes, names } = edgeClasses(prepared);
  const errors = prepared.errors.map((e) => e.toJSON());
  return {
    kind: RESULT_KIND,
    version: 1,
    model: prepared.model.module,
    design: prepared.model.design,
    implementation: o.implementation,
    shard: o.shard ?? null,
    graph: { states: prepared.graph.nodes, transitions: prepared.graph.edges, paths: prepared.paths.count },
    verdict: verdictOf(r.failing.length, errors.length),
    paths: r.paths,
    steps: r.steps,
    coverage: countCoverage(r.coveredEdges, r.coveredNodes, classes, names),
    failing: r.failing.map((f) => ({ path: f.path, step: f.step, kind: f.kind })),
    failures: r.failures.map((f) => f.toJSON()),
    errors,
    marks: {
      edges: pack(r.coveredEdges),
      nodes: pack(r.coveredNodes),
      classes: pack(classes),
      classNames: names,
    },
    timing: {
      tlcMs: Math.round(prepared.tlcMs),
      prepareMs: Math.round(prepared.prepareMs),
      replayMs: Math.round(r.ms),
      compared: r.compared,
      stepsPerSecond: r.ms > 0 ? Math.round((r.steps * 1000) / r.ms) : 0,
      workers: o.workers,
      peakRssMB: o.peakRssMB,
    },
  };
}

/** The fields of a result that must be equal for the same graph and implementation, however it was split. */
export function resultIdentity(r: GraphResultJson): Json {
  const { timing: _timing, shard: _shard, marks, ...rest } = r;
  return { ...rest, marks: { classNames: marks.classNames } } as unknown as Json;
}

/**
 * Merges the results of the shards of one run (every shard of 0..count-1 exactly once) into the result a
 * single process gives. Throws ConformanceError naming the problem when they do not belong together.
 */
export function mergeResults(parts: readonly GraphResultJson[], maxReports = 20): GraphResultJson {
  const [first] = parts;
  if (!first) throw new ConformanceError("MODEL", "nothing to merge");
  const count = first.shard?.count ?? 1;
  const seen = new Set<number>();
  for (const p of parts) {
    const same =
      p.kind === RESULT_KIND &&
      p.model === first.model &&
      p.design === first.design &&
      p.implementation === first.implementation &&
      p.graph.states === first.graph.states &&
      p.graph.transitions === first.graph.transitions &&
      p.graph.paths === first.graph.paths &&
      p.marks.classes === first.marks.classes &&
      (p.shard?.count ?? 1) === count;
    if (!same)
      throw new ConformanceError(
        "MODEL",
        `shard results of different runs (${p.model}/${p.design} vs ${first.model}/${first.design})`,
      );
    const i = p.shard?.index ?? 0;
    if (seen.has(i)) throw new ConformanceError("MODEL", `shard ${i}/${count} given twice`);
    seen.add(i);
  }
  if (seen.size !== count)
    throw new ConformanceError("MODEL", `${count - seen.size} of ${count} shards missing`);
  const edges = new Uint8Array(first.graph.transitions);
  const nodes = new Uint8Array(first.graph.states);
  for (const p of parts) {
    unpack(p.marks.edges).forEach((v, i) => (edges[i] = (edges[i] as number) | v));
    unpack(p.marks.nodes).forEach((v, i) => (nodes[i] = (nodes[i] as number) | v));
  }
  const c = unpack(first.marks.classes);
  const classes = new Uint16Array(c.buffer, c.byteOffset, c.byteLength / 2);
  const failing = parts.flatMap((p) => p.failing).sort((a, b) => a.path - b.path);
  const failures = parts
    .flatMap((p) => p.failures)
    .sort((a, b) => pathOf(a) - pathOf(b))
    .slice(0, maxReports);
  const errors = first.errors;
  const sum = (f: (p: GraphResultJson) => number): number => parts.reduce((a, p) => a + f(p), 0);
  return {
    ...first,
    shard: null,
    verdict: verdictOf(failing.length, errors.length),
    paths: sum((p) => p.paths),
    steps: sum((p) => p.steps),
    coverage: countCoverage(edges, nodes, classes, first.marks.classNames),
    failing,
    failures,
    marks: { ...first.marks, edges: pack(edges), nodes: pack(nodes) },
    timing: {
      tlcMs: Math.max(...parts.map((p) => p.timing.tlcMs)),
      prepareMs: Math.max(...parts.map((p) => p.timing.prepareMs)),
      replayMs: Math.max(...parts.map((p) => p.timing.replayMs)),
      compared: sum((p) => p.timing.compared),
      stepsPerSecond: 0,
      workers: sum((p) => p.timing.workers),
      peakRssMB: Math.max(...parts.map((p) => p.timing.peakRssMB)),
    },
  };
}

function pathOf(f: Json): number {
  const id = typeof f === "object" && f !== null && !Array.isArray(f) ? f["trace"] : undefined;
  return typeof id === "string" ? Number(id.replace(/^g/, "")) : Number.MAX_SAFE_INTEGER;
}
