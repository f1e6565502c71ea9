// The trace reader: schema errors name file, line and expectation; a bad line ends only its own trace;
// wrong spec, unknown actions and truncation are errors; a written trace set reads back unchanged.

import { describe, expect, it } from "vitest";
import { parseTraceText } from "../../conformance/trace/reader.ts";
import { formatTraceSet } from "../../conformance/trace/writer.ts";
import type { SpecState, TraceHeader, TraceSet } from "../../conformance/trace/format.ts";

const header: TraceHeader = {
  format: "fscache-trace",
  version: 1,
  spec: "FSCache",
  model: "MC_Test",
  design: "POST_FIX",
  source: "simulate",
};

const state = (n: number, action = "Init"): SpecState => ({
  cookie: { D: { usage: n } },
  object: {},
  op: [],
  thread: {},
  oops: "NONE",
  lastAction: { name: action },
});

const set: TraceSet = {
  header,
  traces: [
    {
      id: "a",
      steps: [
        { trace: "a", step: 0, action: null, state: state(0) },
        {
          trace: "a",
          step: 1,
          action: { name: "AcquireCookie", params: { t: "tD" } },
          state: state(1, "AcquireCookie"),
        },
      ],
    },
    {
      id: "b",
      steps: [
        { trace: "b", step: 0, action: null, state: state(0) },
        {
          trace: "b",
          step: 1,
          action: { name: "ReadPage", params: { t: "tD" } },
          state: state(2, "ReadPage"),
        },
      ],
    },
  ],
};

const known = new Set(["AcquireCookie", "ReadPage"]);
const text = formatTraceSet(set);
const lines = text.split("\n");

describe("trace reader", () => {
  it("reads back what the writer wrote", () => {
    const r = parseTraceText(text, "x.ndjson", { knownActions: known });
    expect(r.errors).toEqual([]);
    expect(r.header?.traces).toBe(2);
    expect(r.traces.map((t) => t.id)).toEqual(["a", "b"]);
    expect(r.traces[0]?.steps[1]?.action).toEqual({ name: "AcquireCookie", params: { t: "tD" } });
    expect(r.traces[1]?.steps[1]?.end).toBe(true);
  });

  it("a malformed line ends only its trace, naming file, line and expectation", () => {
    const bad = JSON.parse(lines[2] as string) as Record<string, unknown>;
    (bad["state"] as Record<string, unknown>)["oops"] = 3;
    const t = [lines[0], lines[1], JSON.stringify(bad), ...lines.slice(3)].join("\n");
    const r = parseTraceText(t, "x.ndjson", { knownActions: known });
    expect(r.traces.map((x) => x.id)).toEqual(["b"]);
    expect(r.errors).toHaveLength(1);
    const e = r.errors[0];
    expect(e?.code).toBe("TRACE_SCHEMA");
    expect(e?.where).toMatchObject({ file: "x.ndjson", line: 3, trace: "a" });
    expect(e?.message).toMatch(/\/state\/oops.*must be string/);
  });

  it("a line that is not JSON ends its trace", () => {
    const t = [lines[0], lines[1], `{"trace":"a","step":1,`, ...lines.slice(3)].join("\n");
    const r = parseTraceText(t, "x.ndjson", { knownActions: known });
    expect(r.traces.map((x) => x.id)).toEqual(["b"]);
    expect(r.errors[0]).toMatchObject({ code: "TRACE_JSON", where: { line: 3, trace: "a" } });
  });

  it("rejects traces of another spec", () => {
    const other = text.replace('"spec":"FSCache"', '"spec":"Raft"');
    const r = parseTraceText(other, "x.ndjson");
    expect(r.traces).toEqual([]);
    expect(r.errors[0]?.code).toBe("TRACE_SPEC");
    expect(r.errors[0]?.message).toContain('"Raft"');
  });

  it("rejects an invalid header", () => {
    const r = parseTraceText(text.replace('"version":1', '"version":2'), "x.ndjson");
    expect(r.header).toBeNull();
    expect(r.errors[0]).toMatchObject({ code: "TRACE_HEADER", where: { line: 1 } });
    expect(r.errors[0]?.message).toContain("/version");
  });

  it("an unknown action ends its trace", () => {
    const r = parseTraceText(text.replace("ReadPage", "FlyToTheMoon"), "x.ndjson", { knownActions: known });
    expect(r.traces.map((x) => x.id)).toEqual(["a"]);
    expect(r.errors[0]).toMatchObject({ code: "UNKNOWN_ACTION", where: { line: 5, trace: "b" } });
  });

  it("detects a file truncated mid-line and a trace without its end", () => {
    const cut = text.slice(0, text.length - 20);
    const r = parseTraceText(cut, "x.ndjson", { knownActions: known });
    expect(r.traces.map((x) => x.id)).toEqual(["a"]);
    expect(r.errors.map((e) => e.code)).toContain("TRACE_TRUNCATED");

    const noEnd = lines.slice(0, 4).join("\n") + "\n";
    const r2 = parseTraceText(noEnd, "x.ndjson", { knownActions: known });
    expect(r2.traces.map((x) => x.id)).toEqual(["a"]);
    expect(r2.errors.map((e) => e.code)).toEqual(["TRACE_TRUNCATED"]);
    expect(r2.errors[0]?.message).toContain("trace b has no end step");
  });

  it("rejects steps out of order and an action on the initial step", () => {
    const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)].join("\n");
    const r = parseTraceText(swapped, "x.ndjson", { knownActions: known });
    expect(r.errors[0]).toMatchObject({ code: "TRACE_ORDER", where: { line: 2, trace: "a" } });
    const init = JSON.parse(lines[1] as string) as Record<string, unknown>;
    init["action"] = { name: "ReadPage", params: {} };
    const r2 = parseTraceText([lines[0], JSON.stringify(init), ...lines.slice(2)].join("\n"), "x.ndjson");
    expect(r2.errors[0]?.message).toContain("expected action null on step 0");
  });
});
