// What the abstraction function (conformance/mapping/abstraction.ts) produces: the spec variables its
// `abstractState` returns, the record fields `FIELDS` compares, and the spec-only variables and fields its
// `SPEC_ONLY` declares projected away; each with its place, for the mapping check.

import { Node, SyntaxKind } from "ts-morph";
import { type Sources, sourceFile, where } from "./project.ts";

export const ABSTRACTION = "conformance/mapping/abstraction.ts";

export interface Produced {
  readonly name: string;
  readonly where: string;
}

export interface AbstractionView {
  /** The variables `abstractState` returns. */
  readonly variables: readonly Produced[];
  /** FIELDS: variable → compared record fields. */
  readonly fields: ReadonlyMap<string, readonly Produced[]>;
  /** `file:line` of each variable's FIELDS entry. */
  readonly fieldsWhere: ReadonlyMap<string, string>;
  /** The header's list of what is projected away: `var.field` and whole variables. */
  readonly projectedAway: readonly string[];
  /** `file:line` of that list; undefined when the header has none. */
  readonly projectedWhere: string | undefined;
}

/** The string elements of an array literal, with their places. */
function strings(src: Sources, n: Node | undefined): Produced[] {
  let e = n;
  while (e !== undefined && Node.isAsExpression(e)) e = e.getExpression();
  if (e === undefined || !Node.isArrayLiteralExpression(e)) return [];
  return e
    .getElements()
    .flatMap((x) => (Node.isStringLiteral(x) ? [{ name: x.getLiteralText(), where: where(src, x) }] : []));
}

/** `SPEC_ONLY = { variables: [...], fields: { var: [...] } }`: whole variables and `var.field`s projected away. */
function specOnly(
  src: Sources,
  f: ReturnType<typeof sourceFile>,
): { names: string[]; where: string } | undefined {
  const decl = f.getVariableDeclaration("SPEC_ONLY");
  let init: Node | undefined = decl?.getInitializer();
  while (init !== undefined && Node.isAsExpression(init)) init = init.getExpression();
  if (decl === undefined || init === undefined || !Node.isObjectLiteralExpression(init)) return undefined;
  const names: string[] = [];
  for (const p of init.getProperties()) {
    if (!Node.isPropertyAssignment(p)) continue;
    const value = p.getInitializerOrThrow();
    if (p.getName() === "variables") names.push(...strings(src, value).map((x) => x.name));
    if (p.getName() === "fields" && Node.isObjectLiteralExpression(value)) {
      for (const q of value.getProperties()) {
        if (Node.isPropertyAssignment(q))
          names.push(...strings(src, q.getInitializerOrThrow()).map((x) => `${q.getName()}.${x.name}`));
      }
    }
  }
  return { names, where: where(src, decl) };
}

export function abstractionView(src: Sources, specVariables: readonly string[]): AbstractionView {
  const f = sourceFile(src, ABSTRACTION);
  const fields = new Map<string, Produced[]>();
  const fieldsWhere = new Map<string, string>();
  let init: Node | undefined = f.getVariableDeclarationOrThrow("FIELDS").getInitializer();
  while (init !== undefined && Node.isAsExpression(init)) init = init.getExpression();
  if (init !== undefined && Node.isObjectLiteralExpression(init)) {
    for (const p of init.getProperties()) {
      if (!Node.isPropertyAssignment(p)) continue;
      fieldsWhere.set(p.getName(), where(src, p));
      const arr = p.getInitializerOrThrow();
      const items = Node.isArrayLiteralExpression(arr) ? arr.getElements() : [];
      fields.set(
        p.getName(),
        items.flatMap((e) =>
          Node.isStringLiteral(e) ? [{ name: e.getLiteralText(), where: where(src, e) }] : [],
        ),
      );
    }
  }
  const fn = f.getFunctionOrThrow("abstractState");
  const ret = fn.getDescendantsOfKind(SyntaxKind.ReturnStatement).at(-1)?.getExpression();
  const variables: Produced[] =
    ret !== undefined && Node.isObjectLiteralExpression(ret)
      ? ret
          .getProperties()
          .flatMap((p) =>
            Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p)
              ? [{ name: p.getName(), where: where(src, p) }]
              : [],
          )
      : [];
  const only = specOnly(src, f);
  return {
    variables,
    fields,
    fieldsWhere,
    projectedAway: (only?.names ?? []).filter((n) => n.includes(".") || specVariables.includes(n)),
    projectedWhere: only?.where,
  };
}
