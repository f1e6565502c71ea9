// Follows one function body statement by statement (branches, loops to a fixpoint, switch, try/catch,
// short-circuit and conditional expressions) tracking the units the task holds, and reports to its caller
// every read of netfs-owned data, every call (with the state it is made in) and every callback that escapes.

import { Node, SyntaxKind } from "ts-morph";
import { type Sources, where } from "../impl/project.ts";
import { type Facts, GUARDED_FIELDS, PRIMITIVES, TYPES } from "./facts.ts";
import { callees, type Fn, getterOf, isFunction, isFunctionRef, runsCallbackNow } from "./functions.ts";
import { add, drain, join, same, type State, UNREACHABLE } from "./state.ts";

/** What following a body reports. */
export interface FlowHooks {
  read(node: Node, what: string, s: State): void;
  call(callee: Fn, s: State, site: Node, note?: string): void;
  /** A function value that leaves this code (a callback, a stored arrow): it runs later, holding nothing. */
  escape(fn: Fn, site: Node): void;
}

interface Outcome {
  readonly next: State;
  readonly brk: State;
  readonly cont: State;
}

const none: Outcome = { next: UNREACHABLE, brk: UNREACHABLE, cont: UNREACHABLE };

export class Flow {
  /** States seen inside enclosing try blocks: a throw can reach the catch from any of them. */
  private readonly sinks: State[][] = [];

  constructor(
    private readonly src: Sources,
    private readonly facts: Facts,
    private readonly hooks: FlowHooks,
  ) {}

  private at(n: Node): string {
    return where(this.src, n);
  }

  private touch(s: State): void {
    for (const sink of this.sinks) sink.push(s);
  }

  /** Follows a function's body from `entry`. */
  run(fn: Fn, entry: State): void {
    if (!isFunction(fn) || !("getBody" in fn)) return;
    const body = (fn as Node & { getBody(): Node | undefined }).getBody();
    if (body === undefined) return;
    if (Node.isBlock(body)) this.block(body.getStatements(), entry);
    else this.expr(body, entry);
  }

  private block(stmts: readonly Node[], entry: State): Outcome {
    let s = entry;
    let brk: State = UNREACHABLE;
    let cont: State = UNREACHABLE;
    for (const st of stmts) {
      const o = this.stmt(st, s);
      brk = join(brk, o.brk);
      cont = join(cont, o.cont);
      s = o.next;
    }
    return { next: s, brk, cont };
  }

  private stmt(n: Node, s: State): Outcome {
    if (s === UNREACHABLE) return none;
    this.touch(s);
    if (Node.isBlock(n)) return this.block(n.getStatements(), s);
    if (Node.isExpressionStatement(n)) return { ...none, next: this.expr(n.getExpression(), s) };
    if (Node.isVariableStatement(n)) {
      let x: State = s;
      for (const d of n.getDeclarations()) {
        const init = d.getInitializer();
        if (init !== undefined) {
          x = this.expr(init, x);
          this.destructuring(d, init, x);
        }
      }
      return { ...none, next: x };
    }
    if (Node.isReturnStatement(n) || Node.isThrowStatement(n)) {
      const e = n.getExpression();
      if (e !== undefined) this.expr(e, s);
      return none;
    }
    if (Node.isBreakStatement(n)) return { ...none, brk: s };
    if (Node.isContinueStatement(n)) return { ...none, cont: s };
    if (Node.isIfStatement(n)) {
      const c = this.cond(n.getExpression(), s);
      const a = this.stmt(n.getThenStatement(), c.t);
      const elseStmt = n.getElseStatement();
      const b = elseStmt === undefined ? { ...none, next: c.f } : this.stmt(elseStmt, c.f);
      return { next: join(a.next, b.next), brk: join(a.brk, b.brk), cont: join(a.cont, b.cont) };
    }
    if (
      Node.isForStatement(n) ||
      Node.isForOfStatement(n) ||
      Node.isForInStatement(n) ||
      Node.isWhileStatement(n) ||
      Node.isDoStatement(n)
    ) {
      return this.loop(n, s);
    }
    if (Node.isSwitchStatement(n)) {
      let x = this.expr(n.getExpression(), s);
      let fall: State = UNREACHABLE;
      let brk: State = UNREACHABLE;
      let cont: State = UNREACHABLE;
      let hasDefault = false;
      for (const clause of n.getClauses()) {
        if (Node.isDefaultClause(clause)) hasDefault = true;
        const o = this.block(clause.getStatements(), join(x, fall));
        fall = o.next;
        brk = join(brk, o.brk);
        cont = join(cont, o.cont);
      }
      if (!hasDefault) brk = join(brk, x);
      x = join(fall, brk);
      return { next: x, brk: UNREACHABLE, cont };
    }
    if (Node.isTryStatement(n)) {
      this.sinks.push([]);
      const t = this.block(n.getTryBlock().getStatements(), s);
      const seen = this.sinks.pop() ?? [];
      const clause = n.getCatchClause();
      let out = t;
      if (clause !== undefined) {
        const entry = seen.reduce<State>((a, b) => join(a, b), s);
        const c = this.block(clause.getBlock().getStatements(), entry);
        out = { next: join(t.next, c.next), brk: join(t.brk, c.brk), cont: join(t.cont, c.cont) };
      }
      const fin = n.getFinallyBlock();
      return fin === undefined ? out : this.block(fin.getStatements(), join(out.next, s));
    }
    if (Node.isLabeledStatement(n)) return this.stmt(n.getStatement(), s);
    // Declarations (a nested function is reached through its calls), empty statements.
    return { ...none, next: s };
  }

