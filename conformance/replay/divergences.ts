// The divergence reports replay gives, built in one place for trace replay (lockstep.ts) and graph-path
// replay (divergence.ts): the implementation threw; no enabled step implements the action; the enabled
// steps differ from the spec state's successors.

import { StateMismatchError } from "../errors.ts";
import type { Json } from "../json.ts";

export function implError(
  trace: string,
  step: number,
  action: string,
  msg: string,
  replay: string,
): StateMismatchError {
  return new StateMismatchError(
    trace,
    step,
    action,
    "(exception)",
    null,
    msg,
    [{ path: "(exception)", expected: null, actual: msg }],
    replay,
    "IMPL_ERROR",
    `the implementation threw: ${msg}`,
  );
}

export function noMatchingStep(
  trace: string,
  step: number,
  action: string,
  enabled: readonly string[],
  replay: string,
): StateMismatchError {
  return new StateMismatchError(
    trace,
    step,
    action,
    "(enabled)",
    action,
    [...enabled] as Json,
    [{ path: `enabled ${action}`, expected: true, actual: false }],
    replay,
    "NO_MATCHING_STEP",
    `no enabled implementation step implements ${action}; enabled: [${enabled.join(", ")}]`,
  );
}

/** Undefined when the key sets are equal. */
export function enabledMismatch(
  trace: string,
  step: number,
  action: string,
  specKeys: Iterable<string>,
  implKeys: Iterable<string>,
  replay: string,
): StateMismatchError | undefined {
  const spec = [...new Set(specKeys)].sort();
  const impl = [...new Set(implKeys)].sort();
  const missing = spec.filter((k) => !impl.includes(k));
  const extra = impl.filter((k) => !spec.includes(k));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return new StateMismatchError(
    trace,
    step,
    action,
    "(enabled)",
    spec,
    impl,
    [
      ...missing.map((k) => ({ path: `enabled ${k}`, expected: true, actual: false })),
      ...extra.map((k) => ({ path: `enabled ${k}`, expected: false, actual: true })),
    ],
    replay,
    "ENABLED_MISMATCH",
    `enabled steps differ: spec only [${missing.join(", ")}], implementation only [${extra.join(", ")}]`,
  );
}
