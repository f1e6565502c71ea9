// The model constants the implementation is set up from (threads, their cookies, the cookie tree, pages,
// op slots, calls per thread), read from the spec by TLC once per model and carried in every trace header.

import { Ajv } from "ajv";
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
  /** Whether the cache is withdrawn during the run (FSCache.tla's `Withdrawal`; absent in older headers). */
  readonly Withdrawal?: boolean;
  /**
   * Whether a reader's submit is two steps with object->lock held between (FSCache.tla's `SubmitWindow`;
   * absent in older headers).
   */
  readonly SubmitWindow?: boolean;
  /**
   * Whether a netfs thread's raise is two steps with cookie->lock held between (FSCache.tla's `RaiseWindow`;
   * absent in older headers).
   */
  readonly RaiseWindow?: boolean;
  /** NFS's tasks reading through their owner's cookie (FSCache.tla's `Borrowers`; absent in older headers). */
  readonly Borrowers?: string[];
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

/** The constants printed besides CONSTANT_NAMES (optional when read back). */
const OPTIONAL_NAMES: readonly (keyof ModelConstants)[] = [
  "Withdrawal",
  "SubmitWindow",
  "RaiseWindow",
  "Borrowers",
];

/** The ASSUME that makes TLC print the model's constants while it parses the model (the marker tlcPort reads). */
export function constantsAssume(): string {
  const rec = [...CONSTANT_NAMES, ...OPTIONAL_NAMES].map((c) => `${c} |-> ${c}`).join(", ");
  return `ASSUME PrintT(<<"FSCACHE_CONSTANTS", [${rec}]>>)`;
}

/** A module extending `model` that prints the constants and stops after the initial states. */
export function constantsModule(name: string, model: string): string {
  return [
    `---- MODULE ${name} ----`,
    `EXTENDS ${model}, TLC`,
    constantsAssume(),
    `ConfStop == oops = "CONFORMANCE: stop after the initial states"`,
    "====",
    "",
  ].join("\n");
}

const names = { type: "array", items: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } } as const;
const nameMap = { type: "object", additionalProperties: { type: "string" } } as const;
const validate = new Ajv({ strict: false }).compile({
  type: "object",
  required: [...CONSTANT_NAMES],
  properties: {
    Cookies: names,
    Parent: nameMap,
    IndexCookies: names,
    Threads: names,
    TCookie: nameMap,
    Pages: { type: "array", items: { type: "string", pattern: "^p[0-9]+$" } },
    MaxOps: { type: "integer", minimum: 0, maximum: 64 },
    MaxCalls: { type: "integer", minimum: 0, maximum: 64 },
    NetfsCalls: names,
    Withdrawal: { type: "boolean" },
    SubmitWindow: { type: "boolean" },
    RaiseWindow: { type: "boolean" },
    Borrowers: names,
  },
});

/** Why constants read back from a trace header are unusable, or undefined when they are fine. */
export function constantsProblem(j: Record<string, Json> | undefined): string | undefined {
  if (!j) return "the header carries no model constants";
  if (!validate(j)) {
    const e = validate.errors?.[0];
    return `constants${e?.instancePath ?? ""}: ${e?.message ?? "invalid"}`;
  }
  const k = j as unknown as ModelConstants;
  const cookies = new Set(k.Cookies);
  for (const t of k.Threads)
    if (!cookies.has(k.TCookie[t] ?? "")) return `constants/TCookie/${t}: not one of Cookies`;
  for (const c of k.Cookies) {
    const p = k.Parent[c];
    if (p !== "FSDEF" && !cookies.has(p ?? "")) return `constants/Parent/${c}: not FSDEF or one of Cookies`;
  }
  for (const b of k.Borrowers ?? [])
    if (!k.Threads.includes(b)) return `constants/Borrowers: ${b} is not one of Threads`;
  if (k.Threads.length > 30) return "constants/Threads: more than 30 threads";
  return undefined;
}

/** Checks the shape of constants read back from a trace header. */
export function asConstants(j: Record<string, Json> | undefined): ModelConstants {
  const problem = constantsProblem(j);
  if (problem !== undefined) throw new Error(`the trace header's ${problem}`);
  return j as unknown as ModelConstants;
}
