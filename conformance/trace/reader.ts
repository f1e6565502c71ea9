// Reads fscache-trace NDJSON files. Every line is validated against conformance/trace.schema.json; errors
// are returned as values naming file, line and what was expected. A bad line ends only its own trace: the
// other traces of the file are still returned. A wrong spec, unknown actions, truncation and lines past the
// reader's limits (length, nesting) are errors. Reading is linear in the file's size, and stops at the
// MAX_FILE_ERRORS-th error.

import { createReadStream, readFileSync, type ReadStream } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schema from "../trace.schema.json" with { type: "json" };
import { ConformanceError } from "../errors.ts";
import { SPEC_ONLY } from "../mapping/abstraction.ts";
import { SPEC_NAME, type Trace, type TraceHeader, type TraceStepLine } from "./format.ts";

export interface ReadOptions {
  /** The spec the caller replays against (default FSCache): a header naming another spec is an error. */
  readonly spec?: string;
  /** Action names the action table knows: a step naming another action ends its trace. */
  readonly knownActions?: ReadonlySet<string>;
}

export interface ReadResult {
  /** null when line 1 is missing or invalid (then `traces` is empty). */
  readonly header: TraceHeader | null;
  /** The complete, valid traces, in file order. */
  readonly traces: Trace[];
  readonly errors: ConformanceError[];
}

/** The longest line read, in characters: a step line of the spec's models is a few KB. */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * The deepest nesting of arrays and objects in a line: a step line nests about 6 deep. Checked before the
 * line is parsed, so nothing recursive (validation, canonical JSON, diffs) ever sees a deeper line.
 */
export const MAX_LINE_DEPTH = 64;

/** The most errors reported for one file: a file of garbage gives this many, then reading stops. */
export const MAX_FILE_ERRORS = 1000;

/** How much of an over-long line is kept to find its trace id. */
const HEAD_CHARS = 4096;

type Validators = { header: ValidateFunction; step: ValidateFunction };
let validators: Validators | undefined;
let recordedValidators: Validators | undefined;

/**
 * A recorded run of the implementation (source `recorded`, conformance/validate/) cannot have the spec-only
 * fields, so its states may leave them out; TLC's traces must carry them.
 */
const SPEC_ONLY_FIELDS: Readonly<Record<string, readonly string[]>> = SPEC_ONLY.fields;

/**
 * The schema with `required` filled in for every strict record (additionalProperties false) that has no
 * list of its own: all of its `properties` (but `optional`). Keeps adding a spec field to the schema a
 * one-line change.
 */
function withRecordFieldsRequired(
  s: typeof schema,
  optional: Readonly<Record<string, readonly string[]>> = {},
): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(s.definitions as Record<string, Record<string, unknown>>)) {
    const properties = def["properties"];
    const strict =
      def["additionalProperties"] === false && typeof properties === "object" && properties !== null;
    const required = strict ? Object.keys(properties).filter((k) => !optional[name]?.includes(k)) : [];
    definitions[name] = strict && def["required"] === undefined ? { ...def, required } : def;
  }
  return { ...s, definitions };
}

function getValidators(recorded = false): Validators {
  const cached = recorded ? recordedValidators : validators;
  if (cached) return cached;
  const ajv = new Ajv({ allErrors: false, strict: false });
  ajv.addSchema(withRecordFieldsRequired(schema, recorded ? SPEC_ONLY_FIELDS : {}));
  const get = (name: string): ValidateFunction => {
    const v = ajv.getSchema(`${schema.$id}#/definitions/${name}`);
    if (!v) throw new Error(`trace.schema.json has no definition ${name}`);
    return v;
  };
  const made = { header: get("header"), step: get("step") };
  if (recorded) recordedValidators = made;
  else validators = made;
  return made;
}

/** The values an enum or const error allows. */
function allowed(e: ErrorObject): unknown[] {
  if (e.keyword === "enum") return (e.params as { allowedValues: unknown[] }).allowedValues;
  if (e.keyword === "const") return [(e.params as { allowedValue: unknown }).allowedValue];
  return [];
}

/**
 * One sentence per schema error: where in the line, and what was expected. A value that matches none of
 * the branches of an `anyOf` of enums (an object state: wait, work or dead) lists every allowed value.
 */
