// Everything one build of the pack reads, gathered once: the spec's and the implementation's models, the
// results of the mapping and guard checks, the kernel map, the cached counterexamples, the findings table
// and the last conformance run.

import { checkMapping, type ImplModel, type Mismatch } from "../check/mapping.ts";
import { type LoadedCounterexample, loadCounterexamples } from "../counterexamples.ts";
import { guardCheck, type GuardRead, type GuardViolation } from "../guard/guard.ts";
import { loadImpl } from "../impl/model.ts";
import type { Sources } from "../impl/project.ts";
import { type KernelMap, readKernelMap } from "../kernel-map.ts";
import { loadSpec, type SpecModel } from "../spec/model.ts";
import { type Finding, readFindings } from "./findings.ts";
import { readSummary, type SummaryRead } from "./summary.ts";

export interface PackData {
  readonly root: string;
  readonly spec: SpecModel;
  readonly impl: ImplModel & { readonly sources: Sources };
  readonly mapping: readonly Mismatch[];
  readonly guard: { readonly violations: readonly GuardViolation[]; readonly reads: readonly GuardRead[] };
  readonly kernel: KernelMap;
  readonly counterexamples: readonly LoadedCounterexample[];
  readonly findings: readonly Finding[];
  readonly summary: SummaryRead;
}

export async function gatherPackData(root: string, summaryFile?: string): Promise<PackData> {
  const spec = await loadSpec(root);
  const impl = loadImpl(
    root,
    spec.variables.map((v) => v.name),
  );
  const kernel = readKernelMap(root);
  return {
    root,
    spec,
    impl,
    mapping: checkMapping(spec, impl, kernel),
    guard: guardCheck(impl.sources),
    kernel,
    counterexamples: await loadCounterexamples(root),
    findings: readFindings(root),
    summary: summaryFile === undefined ? readSummary(root) : readSummary(root, summaryFile),
  };
}

/** Which kind of thread runs an action, from the group of Next that holds it. */
export function laneOf(group: string): string {
  return group === "ThreadStep"
    ? "netfs thread"
    : group === "ObjStep"
      ? "object worker"
      : group === "OpStep"
        ? "op worker"
        : "the whole system";
}
