// The one formatter of validation failures: the first disallowed step, the state before it, the action, the diff
// of the recorded state after against each successor the spec allows, and the command that reproduces it.

import type { Json } from "../json.ts";
import { formatAction } from "../mapping/lastAction.ts";
import type { Rejection } from "./check.ts";

/** How many allowed successors a report spells out (the rest are counted). */
const MAX_ALLOWED = 6;

function show(v: Json | undefined): string {
  return v === undefined ? "(absent)" : JSON.stringify(v);
}

const HEADLINE = {
  NO_INITIAL_STATE: "the recorded initial state is no initial state of the spec",
  ACTION_NOT_ENABLED: "the spec does not allow this action in the state before",
  WRONG_NEXT_STATE: "the spec allows this action here, but not the state it led to",
} as const;

/** A rejected run, for people: `repro` is the command that runs the same workload again. */
export function formatRejection(r: Rejection, where: string, repro: string): string {
  const action = r.action ? formatAction(r.action) : "(initial state)";
  const lines = [
    `REJECTED at step ${r.position} of ${where}: ${action}: ${HEADLINE[r.kind]}`,
    `  state before: ${r.before ? JSON.stringify(r.before) : "(none: initial state)"}`,
    `  action:       ${action}`,
  ];
  if (r.allowed.length === 0) lines.push("  allowed successors: none (the spec only stutters here)");
  else
    lines.push(`  allowed successors (${r.allowed.length}), each diffed against the recorded state after:`);
  for (const a of r.allowed.slice(0, MAX_ALLOWED)) {
    lines.push(`    ${a.action}${a.diffs.length === 0 ? ": same state" : ""}`);
    for (const d of a.diffs)
      lines.push(`      ${d.path}: spec ${show(d.expected)}, recorded ${show(d.actual)}`);
  }
  if (r.allowed.length > MAX_ALLOWED) lines.push(`    … ${r.allowed.length - MAX_ALLOWED} more`);
  lines.push(`  reproduce: ${repro}`);
  return lines.join("\n");
}
