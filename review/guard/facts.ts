// What the guard check knows about src/fscache by name and type: the n_active primitives (use, unuse, the op
// submissions that hand a unit to an op), the netfs-owned data (Cookie.def / netfs_data, StoreEntry.data), the
// task entry types (Task, Caller), the design constant folded to "n_active exists", and the op kinds whose
// every allocation carries UNUSE_COOKIE.

import { type CallExpression, Node, SyntaxKind, VariableDeclarationKind } from "ts-morph";
import { type Sources, where } from "../impl/project.ts";
import { declarationOf } from "../impl/values.ts";

/** A named declaration the check relies on: kind of thing, name, declaring file. */
interface Known {
  readonly name: string;
  readonly file: string;
}

export const PRIMITIVES = {
  use: { name: "useCookie", file: "src/fscache/cookie.ts" },
  unuse: { name: "unuseCookie", file: "src/fscache/cookie.ts" },
  submit: { name: "submitAs", file: "src/fscache/operation.ts" },
  submitExclusive: { name: "submitExclusiveOp", file: "src/fscache/operation.ts" },
  alloc: { name: "allocOp", file: "src/fscache/operation.ts" },
} as const satisfies Record<string, Known>;

export const TYPES = {
  cookie: { name: "Cookie", file: "src/fscache/cookie.ts" },
  store: { name: "StoreEntry", file: "src/fscache/cookie.ts" },
  operation: { name: "Operation", file: "src/fscache/operation.ts" },
  task: { name: "Task", file: "src/runtime/runtime.ts" },
  caller: { name: "Caller", file: "src/fscache/netfs.ts" },
} as const satisfies Record<string, Known>;

/** The netfs-owned data: fields of the cookie and of a pending `stores` entry. */
export const GUARDED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Cookie: ["def", "netfs_data"],
  StoreEntry: ["data"],
};

/** The design switch: the check is about the designs that have n_active, so `core.preFix` is false. */
export const DESIGN_FLAG = "preFix";

export class Facts {
  /** Op kinds whose every allocation has UNUSE_COOKIE: their processors run holding the op's unit. */
  readonly unitKinds: ReadonlySet<string>;
  readonly problems: { where: string; message: string }[] = [];

  constructor(private readonly src: Sources) {
    for (const k of [...Object.values(PRIMITIVES), ...Object.values(TYPES)]) {
      const f = src.project.getSourceFile(`${src.root}/${k.file}`);
      const found = f?.getFunction(k.name) ?? f?.getClass(k.name) ?? f?.getInterface(k.name);
      if (found === undefined)
        this.problems.push({
          where: `${k.file}:1`,
          message: `the guard check relies on ${k.name} here, which is gone`,
        });
    }
    this.unitKinds = this.opUnitKinds();
  }

  private declaredAs(n: Node | undefined, k: Known): boolean {
    if (n === undefined) return false;
    const named = Node.hasName(n) && n.getName() === k.name;
    return named && n.getSourceFile().getFilePath() === `${this.src.root}/${k.file}`;
  }

  /** Whether a call calls the primitive `k`. */
  calls(call: Node, k: Known): call is CallExpression {
    if (!Node.isCallExpression(call)) return false;
    const e = call.getExpression();
    return Node.isIdentifier(e) && this.declaredAs(declarationOf(e), k);
  }

  /** Whether a node's type is (or, for a union, includes) the declared type `k`. */
  isType(n: Node, k: Known): boolean {
    const types = n.getType().isUnion() ? n.getType().getUnionTypes() : [n.getType()];
    return types.some((t) => {
      const d = t.getSymbol()?.getDeclarations()[0];
      return this.declaredAs(d, k);
    });
  }

  /** The value of a boolean expression when it is fixed by the design switch and consts; else undefined. */
  constBool(e: Node, depth = 0): boolean | undefined {
    if (depth > 8) return undefined;
    if (e.isKind(SyntaxKind.TrueKeyword)) return true;
    if (e.isKind(SyntaxKind.FalseKeyword)) return false;
    if (Node.isParenthesizedExpression(e)) return this.constBool(e.getExpression(), depth + 1);
    if (Node.isPropertyAccessExpression(e) && e.getName() === DESIGN_FLAG) return false;
    if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.ExclamationToken) {
      const v = this.constBool(e.getOperand(), depth + 1);
      return v === undefined ? undefined : !v;
    }
    if (Node.isIdentifier(e)) {
      const d = declarationOf(e);
      const list = d?.getParent();
      if (
        d !== undefined &&
        Node.isVariableDeclaration(d) &&
        Node.isVariableDeclarationList(list) &&
        list.getDeclarationKind() === VariableDeclarationKind.Const
      ) {
        const init = d.getInitializer();
        return init === undefined ? undefined : this.constBool(init, depth + 1);
      }
    }
    return undefined;
  }

  /** The string array an op-flags expression is, with the design switch folded; undefined if not constant. */
  private flagsOf(e: Node): string[] | undefined {
    if (Node.isParenthesizedExpression(e)) return this.flagsOf(e.getExpression());
    if (Node.isArrayLiteralExpression(e)) {
      const out: string[] = [];
      for (const x of e.getElements()) {
        if (!Node.isStringLiteral(x)) return undefined;
        out.push(x.getLiteralText());
      }
      return out;
    }
    if (Node.isConditionalExpression(e)) {
      const c = this.constBool(e.getCondition());
      return c === undefined ? undefined : this.flagsOf(c ? e.getWhenTrue() : e.getWhenFalse());
    }
    return undefined;
  }

  /** Whether an op variable was allocated with UNUSE_COOKIE (the unit goes to the op when it is accepted). */
  opOwnsUnit(op: Node): boolean {
    const d = Node.isIdentifier(op) ? declarationOf(op) : undefined;
    const init = d !== undefined && Node.isVariableDeclaration(d) ? d.getInitializer() : undefined;
    if (init === undefined || !this.calls(init, PRIMITIVES.alloc)) return false;
    const flags = init.getArguments()[2];
    return flags !== undefined && (this.flagsOf(flags) ?? []).includes("UNUSE_COOKIE");
  }

  private opUnitKinds(): Set<string> {
    const kinds = new Map<string, boolean>();
    for (const f of this.src.project
      .getSourceFiles()
      .filter((x) => x.getFilePath().startsWith(`${this.src.root}/src/fscache/`))) {
      for (const call of f.getDescendantsOfKind(SyntaxKind.CallExpression)) {
        if (!this.calls(call, PRIMITIVES.alloc)) continue;
        const [, kind, flags] = call.getArguments();
        const k = kind !== undefined && Node.isStringLiteral(kind) ? kind.getLiteralText() : undefined;
        const fl = flags === undefined ? undefined : this.flagsOf(flags);
        if (k === undefined || fl === undefined) {
          this.problems.push({
            where: where(this.src, call),
            message: "op kind or flags not constant: cannot tell whether the op owns an n_active unit",
          });
          continue;
        }
        kinds.set(k, (kinds.get(k) ?? true) && fl.includes("UNUSE_COOKIE"));
      }
    }
    return new Set([...kinds].filter(([, owns]) => owns).map(([k]) => k));
  }
}
