// fast-check drives random workloads through the production path and validates every run: in-process against
// a model's state graph, or by TLC for the wide workloads no graph covers. A rejected run is shrunk by
// fast-check (fewer threads' calls, faults, delays) and reported with its first disallowed step and the command
// that replays the shrunk run (seed and path).

import fc from "fast-check";
import type { Design } from "../trace/format.ts";
import type { Rejection } from "./check.ts";
import { runWorkload, type RecordedStep, type RunOutcome } from "./driver.ts";
import type { BackendKind } from "./backends.ts";
import type { TransitionIndex } from "./graphIndex.ts";
import type { ValidationModel } from "./models.ts";
import type { Production } from "./production.ts";
import { checkByTlc } from "./tlcCheck.ts";
import { accepted, validateWorkload } from "./validate.ts";
import { runConstants, wideWorkload, workloadFor, type Workload } from "./workload.ts";

/** What is validated: workloads fitting a model (checked against its graph), or wide ones (checked by TLC). */
export type Target =
  | { readonly kind: "graph"; readonly model: ValidationModel; readonly index: TransitionIndex }
  | { readonly kind: "tlc"; readonly dataCookies: number; readonly repoRoot: string };

export interface FuzzOptions {
  readonly backend: BackendKind;
  /**
   * `event-loop` (production); `stepped`: the same code on the stepped runtime, whose schedule fast-check
   * chooses (workload.schedule), for races the event loop's FIFO order rarely reaches.
   */
  readonly runtime?: "event-loop" | "stepped";
  /** The spec's design the runs are checked against. */
  readonly design: Design;
  /** The design the implementation runs (default: `design`; the PRE_FIX mutant runs another). */
  readonly implDesign?: Design;
  readonly runs: number;
  /** Shrink a rejected run to a minimal one (default true; each shrink step is a run, plus a TLC check for tlc). */
  readonly shrink?: boolean;
  readonly seed?: number;
  readonly path?: string;
}

/** A rejected run after shrinking: the workload, its outcome, and where validation stopped. */
export interface Failure {
  /** Runs made up to and including the first rejected one (before shrinking). */
  readonly runs: number;
  readonly seed: number;
  readonly path: string;
  readonly workload: Workload;
  readonly outcome: RunOutcome;
  /** The in-process rejection (graph targets), or the position TLC reached (tlc targets). */
  readonly rejection?: Rejection;
  readonly tlcPosition?: number;
  readonly recorded: readonly RecordedStep[];
}

export type FuzzResult =
  | { readonly ok: true; readonly runs: number; readonly steps: number; readonly seed: number }
  | { readonly ok: false; readonly failure: Failure };

/** Validates one workload; resolves the outcome, the recording, and the verdict. */
async function once(
  p: Production,
  target: Target,
  w: Workload,
  o: FuzzOptions,
): Promise<Omit<Failure, "seed" | "path" | "workload" | "runs"> & { ok: boolean }> {
  const run = {
    backend: o.backend,
    design: o.implDesign ?? o.design,
    ...(o.runtime === "stepped" ? { stepped: { choices: w.schedule } } : {}),
  };
  if (target.kind === "graph") {
    const r = await validateWorkload(p, w, target.model, target.index, run);
    return {
      ok: accepted(r),
      outcome: r.outcome,
      recorded: r.outcome.recording?.steps() ?? [],
      ...(r.verdict.ok ? {} : { rejection: r.verdict.rejection }),
    };
  }
  const k = runConstants(w);
  const outcome = await runWorkload(p, w, { ...run, record: k });
  const recorded = outcome.recording?.steps() ?? [];
  if (outcome.end === "error") return { ok: false, outcome, recorded };
  const v = await checkByTlc(recorded, k, o.design, { repoRoot: target.repoRoot });
  return v.matched
    ? { ok: true, outcome, recorded }
    : { ok: false, outcome, recorded, tlcPosition: v.position };
}

export function arbitraryFor(target: Target): fc.Arbitrary<Workload> {
  return target.kind === "graph" ? workloadFor(target.model) : wideWorkload(target.dataCookies);
}

/** Runs `o.runs` random workloads; the first rejected one is shrunk and returned. */
export async function fuzz(p: Production, target: Target, o: FuzzOptions): Promise<FuzzResult> {
  let steps = 0;
  const details = await fc.check(
    fc.asyncProperty(arbitraryFor(target), async (w) => {
      const r = await once(p, target, w, o);
      steps += r.outcome.steps;
      return r.ok;
    }),
    {
      numRuns: o.runs,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.path !== undefined ? { path: o.path } : {}),
      ...(o.shrink === false ? { endOnFailure: true } : {}),
    },
  );
  if (!details.failed) return { ok: true, runs: details.numRuns, steps, seed: details.seed };
  const ce = details.counterexample;
  if (!ce) {
    const err: unknown = details.errorInstance;
    throw err instanceof Error ? err : new Error(`the property threw: ${String(err)}`);
  }
  const w = ce[0];
  const r = await once(p, target, w, o);
  return {
    ok: false,
    failure: {
      runs: details.numRuns,
      seed: details.seed,
      path: details.counterexamplePath ?? "",
      workload: w,
      outcome: r.outcome,
      recorded: r.recorded,
      ...(r.rejection ? { rejection: r.rejection } : {}),
      ...(r.tlcPosition !== undefined ? { tlcPosition: r.tlcPosition } : {}),
    },
  };
}
