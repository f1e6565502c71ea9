// Structured errors of the conformance harness: one code per kind of failure, one formatter for messages.
// Readers return these as values (a malformed trace is data, not an exception); replay throws
// StateMismatchError so a failing trace carries everything needed to reproduce it.

import type { Json } from "./json.ts";

/** Every error code the harness reports, with its one-line meaning. */
export const ERROR_CODES = {
  TRACE_IO: "the trace file cannot be read",
  TRACE_JSON: "a line is not valid JSON",
  TRACE_HEADER: "line 1 is not a valid fscache-trace header",
  TRACE_SPEC: "the trace file was generated from another spec",
  TRACE_SCHEMA: "a line does not match conformance/trace.schema.json",
  TRACE_ORDER: "a trace's steps are not numbered 0, 1, 2, … in file order",
  TRACE_TRUNCATED: "the file or a trace ends before its declared end",
  TRACE_LIMIT: "a line exceeds the reader's limits (length, nesting), or the file its error limit",
  UNKNOWN_ACTION: "a step names an action that the action table does not know",
  STATE_MISMATCH: "the implementation's abstract state differs from the spec's after a step",
  ENABLED_MISMATCH: "the implementation's enabled steps differ from the spec state's successors",
  NO_MATCHING_STEP: "no enabled implementation step matches the trace's next action",
  IMPL_ERROR: "the implementation threw while running a step",
  MODEL: "the model module or its cfg is missing, or the cfg fixes another design",
  TLC_FAILED: "TLC did not produce the expected output",
  TLC_DUMP: "a file TLC wrote (state-graph dump, simulation trace) is malformed",
  MUTANT_STALE: "a mutant's find text does not occur in the source it patches",
  UNKNOWN_MUTANT: "--mutant names no mutant of conformance/mutants/mutants.ts",
  UNKNOWN_TRACE: "--trace names no trace of the given files",
  OUTPUT: "an output file (trace file, report, result) cannot be written",
  MUTANT_SURVIVED: "a mutant passed every trace",
} as const;

export type ConformanceErrorCode = keyof typeof ERROR_CODES;

/** Where in a trace file an error was found. */
export interface TraceLocation {
  readonly file: string;
  readonly line: number;
}

/** The base of every harness error: a code, a message, and optional location and trace. */
export class ConformanceError extends Error {
  constructor(
    readonly code: ConformanceErrorCode,
    message: string,
    readonly where: Partial<TraceLocation> & { trace?: string; step?: number } = {},
  ) {
    super(message);
    this.name = "ConformanceError";
  }

  /** A JSON view for `--json` output. */
  toJSON(): Record<string, Json> {
    const out: Record<string, Json> = { code: this.code, message: this.message };
    for (const [k, v] of Object.entries(this.where)) if (v !== undefined) out[k] = v;
    return out;
  }
}

/** One variable (or field path) whose value differs. */
export interface VariableDiff {
  /** e.g. `cookie` or `cookie.D.n_active`. */
  readonly path: string;
  readonly expected: Json | undefined;
  readonly actual: Json | undefined;
}

/**
 * The implementation left the spec's behaviour at `step` of `trace`: after running `action`, the abstract
 * state differs in `variable` (the first differing spec variable; `diffs` lists every differing field).
 */
export class StateMismatchError extends ConformanceError {
  constructor(
    readonly trace: string,
    readonly step: number,
    readonly action: string,
    readonly variable: string,
    readonly expected: Json | undefined,
    readonly actual: Json | undefined,
    readonly diffs: readonly VariableDiff[],
    readonly replay: string,
    code: "STATE_MISMATCH" | "ENABLED_MISMATCH" | "NO_MATCHING_STEP" | "IMPL_ERROR" = "STATE_MISMATCH",
    detail?: string,
  ) {
    super(code, detail ?? `${ERROR_CODES[code]}: ${variable}`, { trace, step });
    this.name = "StateMismatchError";
  }

  override toJSON(): Record<string, Json> {
    return {
      code: this.code,
      trace: this.trace,
      step: this.step,
      action: this.action,
      variable: this.variable,
      expected: this.expected ?? null,
      actual: this.actual ?? null,
      diffs: this.diffs.map((d) => ({
        path: d.path,
        expected: d.expected ?? null,
        actual: d.actual ?? null,
      })),
      replay: this.replay,
      message: this.message,
    };
  }
}

function show(v: Json | undefined): string {
  return v === undefined ? "(absent)" : JSON.stringify(v);
}

/** The one formatter for harness errors: a headline, then details, then the replay command if any. */
export function formatError(e: ConformanceError): string {
  const where: string[] = [];
  if (e.where.file !== undefined)
    where.push(e.where.line !== undefined ? `${e.where.file}:${e.where.line}` : e.where.file);
  if (e.where.trace !== undefined) where.push(`trace ${e.where.trace}`);
  if (e.where.step !== undefined) where.push(`step ${e.where.step}`);
  const head = `${e.code}${where.length > 0 ? ` at ${where.join(", ")}` : ""}: ${e.message}`;
  if (!(e instanceof StateMismatchError)) return head;
  const lines = [head, `  action: ${e.action}`];
  for (const d of e.diffs) {
    lines.push(`  ${d.path}`, `    - spec: ${show(d.expected)}`, `    + impl: ${show(d.actual)}`);
  }
  lines.push(`  replay: ${e.replay}`);
  return lines.join("\n");
}
