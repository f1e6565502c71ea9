// The TypeScript state table read from its source text (src/fscache/states.ts STATES and OOB_TABLES, the
// event bits of names.ts), with the place of every entry, in the shape review/machine.ts shares with the spec.

import { Node, type ObjectLiteralExpression, SyntaxKind } from "ts-morph";
import type { Machine, MachineOob, MachineState } from "../machine.ts";
import { type Sources, sourceFile, where } from "./project.ts";

export interface TableProblem {
  readonly where: string;
  readonly message: string;
}

function objectConst(src: Sources, file: string, name: string): ObjectLiteralExpression {
  const d = sourceFile(src, file).getVariableDeclarationOrThrow(name);
  let init: Node | undefined = d.getInitializer();
  while (init !== undefined && (Node.isAsExpression(init) || Node.isSatisfiesExpression(init)))
    init = init.getExpression();
  if (init === undefined || !Node.isObjectLiteralExpression(init))
    throw new Error(`${file}: ${name} is not an object literal`);
  return init;
}

function prop(o: Node, name: string): Node | undefined {
  if (!Node.isObjectLiteralExpression(o)) return undefined;
  const p = o.getProperty(name);
  return p !== undefined && Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
}

function strings(n: Node | undefined): string[] {
  if (n === undefined) return [];
  if (Node.isStringLiteral(n)) return [n.getLiteralText()];
  if (Node.isArrayLiteralExpression(n)) return n.getElements().flatMap(strings);
  return [];
}

function str(n: Node | undefined): string {
  return n !== undefined && Node.isStringLiteral(n) ? n.getLiteralText() : "?";
}

/** The machine as src/fscache declares it, plus entries whose shape the reader does not know. */
export function implMachine(src: Sources): { machine: Machine; problems: TableProblem[] } {
  const problems: TableProblem[] = [];
  const states: MachineState[] = [];
  for (const p of objectConst(src, "src/fscache/states.ts", "STATES").getProperties()) {
    if (!Node.isPropertyAssignment(p)) {
      problems.push({ where: where(src, p), message: "STATES entry is not a plain property" });
      continue;
    }
    const def = p.getInitializerOrThrow();
    const kind = str(prop(def, "kind"));
    if (kind !== "work" && kind !== "wait" && kind !== "dead") {
      problems.push({ where: where(src, p), message: `STATES.${p.getName()} has kind ${kind}` });
      continue;
    }
    const table = prop(def, "transitions");
    const transitions = (
      table !== undefined && Node.isArrayLiteralExpression(table) ? table.getElements() : []
    ).map((t) => ({
      events: strings(prop(t, "events")),
      to: str(prop(t, "to")),
      where: where(src, t),
    }));
    states.push({
      name: p.getName(),
      kind,
      where: where(src, p),
      steps: strings(prop(def, "steps")),
      next: strings(prop(def, "next")),
      transitions,
    });
  }
  const oob: MachineOob[] = objectConst(src, "src/fscache/states.ts", "OOB_TABLES")
    .getProperties()
    .flatMap((p) =>
      Node.isPropertyAssignment(p)
        ? [
            {
              table: p.getName(),
              events: strings(prop(p.getInitializerOrThrow(), "events")),
              to: str(prop(p.getInitializerOrThrow(), "to")),
              where: where(src, p),
            },
          ]
        : [],
    );
  const events = objectConst(src, "src/fscache/names.ts", "EVENT_BITS")
    .getProperties()
    .flatMap((p) => {
      if (!Node.isPropertyAssignment(p)) return [];
      const v = p.getInitializerOrThrow();
      return [
        {
          name: p.getName(),
          bit: v.isKind(SyntaxKind.NumericLiteral) ? Number(v.getText()) : null,
          where: where(src, p),
        },
      ];
    });
  return { machine: { states, events, oob }, problems };
}
