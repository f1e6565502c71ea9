// Conformance over a model's whole state graph, streamed: TLC dumps the graph while the harness reads it
// (graph/follow.ts, graph/load.ts: every spec state parsed, projected and fingerprinted once), the graph's
// edges are covered by paths (graph/cover.ts), and the paths are replayed against the implementation, in
// this thread or in worker threads (parallel/), or one shard of them for a CI matrix. Nothing is written
// but the failing paths, as traces that one command replays.

import { join } from "node:path";
import { runTlc } from "../src/tla/index.ts";
import {
  formatError,
  type ConformanceError,
  ConformanceError as CE,
  type StateMismatchError,
} from "./errors.ts";
import { graphDumpCfg } from "./generate/cfg.ts";
import { withConstants } from "./generate/generate.ts";
import { type Model, workDir, type WorkDir } from "./generate/model.ts";
import { tlcPort } from "./generate/tlcPort.ts";
import type { CompactGraph } from "./graph/compact.ts";
import { coverPaths, type PathSet } from "./graph/cover.ts";
import { followLines } from "./graph/follow.ts";
import { loadGraph } from "./graph/load.ts";
import { asConstants } from "./mapping/model.ts";
import { shapeOf, type Shape } from "./mapping/abstraction.ts";
import { divergence, pathTrace } from "./replay/divergence.ts";
import {
  rawMatches,
  replayPath,
  type PathFailure,
  type PathOutcome,
  type PathReplayContext,
} from "./replay/pathReplay.ts";
import type { ReplayAdapter } from "./replay/target.ts";
import type { Progress } from "./report/progress.ts";
import type { TraceHeader } from "./trace/format.ts";
import { writeTraceSet } from "./trace/writer.ts";

/** A model's state graph, loaded and covered, ready to be replayed (by several implementations: mutants). */
export interface PreparedGraph {
  readonly model: Model;
  readonly header: TraceHeader;
  readonly shape: Shape;
  readonly graph: CompactGraph;
  readonly paths: PathSet;
  readonly errors: ConformanceError[];
  /** TLC's wall time to explore and dump the graph (the reading overlaps it). */
  readonly tlcMs: number;
  /** From TLC's start to the graph read and covered. */
  readonly prepareMs: number;
  /** Removes the dump and its working directory. */
  dispose(): void;
}

export interface PrepareOptions {
  readonly timeoutMs?: number;
}

/** Runs TLC on the model, dumping its full state graph, and builds the compact graph and its cover. */
export async function prepareGraph(model: Model, options: PrepareOptions = {}): Promise<PreparedGraph> {
  const t0 = performance.now();
  const withK = await withConstants(tlcPort, model);
  const k = asConstants(withK.constants);
  const shape = shapeOf(k);
  const wd: WorkDir = workDir(model.specDir, model.modelDir);
  try {
    wd.write(`${model.module}.cfg`, graphDumpCfg(model.cfg));
    const dot = join(wd.dir, "graph.dot");
    wd.write("graph.dot", "");
    const tStart = performance.now();
    let tlcMs = 0;
    const tlc = runTlc({
      spec: `${model.module}.tla`,
      config: `${model.module}.cfg`,
      cwd: wd.dir,
      dump: { dot },
      extraArgs: ["-deadlock"],
      timeoutMs: options.timeoutMs ?? 30 * 60_000,
    }).then((r) => {
      tlcMs = performance.now() - tStart;
      return r;
    });
    const loaded = await loadGraph(followLines(dot, { done: tlc }), shape, dot);
    const run = await tlc;
    if (run.outcome !== "success") {
      const first = run.errors[0]?.message.split("\n")[0] ?? "";
      throw new CE(
        "TLC_FAILED",
        `graph dump of ${model.module}: TLC ended with ${run.outcome}${first ? `: ${first}` : ""}`,
      );
    }
    const paths = coverPaths(loaded.graph);
    const errors = [...loaded.errors];
    if (paths.unreachable > 0)
      errors.push(
        new CE("TLC_FAILED", `${paths.unreachable} dumped edges are unreachable from the initial states`),
      );
    const header: TraceHeader = {
      format: "fscache-trace",
      version: 1,
      spec: "FSCache",
      model: model.module,
      design: model.design,
      source: "graph",
      generator: "conformance/graphRun",
      constants: withK.constants ?? {},
      graph: {
        states: loaded.graph.nodes,
        transitions: loaded.graph.edges,
        actions: actionTotals(loaded.graph),
      },
      tlc: { fp: 0 },
    };
    return {
      model: withK,
      header,
      shape,
      graph: loaded.graph,
      paths,
      errors,
      tlcMs,
      prepareMs: performance.now() - t0,
      dispose: () => wd.dispose(),
    };
  } catch (e) {
    wd.dispose();
    throw e;
  }
}

