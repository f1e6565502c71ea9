// Everything the review reads from the spec, from one SANY parse: actions, the object machine, variables and
// their fields, what each action writes and each checked property reads, and what could not be read.

import { join } from "node:path";
import type { Machine } from "../machine.ts";
import { type SpecAction, specActions, type SpecProblem, workStepNames } from "./actions.ts";
import { changedVariables, readsOf, writesOf } from "./effects.ts";
import { specMachine } from "./machine.ts";
import { type CheckedProperty, checkedProperties } from "./properties.ts";
import { type SpecVariable, specVariables } from "./records.ts";
import { sanyXml } from "./sany-xml.ts";
import { indexSpec, type SpecIndex, specWhere } from "./semantic.ts";

export const SPEC_FILE = "spec/FSCache.tla";

export interface SpecModel {
  readonly ix: SpecIndex;
  readonly actions: readonly SpecAction[];
  /** Actions that change nothing but lastAction (Terminated): no implementation step implements them. */
  readonly stutters: ReadonlySet<string>;
  readonly workSteps: readonly string[];
  readonly machine: Machine;
  readonly variables: readonly SpecVariable[];
  readonly properties: readonly CheckedProperty[];
  /** action → `var.field` it may write (lastAction excluded). */
  readonly writes: ReadonlyMap<string, ReadonlySet<string>>;
  /** property → `var.field` it reads. */
  readonly reads: ReadonlyMap<string, ReadonlySet<string>>;
  readonly problems: readonly SpecProblem[];
}

/** Parses `spec/FSCache.tla` under `root` with SANY and reads the model out of it. */
export async function loadSpec(root: string): Promise<SpecModel> {
  const ix = indexSpec(await sanyXml(join(root, SPEC_FILE)), SPEC_FILE);
  const { actions, problems } = specActions(ix);
  const m = specMachine(ix);
  const workSteps = workStepNames(ix) ?? [];
  const all = [...problems, ...m.problems];
  for (const w of workSteps) {
    if (!actions.some((a) => a.name === w)) {
      all.push({ where: specWhere(ix, ix.byName.get("WorkSteps")?.loc), message: `work step ${w} is not an action of Next` });
    }
  }
  const writes = new Map<string, Set<string>>();
  const stutters = new Set<string>();
  for (const a of actions) {
    const w = new Set([...writesOf(ix, a.definition)].filter((x) => !x.startsWith("lastAction.")));
    writes.set(a.name, w);
    if ([...changedVariables(ix, a.definition)].every((v) => v === "lastAction")) stutters.add(a.name);
  }
  const properties = checkedProperties(root, ix);
  const reads = new Map(properties.map((p) => [p.name, readsOf(ix, ix.byName.get(p.name) as NonNullable<ReturnType<typeof ix.byName.get>>)]));
  return {
    ix,
    actions,
    stutters,
    workSteps,
    machine: m.machine,
    variables: specVariables(ix),
    properties,
    writes,
    reads,
    problems: all,
  };
}
