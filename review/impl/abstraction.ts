// What the abstraction function (conformance/mapping/abstraction.ts) produces: the spec variables its
// `abstractState` returns, the record fields `FIELDS` compares, and the spec-only fields its header says it
// projects away; each with its place, for the mapping check.

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

/** The sentence of the file's header comment that says what is projected away. */
function projectionSentence(text: string): { sentence: string; line: number } | undefined {
  const header: string[] = [];
  for (const l of text.split("\n")) {
    if (!l.startsWith("//")) break;
    header.push(l.replace(/^\/\/\s?/, ""));
  }
  const joined = header.join(" ");
  const sentence = joined.split(/(?<=[.;:])\s+/).find((s) => /projected away/.test(s));
  if (sentence === undefined) return undefined;
  const firstWord = sentence.split(/\s+/)[0] ?? "";
  const line = header.findIndex((h) => h.includes(firstWord)) + 1;
  return { sentence, line: Math.max(line, 1) };
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
  const s = projectionSentence(f.getFullText());
  const projectedAway: string[] = [];
  if (s !== undefined) {
    for (const m of s.sentence.matchAll(/\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b/g))
      projectedAway.push(`${m[1]}.${m[2]}`);
    const dotted = new Set(projectedAway.map((x) => x.split(".")[0]));
    for (const v of specVariables)
      if (!dotted.has(v) && new RegExp(`\\b${v}\\b`).test(s.sentence)) projectedAway.push(v);
  }
  return {
    variables,
    fields,
    fieldsWhere,
    projectedAway,
    projectedWhere: s === undefined ? undefined : `${ABSTRACTION}:${s.line}`,
  };
}
