// The spec's actions, read from its own parse: the leaves of `Next`'s disjunction (through the groups
// ThreadStep/ObjStep/OpStep, `\E` and `/\`), each with the name and parameters of the `lastAction'` record it
// sets (directly or through a helper such as Step(o, "INIT_OBJECT")), plus the dispatcher's work-step names.

import {
  type Definition,
  definitionOf,
  type Expr,
  isBuiltin,
  type Loc,
  recordFields,
  type SpecIndex,
  specWhere,
  stringSet,
  variableName,
} from "./semantic.ts";

/** One spec action: what `lastAction` calls it and the definition that implements it. */
export interface SpecAction {
  readonly name: string;
  /** The lastAction parameters besides `name`, e.g. ["t", "p"]. */
  readonly params: readonly string[];
  /** The disjunct group of Next that holds it (ThreadStep, ObjStep, OpStep or Next itself). */
  readonly group: string;
  readonly definition: Definition;
  readonly loc: Loc | undefined;
}

/** Something in the spec the mapping cannot read, with its place. */
export interface SpecProblem {
  readonly where: string;
  readonly message: string;
}

/** User definitions applied in disjunct position: under `\/`, possibly through `/\`, `\E` and LET. */
function disjuncts(ix: SpecIndex, e: Expr | undefined, inDisjunction: boolean, out: Expr[] = []): Expr[] {
  if (e === undefined) return out;
  if (isBuiltin(e, "$DisjList", "\\lor")) {
    for (const a of e.args) disjuncts(ix, a, true, out);
  } else if (isBuiltin(e, "$ConjList", "\\land", "$BoundedExists", "$UnboundedExists")) {
    for (const a of e.args) disjuncts(ix, a, inDisjunction, out);
  } else if (e.kind === "let") {
    disjuncts(ix, e.body, inDisjunction, out);
  } else if (inDisjunction && definitionOf(ix, e) !== undefined) {
    out.push(e);
  }
  return out;
}

type Bindings = ReadonlyMap<string, Expr>;

/** Resolves a formal parameter through the bindings of the applications that led here. */
function resolve(e: Expr, b: Bindings): Expr {
  return e.kind === "appl" && e.op.kind === "param" && b.has(e.op.uid) ? resolve(b.get(e.op.uid) as Expr, b) : e;
}

/** Every `lastAction' = [name |-> …, …]` reachable from `e`, with helper parameters bound to their arguments. */
function lastActionRecords(
  ix: SpecIndex,
  e: Expr | undefined,
  b: Bindings,
  depth: number,
  out: { name: Expr; params: string[] }[],
): void {
  if (e === undefined || depth > 8) return;
  if (isBuiltin(e, "=") && e.args[0] !== undefined && isBuiltin(e.args[0], "'")) {
    const target = e.args[0].args[0];
    const rec = e.args[1] === undefined ? undefined : recordFields(e.args[1]);
    if (target !== undefined && variableName(ix, target) === "lastAction" && rec !== undefined) {
      const name = rec.find((f) => f.field === "name");
      if (name !== undefined) {
        out.push({ name: resolve(name.value, b), params: rec.filter((f) => f.field !== "name").map((f) => f.field) });
      }
      return;
    }
  }
  if (e.kind === "appl") {
    const d = definitionOf(ix, e);
    if (d !== undefined) {
      const inner = new Map(b);
      d.params.forEach((p, i) => {
        const a = e.args[i];
        if (a !== undefined) inner.set(p, resolve(a, b));
      });
      lastActionRecords(ix, d.body, inner, depth + 1, out);
    }
    for (const a of e.args) lastActionRecords(ix, a, b, depth, out);
    for (const x of e.bound) lastActionRecords(ix, x.domain, b, depth, out);
  } else if (e.kind === "let") {
    lastActionRecords(ix, e.body, b, depth, out);
  }
}

/** The spec's actions in the order Next lists them, and what could not be read. */
export function specActions(ix: SpecIndex): { actions: SpecAction[]; problems: SpecProblem[] } {
  const actions: SpecAction[] = [];
  const problems: SpecProblem[] = [];
  const next = ix.byName.get("Next");
  if (next === undefined) return { actions, problems: [{ where: specWhere(ix, undefined), message: "no Next" }] };
  const visit = (app: Expr, group: string): void => {
    const d = definitionOf(ix, app) as Definition;
    const kids = disjuncts(ix, d.body, false);
    if (kids.length > 0) {
      for (const k of kids) visit(k, d.name);
      return;
    }
    const recs: { name: Expr; params: string[] }[] = [];
    const b = new Map<string, Expr>();
    if (app.kind === "appl") {
      d.params.forEach((p, i) => {
        const a = app.args[i];
        if (a !== undefined) b.set(p, a);
      });
    }
    lastActionRecords(ix, d.body, b, 0, recs);
    const names = [...new Set(recs.map((r) => (r.name.kind === "string" ? r.name.value : "?")))];
    const where = specWhere(ix, d.loc);
    if (names.length !== 1 || names[0] === "?") {
      problems.push({
        where,
        message: `disjunct ${d.name} of ${group} must set lastAction' = [name |-> "<literal>", …] exactly once by name (found ${names.length === 0 ? "none" : names.join(", ")})`,
      });
      return;
    }
    const name = names[0] as string;
    if (name !== d.name) {
      problems.push({ where, message: `disjunct ${d.name} of ${group} records lastAction name "${name}"` });
    }
    if (actions.some((a) => a.name === name)) return;
    const params = [...new Set(recs.flatMap((r) => r.params))];
    actions.push({ name, params, group, definition: d, loc: d.loc });
  };
  for (const k of disjuncts(ix, next.body, true)) visit(k, "Next");
  return { actions, problems };
}

/** The dispatcher's work-step names (`WorkSteps`): every one must be an action too. */
export function workStepNames(ix: SpecIndex): string[] | undefined {
  return stringSet(ix, ix.byName.get("WorkSteps")?.body)?.map((l) => l.value);
}
