// The functions of src/fscache as the guard check sees them: what a call can call (declared functions,
// methods, consts holding arrows, every member of an object table indexed by a computed key, the
// implementations of an interface method, constructors and getters), and a readable name for each.

import { Node } from "ts-morph";
import { type Sources, where } from "../impl/project.ts";
import { declarationOf } from "../impl/values.ts";

/** A function-like node with a body the check can follow. */
export type Fn = Node;

export function isFunction(n: Node): boolean {
  return (
    Node.isFunctionDeclaration(n) ||
    Node.isMethodDeclaration(n) ||
    Node.isArrowFunction(n) ||
    Node.isFunctionExpression(n) ||
    Node.isGetAccessorDeclaration(n) ||
    Node.isSetAccessorDeclaration(n) ||
    Node.isConstructorDeclaration(n)
  );
}

/** `file:line name`, e.g. `src/fscache/work.ts:89 WORK.LOOK_UP_OBJECT`. */
export function describeFn(src: Sources, fn: Fn): string {
  return `${fnName(fn)} (${where(src, fn)})`;
}

export function fnName(fn: Fn): string {
  if (Node.isFunctionDeclaration(fn)) return fn.getName() ?? "function";
  const owner = fn.getFirstAncestor((a) => Node.isClassDeclaration(a));
  const cls = owner !== undefined && Node.isClassDeclaration(owner) ? `${owner.getName() ?? "class"}.` : "";
  if (Node.isMethodDeclaration(fn) || Node.isGetAccessorDeclaration(fn)) {
    // A method of an object table (`WORK.LOOK_UP_OBJECT`) is named after the const holding the table.
    const table = fn.getParent()?.getParent();
    const prefix =
      cls === "" && table !== undefined && Node.isVariableDeclaration(table) ? `${table.getName()}.` : cls;
    return `${prefix}${fn.getName()}`;
  }
  if (Node.isConstructorDeclaration(fn)) return `${cls}constructor`;
  const parent = fn.getParent();
  if (parent !== undefined && Node.isVariableDeclaration(parent)) return parent.getName();
  if (parent !== undefined && Node.isPropertyAssignment(parent)) {
    const table = parent.getParent()?.getParent();
    const prefix = table !== undefined && Node.isVariableDeclaration(table) ? `${table.getName()}.` : "";
    return `${prefix}${parent.getName()}`;
  }
  return "callback";
}

/** Method bodies of an object literal (`WORK`'s work functions). */
function tableMembers(obj: Node): Fn[] {
  if (!Node.isObjectLiteralExpression(obj)) return [];
  return obj.getProperties().flatMap((p): Fn[] => {
    if (Node.isMethodDeclaration(p)) return [p];
    if (Node.isPropertyAssignment(p)) {
      const init = p.getInitializer();
      return init !== undefined && isFunction(init) ? [init] : [];
    }
    return [];
  });
}

function bodyOf(decl: Node | undefined, src: Sources): Fn[] {
  if (decl === undefined || !decl.getSourceFile().getFilePath().startsWith(`${src.root}/src/fscache/`))
    return [];
  if (isFunction(decl)) return [decl];
  if (
    Node.isVariableDeclaration(decl) ||
    Node.isPropertyAssignment(decl) ||
    Node.isPropertyDeclaration(decl)
  ) {
    const init = decl.getInitializer();
    return init !== undefined && isFunction(init) ? [init] : [];
  }
  if (Node.isMethodSignature(decl) || Node.isPropertySignature(decl)) {
    // An interface method: whatever implements it in the sources.
    const name = decl.getNameNode();
    if (!Node.isIdentifier(name)) return [];
    return name.getImplementations().flatMap((i) => {
      const n = i.getNode();
      const d = n.getParent();
      return d === undefined ? [] : bodyOf(d, src);
    });
  }
  return [];
}

/** The functions a call or `new` can run (empty for code outside src/fscache). */
export function callees(src: Sources, call: Node): Fn[] {
  if (Node.isNewExpression(call)) {
    const d = declarationOf(call.getExpression());
    const ctor = d !== undefined && Node.isClassDeclaration(d) ? d.getConstructors()[0] : undefined;
    return ctor === undefined ? [] : bodyOf(ctor, src);
  }
  if (!Node.isCallExpression(call)) return [];
  const e = call.getExpression();
  if (Node.isElementAccessExpression(e)) {
    const base = e.getExpression();
    const d = Node.isIdentifier(base) ? declarationOf(base) : undefined;
    const init = d !== undefined && Node.isVariableDeclaration(d) ? d.getInitializer() : undefined;
    let obj = init;
    while (obj !== undefined && (Node.isAsExpression(obj) || Node.isSatisfiesExpression(obj)))
      obj = obj.getExpression();
    return obj === undefined ? [] : tableMembers(obj);
  }
  const id = Node.isPropertyAccessExpression(e) ? e.getNameNode() : e;
  const sym = id.getSymbol();
  const target = sym?.isAlias() ? sym.getAliasedSymbol() : sym;
  return (target?.getDeclarations() ?? []).flatMap((d) => bodyOf(d, src));
}

/** The getter a property access runs, if it names one in the sources. */
export function getterOf(src: Sources, access: Node): Fn[] {
  if (!Node.isPropertyAccessExpression(access)) return [];
  const d = access.getNameNode().getSymbol()?.getDeclarations() ?? [];
  return d.filter((x) => Node.isGetAccessorDeclaration(x)).flatMap((x) => bodyOf(x, src));
}

/** Whether a callback passed to this call runs during the call (array iteration methods of the library). */
export function runsCallbackNow(call: Node): boolean {
  if (!Node.isCallExpression(call)) return false;
  const e = call.getExpression();
  if (!Node.isPropertyAccessExpression(e)) return false;
  const sync = [
    "map",
    "forEach",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
    "flatMap",
    "reduce",
    "sort",
  ];
  if (!sync.includes(e.getName())) return false;
  const t = e.getExpression().getType();
  return t.isArray() || t.isTuple() || /^(Readonly)?(Array|Set|Map)</.test(t.getText());
}

/** Where a function declared as a const arrow is referenced other than by being called. */
export function isFunctionRef(id: Node): Fn | undefined {
  if (!Node.isIdentifier(id)) return undefined;
  const parent = id.getParent();
  if (parent !== undefined && Node.isCallExpression(parent) && parent.getExpression() === id)
    return undefined;
  const d = declarationOf(id);
  const init = d !== undefined && Node.isVariableDeclaration(d) ? d.getInitializer() : undefined;
  if (init !== undefined && isFunction(init)) return init;
  return d !== undefined && Node.isFunctionDeclaration(d) ? d : undefined;
}
