// The touch check: every write to a cookie, object, op or thread record in src/fscache bumps that record's
// revision (`touch`, src/fscache/revision.ts) in the same atomic step, and every change to the core's registry
// of them (REGISTRY below) bumps the core's. Recording (conformance/mapping/snapshot.ts) re-reads a record only
// when its revision moved, and looks records up only when the registry's did, so a write without a touch
// would leave a stale record in a recorded run: validation would then check a state the implementation was
// not in.
//
// A write is an assignment or ++/-- to a field of a Cookie, FscacheObject, Operation or ThreadRecord, a
// mutating call (add, delete, set, push, shift, splice, …) on one of their fields or on a registry field, or a
// write to a field of a cookie's StoreEntry. It is covered when a `touch(R)` call, R the written record (for a
// StoreEntry: any cookie), precedes it in the same block or an enclosing one of the same function, with no
// `await` or `yield` in between: no step boundary separates the bump from the write, whichever way control
// then goes. A collection field read into a local and mutated through it is reported too (the check follows
// writes through the record only).

import { type CallExpression, type Expression, Node, SyntaxKind, type Type } from "ts-morph";
import { isFunction } from "../guard/functions.ts";
import { type Sources, where } from "../impl/project.ts";

/** The records with a revision, by class name and declaring file; StoreEntry writes touch their cookie. */
export const RECORDS: Readonly<Record<string, string>> = {
  Cookie: "src/fscache/cookie.ts",
  FscacheObject: "src/fscache/object.ts",
  Operation: "src/fscache/operation.ts",
  ThreadRecord: "src/fscache/context.ts",
};
const STORE_ENTRY = { name: "StoreEntry", file: "src/fscache/cookie.ts" };

/**
 * The registry: CacheCore's maps of the records and its flags. A mutating call on one of these fields is a
 * write to the core (its `rev`: which record is where), so recording can skip the look-ups while it stands.
 */
export const REGISTRY = {
  name: "CacheCore",
  file: "src/fscache/context.ts",
  fields: [
    "cookies",
    "objects",
    "ops",
    "threads",
    "cacheFlags",
    "withdrawal",
    "objectList",
    "dying",
    "acquiring",
  ],
} as const;

export const TOUCH = { name: "touch", file: "src/fscache/revision.ts" };

/** Methods that change a Set, a Map or an array in place. */
const MUTATORS = new Set([
  "add",
  "delete",
  "clear",
  "set",
  "push",
  "pop",
  "shift",
  "unshift",
  "splice",
  "sort",
  "reverse",
  "fill",
  "copyWithin",
]);

const ASSIGNMENTS = new Set([
  SyntaxKind.EqualsToken,
  SyntaxKind.PlusEqualsToken,
  SyntaxKind.MinusEqualsToken,
  SyntaxKind.AsteriskEqualsToken,
  SyntaxKind.SlashEqualsToken,
  SyntaxKind.BarEqualsToken,
  SyntaxKind.AmpersandEqualsToken,
  SyntaxKind.QuestionQuestionEqualsToken,
  SyntaxKind.BarBarEqualsToken,
  SyntaxKind.AmpersandAmpersandEqualsToken,
]);

/** One write to a record, and the touch that covers it (null: none). */
export interface TouchSite {
  readonly where: string;
  /** The record class written (Cookie, FscacheObject, StoreEntry). */
  readonly record: string;
  /** The written expression, e.g. `obj.flags.add`, `cookie.n_active--`. */
  readonly write: string;
  readonly touch: string | null;
}

export interface TouchViolation {
  readonly where: string;
  readonly message: string;
}

/** The record class a type is (or, for a union, contains), or null. */
function recordOf(src: Sources, t: Type, names: Readonly<Record<string, string>>): string | null {
  for (const u of t.isUnion() ? t.getUnionTypes() : [t]) {
    const sym = u.getSymbol();
    if (!sym) continue;
    const name = sym.getName();
    const file = names[name];
    if (file === undefined) continue;
    const decl = sym.getDeclarations()[0];
    if (decl && decl.getSourceFile().getFilePath() === `${src.root}/${file}`) return name;
  }
  return null;
}

