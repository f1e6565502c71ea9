// Shows trace validation able to fail: each hand mutant of conformance/mutants/mutants.ts (and the PRE_FIX
// design) is applied to a patched copy of src/ (mutants/patch.ts, as conformance's mutant run does), and random
// production workloads are validated against it until one is rejected. A mutant no run rejects is missed.

import { formatAction } from "../mapping/lastAction.ts";
import { applyMutant, checkMutant, type Mutant } from "../mutants/patch.ts";
import type { Design } from "../trace/format.ts";
import type { BackendKind } from "./backends.ts";
import { fuzz, type Failure, type Target } from "./fuzz.ts";
import { loadProduction } from "./production.ts";

export interface MutantVerdict {
  readonly name: string;
  readonly why: string;
  /** `caught`: a run was rejected; `missed`: every run validated; `error`: the patch no longer applies. */
  readonly status: "caught" | "missed" | "error";
  /** What caught it: the target, the step, the action and why. */
  readonly by?: string;
  readonly runs: number;
  readonly ms: number;
}

export interface MutantOptions {
  readonly repoRoot: string;
  readonly srcRoot: string;
  /** Tried in order; the first rejected run catches the mutant. */
  readonly targets: readonly {
    readonly name: string;
    readonly target: Target;
    readonly runs: number;
    readonly runtime: "event-loop" | "stepped";
  }[];
  readonly design: Design;
  readonly backend: BackendKind;
  readonly seed: number;
}

/** One line on what rejected a run. */
export function describeFailure(f: Failure): string {
  if (f.outcome.end === "error") return `run error: ${f.outcome.error ?? "?"}`;
  if (f.rejection) {
    const r = f.rejection;
    const a = r.action ? formatAction(r.action) : "initial state";
    return `step ${r.position} ${a}: ${r.kind}`;
  }
  if (f.tlcPosition !== undefined) {
    const a = f.recorded[f.tlcPosition]?.action;
    return `TLC: no spec behaviour follows step ${f.tlcPosition}${a ? ` ${formatAction(a)}` : ""}`;
  }
  return "rejected";
}

export async function validateMutant(m: Mutant, o: MutantOptions): Promise<MutantVerdict> {
  const t0 = performance.now();
  const base = { name: m.name, why: m.why };
  const stale = checkMutant(o.srcRoot, m);
  if (stale) return { ...base, status: "error", by: stale.message, runs: 0, ms: 0 };
  const tree = applyMutant(o.repoRoot, o.srcRoot, m);
  let runs = 0;
  try {
    const p = await loadProduction(tree.root);
    const implDesign = (m.options?.["design"] as Design | undefined) ?? o.design;
    for (const t of o.targets) {
      const r = await fuzz(p, t.target, {
        backend: o.backend,
        runtime: t.runtime,
        design: o.design,
        implDesign,
        runs: t.runs,
        seed: o.seed,
        // The table needs the first rejected run, not a minimal one (shrinking under TLC takes minutes).
        shrink: t.target.kind === "graph",
      });
      if (!r.ok) {
        runs += r.failure.runs;
        return {
          ...base,
          status: "caught",
          by: `${t.name}: ${describeFailure(r.failure)}`,
          runs,
          ms: performance.now() - t0,
        };
      }
      runs += r.runs;
    }
    return { ...base, status: "missed", runs, ms: performance.now() - t0 };
  } finally {
    tree.dispose();
  }
}
