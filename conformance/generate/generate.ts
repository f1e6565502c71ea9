// Trace generation from the four sources: the full state graph (edge-covering paths), seeded random
// simulation, the model's own counterexample, and trap properties (one TLC run per model for all its goals). Every source yields
// a TraceSet in the one trace format; actions and parameters always come from the lastAction variable.

import { ConformanceError } from "../errors.ts";
import { canonical, type Json } from "../json.ts";
import { constantsModule } from "../mapping/model.ts";
import { dedupeEdges, outEdges, type StateGraph } from "../graph/graph.ts";
import { edgeCover } from "../graph/edgeCover.ts";
import { actionOfState } from "../mapping/lastAction.ts";
import type {
  SpecAction,
  SpecState,
  Trace,
  TraceHeader,
  TraceSet,
  TraceSource,
  TraceStepLine,
} from "../trace/format.ts";
import { actionGoals, graphDumpCfg, simulateCfg, trapCfg, trapModule, type TrapGoal } from "./cfg.ts";
import { workDir, type Model } from "./model.ts";
import { pathsToTraces } from "./pathsToTraces.ts";
import type { TlcPort } from "./port.ts";

export interface Generated {
  readonly set: TraceSet;
  readonly errors: ConformanceError[];
  /** Trap goals TLC showed unreachable under the model's bounds. */
  readonly unreachable?: string[];
}

/** The model's TLC time limit, as a ModelRun field. */
function timeout(model: Model): { timeoutMs?: number } {
  return model.timeoutMs === undefined ? {} : { timeoutMs: model.timeoutMs };
}

function header(model: Model, source: TraceSource, extra: Partial<TraceHeader> = {}): TraceHeader {
  return {
    format: "fscache-trace",
    version: 1,
    spec: "FSCache",
    model: model.module,
    design: model.design,
    source,
    generator: "conformance/generate",
    ...(model.constants ? { constants: model.constants } : {}),
    ...extra,
  };
}

/** Model totals of a graph: distinct states, distinct transitions, transitions per action. */
export function graphTotals(g: StateGraph<SpecState>): {
  states: number;
  transitions: number;
  actions: Record<string, number>;
} {
  const actions: Record<string, number> = {};
  for (const e of g.edges) {
    const a = actionOfState(g.nodes.get(e.to) ?? {});
    const name = typeof a === "string" ? e.label : a.name;
    actions[name] = (actions[name] ?? 0) + 1;
  }
  return { states: g.nodes.size, transitions: g.edges.length, actions };
}

/** Looks states up in a graph: node id and successors, for traces of other sources. */
export class GraphIndex {
  private readonly byState = new Map<string, string>();
  private readonly succ: Map<string, SpecAction[]>;

  constructor(readonly graph: StateGraph<SpecState>) {
    for (const [id, s] of graph.nodes) this.byState.set(canonical(s), id);
    const out = outEdges(graph);
    this.succ = new Map();
    for (const [id, eis] of out) {
      const acts: SpecAction[] = [];
      for (const ei of eis) {
        const e = graph.edges[ei];
        const a = e ? actionOfState(graph.nodes.get(e.to) ?? {}) : "no edge";
        if (typeof a !== "string") acts.push(a);
      }
      this.succ.set(id, acts);
    }
  }

  /** Adds node ids and successors to a trace whose states are all in the graph. */
  annotate(steps: TraceStepLine[]): TraceStepLine[] {
    return steps.map((s) => {
      const node = this.byState.get(canonical(s.state));
      return node === undefined ? s : { ...s, node, successors: this.succ.get(node) ?? [] };
    });
  }
}

/** Normalises a graph as dumped: repeated transitions dropped. */
export function normaliseGraph(g: StateGraph<SpecState>): StateGraph<SpecState> {
  return { initial: g.initial, nodes: g.nodes, edges: dedupeEdges(g.edges) };
}

/** Full state graph → edge-covering traces. */
export async function graphTraces(
  port: TlcPort,
  model: Model,
  labelAgrees?: (label: string, action: string) => boolean,
): Promise<Generated & { graph: StateGraph<SpecState> }> {
  const wd = workDir(model.specDir, model.modelDir);
  try {
    wd.write(`${model.module}.cfg`, graphDumpCfg(model.cfg));
    const graph = normaliseGraph(
      await port.dumpGraph({
        dir: wd.dir,
        module: model.module,
        cfg: `${model.module}.cfg`,
        ...timeout(model),
      }),
    );
    const cover = edgeCover(graph);
    const { traces, errors } = pathsToTraces(graph, cover.paths, "g", labelAgrees);
    if (cover.unreachable.length > 0) {
      errors.push(
        new ConformanceError(
          "TLC_FAILED",
          `${cover.unreachable.length} dumped edges are unreachable from the initial states`,
        ),
      );
    }
    const set: TraceSet = {
      header: header(model, "graph", { graph: graphTotals(graph), tlc: { fp: 0 } }),
      traces,
    };
    return { set, errors, graph };
  } finally {
    wd.dispose();
  }
}

/** The model with its constants evaluated by TLC (one short run), for trace headers. */
export async function withConstants(port: TlcPort, model: Model): Promise<Model> {
  const wd = workDir(model.specDir, model.modelDir);
  try {
    const mod = "ConfConstants";
    wd.write(`${mod}.tla`, constantsModule(mod, model.module));
    wd.write(`${mod}.cfg`, `${graphDumpCfg(model.cfg).trimEnd()}\nCONSTRAINT ConfStop\n`);
    const constants = (await port.printedConstants({
      dir: wd.dir,
      module: mod,
      cfg: `${mod}.cfg`,
      ...timeout(model),
    })) as Record<string, Json>;
    return { ...model, constants };
  } finally {
    wd.dispose();
  }
}

