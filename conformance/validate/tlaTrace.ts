// Trace validation by TLC, for runs no state graph covers: a TLA+ module that extends the spec with a trace
// index `vtI` and the recorded run as a sequence literal of records, whose next-state relation is the spec's
// Next conjoined with "lastAction' is the (vtI+1)-th recorded action and the abstraction of the next state is
// the (vtI+1)-th recorded state". TLC then explores only the spec's behaviours that follow the recording: the
// invariant `VT_NotDone` is violated exactly when one of them reaches the recording's end (matched); if none
// does, the depth of the state graph TLC reports is how far the recording was followed.
//
// The abstraction is written once more here, in TLA+, as a projection on the spec's side: the recorded states
// are already abstract (mapping/abstraction.ts), and the spec's bookkeeping (its SPEC_ONLY variables and fields)
// is left out of the comparison, as conformance leaves it out.

import { isObject, type Json } from "../json.ts";
import { FIELDS, SPEC_ONLY } from "../mapping/abstraction.ts";
import { fieldShape } from "../../src/cli/fieldShapes.ts";
import type { ModelConstants } from "../mapping/model.ts";
import type { Design } from "../trace/format.ts";
import type { RecordedStep } from "./driver.ts";

function str(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function scalar(v: Json): string {
  if (typeof v === "string") return str(v);
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  throw new Error(`not a scalar: ${JSON.stringify(v)}`);
}

/** A function with string domain, as `"a" :> x @@ "b" :> y` (TLC's module). */
function fn(entries: [string, string][]): string {
  if (entries.length === 0) throw new Error("an empty function has no literal here");
  return `(${entries.map(([k, v]) => `${str(k)} :> ${v}`).join(" @@ ")})`;
}

function field(name: string, v: Json): string {
  const shape = fieldShape(name);
  switch (shape) {
    case "set":
    case "eventSet":
      if (!Array.isArray(v)) throw new Error(`field ${name} is not a set`);
      return `{${v.map(scalar).join(", ")}}`;
    case "sequence":
      if (!Array.isArray(v)) throw new Error(`field ${name} is not a sequence`);
      return `<<${v.map(scalar).join(", ")}>>`;
    case "waiters": {
      if (!Array.isArray(v)) throw new Error(`field ${name} is not a sequence`);
      const one = (w: Json): string => {
        if (!isObject(w)) throw new Error("a waiter is not a record");
        return `[k |-> ${scalar(w["k"] ?? null)}, p |-> ${scalar(w["p"] ?? null)}, monitor |-> ${scalar(w["monitor"] ?? null)}]`;
      };
      return `<<${v.map(one).join(", ")}>>`;
    }
    case "function":
      if (!isObject(v)) throw new Error(`field ${name} is not a function`);
      return fn(Object.entries(v).map(([k, x]) => [k, scalar(x)]));
    case "scalar":
      return scalar(v);
  }
}

function record(kind: keyof typeof FIELDS, v: Json | undefined): string {
  if (!isObject(v)) throw new Error(`a ${kind} record is not an object`);
  return `[${FIELDS[kind].map((f) => `${f} |-> ${field(f, v[f] ?? null)}`).join(", ")}]`;
}

function byId(kind: "cookie" | "object" | "thread", v: Json | undefined): string {
  if (!isObject(v)) throw new Error(`variable ${kind} is not a function`);
  return fn(Object.entries(v).map(([k, r]) => [k, record(kind, r)]));
}

/** A recorded state as a TLA+ record of the compared variables (a crashed state: its oops alone). */
export function stateLiteral(s: Record<string, Json>): string {
  const oops = s["oops"];
  if (typeof oops !== "string") throw new Error("a recorded state has no oops variable");
  if (oops !== "NONE" && s["cookie"] === undefined) return `[crashed |-> TRUE, oops |-> ${str(oops)}]`;
  const ops = s["op"];
  if (!Array.isArray(ops)) throw new Error("variable op is not a sequence");
  return (
    `[crashed |-> FALSE, oops |-> ${str(oops)}, abs |-> [cookie |-> ${byId("cookie", s["cookie"])}, ` +
    `object |-> ${byId("object", s["object"])}, op |-> <<${ops.map((r) => record("op", r)).join(", ")}>>, ` +
    `thread |-> ${byId("thread", s["thread"])}, oops |-> ${str(oops)}, cache |-> ${record("cache", s["cache"])}]]`
  );
}

function projection(name: string, kind: keyof typeof FIELDS): string {
  return `${name}(r) == [${FIELDS[kind].map((f) => `${f} |-> r.${f}`).join(", ")}]`;
}

/** What the abstraction projects away, as the generated module's comment names it: `lastAction, cookie.unwoken, …`. */
function specOnlyNames(): string {
  const fields = Object.entries(SPEC_ONLY.fields).flatMap(([v, fs]) => fs.map((f) => `${v}.${f}`));
  return [...SPEC_ONLY.variables, ...fields].join(", ");
}

function setOf(xs: readonly string[]): string {
  return `{${xs.map(str).join(", ")}}`;
}

/** The module (named `name`) and its cfg checking `run` against the spec with constants `k` in `design`. */
export function traceModule(
  name: string,
  run: readonly RecordedStep[],
  k: ModelConstants,
  design: Design,
): { tla: string; cfg: string } {
  const entries = run.map((s, i) => {
    const a = s.action ?? { name: "Init", params: {} };
    const act = `[${[`name |-> ${str(a.name)}`, ...Object.entries(a.params).map(([p, v]) => `${p} |-> ${scalar(v)}`)].join(", ")}]`;
    return `    (* ${i} *) [a |-> ${act}, s |-> ${stateLiteral(s.state)}]`;
  });
  const tla = [
    `---- MODULE ${name} ----`,
    "(* Generated by conformance/validate/tlaTrace.ts: checks one recorded run against FSCache. *)",
    "EXTENDS FSCache, TLC",
    "VARIABLE vtI",
    `VT_Cookies == ${setOf(k.Cookies)}`,
    `VT_Parent == ${fn(Object.entries(k.Parent).map(([c, p]) => [c, str(p)]))}`,
    `VT_IndexCookies == ${setOf(k.IndexCookies)}`,
    `VT_Threads == ${setOf(k.Threads)}`,
    `VT_TCookie == ${fn(Object.entries(k.TCookie).map(([t, c]) => [t, str(c)]))}`,
    `VT_Pages == ${setOf(k.Pages)}`,
    `VT_NetfsCalls == ${setOf(k.NetfsCalls)}`,
    "\\* Every outcome the spec can choose: the recording says which one happened.",
    'VT_LookupResults == {"POSITIVE", "NEGATIVE", "ERROR", "EIO"}',
    'VT_WriteResults == {"OK", "ERROR", "EIO"}',
    'VT_ReadResults == {"OK", "EIO"}',
    "VT_RetireChoices == BOOLEAN",
    `VT_Withdrawal == ${k.Withdrawal === true ? "TRUE" : "FALSE"}`,
    projection("VT_C", "cookie"),
    projection("VT_O", "object"),
    projection("VT_Op", "op"),
    projection("VT_T", "thread"),
    `\\* The abstraction's view of the spec state: SPEC_ONLY (${specOnlyNames()}) left out.`,
    "VT_Abs == [cookie |-> [c \\in Cookies |-> VT_C(cookie[c])], object |-> [o \\in Objects |-> VT_O(object[o])],",
    "           op |-> [k \\in OpIds |-> VT_Op(op[k])], thread |-> [t \\in Threads |-> VT_T(thread[t])], oops |-> oops,",
    "           cache |-> [flags |-> cache.flags, wd |-> cache.wd, dying |-> cache.dying, waiters |-> cache.waiters]]",
    "VT_Trace == <<",
    entries.join(",\n"),
    "  >>",
    "VT_Matches(s) == IF s.crashed THEN oops = s.oops ELSE VT_Abs = s.abs",
    "VT_MatchesNext(s) == IF s.crashed THEN oops' = s.oops ELSE VT_Abs' = s.abs",
    "\\* lastAction' is the recorded action: same fields, same values.",
    "VT_ActionIs(a) == DOMAIN lastAction' = DOMAIN a /\\ \\A f \\in DOMAIN a : lastAction'[f] = a[f]",
    "VT_Init == Init /\\ vtI = 1 /\\ VT_Matches(VT_Trace[1].s)",
    "VT_Next == /\\ vtI < Len(VT_Trace)",
    "           /\\ Next",
    "           /\\ LET e == VT_Trace[vtI + 1] IN VT_ActionIs(e.a) /\\ VT_MatchesNext(e.s)",
    "           /\\ vtI' = vtI + 1",
    "\\* Violated exactly when a behaviour of the spec has followed the whole recording.",
    "VT_NotDone == vtI < Len(VT_Trace)",
    "====",
    "",
  ].join("\n");
  const cfg = [
    "INIT VT_Init",
    "NEXT VT_Next",
    "CONSTANTS",
    `    DESIGN = "${design}"`,
    "    Cookies <- VT_Cookies",
    "    Parent <- VT_Parent",
    "    IndexCookies <- VT_IndexCookies",
    "    Threads <- VT_Threads",
    "    TCookie <- VT_TCookie",
    "    Pages <- VT_Pages",
    `    MaxOps = ${k.MaxOps}`,
    `    MaxCalls = ${k.MaxCalls}`,
    "    NetfsCalls <- VT_NetfsCalls",
    "    LookupResults <- VT_LookupResults",
    "    WriteResults <- VT_WriteResults",
    "    RetireChoices <- VT_RetireChoices",
    "    Withdrawal <- VT_Withdrawal",
    "    ReadResults <- VT_ReadResults",
    "CHECK_DEADLOCK FALSE",
    "INVARIANT VT_NotDone",
    "",
  ].join("\n");
  return { tla, cfg };
}