  private loop(n: Node, entry: State): Outcome {
    let s = entry;
    if (Node.isForStatement(n)) {
      const init = n.getInitializer();
      if (init !== undefined)
        s = Node.isVariableDeclarationList(init) ? this.stmtDecls(init, s) : this.expr(init, s);
    }
    if (Node.isForOfStatement(n) || Node.isForInStatement(n)) s = this.expr(n.getExpression(), s);
    let head = s;
    let exit: State = UNREACHABLE;
    for (let i = 0; i < 16; i++) {
      const condExpr = Node.isForStatement(n)
        ? n.getCondition()
        : Node.isWhileStatement(n) || Node.isDoStatement(n)
          ? n.getExpression()
          : undefined;
      const c =
        condExpr === undefined
          ? { t: head, f: Node.isForStatement(n) ? UNREACHABLE : head }
          : this.cond(condExpr, head);
      const body = this.stmt((n as Node & { getStatement(): Node }).getStatement(), c.t);
      let back = join(body.next, body.cont);
      if (Node.isForStatement(n)) {
        const inc = n.getIncrementor();
        if (inc !== undefined) back = this.expr(inc, back);
      }
      exit = join(c.f, body.brk);
      const next = join(head, back);
      if (same(next, head)) break;
      head = next;
    }
    return { ...none, next: exit };
  }

  private stmtDecls(list: Node, s: State): State {
    let x = s;
    if (Node.isVariableDeclarationList(list)) {
      for (const d of list.getDeclarations()) {
        const init = d.getInitializer();
        if (init !== undefined) x = this.expr(init, x);
      }
    }
    return x;
  }

  /** `const { def, data } = cookieOrEntry` reads the named fields. */
  private destructuring(d: Node, init: Node, s: State): void {
    if (!Node.isVariableDeclaration(d)) return;
    const pattern = d.getNameNode();
    if (!Node.isObjectBindingPattern(pattern)) return;
    for (const el of pattern.getElements()) {
      const field = el.getPropertyNameNode()?.getText() ?? el.getName();
      const type = this.guardedType(init, field);
      if (type !== undefined) this.hooks.read(el, `${type}.${field}`, s);
    }
  }

  /** `Cookie` or `StoreEntry` when `field` of a value of `recv`'s type is netfs-owned data. */
  private guardedType(recv: Node, field: string): string | undefined {
    if (GUARDED_FIELDS.Cookie?.includes(field) === true && this.facts.isType(recv, TYPES.cookie))
      return "Cookie";
    if (GUARDED_FIELDS.StoreEntry?.includes(field) === true && this.facts.isType(recv, TYPES.store))
      return "StoreEntry";
    return undefined;
  }

