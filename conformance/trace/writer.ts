// Writes a trace set as fscache-trace NDJSON: the header, then every step of every trace, the last step of
// each trace marked `end`, so a reader can tell a complete trace from a truncated one.

import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { TraceSet, TraceStepLine } from "./format.ts";

/** The NDJSON text of a trace set (ends with a newline). */
export function formatTraceSet(set: TraceSet): string {
  const lines: string[] = [JSON.stringify({ ...set.header, traces: set.traces.length })];
  for (const t of set.traces) {
    t.steps.forEach((s, i) => {
      const line: TraceStepLine = { ...s, trace: t.id, step: i };
      lines.push(JSON.stringify(i === t.steps.length - 1 ? { ...line, end: true } : omitEnd(line)));
    });
  }
  return lines.join("\n") + "\n";
}

function omitEnd(line: TraceStepLine): TraceStepLine {
  const { end: _end, ...rest } = line;
  return rest;
}

export function writeTraceSet(file: string, set: TraceSet): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, formatTraceSet(set));
}
