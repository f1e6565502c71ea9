// A spec state, as the harness holds it in JSON (the TLC value parser's output), written back as a TLA+
// literal, so that TLC can start from it. JSON loses one distinction TLA+ makes: an array is a set or a
// sequence. The spec's sequences are few and fixed (TypeOK): `op` (a function over OpIds = 1..MaxOps, which
// TLC prints and compares as a tuple), `cache.list` and each object's `pending`; every other array is a set.

import { ConformanceError } from "../errors.ts";
import { isObject, type Json } from "../json.ts";

/** The paths (variable, then field names; `*` for any key of a function) whose arrays are sequences. */
const SEQUENCES: readonly (readonly string[])[] = [["op"], ["cache", "list"], ["object", "*", "pending"]];

/** A key that can be a record field name. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isSequence(path: readonly string[]): boolean {
  return SEQUENCES.some((p) => p.length === path.length && p.every((k, i) => k === "*" || k === path[i]));
}

function str(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function literal(v: Json, path: readonly string[]): string {
  const where = path.join(".") || "(state)";
  if (v === null) throw new ConformanceError("TRACE_SCHEMA", `${where}: null has no TLA+ value`);
  if (typeof v === "string") return str(v);
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v))
      throw new ConformanceError("TRACE_SCHEMA", `${where}: ${v} is not an integer`);
    return String(v);
  }
  // The elements of a sequence sit at its own path; a set's elements as well (neither nests another here).
  if (Array.isArray(v)) {
    const xs = v.map((x) => literal(x, path));
    return isSequence(path) ? `<<${xs.join(", ")}>>` : `{${xs.join(", ")}}`;
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0)
    throw new ConformanceError("TRACE_SCHEMA", `${where}: an empty record has no literal`);
  // A record and a function over strings are one value in TLC, so the ids' functions (cookie, object, thread,
  // stores) are written as records too, when their keys are identifiers.
  if (keys.every((k) => IDENTIFIER.test(k)))
    return `[${keys.map((k) => `${k} |-> ${literal(v[k] as Json, [...path, k])}`).join(", ")}]`;
  return `(${keys.map((k) => `${str(k)} :> ${literal(v[k] as Json, [...path, k])}`).join(" @@ ")})`;
}

/**
 * The TLA+ literal of a spec state's variables, as a record `[cookie |-> …, object |-> …, …]`. Keys below a
 * variable are matched by name (`object.D.pending` is a sequence as `object.*.pending`), so ids are free.
 */
export function stateLiteral(state: Record<string, Json>): string {
  if (!isObject(state)) throw new ConformanceError("TRACE_SCHEMA", "a state is not a record of variables");
  return literal(state, []);
}