function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "does not match the schema";
  const at = e.instancePath === "" ? "the line" : e.instancePath;
  const values = (errors ?? []).filter((x) => x.instancePath === e.instancePath).flatMap(allowed);
  const extra =
    e.keyword === "additionalProperties"
      ? ` (unexpected property "${String((e.params as { additionalProperty: string }).additionalProperty)}")`
      : values.length > 0
        ? ` (one of ${JSON.stringify(values)})`
        : "";
  return `expected ${at} to satisfy: ${e.message ?? e.keyword}${extra}`;
}

/** True when `text` nests arrays and objects deeper than `limit` (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** The trace id of a line that is not parsed (not JSON, or past a limit), so its error ends only its trace. */
function traceIdOf(raw: string): string | undefined {
  return /"trace"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(raw.slice(0, HEAD_CHARS))?.[1];
}

/**
 * The line-by-line parser behind both readers: feed it line 1 and then every other line; each call returns
 * the traces that line completed (a trace completes at its `end` step), so a file is replayed while it is
 * read and never held in memory whole. Errors accumulate in `errors`.
 */
export class TraceLineParser {
  readonly errors: ConformanceError[] = [];
  header: TraceHeader | null = null;
  /** False once line 1 was rejected or MAX_FILE_ERRORS were found (then every other line is ignored). */
  usable = true;
  private readonly spec: string;
  private readonly open = new Map<string, TraceStepLine[]>();
  private readonly order: string[] = [];
  private readonly broken = new Set<string>();
  private readonly done = new Set<string>();
  private lastLine = 0;

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions = {},
  ) {
    this.spec = options.spec ?? SPEC_NAME;
  }

  /** Records an error; the MAX_FILE_ERRORS-th ends the reading of the file (and says so). */
  private err(code: ConformanceError["code"], line: number, msg: string, trace?: string): void {
    const where = trace === undefined ? { file: this.file, line } : { file: this.file, line, trace };
    const last = this.errors.length + 1 >= MAX_FILE_ERRORS;
    const text = last ? `${msg} (error ${MAX_FILE_ERRORS} in this file: the rest of it is not read)` : msg;
    this.errors.push(new ConformanceError(code, text, where));
    if (last) this.usable = false;
  }

  private fail(code: ConformanceError["code"], line: number, msg: string, trace?: string): void {
    this.err(code, line, msg, trace);
    if (trace !== undefined) {
      this.broken.add(trace);
      this.open.delete(trace);
    }
  }

  /** Line 1. Returns false when the file cannot be read further (no header, or another spec's). */
  headerLine(raw: string | undefined): boolean {
    this.lastLine = 1;
    const v = getValidators();
    if (raw === undefined || raw === "") {
      this.err(
        "TRACE_HEADER",
        1,
        'empty file: expected a header line {format:"fscache-trace", version:1, …}',
      );
      return (this.usable = false);
    }
    if (raw.length > MAX_LINE_CHARS) return this.longLine(1, raw.slice(0, HEAD_CHARS), raw.length);
    if (nestsDeeperThan(raw, MAX_LINE_DEPTH)) {
      this.err("TRACE_LIMIT", 1, `header: nests deeper than ${MAX_LINE_DEPTH}: expected a flat JSON object`);
      return (this.usable = false);
    }
    let header: TraceHeader;
    try {
      header = JSON.parse(raw) as TraceHeader;
    } catch (e) {
      this.err("TRACE_HEADER", 1, `line 1 is not JSON (${(e as Error).message}): expected the trace header`);
      return (this.usable = false);
    }
    if (!v.header(header)) {
      this.err("TRACE_HEADER", 1, `header: ${describe(v.header.errors)}`);
      return (this.usable = false);
    }
    this.header = header;
    if (header.spec !== this.spec) {
      this.err("TRACE_SPEC", 1, `the traces are of spec "${header.spec}", expected "${this.spec}"`);
      return (this.usable = false);
    }
    return true;
  }

  /** One line after the header; `last` marks a final line without its newline (a cut file). */
  stepLine(raw: string, lineNo: number, last: boolean): Trace[] {
    this.lastLine = lineNo;
    if (!this.usable || raw.trim() === "") return [];
    if (raw.length > MAX_LINE_CHARS) {
      this.longLine(lineNo, raw.slice(0, HEAD_CHARS), raw.length);
      return [];
    }
    if (nestsDeeperThan(raw, MAX_LINE_DEPTH)) {
      const msg = `trace step: nests deeper than ${MAX_LINE_DEPTH} (a step nests about 6 deep): not parsed`;
      this.fail("TRACE_LIMIT", lineNo, msg, traceIdOf(raw));
      return [];
    }
    const v = getValidators(this.header?.source === "recorded");
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      const id = traceIdOf(raw);
      if (last) this.fail("TRACE_TRUNCATED", lineNo, "the file ends in the middle of a line", id);
      else this.fail("TRACE_JSON", lineNo, `not JSON (${(e as Error).message}): expected one trace step`, id);
      return [];
    }
    const id =
      typeof obj === "object" && obj !== null && typeof (obj as { trace?: unknown }).trace === "string"
        ? (obj as { trace: string }).trace
        : undefined;
    if (id !== undefined && this.broken.has(id)) return [];
    if (!v.step(obj)) {
      this.fail("TRACE_SCHEMA", lineNo, `trace step: ${describe(v.step.errors)}`, id);
      return [];
    }
    const s = obj as TraceStepLine;
    if (this.done.has(s.trace)) {
      this.fail("TRACE_ORDER", lineNo, `trace ${s.trace} continues after its end step`, s.trace);
      return [];
    }
    let steps = this.open.get(s.trace);
    if (!steps) {
      steps = [];
      this.open.set(s.trace, steps);
      this.order.push(s.trace);
    }
    if (s.step !== steps.length) {
      this.fail(
        "TRACE_ORDER",
        lineNo,
        `expected step ${steps.length} of trace ${s.trace}, found step ${s.step}`,
        s.trace,
      );
      return [];
    }
    if ((s.step === 0) !== (s.action === null)) {
      this.fail(
        "TRACE_SCHEMA",
        lineNo,
        s.step === 0
          ? "expected action null on step 0 (the initial state)"
          : "expected an action on a step > 0",
        s.trace,
      );
      return [];
    }
    if (s.action && this.options.knownActions && !this.options.knownActions.has(s.action.name)) {
      this.fail(
        "UNKNOWN_ACTION",
        lineNo,
        `unknown action "${s.action.name}" (not in the action table)`,
        s.trace,
      );
      return [];
    }
    steps.push(s);
    if (!s.end) return [];
    this.done.add(s.trace);
    this.open.delete(s.trace);
    return [{ id: s.trace, steps }];
  }

  /**
   * A line longer than MAX_LINE_CHARS, of which only its first characters (`head`) were kept: an error, and
   * the end of its trace (or of the file, for line 1). Returns false, as `headerLine` does for a bad header.
   */
  longLine(lineNo: number, head: string, length: number): false {
    this.lastLine = lineNo;
    const msg = `line ${lineNo} has ${length} characters, more than the ${MAX_LINE_CHARS} a line may have (a step line is a few KB): not parsed`;
    if (lineNo === 1) {
      this.err("TRACE_LIMIT", 1, msg);
      this.usable = false;
    } else if (this.usable) {
      this.fail("TRACE_LIMIT", lineNo, msg, traceIdOf(head));
    }
    return false;
  }

  /** After the last line: traces left open were truncated; fewer traces than declared is an error. */
  finish(): void {
    if (!this.usable || !this.header) return;
    for (const id of this.open.keys()) {
      this.err("TRACE_TRUNCATED", this.lastLine, `trace ${id} has no end step (file truncated?)`, id);
    }
    this.open.clear();
    if (this.header.traces !== undefined && this.order.length < this.header.traces) {
      this.err(
        "TRACE_TRUNCATED",
        this.lastLine,
        `the header declares ${this.header.traces} traces, the file holds ${this.order.length}`,
      );
    }
  }
}

