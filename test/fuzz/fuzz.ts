// Fuzzing of the parsers that must never throw: inputs are real TLC/SANY output, dot dumps, simulation
// files and trace NDJSON, corrupted by fast-check (byte flips, deletions, punctuation, truncation,
// duplicated lines and fragments, deep nesting, long runs); every parser must return a value or errors
// with 1-based lines, within a time bound. parsers.test.ts runs a few in `npm test`; run.ts runs many.

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import type { ConformanceError } from "../../conformance/errors.ts";
import { parseTraceText, readTraceChunks } from "../../conformance/trace/reader.ts";
import { parseDot } from "../../src/tla/dot.ts";
import { messagesWithCode, splitMessages } from "../../src/tla/messages.ts";
import { interpretTlc } from "../../src/tla/result.ts";
import { readSanyReport } from "../../src/tla/sany.ts";
import { parseSimulationTrace } from "../../src/tla/simulate.ts";
import { parseState, parseValue, printState, printValue, type TlaState } from "../../src/tla/values.ts";

const TLA = fileURLToPath(new URL("../fixtures/tla/", import.meta.url));
const TRACE = fileURLToPath(new URL("../fixtures/trace/", import.meta.url));
const read = (dir: string, name: string): string => readFileSync(`${dir}${name}`, "utf8");

/** The recorded TLC 2.18 runs (`-tool` output) and standalone SANY reports. */
const OUTPUTS = readdirSync(TLA)
  .filter((f) => f.endsWith(".out"))
  .sort()
  .map((f) => read(TLA, f));
const DOTS = ["Counter.dot", "Counter.colorize.dot"].map((f) => read(TLA, f));
const SIMULATIONS = ["sim_tr_0_0", "sim_tr_0_1"].map((f) => read(TLA, f));
const TRACE_FILE = read(TRACE, "MCci-POST_FIX-simulate.ndjson");
const TRACES = [TRACE_FILE, TRACE_FILE.split("\n").slice(0, 4).join("\n") + "\n"];

/** States as TLC printed them (wrapped at 80 columns in error traces) and as printState prints them. */
function stateTexts(): string[] {
  const states: TlaState[] = [];
  for (const text of SIMULATIONS) {
    const r = parseSimulationTrace(text);
    if (r.ok) states.push(...r.value.states);
  }
  for (const text of DOTS) {
    const r = parseDot(text);
    if (r.ok) states.push(...[...r.value.nodes.values()].map((n) => n.state));
  }
  const printed = states.map(printState);
  const raw = OUTPUTS.flatMap((o) => messagesWithCode(splitMessages(o), 2217)).map((m) =>
    m.body.slice(m.body.indexOf("\n") + 1),
  );
  return [...new Set([...printed, ...raw])];
}
const STATES = stateTexts();
const VALUES = [
  ...new Set(
    STATES.flatMap((s) => {
      const r = parseState(s);
      return r.ok ? Object.values(r.value).map(printValue) : [];
    }),
  ),
];

/** Characters that mean something to one of the formats, and a few that mean nothing. */
const PUNCTUATION = [..."{}[]()<>,:;|-=/\\\"'@!.*~ \n\t\r0123456789aZ_é€"];
const OPENERS = ["{", "<<", "[", "(", "[a |-> ", "(1 :> ", '{"a":', "[[", "@!@!@STARTMSG 2217:4 @!@!@\n"];
const CLOSERS: Readonly<Record<string, string>> = { "{": "}", "<<": ">>", "[": "]", "(": ")", "[[": "]]" };

/** One corruption of a text; positions are fractions of its length, so they fit any text. */
type Corruption =
  | { kind: "flip"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "truncate"; at: number }
  | { kind: "duplicate-line"; at: number; times: number }
  | { kind: "duplicate"; from: number; length: number; to: number }
  | { kind: "nest"; at: number; opener: string; depth: number; balanced: boolean; atValue: boolean }
  | { kind: "run"; at: number; char: string; length: number };

