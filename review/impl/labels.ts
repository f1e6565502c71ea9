// The step labels of src/fscache: every action name passed to a labelling call (step, waitFor, yieldTo, label,
// firstLabel), resolved to the string literals it can be (directly, or through the state table and the op
// first-step table), each with the place of the literal. A name that cannot be resolved statically is reported.

import { Node, SyntaxKind } from "ts-morph";
import { type Sources, where } from "./project.ts";
import { declarationOf, resolveValues } from "./values.ts";

/** Functions whose first argument is a step's action name. */
export const LABELLING: ReadonlySet<string> = new Set(["step", "waitFor", "yieldTo", "label", "firstLabel"]);

export interface StepLabel {
  readonly action: string;
  /** `file:line` of the literal that names the action. */
  readonly where: string;
  /** `file:line` of the labelling call. */
  readonly site: string;
  readonly literal: Node;
  readonly call: Node;
}

export interface LabelProblem {
  readonly where: string;
  readonly message: string;
}

function calleeName(call: Node): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const e = call.getExpression();
  if (Node.isIdentifier(e)) return e.getText();
  if (Node.isPropertyAccessExpression(e)) return e.getName();
  return undefined;
}

/** The function a call calls, when it is declared in the sources (a const's arrow function included). */
function calleeFunction(call: Node): Node | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const e = call.getExpression();
  const id = Node.isPropertyAccessExpression(e) ? e.getNameNode() : e;
  const d = declarationOf(id);
  return d !== undefined && Node.isVariableDeclaration(d) ? d.getInitializer() : d;
}

/** The action-name argument of a labelling call: its first, unless that is a StepLabel an inner `label(…)` builds. */
function actionArgument(call: Node): Node | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const arg = call.getArguments()[0];
  if (arg === undefined) return undefined;
  const inner = calleeName(arg);
  return inner !== undefined && LABELLING.has(inner) ? undefined : arg;
}

/**
 * The labelling calls: calls of `LABELLING` names, and of every wrapper that passes its first parameter on as
 * the action name of a labelling call (e.g. `yieldTo(action)`, `call(action, …)`), found to a fixpoint.
 */
function labellingCalls(src: Sources): { calls: Node[]; wrappers: Set<Node> } {
  const files = src.project
    .getSourceFiles()
    .filter((f) => f.getFilePath().startsWith(`${src.root}/src/fscache/`));
  const all = files.flatMap((f) => f.getDescendantsOfKind(SyntaxKind.CallExpression));
  const wrappers = new Set<Node>();
  const isLabelling = (c: Node): boolean => {
    const name = calleeName(c);
    const fn = calleeFunction(c);
    return (name !== undefined && LABELLING.has(name)) || (fn !== undefined && wrappers.has(fn));
  };
  for (let grew = true; grew;) {
    grew = false;
    for (const c of all.filter(isLabelling)) {
      const arg = actionArgument(c);
      const d = arg !== undefined && Node.isIdentifier(arg) ? declarationOf(arg) : undefined;
      const fn = d !== undefined && Node.isParameterDeclaration(d) ? d.getParent() : undefined;
      if (fn !== undefined && d !== undefined && d.getChildIndex() === 0 && !wrappers.has(fn)) {
        wrappers.add(fn);
        grew = true;
      }
    }
  }
  return { calls: all.filter(isLabelling), wrappers };
}

export function stepLabels(src: Sources): { labels: StepLabel[]; problems: LabelProblem[] } {
  const labels: StepLabel[] = [];
  const problems: LabelProblem[] = [];
  const { calls, wrappers } = labellingCalls(src);
  const isOpen = (param: Node): boolean => {
    const fn = param.getParent();
    return fn !== undefined && wrappers.has(fn);
  };
  for (const call of calls) {
    const arg = actionArgument(call);
    if (arg === undefined) continue;
    const r = resolveValues(arg, isOpen);
    for (const u of r.unresolved) {
      problems.push({
        where: where(src, u),
        message: `the action name ${u.getText()} of this labelling call cannot be resolved statically`,
      });
    }
    for (const v of r.values) {
      if (Node.isStringLiteral(v) || Node.isNoSubstitutionTemplateLiteral(v)) {
        labels.push({
          action: v.getLiteralText(),
          where: where(src, v),
          site: where(src, call),
          literal: v,
          call,
        });
      } else {
        problems.push({ where: where(src, v), message: "a labelling call gets a non-string action name" });
      }
    }
  }
  return { labels, problems };
}