/** Parses the text of a trace file; `file` is used in error locations only. */
export function parseTraceText(text: string, file: string, options: ReadOptions = {}): ReadResult {
  const p = new TraceLineParser(file, options);
  const lines = text.split("\n");
  const complete = text.endsWith("\n");
  if (complete) lines.pop();
  if (!p.headerLine(lines[0])) return { header: p.header, traces: [], errors: p.errors };
  const traces: Trace[] = [];
  for (let i = 1; i < lines.length && p.usable; i++) {
    traces.push(...p.stepLine(lines[i] as string, i + 1, i === lines.length - 1 && !complete));
  }
  p.finish();
  return { header: p.header, traces, errors: p.errors };
}

/** What streaming a trace file yields: the header first, then each trace as its end step is read. */
export type TraceStreamItem = { kind: "header"; header: TraceHeader } | { kind: "trace"; trace: Trace };

/**
 * Reads a trace file line by line (never whole): yields the header, then every complete trace as soon as
 * its end step is read. Errors (including an unreadable file) are pushed to `errors` as they are found.
 */
export async function* streamTraceFile(
  file: string,
  errors: ConformanceError[],
  options: ReadOptions = {},
): AsyncGenerator<TraceStreamItem> {
  let stream: ReadStream;
  try {
    const s = createReadStream(file, { encoding: "utf8" });
    stream = s;
    await new Promise<void>((resolve, reject) => {
      s.once("open", () => resolve());
      s.once("error", reject);
    });
  } catch (e) {
    errors.push(new ConformanceError("TRACE_IO", (e as Error).message, { file }));
    return;
  }
  try {
    yield* readTraceChunks(stream as AsyncIterable<string>, file, errors, options);
  } finally {
    stream.destroy();
  }
}

