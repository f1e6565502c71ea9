// The model constants the implementation is set up from (threads, their cookies, the cookie tree, pages,
// op slots, calls per thread), read from the spec by TLC once per model and carried in every trace header.

import type { Json } from "../json.ts";

export interface ModelConstants {
  readonly Cookies: string[];
  readonly Parent: Record<string, string>;
  readonly IndexCookies: string[];
  readonly Threads: string[];
  readonly TCookie: Record<string, string>;
  readonly Pages: string[];
  readonly MaxOps: number;
  readonly MaxCalls: number;
  readonly NetfsCalls: string[];
}

/** The constants a model must print: names and TLA+ expressions. */
export const CONSTANT_NAMES: readonly (keyof ModelConstants)[] = [
  "Cookies",
  "Parent",
  "IndexCookies",
  "Threads",
  "TCookie",
  "Pages",
  "MaxOps",
  "MaxCalls",
  "NetfsCalls",
];

/** A module extending `model` that prints the constants and stops after the initial states. */
export function constantsModule(name: string, model: string): string {
  const rec = CONSTANT_NAMES.map((c) => `${c} |-> ${c}`).join(", ");
  return [
    `---- MODULE ${name} ----`,
    `EXTENDS ${model}, TLC`,
    `ASSUME PrintT(<<"FSCACHE_CONSTANTS", [${rec}]>>)`,
    `ConfStop == oops = "CONFORMANCE: stop after the initial states"`,
    "====",
    "",
  ].join("\n");
}

/** Checks the shape of constants read back from a trace header. */
export function asConstants(j: Record<string, Json> | undefined): ModelConstants {
  if (!j) throw new Error("the trace header carries no model constants");
  for (const c of CONSTANT_NAMES) if (!(c in j)) throw new Error(`the trace header's constants lack ${c}`);
  return j as unknown as ModelConstants;
}
