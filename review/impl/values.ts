// What a TypeScript expression can evaluate to, when that is fixed by constant data in the sources: string
// literals, and object and array literals reached through const declarations, imports, `??`/`||`/`?:`,
// property and element access, `as const`/`satisfies`, and calls of functions that return such expressions.

import { Node, SyntaxKind } from "ts-morph";

/** The literal nodes an expression may evaluate to, and the sub-expressions that could not be followed. */
export interface Resolved {
  readonly values: Node[];
  readonly unresolved: Node[];
}

function unwrap(n: Node): Node {
  let x = n;
  while (Node.isAsExpression(x) || Node.isSatisfiesExpression(x) || Node.isParenthesizedExpression(x)) {
    x = x.getExpression();
  }
  return x;
}

/** The declaration an identifier names, through import aliases. */
export function declarationOf(id: Node): Node | undefined {
  const sym = id.getSymbol();
  const target = sym?.isAlias() ? sym.getAliasedSymbol() : sym;
  return target?.getDeclarations()[0];
}

function memberValue(obj: Node, name: string | undefined): Node[] {
  if (Node.isObjectLiteralExpression(obj)) {
    const props = obj
      .getProperties()
      .filter((p) => name === undefined || (Node.isPropertyAssignment(p) && p.getName() === name));
    return props.flatMap((p) => (Node.isPropertyAssignment(p) ? [p.getInitializerOrThrow()] : []));
  }
  if (Node.isArrayLiteralExpression(obj)) {
    const elems = obj.getElements();
    if (name === undefined) return elems;
    const i = Number(name);
    return Number.isInteger(i) && elems[i] !== undefined ? [elems[i]] : [];
  }
  return [];
}

/**
 * Resolves `expr` to literal values. `isOpen(param)` says whether a parameter is an accepted open input (the
 * value is chosen by the caller, whose own argument is resolved at its call); other parameters are unresolved.
 */
export function resolveValues(
  expr: Node,
  isOpen: (param: Node) => boolean = () => false,
  depth = 0,
): Resolved {
  const out: Resolved = { values: [], unresolved: [] };
  const add = (r: Resolved): void => {
    out.values.push(...r.values);
    out.unresolved.push(...r.unresolved);
  };
  const n = unwrap(expr);
  if (depth > 12) {
    out.unresolved.push(n);
  } else if (
    Node.isStringLiteral(n) ||
    Node.isNoSubstitutionTemplateLiteral(n) ||
    Node.isNumericLiteral(n) ||
    Node.isObjectLiteralExpression(n) ||
    Node.isArrayLiteralExpression(n)
  ) {
    out.values.push(n);
  } else if (Node.isBinaryExpression(n) && ["??", "||"].includes(n.getOperatorToken().getText())) {
    add(resolveValues(n.getLeft(), isOpen, depth + 1));
    add(resolveValues(n.getRight(), isOpen, depth + 1));
  } else if (Node.isConditionalExpression(n)) {
    add(resolveValues(n.getWhenTrue(), isOpen, depth + 1));
    add(resolveValues(n.getWhenFalse(), isOpen, depth + 1));
  } else if (Node.isIdentifier(n)) {
    const d = declarationOf(n);
    if (d !== undefined && Node.isParameterDeclaration(d)) {
      if (!isOpen(d)) out.unresolved.push(n);
    } else if (d !== undefined && Node.isVariableDeclaration(d) && d.getInitializer() !== undefined) {
      add(resolveValues(d.getInitializerOrThrow(), isOpen, depth + 1));
    } else {
      out.unresolved.push(n);
    }
  } else if (Node.isPropertyAccessExpression(n) || Node.isElementAccessExpression(n)) {
    const base = resolveValues(n.getExpression(), isOpen, depth + 1);
    out.unresolved.push(...base.unresolved);
    let key: string | undefined;
    if (Node.isPropertyAccessExpression(n)) key = n.getName();
    else {
      const arg = unwrap(n.getArgumentExpressionOrThrow());
      key = Node.isStringLiteral(arg) || Node.isNumericLiteral(arg) ? arg.getLiteralText() : undefined;
    }
    for (const b of base.values) {
      for (const v of memberValue(b, key)) add(resolveValues(v, isOpen, depth + 1));
    }
  } else if (Node.isCallExpression(n)) {
    const callee = n.getExpression();
    const d = Node.isIdentifier(callee) ? declarationOf(callee) : undefined;
    if (d !== undefined && Node.isFunctionDeclaration(d)) {
      const returns = d.getDescendantsOfKind(SyntaxKind.ReturnStatement);
      for (const r of returns) {
        const e = r.getExpression();
        if (e !== undefined) add(resolveValues(e, () => true, depth + 1));
      }
    } else {
      out.unresolved.push(n);
    }
  } else {
    out.unresolved.push(n);
  }
  return out;
}
