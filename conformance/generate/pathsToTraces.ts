// Turns paths through a spec state graph into traces: each step's action and parameters are read from the
// target state's lastAction, checked against the dot edge's bare action name; each state also records its
// graph node id and the spec's enabled actions (its successors), for the enabled-set comparison in replay.

import { ConformanceError } from "../errors.ts";
import type { StateGraph } from "../graph/graph.ts";
import { outEdges } from "../graph/graph.ts";
import type { GraphPath } from "../graph/edgeCover.ts";
import { actionOfState } from "../mapping/lastAction.ts";
import type { SpecAction, SpecState, Trace, TraceStepLine } from "../trace/format.ts";

export interface PathTraces {
  readonly traces: Trace[];
  readonly errors: ConformanceError[];
}

export function pathsToTraces(
  g: StateGraph<SpecState>,
  paths: readonly GraphPath[],
  idPrefix = "g",
  labelAgrees: (label: string, action: string) => boolean = (l, a) => l === a,
): PathTraces {
  const errors: ConformanceError[] = [];
  const out = outEdges(g);
  const edgeAction = new Map<number, SpecAction>();
  const actionOfEdge = (ei: number): SpecAction | undefined => {
    const cached = edgeAction.get(ei);
    if (cached) return cached;
    const e = g.edges[ei];
    if (!e) return undefined;
    const a = actionOfState(g.nodes.get(e.to) ?? {});
    if (typeof a === "string") {
      errors.push(new ConformanceError("TLC_FAILED", `edge ${e.from} -> ${e.to}: ${a}`));
      return undefined;
    }
    if (e.label !== "" && !labelAgrees(e.label, a.name)) {
      errors.push(
        new ConformanceError(
          "TLC_FAILED",
          `edge ${e.from} -> ${e.to}: dot label "${e.label}" disagrees with lastAction.name "${a.name}"`,
        ),
      );
      return undefined;
    }
    edgeAction.set(ei, a);
    return a;
  };
  const successors = (node: string): SpecAction[] =>
    (out.get(node) ?? []).flatMap((ei) => {
      const a = actionOfEdge(ei);
      return a ? [a] : [];
    });
  const traces: Trace[] = [];
  paths.forEach((p, i) => {
    const id = `${idPrefix}${i}`;
    const steps: TraceStepLine[] = [];
    const push = (node: string, action: SpecAction | null): void => {
      steps.push({
        trace: id,
        step: steps.length,
        action,
        state: g.nodes.get(node) ?? {},
        node,
        successors: successors(node),
      });
    };
    push(p.start, null);
    for (const ei of p.edges) {
      const a = actionOfEdge(ei);
      const e = g.edges[ei];
      if (!a || !e) return;
      push(e.to, a);
    }
    traces.push({ id, steps });
  });
  return { traces, errors };
}
