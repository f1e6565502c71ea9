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

/** The first line of a labelling call in `fn` after line `from` (and before `until`), if any. */
function nextLabelLine(fn: Node, calls: readonly Node[], from: number, until = Infinity): number | undefined {
  return calls
    .filter((c) => c.getFirstAncestor(isFunction) === fn)
    .map((c) => c.getStartLineNumber())
    .filter((l) => l > from && l < until)
    .sort((a, b) => a - b)[0];
}

/**
 * The code a step runs: from its label to the line before the next labelling call of the same function (or
 * the function's end). A label that ends a loop body (it is the body's last statement, or `continue` follows
 * it) leads back to the loop's top: then the loop body up to its first label is the step's code.
 */
function stepCode(src: Sources, fn: Node, call: Node, calls: readonly Node[], title: string): Snippet[] {
  const from = call.getStartLineNumber();
  const stmt = call.getFirstAncestor((a) => Node.isStatement(a) && Node.isBlock(a.getParentOrThrow()));
  const loop = call.getFirstAncestor(
    (a) => Node.isForStatement(a) || Node.isWhileStatement(a) || Node.isDoStatement(a),
  );
  const after = stmt?.getNextSibling();
  const wraps =
    loop !== undefined &&
    stmt !== undefined &&
    (after === undefined || Node.isContinueStatement(after)) &&
    stmt.getParent()?.getParent() !== undefined &&
    loop.getDescendants().includes(stmt);
  if (
    wraps &&
    loop !== undefined &&
    (Node.isForStatement(loop) || Node.isWhileStatement(loop) || Node.isDoStatement(loop))
  ) {
    const body = loop.getStatement();
    const top = body.getStartLineNumber();
    const first = nextLabelLine(fn, calls, top - 1, body.getEndLineNumber() + 1) ?? body.getEndLineNumber();
    return [
      excerpt(src.root, fileOf(src, fn), from, from, title),
      excerpt(
        src.root,
        fileOf(src, fn),
        top,
        Math.max(top, first - 1),
        `${fnName(fn)}: the loop it returns to, up to the next label`,
      ),
    ];
  }
  const next = nextLabelLine(fn, calls, from);
  const end = next === undefined ? fn.getEndLineNumber() : next - 1;
  return [excerpt(src.root, fileOf(src, fn), from, Math.max(end, from), title)];
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
      out.push(...stepCode(src, fn, l.call, calls, `${fnName(fn)}: the step labelled at ${l.site}`));
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
      const next = nextLabelLine(fn, calls, fn.getStartLineNumber());
      const end = next === undefined ? fn.getEndLineNumber() : next - 1;
      const title = `${fnName(fn)}: the code the table entry runs`;
      out.push(excerpt(src.root, fileOf(src, fn), fn.getStartLineNumber(), end, title));
    }
  }
  return out;
}