  /** The state after evaluating `e` in `s` (effects on units, reads, calls, escaping callbacks). */
  expr(e: Node, s: State): State {
    if (s === UNREACHABLE) return s;
    this.touch(s);
    if (isFunction(e)) {
      this.hooks.escape(e, e);
      return s;
    }
    if (
      Node.isParenthesizedExpression(e) ||
      Node.isAwaitExpression(e) ||
      Node.isAsExpression(e) ||
      Node.isNonNullExpression(e) ||
      Node.isSatisfiesExpression(e)
    ) {
      return this.expr(e.getExpression(), s);
    }
    if (Node.isBinaryExpression(e)) {
      const op = e.getOperatorToken().getKind();
      if (
        op === SyntaxKind.AmpersandAmpersandToken ||
        op === SyntaxKind.BarBarToken ||
        op === SyntaxKind.QuestionQuestionToken
      ) {
        const c = this.cond(e, s);
        return join(c.t, c.f);
      }
      if (op === SyntaxKind.EqualsToken) {
        // An assignment writes its target: only the target's object expression is evaluated, not read.
        const target = e.getLeft();
        const x =
          Node.isPropertyAccessExpression(target) || Node.isElementAccessExpression(target)
            ? this.expr(target.getExpression(), s)
            : s;
        return this.expr(e.getRight(), x);
      }
      const x = this.expr(e.getLeft(), s);
      const y = this.expr(e.getRight(), x);
      if (
        (op === SyntaxKind.PlusEqualsToken || op === SyntaxKind.MinusEqualsToken) &&
        this.isNActive(e.getLeft())
      ) {
        return add(
          y,
          op === SyntaxKind.PlusEqualsToken ? 1 : -1,
          `n_active ${op === SyntaxKind.PlusEqualsToken ? "+=" : "-="} at ${this.at(e)}`,
        );
      }
      return y;
    }
    if (Node.isConditionalExpression(e)) {
      const c = this.cond(e.getCondition(), s);
      return join(this.expr(e.getWhenTrue(), c.t), this.expr(e.getWhenFalse(), c.f));
    }
    if (Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e)) {
      const operand = e.getOperand();
      const x = Node.isPropertyAccessExpression(operand)
        ? this.expr(operand.getExpression(), s)
        : this.expr(operand, s);
      const k = e.getOperatorToken();
      if (this.isNActive(operand) && (k === SyntaxKind.PlusPlusToken || k === SyntaxKind.MinusMinusToken)) {
        const inc = k === SyntaxKind.PlusPlusToken;
        return add(x, inc ? 1 : -1, `n_active${inc ? "++" : "--"} at ${this.at(e)}`);
      }
      return x;
    }
    if (Node.isCallExpression(e) || Node.isNewExpression(e)) return this.call(e, s);
    if (Node.isPropertyAccessExpression(e)) {
      const x = this.expr(e.getExpression(), s);
      const type = this.guardedType(e.getExpression(), e.getName());
      if (type !== undefined) this.hooks.read(e, `${type}.${e.getName()}`, x);
      for (const g of getterOf(this.src, e)) this.hooks.call(g, x, e, "getter");
      return x;
    }
    if (Node.isElementAccessExpression(e)) {
      const x = this.expr(e.getArgumentExpressionOrThrow(), this.expr(e.getExpression(), s));
      const key = e.getArgumentExpressionOrThrow();
      if (
        this.facts.isType(e.getExpression(), TYPES.cookie) ||
        this.facts.isType(e.getExpression(), TYPES.store)
      ) {
        if (Node.isStringLiteral(key)) {
          const type = this.guardedType(e.getExpression(), key.getLiteralText());
          if (type !== undefined) this.hooks.read(e, `${type}.${key.getLiteralText()}`, x);
        } else {
          this.hooks.read(e, "a computed member (the check cannot tell which)", x);
        }
      }
      return x;
    }
    if (Node.isIdentifier(e)) {
      const fn = isFunctionRef(e);
      if (fn !== undefined) this.hooks.escape(fn, e);
      return s;
    }
    let x: State = s;
    e.forEachChild((c) => {
      x = this.expr(c, x);
    });
    return x;
  }

  private isNActive(n: Node): boolean {
    return Node.isPropertyAccessExpression(n) && n.getName() === "n_active";
  }

  /** Calls: the primitives' effects, edges to the functions called, callbacks run now or later. */
  private call(e: Node, s: State): State {
    if (!Node.isCallExpression(e) && !Node.isNewExpression(e)) return s;
    const callee = e.getExpression();
    let x =
      Node.isPropertyAccessExpression(callee) || Node.isElementAccessExpression(callee)
        ? this.expr(callee.getExpression(), s)
        : s;
    const now = runsCallbackNow(e);
    const drains = e.getArguments().some((a) => this.waitsForZero(a));
    for (const a of e.getArguments()) {
      if (isFunction(a)) {
        if (now) this.hooks.call(a, x, a, "callback run by the call");
        else this.hooks.escape(a, a);
      } else x = this.expr(a, x);
    }
    if (this.facts.calls(e, PRIMITIVES.unuse)) return add(x, -1, `unuseCookie at ${this.at(e)}`);
    if (this.facts.calls(e, PRIMITIVES.submit) || this.facts.calls(e, PRIMITIVES.submitExclusive)) {
      const op = e.getArguments()[2];
      if (op !== undefined && this.facts.opOwnsUnit(op))
        return add(x, -1, `the unit handed to the op at ${this.at(e)}`);
    }
    if (this.facts.calls(e, PRIMITIVES.use)) return x;
    for (const f of callees(this.src, e)) this.hooks.call(f, x, e, this.opKindNote(e));
    this.touch(x);
    return drains ? drain(x, `waited for n_active = 0 at ${this.at(e)}`) : x;
  }

  /** `() => x.n_active === 0` passed to a wait: once it returns, no unit is left to anyone. */
  private waitsForZero(a: Node): boolean {
    if (!Node.isArrowFunction(a)) return false;
    const b = a.getBody();
    return (
      Node.isBinaryExpression(b) &&
      b.getOperatorToken().getKind() === SyntaxKind.EqualsEqualsEqualsToken &&
      this.isNActive(b.getLeft()) &&
      b.getRight().getText() === "0"
    );
  }

  /** A call in `case "K":` of a switch on an Operation's kind runs that op kind's processor. */
  private opKindNote(call: Node): string | undefined {
    const clause = call.getFirstAncestor((a) => Node.isCaseClause(a));
    if (clause === undefined || !Node.isCaseClause(clause)) return undefined;
    const sw = clause.getFirstAncestorByKind(SyntaxKind.SwitchStatement);
    const on = sw?.getExpression();
    if (
      on === undefined ||
      !Node.isPropertyAccessExpression(on) ||
      on.getName() !== "kind" ||
      !this.facts.isType(on.getExpression(), TYPES.operation)
    )
      return undefined;
    const k = clause.getExpression();
    return Node.isStringLiteral(k) ? `op:${k.getLiteralText()}` : undefined;
  }

  /** The states in which a condition is true and false (use succeeded, a submission handed its unit over, …). */
  cond(e: Node, s: State): { t: State; f: State } {
    if (s === UNREACHABLE) return { t: s, f: s };
    const k = this.facts.constBool(e);
    if (k !== undefined) return k ? { t: s, f: UNREACHABLE } : { t: UNREACHABLE, f: s };
    if (Node.isParenthesizedExpression(e) || Node.isAwaitExpression(e))
      return this.cond(e.getExpression(), s);
    if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.ExclamationToken) {
      const c = this.cond(e.getOperand(), s);
      return { t: c.f, f: c.t };
    }
    if (Node.isBinaryExpression(e)) {
      const op = e.getOperatorToken().getKind();
      if (op === SyntaxKind.AmpersandAmpersandToken) {
        const a = this.cond(e.getLeft(), s);
        const b = this.cond(e.getRight(), a.t);
        return { t: b.t, f: join(a.f, b.f) };
      }
      if (op === SyntaxKind.BarBarToken || op === SyntaxKind.QuestionQuestionToken) {
        const a = this.cond(e.getLeft(), s);
        const b = this.cond(e.getRight(), a.f);
        return { t: join(a.t, b.t), f: b.f };
      }
      const eq = op === SyntaxKind.EqualsEqualsEqualsToken;
      if (
        (eq || op === SyntaxKind.ExclamationEqualsEqualsToken) &&
        this.isNActive(e.getLeft()) &&
        e.getRight().getText() === "0"
      ) {
        const x = this.expr(e.getLeft(), s);
        const zero = drain(x, `n_active seen 0 at ${this.at(e)}`);
        return eq ? { t: zero, f: x } : { t: x, f: zero };
      }
    }
    if (Node.isCallExpression(e) && this.facts.calls(e, PRIMITIVES.use)) {
      const x = this.expr(e, s);
      return { t: add(x, 1, `useCookie at ${this.at(e)}`), f: x };
    }
    if (
      Node.isCallExpression(e) &&
      (this.facts.calls(e, PRIMITIVES.submit) || this.facts.calls(e, PRIMITIVES.submitExclusive))
    ) {
      const op = e.getArguments()[2];
      let x: State = s;
      for (const a of e.getArguments()) x = this.expr(a, x);
      this.touch(x);
      const handed = op !== undefined && this.facts.opOwnsUnit(op);
      return { t: handed ? add(x, -1, `the unit handed to the op at ${this.at(e)}`) : x, f: x };
    }
    const x = this.expr(e, s);
    return { t: x, f: x };
  }
}
