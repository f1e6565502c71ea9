// In-process trace validation: each recorded (state, action, next state) must be a transition of the model's
// state graph. The per-step check is two fingerprint look-ups (constant time whatever the graph's size); only a
// rejected step reads the graph's states back, to explain it (report.ts).

import type { Json } from "../json.ts";
import { stateText } from "../mapping/abstraction.ts";
import { fingerprintText, formatFingerprint } from "../mapping/fingerprint.ts";
import { formatAction } from "../mapping/lastAction.ts";
import type { SpecAction } from "../trace/format.ts";
import type { RecordedStep } from "./driver.ts";
import { statesOf, type TransitionIndex } from "./graphIndex.ts";
import { diffStates } from "../replay/diff.ts";
import type { VariableDiff } from "../errors.ts";

/**
 * Why a step is rejected: its state before is no state of the model (only for the initial state: every later
 * state before was accepted as an after), its action is not enabled there, or the action is enabled but
 * leads to other states.
 */
export type RejectionKind = "NO_INITIAL_STATE" | "ACTION_NOT_ENABLED" | "WRONG_NEXT_STATE";

/** One successor the spec allows from the state before, and how the recorded state after differs from it. */
export interface AllowedStep {
  readonly action: string;
  readonly diffs: readonly VariableDiff[];
}

/** The first disallowed step of a recorded run. */
export interface Rejection {
  readonly kind: RejectionKind;
  /** Its position: 0 is the initial state, n the n-th recorded step. */
  readonly position: number;
  readonly before: Record<string, Json> | null;
  readonly action: SpecAction | null;
  readonly after: Record<string, Json>;
  readonly allowed: readonly AllowedStep[];
}

export type Verdict =
  { readonly ok: true; readonly steps: number } | { readonly ok: false; readonly rejection: Rejection };

function fp(state: Record<string, Json>): string {
  return formatFingerprint(fingerprintText(stateText(state)));
}

/** The first step of `run` that the model does not allow, or ok. */
export function validateRun(index: TransitionIndex, run: readonly RecordedStep[]): Verdict {
  const first = run[0];
  if (!first) return { ok: true, steps: 0 };
  let prev = fp(first.state);
  if (!index.initial.has(prev)) return reject(index, run, 0, "NO_INITIAL_STATE", undefined);
  for (let i = 1; i < run.length; i++) {
    const step = run[i] as RecordedStep;
    const next = fp(step.state);
    const action = step.action ? formatAction(step.action) : "";
    const targets = index.next.get(prev)?.get(action);
    if (!targets) return reject(index, run, i, "ACTION_NOT_ENABLED", prev);
    if (!targets.has(next)) return reject(index, run, i, "WRONG_NEXT_STATE", prev);
    prev = next;
  }
  return { ok: true, steps: run.length - 1 };
}

/** The slow path: the states the spec allows instead, read back, each diffed against the recorded one. */
function reject(
  index: TransitionIndex,
  run: readonly RecordedStep[],
  i: number,
  kind: RejectionKind,
  prevFp: string | undefined,
): Verdict {
  const step = run[i] as RecordedStep;
  const candidates: { action: string; fp: string }[] = [];
  if (prevFp === undefined) for (const f of index.initial) candidates.push({ action: "Init", fp: f });
  else
    for (const [action, targets] of index.next.get(prevFp) ?? [])
      for (const f of targets) candidates.push({ action, fp: f });
  // The recorded action's own successors first, then the others by name.
  const name = step.action ? formatAction(step.action) : "Init";
  candidates.sort(
    (a, b) => Number(b.action === name) - Number(a.action === name) || (a.action < b.action ? -1 : 1),
  );
  const states = statesOf(index, new Set(candidates.map((c) => c.fp)));
  const allowed = candidates.map((c) => ({
    action: c.action,
    diffs: diffStates(states.get(c.fp) ?? {}, step.state),
  }));
  return {
    ok: false,
    rejection: {
      kind,
      position: i,
      before: i > 0 ? (run[i - 1] as RecordedStep).state : null,
      action: step.action,
      after: step.state,
      allowed,
    },
  };
}
