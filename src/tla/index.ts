// The public face of src/tla: running SANY and TLC 2.18 and reading everything they print. Knows nothing of
// any particular spec.

export type { Origin, ParseError, Parsed } from "./parse-error.ts";
export { formatParseError } from "./parse-error.ts";
export type { JsonValue, TlaState, TlaValue } from "./values.ts";
export {
  canonicalKey,
  compareValues,
  MAX_EXPANSION,
  MAX_NESTING,
  parseState,
  parseValue,
  printState,
  printValue,
  toJson,
  valueEquals,
} from "./values.ts";
export type { MessageClass, OutputItem, PlainLine, TlcMessage } from "./messages.ts";
export { messagesWithCode, splitMessages } from "./messages.ts";
export type { SourceRange } from "./location.ts";
export type { SanyError, SanyReport } from "./sany.ts";
export { readSanyReport } from "./sany.ts";
export type {
  ContinuedViolation,
  ProcessEnd,
  TlcError,
  TlcOutcome,
  TlcResult,
  TlcStats,
  TlcTrace,
  TraceAction,
  TraceLoop,
  TraceState,
  Violation,
} from "./result.ts";
export { continuedViolations, interpretTlc, parseDuration } from "./result.ts";
export type { DotEdge, DotLine, DotLineAt, DotNode, StateGraph } from "./dot.ts";
export { DotReader, parseDot, parseDotLine } from "./dot.ts";
export type { SimulationTrace } from "./simulate.ts";
export { parseSimulationTrace, readSimulationTraces } from "./simulate.ts";
export type { LocateJarOptions, TlaTools, TlaToolsProblem } from "./jar.ts";
export { locateJar, TlaToolsError } from "./jar.ts";
export type { RunTlcOptions, SanyResult, TlcRun } from "./runner.ts";
export { runSany, runTlc } from "./runner.ts";
