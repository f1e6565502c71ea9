// The spec's successors of the cached sample's states, for the replay's enabled-set comparison.
//
// Graph traces carry, on every line, the actions the spec can take from that state, and the replay compares
// them with the implementation's enabled steps (replay/lockstep.ts). The sampled simulations did not: TLC's
// simulator prints behaviours, not the alternatives at each state, so a mutant that lets a thread run where
// the spec's thread waits (a wait condition weakened) went unseen as long as the trace never asked the thread
// to move. One TLC run per file gives them: its initial states are the file's states, written back as TLA+
// literals (generate/tlaValue.ts), and a flag variable lets Next fire once from them, so that the dumped
// graph (`-dump dot`) is each state with its out-edges and nothing more. The successor's lastAction names
// the action, as everywhere else in the harness.

import { canonical, type Json } from "../json.ts";
import { ConformanceError } from "../errors.ts";
import { dropSections, graphDumpCfg } from "../generate/cfg.ts";
import { workDir, type Model } from "../generate/model.ts";
import type { TlcPort } from "../generate/port.ts";
import { stateLiteral } from "../generate/tlaValue.ts";
import { actionOfState } from "../mapping/lastAction.ts";
import {
  UNSCHEDULED_SUCCESSORS,
  type SpecAction,
  type SpecState,
  type TraceSet,
  type TraceStepLine,
} from "../trace/format.ts";

/** The flag variable of the expansion module: FALSE in the given states, TRUE after one step. */
const FLAG = "xStepped";

/** The cfg of the expansion: the model's constants, the module's own Init and Next, no checks. */
export function expansionCfg(cfg: string): string {
  const rest = dropSections(graphDumpCfg(cfg), [
    "SPECIFICATION",
    "INIT",
    "NEXT",
    "CONSTRAINT",
    "ACTION_CONSTRAINT",
  ]);
  return `${rest.trimEnd()}\nINIT XInit\nNEXT XNext\n`;
}

/** A module that extends `model` and starts from `states` (each a record of all the spec's variables). */
export function expansionModule(name: string, model: string, states: readonly SpecState[]): string {
  const first = states[0];
  if (!first) throw new ConformanceError("TLC_FAILED", "no states to expand");
  const vars = Object.keys(first).sort();
  return [
    `---- MODULE ${name} ----`,
    `EXTENDS ${model}`,
    `VARIABLE ${FLAG}`,
    `\\* The states of a trace file, whose successors the replay compares with the implementation's steps.`,
    `XStates == {`,
    states.map((s) => `  ${stateLiteral(s)}`).join(",\n"),
    `}`,
    `XInit == \\E s \\in XStates : ${vars.map((v) => `${v} = s.${v}`).join(" /\\ ")} /\\ ${FLAG} = FALSE`,
    `\\* One step of the spec from a given state; the successors are not expanded further.`,
    `XNext == ~${FLAG} /\\ Next /\\ ${FLAG}' = TRUE`,
    "====",
    "",
  ].join("\n");
}

/** Each given state's successors: the actions of its out-edges in the spec (canonical state text → actions). */
export async function expandStates(
  port: TlcPort,
  model: Model,
  states: readonly SpecState[],
): Promise<Map<string, SpecAction[]>> {
  const distinct = [...new Map(states.map((s) => [canonical(s), s])).values()];
  const wd = workDir(model.specDir, model.modelDir);
  try {
    const mod = "XExpand";
    wd.write(`${mod}.tla`, expansionModule(mod, model.module, distinct));
    wd.write(`${mod}.cfg`, expansionCfg(model.cfg));
    const g = await port.dumpGraph({
      dir: wd.dir,
      module: mod,
      cfg: `${mod}.cfg`,
      ...(model.timeoutMs === undefined ? {} : { timeoutMs: model.timeoutMs }),
    });
    const key = (id: string): string => {
      const s: Record<string, Json> = { ...(g.nodes.get(id) ?? {}) };
      delete s[FLAG];
      return canonical(s);
    };
    const out = new Map<string, SpecAction[]>();
    const initial = new Map(g.initial.map((id): [string, SpecAction[]] => [id, []]));
    for (const [id, acts] of initial) out.set(key(id), acts);
    for (const e of g.edges) {
      const from = initial.get(e.from);
      if (!from) continue;
      const a = actionOfState(g.nodes.get(e.to) ?? {});
      if (typeof a === "string") throw new ConformanceError("TLC_DUMP", `expansion of ${model.module}: ${a}`);
      from.push(a);
    }
    if (out.size !== distinct.length)
      throw new ConformanceError(
        "TLC_DUMP",
        `expansion of ${model.module}: ${distinct.length} states given, ${out.size} initial states dumped`,
      );
    return out;
  } finally {
    wd.dispose();
  }
}

/** The set with each line's successors from `succ` (a line whose state is not there is an error). */
export function withSuccessors(set: TraceSet, succ: ReadonlyMap<string, SpecAction[]>): TraceSet {
  const traces = set.traces.map((t) => ({
    ...t,
    steps: t.steps.map((line): TraceStepLine => {
      const successors = succ.get(canonical(line.state));
      if (!successors)
        throw new ConformanceError("TLC_DUMP", `trace ${t.id} step ${line.step}: state not expanded`);
      return { ...line, successors };
    }),
  }));
  return {
    header: { ...set.header, tlc: { ...(set.header.tlc ?? {}), successors: UNSCHEDULED_SUCCESSORS } },
    traces,
  };
}
