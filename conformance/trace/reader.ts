// Reads fscache-trace NDJSON files. Every line is validated against conformance/trace.schema.json; errors
// are returned as values naming file, line and what was expected. A bad line ends only its own trace: the
// other traces of the file are still returned. A wrong spec, unknown actions and truncation are errors.

import { readFileSync } from "node:fs";
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

/** Parses the text of a trace file; `file` is used in error locations only. */
export function parseTraceText(text: string, file: string, options: ReadOptions = {}): ReadResult {
  const spec = options.spec ?? SPEC_NAME;
  const v = getValidators();
  const errors: ConformanceError[] = [];
  const err = (code: ConformanceError["code"], line: number, msg: string, trace?: string): void => {
    errors.push(
      new ConformanceError(code, msg, trace === undefined ? { file, line } : { file, line, trace }),
    );
  };
  const lines = text.split("\n");
  const complete = text.endsWith("\n");
  if (complete) lines.pop();
  if (lines.length === 0 || lines[0] === "") {
    err("TRACE_HEADER", 1, 'empty file: expected a header line {format:"fscache-trace", version:1, …}');
    return { header: null, traces: [], errors };
  }
  let header: TraceHeader;
  try {
    header = JSON.parse(lines[0] as string) as TraceHeader;
  } catch (e) {
    err("TRACE_HEADER", 1, `line 1 is not JSON (${(e as Error).message}): expected the trace header`);
    return { header: null, traces: [], errors };
  }
  if (!v.header(header)) {
    err("TRACE_HEADER", 1, `header: ${describe(v.header.errors)}`);
    return { header: null, traces: [], errors };
  }
  if (header.spec !== spec) {
    err("TRACE_SPEC", 1, `the traces are of spec "${header.spec}", expected "${spec}"`);
    return { header, traces: [], errors };
  }

  const open = new Map<string, TraceStepLine[]>();
  const order: string[] = [];
  const broken = new Set<string>();
  const done = new Set<string>();
  const fail = (code: ConformanceError["code"], line: number, msg: string, trace?: string): void => {
    err(code, line, msg, trace);
    if (trace !== undefined) {
      broken.add(trace);
      open.delete(trace);
    }
  };
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] as string;
    if (raw.trim() === "") continue;
    const last = i === lines.length - 1 && !complete;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      const id = /"trace"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(raw)?.[1];
      if (last) fail("TRACE_TRUNCATED", lineNo, "the file ends in the middle of a line", id);
      else fail("TRACE_JSON", lineNo, `not JSON (${(e as Error).message}): expected one trace step`, id);
      continue;
    }
    const id =
      typeof obj === "object" && obj !== null && typeof (obj as { trace?: unknown }).trace === "string"
        ? (obj as { trace: string }).trace
        : undefined;
    if (id !== undefined && broken.has(id)) continue;
    if (!v.step(obj)) {
      fail("TRACE_SCHEMA", lineNo, `trace step: ${describe(v.step.errors)}`, id);
      continue;
    }
    const s = obj as TraceStepLine;
    if (done.has(s.trace)) {
      fail("TRACE_ORDER", lineNo, `trace ${s.trace} continues after its end step`, s.trace);
      continue;
    }
    let steps = open.get(s.trace);
    if (!steps) {
      steps = [];
      open.set(s.trace, steps);
      order.push(s.trace);
    }
    if (s.step !== steps.length) {
      fail(
        "TRACE_ORDER",
        lineNo,
        `expected step ${steps.length} of trace ${s.trace}, found step ${s.step}`,
        s.trace,
      );
      continue;
    }
    if ((s.step === 0) !== (s.action === null)) {
      fail(
        "TRACE_SCHEMA",
        lineNo,
        s.step === 0
          ? "expected action null on step 0 (the initial state)"
          : "expected an action on a step > 0",
        s.trace,
      );
      continue;
    }
    if (s.action && options.knownActions && !options.knownActions.has(s.action.name)) {
      fail("UNKNOWN_ACTION", lineNo, `unknown action "${s.action.name}" (not in the action table)`, s.trace);
      continue;
    }
    steps.push(s);
    if (s.end) done.add(s.trace);
  }
  const traces: Trace[] = [];
  for (const id of order) {
    if (broken.has(id)) continue;
    const steps = open.get(id) as TraceStepLine[];
    if (!done.has(id)) {
      err("TRACE_TRUNCATED", lines.length, `trace ${id} has no end step (file truncated?)`, id);
      continue;
    }
    traces.push({ id, steps });
  }
  if (header.traces !== undefined && order.length < header.traces) {
    err(
      "TRACE_TRUNCATED",
      lines.length,
      `the header declares ${header.traces} traces, the file holds ${order.length}`,
    );
  }
  return { header, traces, errors };
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
