// The slow path of graph replay: a failing path becomes the same StateMismatchError lockstep replay gives for
// a trace (first differing variable, every differing field, the enabled sets, the replay command), built
// from the spec states re-read from TLC's dump. The failing path is also written as a trace, so that one
// command replays it alone.

import { lineAt } from "../graph/follow.ts";
import { nodeLineState } from "../graph/load.ts";
import type { CompactGraph } from "../graph/compact.ts";
import type { PathSet } from "../graph/cover.ts";
import { ConformanceError, type StateMismatchError } from "../errors.ts";
import type { Json } from "../json.ts";
import { enabledKeyWith } from "../mapping/actions.ts";
import { formatAction } from "../mapping/lastAction.ts";
import type { SpecAction, SpecState, Trace, TraceStepLine } from "../trace/format.ts";
import { enabledMismatch, implError, noMatchingStep } from "./divergences.ts";
import { encodingError, mismatch } from "./lockstep.ts";
import { pathNode, type PathFailure } from "./pathReplay.ts";
import type { ReplayAdapter } from "./target.ts";

/** The spec state of a node, re-read from the dump. */
export async function nodeState(g: CompactGraph, node: number): Promise<SpecState> {
  const s = nodeLineState(await lineAt(g.file, g.offset[node] as number), g.file);
  if (s instanceof ConformanceError) throw s;
  return s;
}

/** The spec's enabled keys at a node (its successors' actions, keyed as the replay compares them). */
export function specEnabledKeys(g: CompactGraph, node: number, threads: readonly string[]): string[] {
  const ready = g.ready[node] as number;
  const isReady = (t: string): boolean => {
    const i = threads.indexOf(t);
    return i >= 0 && (ready & (1 << i)) !== 0;
  };
  const out = new Set<string>();
  for (let e = g.outStart[node] as number; e < (g.outStart[node + 1] as number); e++) {
    const k = enabledKeyWith(g.actions[g.action[g.to[e] as number] as number] as SpecAction, isReady);
    if (k !== null) out.add(k);
  }
  return [...out].sort();
}

/** Path p up to index `upto` as a trace (states re-read from the dump), with node ids and successors. */
export async function pathTrace(
  g: CompactGraph,
  paths: PathSet,
  p: number,
  upto: number,
  id: string,
): Promise<Trace> {
  const steps: TraceStepLine[] = [];
  for (let i = 0; i <= upto; i++) {
    const node = pathNode(g, paths, p, i);
    const successors: SpecAction[] = [];
    for (let e = g.outStart[node] as number; e < (g.outStart[node + 1] as number); e++) {
      successors.push(g.actions[g.action[g.to[e] as number] as number] as SpecAction);
    }
    steps.push({
      trace: id,
      step: i,
      action: i === 0 ? null : (g.actions[g.action[node] as number] as SpecAction),
      state: await nodeState(g, node),
      node: String(node),
      successors,
    });
  }
  return { id, steps };
}

/** The StateMismatchError for a path failure. */
export async function divergence(
  g: CompactGraph,
  paths: PathSet,
  adapter: ReplayAdapter,
  threads: readonly string[],
  f: PathFailure,
  id: string,
  replay: string,
): Promise<StateMismatchError> {
  const node = pathNode(g, paths, f.path, f.step);
  const action =
    f.step === 0 ? "(initial state)" : formatAction(g.actions[g.action[node] as number] as SpecAction);
  const trace: Trace = { id, steps: [] };
  if (f.kind === "IMPL_ERROR") return implError(id, f.step, action, f.message ?? "unknown error", replay);
  if (f.kind === "NO_MATCHING_STEP") return noMatchingStep(id, f.step, action, f.enabled, replay);
  if (f.kind === "ENABLED_MISMATCH") {
    const e = enabledMismatch(id, f.step, action, specEnabledKeys(g, node, threads), f.enabled, replay);
    if (e) return e;
  }
  const expected = await nodeState(g, node);
  return (
    mismatch(adapter, trace, f.step, action, expected, f.actual as Record<string, Json>, replay) ??
    encodingError(trace, f.step, action, replay)
  );
}
