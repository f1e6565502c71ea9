// The TypeScript sources of one checkout as a ts-morph project (type-checked, so that names resolve across
// modules), and the `file:line` every review report uses for a node.

import { relative, resolve } from "node:path";
import { type Node, Project } from "ts-morph";

/** A checkout's implementation sources: src/ (the runtime's types included) and the abstraction function. */
export interface Sources {
  readonly root: string;
  readonly project: Project;
}

export function loadSources(checkout: string): Sources {
  const root = resolve(checkout);
  const project = new Project({
    tsConfigFilePath: `${root}/tsconfig.json`,
    skipAddingFilesFromTsConfig: true,
  });
  project.addSourceFilesAtPaths([`${root}/src/**/*.ts`, `${root}/conformance/mapping/*.ts`]);
  return { root, project };
}

/** `path:line` of a node, the path relative to the checkout. */
export function where(src: Sources, n: Node): string {
  return `${relative(src.root, n.getSourceFile().getFilePath())}:${n.getStartLineNumber()}`;
}

/** A source file by its path relative to the checkout. */
export function sourceFile(src: Sources, path: string) {
  const f = src.project.getSourceFile(`${src.root}/${path}`);
  if (f === undefined) throw new Error(`${path}: not found under ${src.root}`);
  return f;
}
