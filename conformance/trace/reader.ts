// Reads fscache-trace NDJSON files. Every line is validated against conformance/trace.schema.json; errors
// are returned as values naming file, line and what was expected. A bad line ends only its own trace: the
// other traces of the file are still returned. A wrong spec, unknown actions and truncation are errors.

import { createReadStream, readFileSync, type ReadStream } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import schema from "../trace.schema.json" with { type: "json" };
import { ConformanceError } from "../errors.ts";
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

let validators: { header: ValidateFunction; step: ValidateFunction } | undefined;

function getValidators(): { header: ValidateFunction; step: ValidateFunction } {
  if (validators) return validators;
  const ajv = new Ajv({ allErrors: false, strict: false });
  ajv.addSchema(schema);
  const get = (name: string): ValidateFunction => {
    const v = ajv.getSchema(`${schema.$id}#/definitions/${name}`);
    if (!v) throw new Error(`trace.schema.json has no definition ${name}`);
    return v;
  };
  validators = { header: get("header"), step: get("step") };
  return validators;
}

/** One sentence per schema error: where in the line, and what was expected. */
function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return "does not match the schema";
  const at = e.instancePath === "" ? "the line" : e.instancePath;
  const extra =
    e.keyword === "additionalProperties"
      ? ` (unexpected property "${String((e.params as { additionalProperty: string }).additionalProperty)}")`
      : e.keyword === "enum"
        ? ` (one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
        : e.keyword === "const"
          ? ` (${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)})`
          : "";
  return `expected ${at} to satisfy: ${e.message ?? e.keyword}${extra}`;
}

/**
 * The line-by-line parser behind both readers: feed it line 1 and then every other line; each call returns
 * the traces that line completed (a trace completes at its `end` step), so a file is replayed while it is
 * read and never held in memory whole. Errors accumulate in `errors`.
 */
export class TraceLineParser {
  readonly errors: ConformanceError[] = [];
  header: TraceHeader | null = null;
  /** False once line 1 was rejected (then every other line is ignored). */
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

  private err(code: ConformanceError["code"], line: number, msg: string, trace?: string): void {
    const where = trace === undefined ? { file: this.file, line } : { file: this.file, line, trace };
    this.errors.push(new ConformanceError(code, msg, where));
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
    const v = getValidators();
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      const id = /"trace"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(raw)?.[1];
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
  for (let i = 1; i < lines.length; i++) {
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
  const p = new TraceLineParser(file, options);
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
  let pending = "";
  let lineNo = 0;
  let reported = 0;
  const report = (): void => {
    for (; reported < p.errors.length; reported++) errors.push(p.errors[reported] as ConformanceError);
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const raw = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lineNo++;
        if (lineNo === 1) {
          const headerOk = p.headerLine(raw);
          report();
          if (!headerOk) return;
          yield { kind: "header", header: p.header as TraceHeader };
          continue;
        }
        const done = p.stepLine(raw, lineNo, false);
        report();
        for (const trace of done) yield { kind: "trace", trace };
      }
    }
  } catch (e) {
    errors.push(new ConformanceError("TRACE_IO", (e as Error).message, { file, line: lineNo + 1 }));
    return;
  } finally {
    stream.destroy();
  }
  if (pending !== "") {
    lineNo++;
    if (lineNo === 1) {
      if (p.headerLine(pending)) yield { kind: "header", header: p.header as TraceHeader };
      report();
    } else {
      for (const trace of p.stepLine(pending, lineNo, true)) yield { kind: "trace", trace };
    }
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
