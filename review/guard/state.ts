// The abstract state the guard check tracks at each point of a task's code: a lower bound on the n_active
// units the task holds, whether it has seen n_active drained to 0 after giving up its own (relinquish's
// exclusive end), and why the bound is what it is, for the report.

export interface UnitState {
  /** A lower bound on the units held; `OBSERVER` for code outside every step (the harness's snapshot). */
  readonly units: number;
  readonly drained: boolean;
  /** What set `units` to its value, e.g. "unuseCookie at src/fscache/work.ts:118". */
  readonly why: string;
}

/** A path that cannot be taken (after a return, or a branch a constant rules out). */
export const UNREACHABLE = null;
export type State = UnitState | typeof UNREACHABLE;

/** Units granted to observers: any read is allowed there. */
export const OBSERVER = 1_000;

/** Bounds stay small so loops reach a fixpoint quickly. */
const CAP = 4;

export function state(units: number, why: string, drained = false): UnitState {
  return { units: Math.min(Math.max(units, 0), units >= OBSERVER ? OBSERVER : CAP), drained, why };
}

export function add(s: State, delta: number, why: string): State {
  if (s === UNREACHABLE) return s;
  if (s.units >= OBSERVER) return s;
  return state(s.units + delta, why, delta < 0 ? false : s.drained);
}

export function drain(s: State, why: string): State {
  return s === UNREACHABLE ? s : { ...s, drained: true, why };
}

/** Both paths meet: the smaller bound, drained only if both are. */
export function join(a: State, b: State): State {
  if (a === UNREACHABLE) return b;
  if (b === UNREACHABLE) return a;
  const low = a.units < b.units || (a.units === b.units && !a.drained) ? a : b;
  return { units: Math.min(a.units, b.units), drained: a.drained && b.drained, why: low.why };
}

export function same(a: State, b: State): boolean {
  if (a === UNREACHABLE || b === UNREACHABLE) return a === b;
  return a.units === b.units && a.drained === b.drained;
}

/** Whether netfs-owned data may be read here. */
export function guarded(s: UnitState): boolean {
  return s.units >= 1 || s.drained;
}
