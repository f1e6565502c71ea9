// Everything the review reads from the implementation of one checkout, from one ts-morph project.

import type { ImplModel } from "../check/mapping.ts";
import { abstractionView } from "./abstraction.ts";
import { stepLabels } from "./labels.ts";
import { loadSources, type Sources } from "./project.ts";
import { implMachine } from "./states.ts";

export function loadImpl(
  root: string,
  specVariables: readonly string[],
  sources?: Sources,
): ImplModel & { sources: Sources } {
  const src = sources ?? loadSources(root);
  const { labels, problems } = stepLabels(src);
  const m = implMachine(src);
  return {
    sources: src,
    labels,
    machine: m.machine,
    abstraction: abstractionView(src, specVariables),
    problems: [...problems, ...m.problems],
  };
}
