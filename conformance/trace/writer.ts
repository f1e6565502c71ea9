// Writes a trace set as fscache-trace NDJSON: the header, then every step of every trace, the last step of
// each trace marked `end`, so a reader can tell a complete trace from a truncated one. Files are written
// through a small buffer, never built whole in memory.

import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
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

/** Writes a trace set line by line through a buffer (a full-cover set is hundreds of MB as text). */
export function writeTraceSet(file: string, set: TraceSet): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, "w");
  try {
    let buf: string[] = [];
    let size = 0;
    const put = (line: string): void => {
      buf.push(line);
      size += line.length + 1;
      if (size >= 1 << 22) flush();
    };
    const flush = (): void => {
      if (buf.length > 0) writeSync(fd, buf.join("\n") + "\n");
      buf = [];
      size = 0;
    };
    put(JSON.stringify({ ...set.header, traces: set.traces.length }));
    for (const t of set.traces) {
      t.steps.forEach((s, i) => {
        const line: TraceStepLine = { ...s, trace: t.id, step: i };
        put(JSON.stringify(i === t.steps.length - 1 ? { ...line, end: true } : omitEnd(line)));
      });
    }
    flush();
  } finally {
    closeSync(fd);
  }
}
