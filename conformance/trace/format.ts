// The fscache-trace format (NDJSON, version 1): one file per trace set, line 1 a header, then one line per
// step of each trace. conformance/trace.schema.json is the authority; these types mirror it.

import type { Json } from "../json.ts";

export const TRACE_FORMAT = "fscache-trace";
export const TRACE_VERSION = 1;
export const SPEC_NAME = "FSCache";

/** Where a trace came from: TLC (`graph`, `simulate`, `counterexample`, `trap`), or a recorded run of the implementation (conformance/validate/). */
export type TraceSource = "graph" | "simulate" | "counterexample" | "trap" | "recorded";
export const DESIGNS = ["POST_FIX", "PRE_FIX", "POST_FIX_REPAIRED"] as const;
export type Design = (typeof DESIGNS)[number];

/** Action parameters: the spec's model values are strings, op ids numbers, `retire` a boolean. */
export type ActionParams = Record<string, string | number | boolean>;

/** A spec action with its parameters, e.g. `{ name: "WritePage", params: { t: "tD", p: "p1" } }`. */
export interface SpecAction {
  readonly name: string;
  readonly params: ActionParams;
}

/** The spec's variables as JSON (via src/tla toJson), keyed by variable name. */
export type SpecState = Record<string, Json>;

export interface TraceHeader {
  readonly format: typeof TRACE_FORMAT;
  readonly version: typeof TRACE_VERSION;
  readonly spec: string;
  /** The model (cfg) the traces came from, e.g. `MC_CI`. */
  readonly model: string;
  readonly design: Design;
  readonly source: TraceSource;
  /** How many traces the file holds: fewer found means the file was truncated. */
  readonly traces?: number;
  /** Model constants the implementation is configured from (threads, cookies, pages, …). */
  readonly constants?: Record<string, Json>;
  /** How TLC was run (seed, fp, depth, goal, …). */
  readonly tlc?: Record<string, Json>;
  /** Size of the model's full state graph, when known: the denominator of coverage. */
  readonly graph?: { states: number; transitions: number; actions: Record<string, number> };
  readonly generator?: string;
  /** A recorded run (source `recorded`): the backend, the workload and how to run it again. */
  readonly recorded?: Record<string, Json>;
}

/**
 * `header.tlc.successors` of a set whose lines carry successors computed without the model's schedule (one TLC
 * step from each state, stryker/successors.ts): there a Ready thread's next call is a successor exactly when
 * the spec's guard lets it start, so the replay compares that too (replay/lockstep.ts).
 */
export const UNSCHEDULED_SUCCESSORS = "one-step expansion";

/** One line after the header. */
export interface TraceStepLine {
  readonly trace: string;
  readonly step: number;
  /** The action that led to `state`; null for the initial state (step 0). */
  readonly action: SpecAction | null;
  readonly state: SpecState;
  /** The state's node id in the spec's graph dump (graph traces). */
  readonly node?: string;
  /** The spec's actions enabled in `state` (graph traces): compared with the implementation's. */
  readonly successors?: SpecAction[];
  /** Marks the last step of a trace; a trace without it was truncated. */
  readonly end?: true;
  readonly note?: string;
}

/** A trace: its steps in order; steps[0].action is null. */
export interface Trace {
  readonly id: string;
  readonly steps: readonly TraceStepLine[];
}

/** A trace set as written to or read from one file. */
export interface TraceSet {
  readonly header: TraceHeader;
  readonly traces: readonly Trace[];
}