/**
 * The reader behind `streamTraceFile`, over any sequence of text chunks (`file` names them in errors). Each
 * chunk is searched for newlines once, and a line's pieces are joined once, so time is linear in the text
 * however the chunks cut it; a line past MAX_LINE_CHARS is skipped to its end, not held.
 */
export async function* readTraceChunks(
  chunks: AsyncIterable<string>,
  file: string,
  errors: ConformanceError[],
  options: ReadOptions = {},
): AsyncGenerator<TraceStreamItem> {
  const p = new TraceLineParser(file, options);
  let reported = 0;
  const report = (): void => {
    for (; reported < p.errors.length; reported++) errors.push(p.errors[reported] as ConformanceError);
  };
  let pieces: string[] = [];
  let length = 0;
  let head: string | undefined;
  let lineNo = 0;
  const add = (piece: string): void => {
    length += piece.length;
    if (head !== undefined) return;
    pieces.push(piece);
    if (length > MAX_LINE_CHARS) {
      head = pieces.join("").slice(0, HEAD_CHARS);
      pieces = [];
    }
  };
  /** Ends the current line; false once the file cannot be read further. */
  function* endLine(last: boolean): Generator<TraceStreamItem, boolean> {
    lineNo += 1;
    const text = pieces.join("");
    const long = head;
    const chars = length;
    pieces = [];
    length = 0;
    head = undefined;
    if (long !== undefined) {
      p.longLine(lineNo, long, chars);
      report();
      return p.usable;
    }
    if (lineNo === 1) {
      const ok = p.headerLine(text);
      report();
      if (ok) yield { kind: "header", header: p.header as TraceHeader };
      return ok;
    }
    const done = p.stepLine(text, lineNo, last);
    report();
    for (const trace of done) yield { kind: "trace", trace };
    return p.usable;
  }
  try {
    for await (const chunk of chunks) {
      let from = 0;
      for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", from)) {
        add(chunk.slice(from, nl));
        from = nl + 1;
        if (!(yield* endLine(false))) return;
      }
      add(chunk.slice(from));
    }
  } catch (e) {
    errors.push(new ConformanceError("TRACE_IO", (e as Error).message, { file, line: lineNo + 1 }));
    return;
  }
  if (length > 0 || head !== undefined) {
    if (!(yield* endLine(true))) return;
  } else if (lineNo === 0) {
    p.headerLine(undefined);
  }
  p.finish();
  report();
}

/** Reads and parses a trace file; an unreadable file is a TRACE_IO error. */
export function readTraceFile(file: string, options: ReadOptions = {}): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return {
      header: null,
      traces: [],
      errors: [new ConformanceError("TRACE_IO", (e as Error).message, { file })],
    };
  }
  return parseTraceText(text, file, options);
}
