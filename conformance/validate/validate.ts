// One validated run: run a workload on the production path with recording on, then check the recorded steps
// against a model's transition index (in-process) — the unit the property test, the CLI and the bench share.

import type { Design } from "../trace/format.ts";
import { validateRun, type Verdict } from "./check.ts";
import { runWorkload, type RunOutcome } from "./driver.ts";
import type { TransitionIndex } from "./graphIndex.ts";
import type { BackendKind } from "./backends.ts";
import type { ValidationModel } from "./models.ts";
import type { Production } from "./production.ts";
import type { Workload } from "./workload.ts";

export interface ValidatedRun {
  readonly outcome: RunOutcome;
  readonly verdict: Verdict;
  readonly recordMs: number;
  readonly checkMs: number;
}

export async function validateWorkload(
  p: Production,
  w: Workload,
  m: ValidationModel,
  index: TransitionIndex,
  o: {
    readonly backend: BackendKind;
    readonly design: Design;
    readonly stepped?: { readonly choices: readonly number[] };
  },
): Promise<ValidatedRun> {
  const t0 = performance.now();
  const outcome = await runWorkload(p, w, { ...o, record: m.constants });
  const t1 = performance.now();
  const verdict: Verdict =
    outcome.end === "error" ? { ok: true, steps: 0 } : validateRun(index, outcome.recording?.steps() ?? []);
  return { outcome, verdict, recordMs: t1 - t0, checkMs: performance.now() - t1 };
}

/** A run is accepted when it ended without a harness error and every recorded step is a spec transition. */
export function accepted(r: ValidatedRun): boolean {
  return r.outcome.end !== "error" && r.verdict.ok;
}
