// The object state machine as the spec defines it: WaitStates, WorkStates and the remaining dead state of
// States; Events with Bit; WaitTable's entries in order; OobTarget; each work state's steps (its action, then
// the dispatcher pcs it sets) and the next states its Transit calls name.

import type { Machine, MachineOob, MachineState } from "../machine.ts";
import type { SpecProblem } from "./actions.ts";
import {
  caseArms,
  type Definition,
  definitionOf,
  type Expr,
  isBuiltin,
  type Lit,
  literalValues,
  recordFields,
  type SpecIndex,
  specWhere,
  stringSet,
  walk,
} from "./semantic.ts";

/** The string a CASE guard `x = "lit"` compares with. */
function guardLiteral(g: Expr): string | undefined {
  if (!isBuiltin(g, "=")) return undefined;
  const lit = g.args.find((a) => a.kind === "string");
  return lit?.kind === "string" ? lit.value : undefined;
}

/** The string literals assigned to a record field named `field` by EXCEPT anywhere in `e` (not through calls). */
function exceptAssignments(ix: SpecIndex, e: Expr | undefined, field: string): Lit[] {
  const out: Lit[] = [];
  for (const x of walk(e)) {
    if (!isBuiltin(x, "$Except")) continue;
    for (const pair of x.args.slice(1)) {
      if (!isBuiltin(pair, "$Pair")) continue;
      const [path, value] = pair.args;
      const last = path !== undefined && isBuiltin(path, "$Seq") ? path.args.at(-1) : undefined;
      // The value may be a literal or an IF over literals (a step that goes on one of two ways).
      if (last?.kind === "string" && last.value === field) out.push(...(literalValues(ix, value) ?? []));
    }
  }
  return out;
}

/** The targets of every `Transit(w, o, next)` in `e`. */
function transitTargets(ix: SpecIndex, e: Expr | undefined, problems: SpecProblem[]): Lit[] {
  const out: Lit[] = [];
  for (const x of walk(e)) {
    if (definitionOf(ix, x)?.name !== "Transit" || x.kind !== "appl") continue;
    const v = literalValues(ix, x.args[2]);
    if (v === undefined) problems.push({ where: specWhere(ix, x.loc), message: "Transit target is not a literal" });
    else out.push(...v);
  }
  return out;
}

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** The spec's machine, and what of it could not be read (each with its place). */
export function specMachine(ix: SpecIndex): { machine: Machine; problems: SpecProblem[] } {
  const problems: SpecProblem[] = [];
  const def = (name: string): Definition | undefined => {
    const d = ix.byName.get(name);
    if (d === undefined) problems.push({ where: specWhere(ix, undefined), message: `no definition ${name}` });
    return d;
  };
  const set = (name: string): Lit[] => {
    const d = def(name);
    const v = d === undefined ? undefined : stringSet(ix, d.body);
    if (d !== undefined && v === undefined) problems.push({ where: specWhere(ix, d.loc), message: `${name} is not a set of strings` });
    return v ?? [];
  };
  const waits = set("WaitStates");
  const works = set("WorkStates");
  const all = set("States");
  // WorkSteps lists each state's later steps in program order, which orders the steps found below.
  const workStepOrder = set("WorkSteps").map((l) => l.value);
  const workSteps = new Set(workStepOrder);

  const waitTable = def("WaitTable");
  const tableArms = caseArms(waitTable?.body) ?? [];
  const states: MachineState[] = [];
  for (const w of waits) {
    const arm = tableArms.find((a) => guardLiteral(a.guard) === w.value);
    const entries = arm !== undefined && isBuiltin(arm.value, "$Tuple") ? arm.value.args : [];
    if (arm === undefined) problems.push({ where: specWhere(ix, waitTable?.loc), message: `WaitTable has no entry for ${w.value}` });
    const transitions = entries.map((r) => {
      const f = recordFields(r) ?? [];
      const ev = f.find((x) => x.field === "ev")?.value;
      const to = f.find((x) => x.field === "to")?.value;
      return {
        events: (stringSet(ix, ev) ?? []).map((l) => l.value),
        to: to?.kind === "string" ? to.value : "?",
        where: specWhere(ix, r.loc),
      };
    });
    states.push({ name: w.value, kind: "wait", where: specWhere(ix, w.loc), steps: [], next: [], transitions });
  }
  for (const w of works) {
    const first = ix.byName.get(w.value);
    if (first === undefined) {
      problems.push({ where: specWhere(ix, w.loc), message: `work state ${w.value} has no action of its name` });
      continue;
    }
    // The state's steps: its action, then each dispatcher pc an earlier step sets that is a work step
    // but not a work state (a later step of the same state function).
    const steps = [w.value];
    for (let i = 0; i < steps.length; i++) {
      const body = ix.byName.get(steps[i] as string)?.body;
      for (const d of exceptAssignments(ix, body, "disp")) {
        if (workSteps.has(d.value) && !works.some((x) => x.value === d.value) && !steps.includes(d.value)) steps.push(d.value);
      }
    }
    const rank = (s: string): number => workStepOrder.indexOf(s);
    steps.splice(1, steps.length - 1, ...steps.slice(1).sort((a, b) => rank(a) - rank(b)));
    const next = uniq(steps.flatMap((s) => transitTargets(ix, ix.byName.get(s)?.body, problems).map((l) => l.value)));
    states.push({ name: w.value, kind: "work", where: specWhere(ix, first.loc), steps, next, transitions: [] });
  }
  for (const s of all) {
    if (!waits.some((x) => x.value === s.value) && !works.some((x) => x.value === s.value)) {
      states.push({ name: s.value, kind: "dead", where: specWhere(ix, s.loc), steps: [], next: [], transitions: [] });
    }
  }

  const bitDef = def("Bit");
  const bits = new Map((caseArms(bitDef?.body) ?? []).map((a) => [guardLiteral(a.guard), a.value.kind === "number" ? a.value.value : null]));
  const events = set("Events").map((e) => ({ name: e.value, bit: bits.get(e.value) ?? null, where: specWhere(ix, e.loc) }));

  // The events that trigger the OOB tables: the non-empty literal sets a record gives its `oob_mask`.
  const oobEvents = uniq(
    [...ix.byName.values()].flatMap((d) =>
      [...walk(d.body)].flatMap((x) =>
        (recordFields(x) ?? []).filter((f) => f.field === "oob_mask").flatMap((f) => (stringSet(ix, f.value) ?? []).map((l) => l.value)),
      ),
    ),
  );
  const oobDef = def("OobTarget");
  const oob: MachineOob[] = (caseArms(oobDef?.body) ?? []).map((a) => ({
    table: guardLiteral(a.guard) ?? "?",
    events: oobEvents,
    to: a.value.kind === "string" ? a.value.value : "?",
    where: specWhere(ix, a.value.loc),
  }));
  return { machine: { states, events, oob }, problems };
}
