// Step signatures for the Stryker trace sample: what a step did, coarsely enough that a few hundred behaviours
// cover every kind, finely enough to tell the branches of one action apart (a WritePage that queues a store
// from one refused with ENOBUFS: same action label, different fields changed). Branch coverage of the
// implementation follows the spec's: each branch of an action changes a different set of fields.

import { canonical, type Json, jsonEqual } from "../json.ts";
import type { TraceStepLine } from "../trace/format.ts";

/** Leaf values of a state, keyed by their path (`cookie/D/n_active`). */
function leaves(v: Json, path: string, out: Map<string, Json>): void {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, path === "" ? k : `${path}/${k}`, out);
  } else out.set(path, v);
}

/** A variable's field, without the instance (`cookie/D/n_active` → `cookie.n_active`). */
function field(path: string): string {
  const parts = path.split("/");
  return parts.length > 1 ? `${parts[0]}.${parts[parts.length - 1]}` : path;
}

/** How a leaf changed: its new value for an enum-like value (string, boolean, set of strings), the direction of a count. */
function change(before: Json | undefined, after: Json): string {
  if (typeof after === "number" && typeof before === "number") return after > before ? "+" : "-";
  if (typeof after === "string" || typeof after === "boolean") return `=${String(after)}`;
  if (Array.isArray(after) && after.every((x) => typeof x === "string"))
    return `=${[...after].sort().join(",")}`;
  return "~";
}

/** The signature of the step into `cur` from `prev`: its action label and the fields it changed, and how. */
export function stepSignature(prev: TraceStepLine, cur: TraceStepLine): string {
  const a = new Map<string, Json>();
  const b = new Map<string, Json>();
  leaves(prev.state, "", a);
  leaves(cur.state, "", b);
  const changed = new Set<string>();
  for (const [path, v] of b) {
    const old = a.get(path);
    if (!jsonEqual(old, v)) changed.add(`${field(path)}${change(old, v)}`);
  }
  return canonical([cur.action?.name ?? null, cur.action?.params ?? {}, [...changed].sort()]);
}