function enclosingFunction(n: Node): Node | undefined {
  return n.getFirstAncestor(isFunction);
}

/** Whether `n` is a step boundary: an await, a yield, a `for await`. */
function isBoundary(n: Node): boolean {
  return (
    Node.isAwaitExpression(n) || Node.isYieldExpression(n) || (Node.isForOfStatement(n) && n.isAwaited())
  );
}

/** A step boundary inside `n` (not counting nested functions) that starts in [from, to). */
function boundaryIn(n: Node, from = n.getPos(), to = n.getEnd()): boolean {
  let found = false;
  n.forEachDescendant((d, t) => {
    if (isFunction(d)) t.skip();
    else if (isBoundary(d) && d.getStart() >= from && d.getStart() < to) {
      found = true;
      t.stop();
    }
  });
  return found;
}

const isLoop = (n: Node): boolean =>
  Node.isForStatement(n) ||
  Node.isForOfStatement(n) ||
  Node.isForInStatement(n) ||
  Node.isWhileStatement(n) ||
  Node.isDoStatement(n);

/**
 * The `touch(...)` statement that covers a write at `site` to the record expression `receiver` (any Cookie
 * when null): in the site's block or an enclosing block of the same function, before the statement holding
 * the site, with no step boundary from the touch to the end of the write (the write's own operands
 * included: `obj.f = await g()` stores after the await), and no loop between them whose body has one (it
 * would run again after the touch).
 */
function coveringTouch(src: Sources, site: Node, receiver: string | null): Node | null {
  const fn = enclosingFunction(site);
  if (!fn) return null;
  let inner: Node = site;
  for (let b = site.getParent(); b; b = b.getParent()) {
    if (isLoop(b) && boundaryIn(b)) return null;
    if (Node.isBlock(b) || Node.isSourceFile(b)) {
      const stmts = b.getStatements();
      const at = stmts.findIndex((s) => s === inner);
      for (let k = at - 1; k >= 0; k--) {
        const s = stmts[k] as Node;
        const call = touchCallOf(src, s);
        if (call && matches(src, call, receiver)) return boundaryIn(fn, s.getEnd(), site.getEnd()) ? null : s;
      }
    }
    if (b === fn) break;
    inner = b;
  }
  return null;
}

/** The `touch(x)` call a statement is, if it is one. */
function touchCallOf(src: Sources, s: Node): CallExpression | null {
  if (!Node.isExpressionStatement(s)) return null;
  const e = s.getExpression();
  if (!Node.isCallExpression(e)) return null;
  const callee = e.getExpression();
  if (!Node.isIdentifier(callee) || callee.getText() !== TOUCH.name) return null;
  const decl =
    callee.getSymbol()?.getAliasedSymbol()?.getDeclarations()[0] ?? callee.getSymbol()?.getDeclarations()[0];
  if (!decl || decl.getSourceFile().getFilePath() !== `${src.root}/${TOUCH.file}`) return null;
  return e;
}

function matches(src: Sources, call: CallExpression, receiver: string | null): boolean {
  const [arg] = call.getArguments();
  if (!arg) return false;
  if (receiver === null)
    return recordOf(src, arg.getType(), { Cookie: RECORDS["Cookie"] as string }) !== null;
  return stripped(arg) === receiver;
}

/** An expression's text without non-null assertions and parentheses (`obj!` and `(obj)` are `obj`). */
function stripped(e: Node): string {
  let x: Node = e;
  while (Node.isNonNullExpression(x) || Node.isParenthesizedExpression(x)) x = x.getExpression();
  return x.getText();
}