/** A position as a fraction of the text, spread evenly (fast-check's default bias would crowd the start). */
const fraction = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
const punctuation = fc.oneof(
  fc.constantFrom(...PUNCTUATION),
  fc.string({ unit: fc.constantFrom(...PUNCTUATION), minLength: 1, maxLength: 6 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 3 }),
);
const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fraction, text: fc.constantFrom(...PUNCTUATION) }),
  fc.record({ kind: fc.constant("delete" as const), at: fraction, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fraction, text: punctuation }),
  fc.record({ kind: fc.constant("truncate" as const), at: fraction }),
  fc.record({
    kind: fc.constant("duplicate-line" as const),
    at: fraction,
    times: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    from: fraction,
    length: fc.integer({ min: 1, max: 200 }),
    to: fraction,
  }),
  fc.record({
    kind: fc.constant("nest" as const),
    at: fraction,
    opener: fc.constantFrom(...OPENERS),
    depth: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(999, 1000, 1001, 5000, 20_000)),
    balanced: fc.boolean(),
    atValue: fc.boolean(),
  }),
  // Long runs of one character: where a regex backtracks, time grows with the square of the run.
  fc.record({
    kind: fc.constant("run" as const),
    at: fraction,
    char: fc.constantFrom(" ", "1", "-", "=", ",", "a", '"', "\\", ">", "\n"),
    length: fc.constantFrom(1000, 30_000, 100_000),
  }),
);

/** Where a value starts in the TLA+ and JSON texts: after these. */
const BEFORE_VALUE = ["= ", "|-> ", ":> ", ", ", "{", "<<", '":', "["];

/** The start of the first value at or after `from` (or `from`), so that deep nesting lands where a
 * parser recurses rather than where it stops at once. */
function valueStart(text: string, from: number): number {
  let best = -1;
  for (const token of BEFORE_VALUE) {
    const i = text.indexOf(token, from);
    if (i >= 0 && (best < 0 || i + token.length < best)) best = i + token.length;
  }
  return best < 0 ? from : best;
}

function apply(text: string, c: Corruption): string {
  const pos = (f: number): number => Math.floor(f * (text.length + 1));
  switch (c.kind) {
    case "flip": {
      const p = pos(c.at);
      return text.slice(0, p) + c.text + text.slice(p + 1);
    }
    case "delete": {
      const p = pos(c.at);
      return text.slice(0, p) + text.slice(p + c.length);
    }
    case "insert": {
      const p = pos(c.at);
      return text.slice(0, p) + c.text + text.slice(p);
    }
    case "truncate":
      return text.slice(0, pos(c.at));
    case "duplicate-line": {
      const p = pos(c.at);
      const start = text.lastIndexOf("\n", p - 1) + 1;
      const nl = text.indexOf("\n", p);
      const end = nl < 0 ? text.length : nl + 1;
      return text.slice(0, end) + text.slice(start, end).repeat(c.times) + text.slice(end);
    }
    case "duplicate": {
      const from = pos(c.from);
      const to = pos(c.to);
      return text.slice(0, to) + text.slice(from, from + c.length) + text.slice(to);
    }
    case "run": {
      const p = pos(c.at);
      return text.slice(0, p) + c.char.repeat(c.length) + text.slice(p);
    }
    case "nest": {
      const p = c.atValue ? valueStart(text, pos(c.at)) : pos(c.at);
      const close = c.balanced ? (CLOSERS[c.opener] ?? "").repeat(c.depth) : "";
      return text.slice(0, p) + c.opener.repeat(c.depth) + close + text.slice(p);
    }
  }
}

/** A real text of `seeds` with up to 6 corruptions (sometimes none: the real text itself must parse). */
export function corrupted(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(corruption, { maxLength: 6 }))
    .map(([seed, cs]) => cs.reduce(apply, seed));
}

/** The 1-based lines at which a parser reported errors for one input (empty: a value, no errors). */
type ErrorLines = readonly number[];

/**
 * The slowest a single input may take. Inputs are at most a few hundred KB, which a linear parser reads in
 * well under a second even on busy shared cores; a quadratic one takes minutes on the long runs above.
 */
export const TIME_LIMIT_MS = 10_000;