/** Transitions per action (by the target node's action). */
export function actionTotals(g: CompactGraph): Record<string, number> {
  const out: Record<string, number> = {};
  for (let e = 0; e < g.edges; e++) {
    const name = g.actions[g.action[g.to[e] as number] as number]?.name ?? "?";
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

/** Which paths a run replays: all, or one shard of a CI matrix (path i belongs to shard i mod count). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface ReplayOptions {
  /** Replay in this many worker threads (default 1: in this thread). */
  readonly workers?: number;
  readonly shard?: Shard;
  /** Compare every step, also on BFS-tree prefixes already shown equal (default false). */
  readonly compareAll?: boolean;
  readonly checkEnabled?: boolean;
  /** Stop at the first failing path (mutant runs). */
  readonly stopAtFirstFailure?: boolean;
  /** Failing paths reported in full (default 20; every failing path is counted). */
  readonly maxReports?: number;
  /** Where failing paths are written as a trace file (default: not written). */
  readonly failuresFile?: string;
  /** The command that replays a trace of the failures file. */
  readonly replayCommand: (file: string, traceId: string) => string;
  readonly progress?: Progress;
}

/** What a graph replay found: counts, coverage marks, failures. Shards of one graph merge into one. */
export interface GraphReplay {
  readonly paths: number;
  readonly steps: number;
  readonly compared: number;
  readonly ms: number;
  readonly coveredEdges: Uint8Array;
  readonly coveredNodes: Uint8Array;
  /** Every failing path, in path order. */
  readonly failing: readonly PathFailure[];
  /** Full reports of the first failing paths. */
  readonly failures: readonly StateMismatchError[];
}

/** The shard a path belongs to. */
export function inShard(p: number, shard: Shard | undefined): boolean {
  return shard === undefined || p % shard.count === shard.index;
}

/** The paths of a run, in order. */
export function selectedPaths(prepared: PreparedGraph, shard: Shard | undefined): number[] {
  const out: number[] = [];
  for (let p = 0; p < prepared.paths.count; p++) if (inShard(p, shard)) out.push(p);
  return out;
}

/** Replays the graph's paths against the implementation the adapter drives, in this thread. */
export async function replayGraphHere(
  prepared: PreparedGraph,
  adapter: ReplayAdapter,
  options: ReplayOptions,
): Promise<GraphReplay> {
  const t0 = performance.now();
  const { graph, paths } = prepared;
  const ctx: PathReplayContext = {
    graph,
    paths,
    adapter,
    header: prepared.header,
    coveredEdges: new Uint8Array(graph.edges),
    coveredNodes: new Uint8Array(graph.nodes),
    treeVerified: new Uint8Array(graph.nodes),
    compareAll: options.compareAll ?? false,
    checkEnabled: options.checkEnabled ?? true,
    threads: prepared.shape.threads,
    raw: rawMatches(graph.nodes),
  };
  const selected = selectedPaths(prepared, options.shard);
  options.progress?.start(selected.length, "replay");
  const outcomes: PathOutcome[] = [];
  for (const p of selected) {
    const o = await replayPath(ctx, p);
    outcomes.push(o);
    options.progress?.tick();
    if (o.failure && options.stopAtFirstFailure) break;
  }
  options.progress?.stop();
  return finishReplay(
    prepared,
    adapter,
    ctx.coveredEdges,
    ctx.coveredNodes,
    outcomes,
    performance.now() - t0,
    options,
  );
}

/** Sums outcomes and turns the first failures into full reports (and the failures file). */
export async function finishReplay(
  prepared: PreparedGraph,
  adapter: ReplayAdapter,
  coveredEdges: Uint8Array,
  coveredNodes: Uint8Array,
  outcomes: readonly PathOutcome[],
  ms: number,
  options: ReplayOptions,
): Promise<GraphReplay> {
  const failing = outcomes.flatMap((o) => (o.failure ? [o.failure] : [])).sort((a, b) => a.path - b.path);
  const reported = failing.slice(0, options.maxReports ?? 20);
  const file = options.failuresFile;
  const traces = [];
  const failures: StateMismatchError[] = [];
  for (const f of reported) {
    const id = `g${f.path}`;
    const replay = file ? options.replayCommand(file, id) : `(run with --out to write the failing paths)`;
    failures.push(
      await divergence(prepared.graph, prepared.paths, adapter, prepared.shape.threads, f, id, replay),
    );
    if (file) traces.push(await pathTrace(prepared.graph, prepared.paths, f.path, f.step, id));
  }
  if (file && traces.length > 0) writeTraceSet(file, { header: prepared.header, traces });
  return {
    paths: outcomes.length,
    steps: outcomes.reduce((a, o) => a + o.steps, 0),
    compared: outcomes.reduce((a, o) => a + o.compared, 0),
    ms,
    coveredEdges,
    coveredNodes,
    failing,
    failures,
  };
}

/** Transitions covered per action, and object-state changes replayed ("FROM->TO" → covered transitions). */
export function coverageOf(
  prepared: PreparedGraph,
  r: Pick<GraphReplay, "coveredEdges" | "coveredNodes">,
): {
  states: { covered: number; total: number };
  transitions: { covered: number; total: number };
  actions: Record<string, { covered: number; total: number }>;
  objectTransitions: Record<string, number>;
} {
  const g = prepared.graph;
  const actions: Record<string, { covered: number; total: number }> = {};
  const objectTransitions: Record<string, number> = {};
  const nObj = g.objects.length;
  let edges = 0;
  let states = 0;
  for (let n = 0; n < g.nodes; n++) if (r.coveredNodes[n]) states++;
  for (let e = 0; e < g.edges; e++) {
    const to = g.to[e] as number;
    const name = g.actions[g.action[to] as number]?.name ?? "?";
    const a = (actions[name] ??= { covered: 0, total: 0 });
    a.total++;
    if (!r.coveredEdges[e]) continue;
    a.covered++;
    edges++;
    const from = g.from[e] as number;
    for (let i = 0; i < nObj; i++) {
      const s0 = g.objState[from * nObj + i] as number;
      const s1 = g.objState[to * nObj + i] as number;
      if (s0 === s1) continue;
      const k = `${g.stateNames[s0] ?? "?"}->${g.stateNames[s1] ?? "?"}`;
      objectTransitions[k] = (objectTransitions[k] ?? 0) + 1;
    }
  }
  return {
    states: { covered: states, total: g.nodes },
    transitions: { covered: edges, total: g.edges },
    actions,
    objectTransitions,
  };
}

/** The verdict of a graph run. */
export function graphVerdict(r: Pick<GraphReplay, "failing">, errors: readonly ConformanceError[]): string {
  if (r.failing.length > 0) return "DIVERGES";
  return errors.length > 0 ? "INCOMPLETE" : "CONFORMS";
}

export { formatError };
