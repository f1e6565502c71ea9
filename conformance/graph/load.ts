// Builds a CompactGraph from the lines of TLC's `-dump dot,actionlabels` file as they are read: each node's
// state is parsed once, projected by the abstraction function and fingerprinted, its action (lastAction)
// interned; edges are collected; the enabled set of each node is fingerprinted once all edges are known.
// Everything that depends only on a spec state is computed here, once per distinct state.

import { parseDotLine, toJson, type TlaState } from "../../src/tla/index.ts";
import { ConformanceError } from "../errors.ts";
import { projectSpec, stateText, type Shape } from "../mapping/abstraction.ts";
import { enabledKeyWith, enabledText, labelAgrees } from "../mapping/actions.ts";
import { fingerprintText } from "../mapping/fingerprint.ts";
import { actionOfState, formatAction } from "../mapping/lastAction.ts";
import { isObject } from "../json.ts";
import type { SpecAction, SpecState } from "../trace/format.ts";
import { type CompactGraph, GraphBuilder } from "./compact.ts";
import type { OffsetLine } from "./follow.ts";

/** How many edges' dot labels are checked against their target's lastAction (a sanity check of the dump). */
const LABEL_CHECKS = 1_000_000;

/** A TLC state as spec-state JSON. */
function stateJson(st: TlaState): SpecState {
  const out: SpecState = {};
  for (const [k, v] of Object.entries(st)) out[k] = toJson(v);
  return out;
}

/** Reads the spec state on one node line of a dump (for failure reports). */
export function nodeLineState(text: string, file: string): SpecState | ConformanceError {
  const item = parseDotLine(text, { file, line: 1 });
  if (item.kind !== "node") {
    const why = item.kind === "error" ? `: expected ${item.error.expected}, found ${item.error.found}` : "";
    return new ConformanceError("TLC_DUMP", `expected a node line of a TLC state graph${why}`, { file });
  }
  return stateJson(item.node.state);
}

export interface LoadedGraph {
  readonly graph: CompactGraph;
  readonly errors: ConformanceError[];
}

/** Interns strings into dense indices (the array is the table). */
function interner(table: string[]): (s: string) => number {
  const index = new Map(table.map((s, i) => [s, i]));
  return (s) => {
    let i = index.get(s);
    if (i === undefined) {
      i = table.length;
      table.push(s);
      index.set(s, i);
    }
    return i;
  };
}

/** Reads a dump's lines into a CompactGraph. Errors (malformed lines) are collected, never thrown. */
export async function loadGraph(
  lines: AsyncIterable<OffsetLine>,
  shape: Shape,
  file: string,
): Promise<LoadedGraph> {
  const errors: ConformanceError[] = [];
  const actions: SpecAction[] = [];
  const actionNames: string[] = [];
  const internAction = interner(actionNames);
  const stateNames: string[] = ["WAIT_FOR_INIT"];
  const internState = interner(stateNames);
  const builder = new GraphBuilder(shape.cookies, stateNames, actions, file);
  // Each edge's dot label, checked against its target's lastAction once every node is read.
  const labelNames: string[] = [];
  const internLabel = interner(labelNames);
  const edgeTarget: number[] = [];
  const edgeLabel: number[] = [];
  let lineNo = 0;
  for await (const { text: raw, offset } of lines) {
    lineNo++;
    const item = parseDotLine(raw, { file, line: lineNo });
    if (item.kind === "frame") continue;
    if (item.kind === "error") {
      const e = item.error;
      errors.push(
        new ConformanceError("TLC_DUMP", `expected ${e.expected}, found ${e.found} (column ${e.column})`, {
          file,
          line: lineNo,
        }),
      );
      continue;
    }
    if (item.kind === "edge") {
      const target = builder.edge(item.edge.from, item.edge.to);
      if (item.edge.action !== "" && edgeTarget.length < LABEL_CHECKS) {
        edgeTarget.push(target);
        edgeLabel.push(internLabel(item.edge.action));
      }
      continue;
    }
    const state = stateJson(item.node.state);
    const a = actionOfState(state);
    if (typeof a === "string") {
      errors.push(new ConformanceError("TLC_DUMP", a, { file, line: lineNo }));
      continue;
    }
    const name = formatAction(a);
    const ai = internAction(name);
    if (ai === actions.length) actions.push(a);
    const th = state["thread"];
    let ready = 0;
    shape.threads.forEach((tn, i) => {
      const r = isObject(th) ? th[tn] : undefined;
      if (isObject(r) && r["pc"] === "Ready") ready |= 1 << i;
    });
    const ob = state["object"];
    const objStates = shape.cookies.map((o) => {
      const r = isObject(ob) ? ob[o] : undefined;
      return internState(isObject(r) && typeof r["state"] === "string" ? r["state"] : "?");
    });
    const fp = fingerprintText(stateText(projectSpec(state)));
    const fresh = builder.node(item.node.id, {
      fpHi: fp.hi,
      fpLo: fp.lo,
      action: ai,
      offset,
      initial: item.node.initial,
      objStates,
      ready,
    });
    if (!fresh) {
      errors.push(
        new ConformanceError("TLC_DUMP", `node ${item.node.id} is defined twice`, { file, line: lineNo }),
      );
    }
  }
  if (stateNames.length > 255)
    errors.push(new ConformanceError("TLC_DUMP", "more than 255 object states", { file }));
  const missing = builder.undefinedNodes();
  if (missing > 0)
    errors.push(
      new ConformanceError("TLC_DUMP", `${missing} nodes are referenced by edges but never defined`, {
        file,
      }),
    );
  for (let i = 0; i < edgeTarget.length; i++) {
    const ai = builder.actionOf(edgeTarget[i] as number);
    const name = ai >= 0 ? (actions[ai] as SpecAction).name : undefined;
    const label = labelNames[edgeLabel[i] as number] as string;
    if (name !== undefined && !labelAgrees(label, name)) {
      errors.push(
        new ConformanceError("TLC_DUMP", `edge label "${label}" disagrees with lastAction.name "${name}"`, {
          file,
        }),
      );
      break;
    }
  }
  // Keys of an action, with and without its thread's call being the netfs program's choice.
  const keys = new Map<number, { key: string | null; thread: number }>();
  const keyOf = (ai: number): { key: string | null; thread: number } => {
    let k = keys.get(ai);
    if (!k) {
      const a = actions[ai] as SpecAction;
      const t = a.params["t"];
      k = {
        key: enabledKeyWith(a, () => false),
        thread: typeof t === "string" ? shape.threads.indexOf(t) : -1,
      };
      keys.set(ai, k);
    }
    return k;
  };
  const graph = builder.finish((ready, targetActions) => {
    const out: string[] = [];
    for (const ai of targetActions) {
      const k = keyOf(ai);
      if (k.key !== null && !(k.thread >= 0 && ready & (1 << k.thread))) out.push(k.key);
    }
    return fingerprintText(enabledText(out));
  });
  return { graph, errors };
}