/** A behaviour (states in order) → a trace; actions from lastAction. */
export function statesToTrace(
  id: string,
  states: readonly SpecState[],
): { trace?: Trace; error?: ConformanceError } {
  const steps: TraceStepLine[] = [];
  for (let i = 0; i < states.length; i++) {
    const state = states[i] as SpecState;
    let action: SpecAction | null = null;
    if (i > 0) {
      const a = actionOfState(state);
      if (typeof a === "string")
        return { error: new ConformanceError("TLC_FAILED", `${id} state ${i + 1}: ${a}`) };
      action = a;
    }
    steps.push({ trace: id, step: i, action, state });
  }
  return { trace: { id, steps } };
}

/** Seeded random simulation traces. */
export async function simulationTraces(
  port: TlcPort,
  model: Model,
  opts: { num: number; depth: number; seed: number; index?: GraphIndex },
): Promise<Generated> {
  const wd = workDir(model.specDir, model.modelDir);
  try {
    wd.write(`${model.module}.cfg`, simulateCfg(model.cfg));
    const { behaviours, errors } = await port.simulate(
      { dir: wd.dir, module: model.module, cfg: `${model.module}.cfg`, ...timeout(model) },
      opts,
    );
    const traces: Trace[] = [];
    behaviours.forEach((b, i) => {
      const r = statesToTrace(`s${opts.seed}_${i}`, b);
      if (r.error) errors.push(r.error);
      if (r.trace)
        traces.push(opts.index ? { ...r.trace, steps: opts.index.annotate([...r.trace.steps]) } : r.trace);
    });
    const tlc = { seed: opts.seed, num: opts.num, depth: opts.depth };
    const extra: Partial<TraceHeader> = opts.index ? { tlc, graph: graphTotals(opts.index.graph) } : { tlc };
    return { set: { header: header(model, "simulate", extra), traces }, errors };
  } finally {
    wd.dispose();
  }
}

/** The model's own counterexample (e.g. the PRE_FIX oops), as one trace; none if the model passes. */
export async function counterexampleTraces(
  port: TlcPort,
  model: Model,
): Promise<Generated & { outcome: string }> {
  const wd = workDir(model.specDir, model.modelDir);
  try {
    wd.write(`${model.module}.cfg`, simulateCfg(model.cfg));
    const r = await port.check({
      dir: wd.dir,
      module: model.module,
      cfg: `${model.module}.cfg`,
      ...timeout(model),
    });
    const errors: ConformanceError[] = [];
    const traces: Trace[] = [];
    if (r.failure) errors.push(new ConformanceError("TLC_FAILED", r.failure));
    if (r.trace) {
      const t = statesToTrace("cex", r.trace);
      if (t.error) errors.push(t.error);
      if (t.trace) traces.push(t.trace);
    }
    const outcome = r.ok ? "no violation" : (r.violation ?? "violation");
    return {
      set: { header: header(model, "counterexample", { tlc: { violation: outcome } }), traces },
      errors,
      outcome,
    };
  } finally {
    wd.dispose();
  }
}

/**
 * The trap runs of `goals`, one TLC run for all of them: a shortest behaviour reaching each goal, or the goal
 * reported unreachable (only when the run completed).
 */
export async function trapTraces(
  port: TlcPort,
  model: Model,
  goals: readonly TrapGoal[],
  onGoal?: () => void,
): Promise<Generated> {
  const errors: ConformanceError[] = [];
  const traces: Trace[] = [];
  const unreachable: string[] = [];
  const set = (m: Model): TraceSet => ({
    header: header(m, "trap", { tlc: { goals: goals.map((g) => g.id), unreachable } }),
    traces,
  });
  if (goals.length === 0) return { set: set(model), errors, unreachable };
  const wd = workDir(model.specDir, model.modelDir);
  try {
    // One run for all goals (cfg.ts trapModule): each goal's trace is the one a run of its own would find.
    const mod = `Trap_${model.module}`;
    // A model whose constants are not known yet prints them in this run (no run of withConstants first).
    wd.write(`${mod}.tla`, trapModule(mod, model.module, goals, model.constants === undefined));
    wd.write(`${mod}.cfg`, trapCfg(model.cfg));
    const r = await port.reachGoals({ dir: wd.dir, module: mod, cfg: `${mod}.cfg`, ...timeout(model) });
    const known =
      model.constants === undefined && r.constants !== undefined
        ? { ...model, constants: r.constants as Record<string, Json> }
        : model;
    if (r.failure) errors.push(new ConformanceError("TLC_FAILED", `trap ${mod}: ${r.failure}`));
    goals.forEach((g, i) => {
      onGoal?.();
      const states = r.reached.get(i + 1);
      if (states === undefined) {
        // A failed run proves nothing unreachable.
        if (!r.failure) unreachable.push(g.id);
        return;
      }
      const t = statesToTrace(`trap_${g.id}`, states);
      if (t.error) errors.push(t.error);
      if (t.trace) traces.push(t.trace);
    });
    return { set: set(known), errors, unreachable };
  } finally {
    wd.dispose();
  }
}

export { actionGoals };
