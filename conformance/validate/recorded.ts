// Recorded runs as fscache-trace files (source "recorded"): one trace, the initial state then one line per
// atomic step, in the conformance trace format; the header carries the constants the abstraction used, the model
// the run fits (or "run" for constants sized to it), and the workload and seed that run it again.

import { ConformanceError } from "../errors.ts";
import type { Json } from "../json.ts";
import { projectSpec } from "../mapping/abstraction.ts";
import { KNOWN_ACTIONS } from "../mapping/actions.ts";
import { asConstants, type ModelConstants } from "../mapping/model.ts";
import type { Design, TraceHeader, TraceSet } from "../trace/format.ts";
import { readTraceFile } from "../trace/reader.ts";
import { writeTraceSet } from "../trace/writer.ts";
import type { RecordedStep } from "./driver.ts";

/** The model name of a run checked with constants sized to it (by TLC). */
export const RUN_SIZED = "run";

export interface RecordedMeta {
  readonly model: string;
  readonly design: Design;
  readonly constants: ModelConstants;
  /** Backend, workload, seed and path: whatever reproduces the run. */
  readonly run: Record<string, Json>;
}

export function recordedSet(steps: readonly RecordedStep[], meta: RecordedMeta): TraceSet {
  const header: TraceHeader = {
    format: "fscache-trace",
    version: 1,
    spec: "FSCache",
    model: meta.model,
    design: meta.design,
    source: "recorded",
    generator: "conformance/validate",
    constants: meta.constants as unknown as Record<string, Json>,
    recorded: meta.run,
  };
  // A trace line carries every spec variable (the reader requires them): lastAction is the step's action, and a
  // crashed state (the abstraction keeps only `oops`) carries the last full state's variables, which reading
  // projects away again (projectSpec compares a crashed state by its oops alone).
  let full: Record<string, Json> = steps[0]?.state ?? {};
  const lines = steps.map((s, i) => {
    if (s.state["cookie"] !== undefined) full = s.state;
    const lastAction: Record<string, Json> = { name: s.action?.name ?? "Init", ...(s.action?.params ?? {}) };
    return { trace: "run", step: i, action: s.action, state: { ...full, ...s.state, lastAction } };
  });
  return { header, traces: [{ id: "run", steps: lines }] };
}

export function writeRecorded(file: string, steps: readonly RecordedStep[], meta: RecordedMeta): void {
  writeTraceSet(file, recordedSet(steps, meta));
}

export interface ReadRecorded {
  readonly meta: RecordedMeta;
  readonly steps: RecordedStep[];
}

/**
 * Reads a recorded run; a malformed file gives the reader's first error (file, line, what was expected). The
 * trace reader validates every line against trace.schema.json and knows the spec's actions.
 */
export function readRecorded(file: string): ReadRecorded | ConformanceError {
  const r = readTraceFile(file, { knownActions: KNOWN_ACTIONS });
  if (r.errors[0]) return r.errors[0];
  const h = r.header;
  if (!h) return new ConformanceError("TRACE_HEADER", "no header", { file, line: 1 });
  if (h.source !== "recorded")
    return new ConformanceError("TRACE_HEADER", `source is ${h.source}, not recorded`, { file, line: 1 });
  const trace = r.traces[0];
  if (!trace || r.traces.length !== 1)
    return new ConformanceError("TRACE_TRUNCATED", `expected one recorded trace, found ${r.traces.length}`, {
      file,
    });
  let constants: ModelConstants;
  try {
    constants = asConstants(h.constants);
  } catch (e) {
    return new ConformanceError("TRACE_HEADER", e instanceof Error ? e.message : String(e), {
      file,
      line: 1,
    });
  }
  return {
    meta: { model: h.model, design: h.design, constants, run: h.recorded ?? {} },
    steps: trace.steps.map((s) => ({ action: s.action, state: projectSpec(s.state) })),
  };
}
