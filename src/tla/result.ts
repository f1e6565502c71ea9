// Interprets one TLC 2.18 run (its `-tool` output and how the process ended) as a typed result: outcome,
// statistics, the violated property, the error trace as parsed states, and error texts with locations.
// Classification is by exit code first (EC.ExitStatus), then by message codes.

import { findRange, findRanges, type SourceRange } from "./location.ts";
import { splitMessages, type OutputItem, type TlcMessage } from "./messages.ts";
import { excerpt, type ParseError } from "./parse-error.ts";
import { readSanyReport } from "./sany.ts";
import { parseState, type TlaState } from "./values.ts";

/** How a run ended, one word each. */
export type TlcOutcome =
  /** Exit 0: model checking (or simulation) found no error. */
  | "success"
  /** Exit 12: an invariant is violated (2107 initial state, 2110 behaviour). */
  | "safety"
  /** Exit 13: a temporal property (2116) or action property (2112) is violated. */
  | "liveness"
  /** Exit 11: a reachable state has no successor (2114). */
  | "deadlock"
  /** Exit 14: an `Assert` failed (2132). */
  | "assert"
  /** Exit 10: an `ASSUME` is false or could not be evaluated (2104/2105). */
  | "assumption"
  /** Exit 150: SANY rejected the modules (3002/2171). */
  | "parse-error"
  /** Exit 151 (2222–2243), or exit 255 with a configuration-file exception. */
  | "config-error"
  /** Exit 75–77: evaluating the spec, an invariant or a property failed at run time. */
  | "eval-error"
  /** The runner's wall-clock limit stopped TLC. */
  | "timeout"
  /** TLC died from a signal nobody in this process sent (OOM killer, an operator's kill). */
  | "killed"
  /** Anything else: an unexpected exit code, a Java exception, a bad command line. */
  | "crashed";

