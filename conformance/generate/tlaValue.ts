// A spec state, as the harness holds it in JSON (the TLC value parser's output), written back as a TLA+
// literal, so that TLC can start from it. JSON loses one distinction TLA+ makes: an array is a set or a
// sequence. The spec's sequences are few and fixed (TypeOK): `op` (a function over OpIds = 1..MaxOps, which
// TLC prints and compares as a tuple), and the record fields src/cli/fieldShapes.ts names (each op's `todo`,
// `cache.list`, `cache.waiters`, each object's `pending`); every other array is a set.
// The value is rebuilt as a TlaValue and printed by the project's TLA+ value printer (src/tla/values.ts).

import { printValue, type TlaValue } from "../../src/tla/values.ts";
import { ConformanceError } from "../errors.ts";
import { isObject, type Json } from "../json.ts";
import { isSequenceField } from "../../src/cli/fieldShapes.ts";

/** A key that can be a record field name. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variable `op` (a tuple), or a record field whose shape is a sequence. */
function isSequence(path: readonly string[]): boolean {
  return isSequenceField(path[path.length - 1] ?? "");
}

function toTla(v: Json, path: readonly string[]): TlaValue {
  const where = path.join(".") || "(state)";
  if (v === null) throw new ConformanceError("TRACE_SCHEMA", `${where}: null has no TLA+ value`);
  if (typeof v === "string") return { kind: "string", value: v };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v))
      throw new ConformanceError("TRACE_SCHEMA", `${where}: ${v} is not an integer`);
    return { kind: "int", value: v };
  }
  // The elements of a sequence sit at its own path; a set's elements as well (neither nests another here).
  if (Array.isArray(v)) {
    const elements = v.map((x) => toTla(x, path));
    return { kind: isSequence(path) ? "seq" : "set", elements };
  }
  const keys = Object.keys(v).sort();
  if (keys.length === 0)
    throw new ConformanceError("TRACE_SCHEMA", `${where}: an empty record has no literal`);
  const values = keys.map((k) => toTla(v[k] as Json, [...path, k]));
  // A record and a function over strings are one value in TLC, so the ids' functions (cookie, object, thread,
  // stores) are written as records too, when their keys are identifiers.
  if (keys.every((k) => IDENTIFIER.test(k)))
    return { kind: "record", fields: keys.map((k, i) => [k, values[i] as TlaValue]) };
  return {
    kind: "function",
    entries: keys.map((k, i) => [{ kind: "string", value: k }, values[i] as TlaValue]),
  };
}

/**
 * The TLA+ literal of a spec state's variables, as a record `[cookie |-> …, object |-> …, …]`. Keys below a
 * variable are matched by name (`object.D.pending` is a sequence as `object.*.pending`), so ids are free.
 */
export function stateLiteral(state: Record<string, Json>): string {
  if (!isObject(state)) throw new ConformanceError("TRACE_SCHEMA", "a state is not a record of variables");
  return printValue(toTla(state, []));
}
