// Per-variable differences between the spec's state and the implementation's abstract state, down to the
// differing record fields, so a mismatch report says `cookie.D.n_active: spec 0, impl 1` rather than
// printing two whole states.

import type { VariableDiff } from "../errors.ts";
import { isObject, jsonEqual, type Json } from "../json.ts";

/** Variables present in the spec state but not compared (history variables). */
export const NOT_COMPARED: ReadonlySet<string> = new Set(["lastAction"]);

function walk(path: string, a: Json | undefined, b: Json | undefined, out: VariableDiff[]): void {
  if (jsonEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(`${path}.${k}`, a[k], b[k], out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => walk(`${path}[${i}]`, x, b[i], out));
    return;
  }
  out.push({ path, expected: a, actual: b });
}

/**
 * Differences between `expected` (spec) and `actual` (implementation), variable by variable in sorted
 * order; variables in `NOT_COMPARED` are skipped. Empty when the states agree.
 */
export function diffStates(
  expected: Record<string, Json>,
  actual: Record<string, Json>,
  skip: ReadonlySet<string> = NOT_COMPARED,
): VariableDiff[] {
  const out: VariableDiff[] = [];
  const vars = [...new Set([...Object.keys(expected), ...Object.keys(actual)])]
    .filter((v) => !skip.has(v))
    .sort();
  for (const v of vars) walk(v, expected[v], actual[v], out);
  return out;
}
