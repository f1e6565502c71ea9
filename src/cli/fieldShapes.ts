// What JSON cannot say about the spec's record fields: which arrays are TLA+ sets (and in which order the
// abstraction lists them) and which are sequences, and which objects are functions. `check`'s printed
// interleaving (interleaving.ts), conformance's abstraction (conformance/mapping/abstraction.ts), the validation
// module writer (conformance/validate/tlaTrace.ts) and the TLA+ literal writer (conformance/generate/tlaValue.ts)
// each need it; a field added to the spec is described here once (TypeOK says its type, and
// test/conformance/field-shapes.test.ts compares the two).

/**
 * - `set`: a set, listed sorted by name; `eventSet`: a set of events, listed by event bit (as the
 *   implementation lists them);
 * - `sequence`: a sequence of scalars; `waiters`: a sequence of `[k, p, monitor]` records (`cache.waiters`);
 * - `function`: a function over strings (`cookie.stores`, page → state); any other field is a scalar.
 */
export type FieldShape = "set" | "eventSet" | "sequence" | "waiters" | "function" | "scalar";

const SHAPES: Readonly<Record<string, FieldShape>> = {
  flags: "set",
  backing: "set",
  dependents: "set",
  io: "set",
  dying: "set",
  cached: "set",
  alloc: "set",
  oob_mask: "eventSet",
  event_mask: "eventSet",
  events: "eventSet",
  dmask: "eventSet",
  pending: "sequence",
  todo: "sequence",
  list: "sequence",
  waiters: "waiters",
  stores: "function",
};

/** The shape of record field `name` (the same in every record that has it). */
export function fieldShape(name: string): FieldShape {
  return SHAPES[name] ?? "scalar";
}

/**
 * Whether an array under variable or field `name` is a TLA+ sequence: the variable `op` (a function over
 * 1..MaxOps, which TLC prints and compares as a tuple; `thread[t].op` is a number, never an array), or a field
 * shaped as one.
 */
export function isSequenceField(name: string): boolean {
  const shape = fieldShape(name);
  return name === "op" || shape === "sequence" || shape === "waiters";
}
