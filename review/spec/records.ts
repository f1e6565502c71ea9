// The spec's variables and the fields of their records, as `Init` builds them (through function
// constructors, EXCEPT and the record definitions it names): what the abstraction function must produce.

import {
  definitionOf,
  type Expr,
  isBuiltin,
  type Loc,
  recordFields,
  type SpecIndex,
  variableName,
} from "./semantic.ts";

export interface SpecField {
  readonly name: string;
  readonly loc: Loc | undefined;
}

export interface SpecVariable {
  readonly name: string;
  readonly loc: Loc | undefined;
  /** The record fields of the variable's values (of its range, for a function); empty for a scalar. */
  readonly fields: readonly SpecField[];
}

/** The record fields an initial value is built with, looking through `[x \in S |-> …]`, EXCEPT and names. */
function fieldsOf(ix: SpecIndex, e: Expr | undefined, depth = 0): SpecField[] {
  if (e === undefined || depth > 8) return [];
  const rec = recordFields(e);
  if (rec !== undefined) return rec.map((f) => ({ name: f.field, loc: f.loc }));
  if (isBuiltin(e, "$FcnConstructor", "$Except")) return fieldsOf(ix, e.args[0], depth + 1);
  if (e.kind === "let") return fieldsOf(ix, e.body, depth + 1);
  return fieldsOf(ix, definitionOf(ix, e)?.body, depth + 1);
}

/** `Init`'s conjuncts `v = value`, one per variable. */
function initValues(ix: SpecIndex): Map<string, Expr> {
  const out = new Map<string, Expr>();
  const visit = (e: Expr | undefined): void => {
    if (e === undefined) return;
    if (isBuiltin(e, "$ConjList", "\\land")) e.args.forEach(visit);
    else if (isBuiltin(e, "=") && e.args[0] !== undefined && e.args[1] !== undefined) {
      const v = variableName(ix, e.args[0]);
      if (v !== undefined) out.set(v, e.args[1]);
    }
  };
  visit(ix.byName.get("Init")?.body);
  return out;
}

/** Every variable with the record fields Init gives it. */
export function specVariables(ix: SpecIndex): SpecVariable[] {
  const init = initValues(ix);
  return ix.variables.map((v) => ({ name: v.name, loc: v.loc, fields: fieldsOf(ix, init.get(v.name)) }));
}
