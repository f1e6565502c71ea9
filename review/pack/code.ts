// Source excerpts for the pack: the TLA+ text of an action (with the comment above it) and the TypeScript
// that implements it, each as lines with their file and numbers. A step's code runs from its label to the
// next labelling call of the same function; a label from a table (the state table's first steps, the op
// first-step table) shows the entry and the function the table stands for.

import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Node } from "ts-morph";
import { fnName, isFunction } from "../guard/functions.ts";
import type { StepLabel } from "../impl/labels.ts";
import type { Sources } from "../impl/project.ts";
import type { SpecAction } from "../spec/actions.ts";

export interface Snippet {
  readonly title: string;
  readonly file: string;
  /** 1-based line of `lines[0]`. */
  readonly start: number;
  readonly lines: readonly string[];
  /** Lines left out at the end. */
  readonly cut: number;
}

const MAX_LINES = 45;

function excerpt(root: string, file: string, start: number, end: number, title: string): Snippet {
  const all = readFileSync(join(root, file), "utf8").split("\n");
  const last = Math.min(end, start + MAX_LINES - 1);
  return { title, file, start, lines: all.slice(start - 1, last), cut: Math.max(0, end - last) };
}

/** The action's definition with the `\*` comment lines right above it. */
export function tlaSnippet(root: string, file: string, a: SpecAction): Snippet {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const def = a.loc?.line ?? 1;
  let start = def;
  while (start > 1 && /^\s*\\\*/.test(lines[start - 2] ?? "")) start--;
  return excerpt(root, file, start, a.loc?.endLine ?? def, `${a.definition.name} in ${file}`);
}

function fileOf(src: Sources, n: Node): string {
  return relative(src.root, n.getSourceFile().getFilePath());
}

/** From `from` to the line before the next labelling call in the same function (or the function's end). */
function stepCode(src: Sources, fn: Node, from: number, calls: readonly Node[], title: string): Snippet {
  const next = calls
    .filter((c) => c.getFirstAncestor(isFunction) === fn && c.getStartLineNumber() > from)
    .map((c) => c.getStartLineNumber())
    .sort((a, b) => a - b)[0];
  const end = next === undefined ? fn.getEndLineNumber() : next - 1;
  return excerpt(src.root, fileOf(src, fn), from, Math.max(end, from), title);
}

const functionsOf = new WeakMap<Sources, Node[]>();

function allFunctions(src: Sources): Node[] {
  let fns = functionsOf.get(src);
  if (fns === undefined) {
    const files = src.project
      .getSourceFiles()
      .filter((f) => f.getFilePath().startsWith(`${src.root}/src/fscache/`));
    fns = files.flatMap((f) => f.getDescendants().filter(isFunction));
    functionsOf.set(src, fns);
  }
  return fns;
}

/** The function a table entry stands for: named as the action (WORK.INIT_OBJECT) or documented as it. */
function tableFunctions(src: Sources, action: string): Node[] {
  return allFunctions(src).filter((n) => {
    const name = fnName(n);
    if (name === action || name.endsWith(`.${action}`)) return true;
    const holder = Node.isVariableDeclaration(n.getParent() ?? n)
      ? n.getParent()?.getParent()?.getParent()
      : n;
    const docs = holder !== undefined && Node.isJSDocable(holder) ? holder.getJsDocs() : [];
    return docs.some((d) => d.getDescription().trim().startsWith(`${action}:`));
  });
}

/** The TypeScript implementing `action`: each label site's step code, and the functions tables stand for. */
export function tsSnippets(src: Sources, labels: readonly StepLabel[], action: string): Snippet[] {
  const calls = labels.map((l) => l.call);
  const out: Snippet[] = [];
  let fromTable = false;
  for (const l of labels.filter((x) => x.action === action)) {
    const direct = l.call.getDescendants().includes(l.literal);
    const fn = l.call.getFirstAncestor(isFunction);
    if (direct && fn !== undefined) {
      out.push(
        stepCode(
          src,
          fn,
          l.call.getStartLineNumber(),
          calls,
          `${fnName(fn)}: the step labelled at ${l.site}`,
        ),
      );
    } else {
      fromTable = true;
      const line = l.literal.getStartLineNumber();
      out.push(
        excerpt(
          src.root,
          fileOf(src, l.literal),
          line,
          line,
          `table entry naming the step (labelled at ${l.site})`,
        ),
      );
    }
  }
  if (fromTable) {
    for (const fn of tableFunctions(src, action)) {
      out.push(
        stepCode(src, fn, fn.getStartLineNumber(), calls, `${fnName(fn)}: the code the table entry runs`),
      );
    }
  }
  return out;
}