/** A parser under fuzzing: its name and the property over its inputs. */
export interface Target {
  readonly name: string;
  /**
   * Running the parser never throws, ends within TIME_LIMIT_MS, and every error it reports has a 1-based
   * line. `onInput` sees each input's time (for figures).
   */
  property(onInput?: (ms: number) => void): fc.IAsyncPropertyWithHooks<[unknown]>;
}

function target<T>(
  name: string,
  inputs: fc.Arbitrary<T>,
  run: (input: T) => ErrorLines | Promise<ErrorLines>,
): Target {
  return {
    name,
    property: (onInput) =>
      fc.asyncProperty(inputs, async (input: unknown) => {
        const t0 = performance.now();
        const lines = await run(input as T);
        const ms = performance.now() - t0;
        onInput?.(ms);
        if (ms > TIME_LIMIT_MS) throw new Error(`${name} took ${Math.round(ms)} ms on one input`);
        const bad = lines.filter((l) => !Number.isInteger(l) || l < 1);
        if (bad.length > 0) throw new Error(`${name} reported errors at lines ${bad.join(", ")}`);
      }),
  };
}

const lineOf = (e: { line: number } | undefined): number[] => (e === undefined ? [] : [e.line]);

/** The exit codes interpretTlc classifies by, and one it does not know. */
const EXITS = [0, 11, 12, 13, 14, 75, 150, 151, 255, 3];

/** Cuts a text into chunks at the given fractions of its length. */
function chunked(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  return [0, ...points].map((p, i) => text.slice(p, points[i]));
}

/** Every parser documented never to throw. */
export const TARGETS: readonly Target[] = [
  target("parseValue", corrupted(VALUES), (input) => {
    const r = parseValue(input);
    return r.ok ? [] : [r.error.line];
  }),
  target("parseState", corrupted(STATES), (input) => {
    const r = parseState(input, { file: "s", line: 3 });
    return r.ok ? [] : [r.error.line];
  }),
  target("parseDot", corrupted(DOTS), (input) => {
    const r = parseDot(input, "g.dot");
    return r.ok ? [] : [r.error.line];
  }),
  target("parseSimulationTrace", corrupted(SIMULATIONS), (input) => {
    const r = parseSimulationTrace(input, "tr_0_1");
    return r.ok ? [] : [r.error.line];
  }),
  target("splitMessages", corrupted(OUTPUTS), (input) => {
    // It reports no errors, but every item has a 1-based line, in output order.
    const lines = splitMessages(input).map((i) => i.line);
    if (lines.some((l, k) => k > 0 && l < (lines[k - 1] as number))) throw new Error("items out of order");
    return lines;
  }),
  target("interpretTlc", fc.tuple(corrupted(OUTPUTS), fc.constantFrom(...EXITS)), ([output, exitCode]) => {
    const r = interpretTlc(output, { exitCode });
    const located = r.errors.flatMap((e) => [...lineOf(e.location), ...(e.stack ?? []).map((s) => s.line)]);
    return [...r.problems.map((p) => p.line), ...located];
  }),
  target("readSanyReport", corrupted(OUTPUTS), (input) =>
    readSanyReport(input.split(/\r?\n/)).errors.flatMap((e) => lineOf(e.location)),
  ),
  target("parseTraceText", corrupted(TRACES), (input) =>
    parseTraceText(input, "t.ndjson").errors.map((e) => e.where.line ?? 0),
  ),
  target(
    "readTraceChunks",
    fc.tuple(corrupted(TRACES), fc.array(fraction, { maxLength: 8 })),
    async ([text, cuts]) => {
      async function* chunks(): AsyncGenerator<string> {
        for (const c of chunked(text, cuts)) yield await Promise.resolve(c);
      }
      const errors: ConformanceError[] = [];
      const traces: unknown[] = [];
      for await (const item of readTraceChunks(chunks(), "t.ndjson", errors)) {
        if (item.kind === "trace") traces.push(item.trace);
      }
      // However the chunks cut it, the file reads as it does whole.
      const whole = parseTraceText(text, "t.ndjson");
      if (JSON.stringify([traces, errors]) !== JSON.stringify([whole.traces, whole.errors])) {
        throw new Error("read in chunks, the file reads otherwise than whole");
      }
      return errors.map((e) => e.where.line ?? 0);
    },
  ),
];