/** The field access a write goes through: `R.f` (assignment, ++/--) or `R.f.m(...)` (a mutating call). */
function writtenField(n: Node): { field: Node; target: Expression; alias?: true; member?: string } | null {
  if (Node.isBinaryExpression(n) && ASSIGNMENTS.has(n.getOperatorToken().getKind())) {
    const l = n.getLeft();
    if (Node.isPropertyAccessExpression(l) || Node.isElementAccessExpression(l))
      return { field: l, target: l.getExpression() };
  }
  if (
    (Node.isPrefixUnaryExpression(n) || Node.isPostfixUnaryExpression(n)) &&
    (n.getOperatorToken() === SyntaxKind.PlusPlusToken || n.getOperatorToken() === SyntaxKind.MinusMinusToken)
  ) {
    const o = n.getOperand();
    if (Node.isPropertyAccessExpression(o) || Node.isElementAccessExpression(o))
      return { field: o, target: o.getExpression() };
  }
  if (Node.isCallExpression(n)) {
    const callee = n.getExpression();
    if (Node.isPropertyAccessExpression(callee) && MUTATORS.has(callee.getName())) {
      const coll = callee.getExpression();
      if (Node.isPropertyAccessExpression(coll))
        return { field: callee, target: coll.getExpression(), member: coll.getName() };
      if (Node.isIdentifier(coll)) return { field: callee, target: coll, alias: true };
    }
  }
  return null;
}

/** Whether a local is initialised from a record's field (an alias of the record's collection). */
function aliasOfRecordField(src: Sources, id: Node): string | null {
  const decl = id.getSymbol()?.getDeclarations()[0];
  if (!decl || !Node.isVariableDeclaration(decl)) return null;
  const init = decl.getInitializer();
  if (!init || !Node.isPropertyAccessExpression(init)) return null;
  return recordOf(src, init.getExpression().getType(), RECORDS);
}

/** Runs the check over src/fscache of a checkout. */
export function touchCheck(src: Sources): { violations: TouchViolation[]; sites: TouchSite[] } {
  const sites: TouchSite[] = [];
  const violations: TouchViolation[] = [];
  const touchFile = src.project.getSourceFile(`${src.root}/${TOUCH.file}`);
  if (!touchFile?.getFunction(TOUCH.name))
    violations.push({ where: TOUCH.file, message: `${TOUCH.name} is not declared in ${TOUCH.file}` });
  const files = src.project
    .getSourceFiles()
    .filter((f) => f.getFilePath().startsWith(`${src.root}/src/fscache/`));
  for (const f of files) {
    f.forEachDescendant((n) => {
      const w = writtenField(n);
      if (!w) return;
      const { target } = w;
      const fn = enclosingFunction(n);
      // A constructor initialising its own record is not a write to a recorded state.
      if (Node.isThisExpression(target) && fn && Node.isConstructorDeclaration(fn)) return;
      if (w.alias) {
        const owner = aliasOfRecordField(src, target);
        if (owner !== null)
          violations.push({
            where: where(src, n),
            message: `${n.getText()}: a ${owner} field mutated through the local ${target.getText()}; write through the record, then touch it`,
          });
        return;
      }
      const registry =
        w.member !== undefined &&
        (REGISTRY.fields as readonly string[]).includes(w.member) &&
        recordOf(src, target.getType(), { [REGISTRY.name]: REGISTRY.file }) !== null;
      const record = registry ? REGISTRY.name : recordOf(src, target.getType(), RECORDS);
      const entry =
        record === null ? recordOf(src, target.getType(), { [STORE_ENTRY.name]: STORE_ENTRY.file }) : null;
      if (record === null && entry === null) return;
      // The revision itself.
      if (Node.isPropertyAccessExpression(w.field) && w.field.getName() === "rev") return;
      const receiver = record === null ? null : stripped(target);
      const touch = coveringTouch(src, n, receiver);
      const write = n.getText().replace(/\s+/g, " ").slice(0, 80);
      sites.push({
        where: where(src, n),
        record: (record ?? entry) as string,
        write,
        touch: touch?.getText() ?? null,
      });
      if (!touch)
        violations.push({
          where: where(src, n),
          message:
            record === null
              ? `${write}: a StoreEntry written with no touch(<its cookie>) before it in the same step`
              : `${write}: a ${record} written with no touch(${receiver}) before it in the same step`,
        });
    });
  }
  return { violations, sites };
}

export function formatTouchViolations(vs: readonly TouchViolation[]): string {
  return vs.map((v) => `${v.where}: ${v.message}`).join("\n");
}