/** The action that led to a trace state: the sub-action's name and where its body is. */
export interface TraceAction {
  /** The operator defining the disjunct of Next that fired (2.18 prints no parameters), or `Action`. */
  readonly name: string;
  readonly module?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** One state of an error trace. */
export interface TraceState {
  /** 1-based position in the behaviour. */
  readonly index: number;
  readonly action: TraceAction | "Initial predicate";
  readonly state: TlaState;
}

/** How a liveness counterexample ends: back to an earlier state (a lasso), or stuttering forever. */
export type TraceLoop =
  | { readonly kind: "back-to-state"; readonly index: number; readonly action: TraceAction }
  | { readonly kind: "stuttering"; readonly index: number };

/** An error trace. `loop` is set for liveness counterexamples only. */
export interface TlcTrace {
  readonly states: readonly TraceState[];
  readonly loop?: TraceLoop;
}

/** What was violated, when something was. */
export interface Violation {
  readonly kind: "invariant" | "action-property" | "temporal" | "deadlock" | "assert" | "assumption";
  /** The property's name; absent for deadlocks, asserts and 2.18's anonymous temporal violations. */
  readonly name?: string;
  /** For asserts: the printed second argument of `Assert`. */
  readonly detail?: string;
}

/** An error TLC or SANY reported, with its location when it gave one. */
export interface TlcError {
  /** The TLC message code, or `sany` for SANY's unframed reports. */
  readonly source: number | "sany";
  readonly message: string;
  /** For SANY's errors: the file of the module concerned, also when SANY printed no place in it. */
  readonly file?: string;
  readonly location?: SourceRange;
  /** For evaluation errors: the nested expressions TLC was evaluating (2103), outermost first. */
  readonly stack?: readonly SourceRange[];
}

/** Counts TLC reported; absent when it did not get that far. */
export interface TlcStats {
  readonly generated?: number;
  readonly distinct?: number;
  readonly queue?: number;
  readonly depth?: number;
  /** From `Finished in …`. */
  readonly durationMs?: number;
}

/** How the TLC process ended, as the runner saw it. */
export interface ProcessEnd {
  readonly exitCode: number | null;
  /** The signal that ended the process, if one did. */
  readonly signal?: string | null;
  /** True when the runner's wall-clock limit ended the run. */
  readonly timedOut?: boolean;
}

/** Everything known about one TLC run. */
export interface TlcResult {
  readonly outcome: TlcOutcome;
  readonly exitCode: number | null;
  readonly signal?: string;
  /** `TLC2 Version 2.18 of 20 March 2023`. */
  readonly version?: string;
  readonly stats: TlcStats;
  readonly violation?: Violation;
  readonly trace?: TlcTrace;
  readonly errors: readonly TlcError[];
  /** States or values in the output this module could not parse (never silently dropped). */
  readonly problems: readonly ParseError[];
  readonly messages: readonly OutputItem[];
  readonly raw: string;
}

const EXIT_OUTCOMES: Readonly<Record<number, TlcOutcome>> = {
  0: "success",
  10: "assumption",
  11: "deadlock",
  12: "safety",
  13: "liveness",
  14: "assert",
  75: "eval-error",
  76: "eval-error",
  77: "eval-error",
  150: "parse-error",
  151: "config-error",
};

/** Error-class codes that are reported as `violation`/`trace` instead of as errors. */
const VIOLATION_CODES = new Set([2107, 2108, 2110, 2112, 2114, 2116, 2121, 2132, 2264]);
/**
 * Codes of class `none` that still explain a failure: 2162, the metadata directory already exists; 5001, the
 * configuration file could not be read (nested inside a 1000 ConfigFileException).
 */
const PLAIN_ERROR_CODES = new Set([2162, 5001]);
const isConfigCode = (code: number): boolean => code >= 2222 && code <= 2243;

/** Interprets a run. Never throws: whatever cannot be parsed lands in `problems` and `raw`. */
export function interpretTlc(raw: string, end: ProcessEnd): TlcResult {
  const messages = splitMessages(raw);
  const framed = messages.filter((m): m is TlcMessage => m.kind === "message");
  const plain = messages.filter((m) => m.kind === "plain").map((m) => m.text);
  const problems: ParseError[] = [];

  const outcome = classify(end, framed, plain);
  const errors = collectErrors(framed, plain);
  const { violation, trace } = readViolation(framed, problems);
  const version = framed.find((m) => m.code === 2262)?.body.trim();
  const base = {
    outcome,
    exitCode: end.exitCode,
    stats: readStats(framed),
    errors,
    problems,
    messages,
    raw,
  };
  return {
    ...base,
    ...(end.signal ? { signal: end.signal } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(violation !== undefined ? { violation } : {}),
    ...(trace !== undefined ? { trace } : {}),
  };
}

function classify(end: ProcessEnd, framed: readonly TlcMessage[], plain: readonly string[]): TlcOutcome {
  if (end.timedOut === true) return "timeout";
  if (end.signal) return "killed";
  if (end.exitCode === null) return "crashed";
  const byExit = EXIT_OUTCOMES[end.exitCode];
  if (byExit !== undefined) return byExit;
  const configException = (t: string): boolean => t.includes("ConfigFileException");
  if (
    framed.some((m) => isConfigCode(m.code) || m.code === 5001 || configException(m.body)) ||
    plain.some(configException)
  ) {
    return "config-error";
  }
  if (framed.some((m) => m.code === 3002 || m.code === 2171)) return "parse-error";
  return "crashed";
}

function collectErrors(framed: readonly TlcMessage[], plain: readonly string[]): TlcError[] {
  const errors: TlcError[] = readSanyReport(plain).errors.map((e) => ({
    source: "sany" as const,
    message: e.message,
    ...(e.file !== undefined ? { file: e.file } : {}),
    ...(e.location !== undefined ? { location: e.location } : {}),
  }));
  for (const m of framed) {
    const isError =
      ((m.class === "error" || m.class === "tlc-bug") && !VIOLATION_CODES.has(m.code)) ||
      isConfigCode(m.code) ||
      PLAIN_ERROR_CODES.has(m.code);
    if (!isError) continue;
    const message = m.body.trim();
    if (message === "" || (m.code === 3002 && errors.length > 0)) continue;
    if (m.code === 2103) {
      const stack = findRanges(message);
      const last = errors.at(-1);
      // 2103 lists where the error of the preceding message (1000, 2132, …) happened.
      if (last !== undefined && last.source !== "sany" && last.stack === undefined) {
        errors[errors.length - 1] = { ...last, stack, ...(last.location ? {} : locationOf(stack.at(-1))) };
        continue;
      }
      errors.push({ source: m.code, message, stack, ...locationOf(stack.at(-1)) });
      continue;
    }
    errors.push({ source: m.code, message, ...locationOf(findRange(message)) });
  }
  const javaError = plain.find((l) => /^Exception in thread|^Error: /.test(l));
  if (javaError !== undefined) errors.push({ source: 1000, message: javaError.trim() });
  return errors;
}

function locationOf(r: SourceRange | undefined): { location?: SourceRange } {
  return r === undefined ? {} : { location: r };
}

/** One violation of a `-continue` run, with the plain lines (`Print` output) printed since the previous one. */
export interface ContinuedViolation {
  readonly printed: readonly string[];
  readonly violation?: Violation;
  readonly trace?: TlcTrace;
}

/** The messages that open a violation report; a `-continue` run prints one per violating state. */
const VIOLATION_HEADS = new Set([2107, 2108, 2110, 2112, 2114, 2116, 2132]);

/**
 * Every violation of a run made with `-continue`, in the order TLC printed them. TLC 2.18 then carries on
 * and exits 0, so `interpretTlc`'s single `violation` and `trace` (which would merge all traces) do not
 * apply. A state that cannot be parsed is added to `problems`.
 */
export function continuedViolations(result: TlcResult, problems: ParseError[]): ContinuedViolation[] {
  const out: ContinuedViolation[] = [];
  let printed: string[] = [];
  let group: TlcMessage[] | undefined;
  const close = (): void => {
    if (group === undefined) return;
    out.push({ printed, ...readViolation(group, problems) });
    printed = [];
    group = undefined;
  };
  for (const m of result.messages) {
    if (m.kind === "plain") {
      // Prints made while a state is checked come before that state's report.
      if (m.text.trim() === "") continue;
      close();
      printed.push(m.text);
      continue;
    }
    if (VIOLATION_HEADS.has(m.code)) {
      close();
      group = [m];
    } else {
      // Other messages (progress, statistics) may come between; readViolation ignores them.
      group?.push(m);
    }
  }
  close();
  return out;
}

function readViolation(
  framed: readonly TlcMessage[],
  problems: ParseError[],
): { violation?: Violation; trace?: TlcTrace } {
  let violation: Violation | undefined;
  const states: TraceState[] = [];
  let loop: TraceLoop | undefined;
  for (const m of framed) {
    const body = m.body.trim();
    switch (m.code) {
      case 2107:
      case 2108: {
        // The body is the head line, then the state; lines are counted in the untrimmed body.
        const lines = m.body.split("\n");
        const head = lines.findIndex((l) => l.trim() !== "");
        const name = /^(?:Invariant|Property) (\S+) is violated/.exec(body)?.[1];
        violation ??= { kind: m.code === 2107 ? "invariant" : "temporal", ...(name ? { name } : {}) };
        const state = parseTraceState(lines.slice(head + 1).join("\n"), m.line + head + 2, problems);
        if (state !== undefined) states.push({ index: 1, action: "Initial predicate", state });
        break;
      }
      case 2110:
        violation ??= withName("invariant", /^Invariant (\S+) is violated/.exec(body)?.[1]);
        break;
      case 2112:
        violation ??= withName("action-property", /^Action property (\S+) is violated/.exec(body)?.[1]);
        break;
      case 2116:
        violation ??= withName("temporal", /^Temporal property (\S+) was violated/.exec(body)?.[1]);
        break;
      case 2114:
        violation ??= { kind: "deadlock" };
        break;
      case 2132:
        violation ??= { kind: "assert", detail: body.split("\n").slice(1).join("\n").trim() };
        break;
      case 2104:
      case 2105:
        violation ??= { kind: "assumption", detail: body };
        break;
      case 2216:
      case 2217: {
        const step = readStep(m, problems);
        if (step !== undefined) states.push(step);
        break;
      }
      case 2218: {
        const index = Number(/^(\d+):/.exec(body)?.[1]);
        if (Number.isInteger(index)) loop = { kind: "stuttering", index };
        break;
      }
      case 2122: {
        const bt = /^(\d+): Back to state: <(.*)>/.exec(body) ?? /^Back to state (\d+): <(.*)>/.exec(body);
        if (bt) loop = { kind: "back-to-state", index: Number(bt[1]), action: readAction(bt[2] as string) };
        break;
      }
    }
  }
  if (states.length === 0 && loop === undefined) return violation === undefined ? {} : { violation };
  const trace: TlcTrace = loop === undefined ? { states } : { states, loop };
  return violation === undefined ? { trace } : { violation, trace };
}

function withName(kind: Violation["kind"], name: string | undefined): Violation {
  return name === undefined ? { kind } : { kind, name };
}

/** A 2217 body: `<n>: <info>` then the state; 2216 has no info. */
function readStep(m: TlcMessage, problems: ParseError[]): TraceState | undefined {
  const nl = m.body.indexOf("\n");
  const head = nl < 0 ? m.body : m.body.slice(0, nl);
  // Split by hand: `\s*(?:<(.*)>)?\s*$` backtracks quadratically on a long run of spaces.
  const h = /^(\d+):(.*)$/.exec(head);
  const rest = h?.[2]?.trim() ?? "";
  const bracketed = rest.startsWith("<") && rest.endsWith(">");
  if (!h || (rest !== "" && !bracketed)) {
    problems.push({
      line: m.line + 1,
      column: 1,
      expected: "a trace step `<n>: <action>`",
      found: excerpt(head),
    });
    return undefined;
  }
  const info = bracketed ? rest.slice(1, -1) : undefined;
  const state = parseTraceState(nl < 0 ? "" : m.body.slice(nl + 1), m.line + 2, problems);
  if (state === undefined) return undefined;
  const action =
    info === undefined || info.startsWith("Initial predicate") ? "Initial predicate" : readAction(info);
  return { index: Number(h[1]), action, state };
}

function parseTraceState(text: string, line: number, problems: ParseError[]): TlaState | undefined {
  const parsed = parseState(text, { line });
  if (parsed.ok) return parsed.value;
  problems.push(parsed.error);
  return undefined;
}

/** `Inc line 9, col 11 to line 12, col 52 of module M`, or a bare name. */
function readAction(info: string): TraceAction {
  const name = /^(\S+)/.exec(info)?.[1] ?? info;
  const r = findRange(info);
  if (r === undefined) return { name };
  return {
    name,
    ...(r.module !== undefined ? { module: r.module } : {}),
    line: r.line,
    column: r.column,
    ...(r.endLine !== undefined ? { endLine: r.endLine, endColumn: r.endColumn } : {}),
  };
}

const NUM = (s: string | undefined): number | undefined =>
  s === undefined ? undefined : Number(s.replaceAll(",", ""));

function readStats(framed: readonly TlcMessage[]): TlcStats {
  const last = (code: number): string | undefined => framed.filter((m) => m.code === code).at(-1)?.body;
  // The look-behind starts a match only at the beginning of a digit run: without it, a long run that is not
  // followed by "states generated" is rescanned from every position (quadratic).
  const counts =
    /(?<![\d,])([\d,]+) states generated, (-?[\d,]+) distinct states found, (-?[\d,]+) states left on queue/.exec(
      last(2199) ?? last(2200) ?? last(2209) ?? "",
    );
  const simulated = /The number of states generated: ([\d,]+)/.exec(last(2210) ?? "");
  const depth = /depth of the complete state graph search is (\d+)/.exec(last(2194) ?? "");
  const finished = /Finished in (.*?) at/.exec(last(2186) ?? "");
  const stats: Record<string, number | undefined> = {
    generated: NUM(counts?.[1] ?? simulated?.[1]),
    distinct: NUM(counts?.[2]),
    queue: NUM(counts?.[3]),
    depth: NUM(depth?.[1]),
    durationMs: finished ? parseDuration(finished[1] as string) : undefined,
  };
  // Simulation reports -1 for counts it does not keep.
  return Object.fromEntries(Object.entries(stats).filter(([, v]) => v !== undefined && v >= 0));
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `738ms`, `00s`, `01min 02s`, `1h 02min`: TLC's human-readable durations. */
export function parseDuration(text: string): number | undefined {
  let total = 0;
  let any = false;
  for (const m of text.matchAll(/(?<!\d)(\d+)\s*(ms|min|s|h|d)\b/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    any = true;
  }
  return any ? total : undefined;
}
