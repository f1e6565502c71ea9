// The trace reader: schema errors name file, line and expectation; a bad line ends only its own trace;
// wrong spec, unknown actions and truncation are errors; a written trace set reads back unchanged; the
// schema describes the whole spec state; over-long and over-deep lines are refused before anything
// recursive sees them; reading is linear, however the file is cut into chunks.
// The fixture test/fixtures/trace/MCci-POST_FIX-simulate.ndjson is real output of
// `npm run cli -- traces --model MCci --source simulate --num 2 --depth 8 --seed 3`.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConformanceError } from "../../conformance/errors.ts";
import {
  MAX_FILE_ERRORS,
  MAX_LINE_CHARS,
  MAX_LINE_DEPTH,
  parseTraceText,
  readTraceChunks,
  streamTraceFile,
  type TraceStreamItem,
} from "../../conformance/trace/reader.ts";
import { formatTraceSet } from "../../conformance/trace/writer.ts";
import type { SpecState, TraceHeader, TraceSet, TraceStepLine } from "../../conformance/trace/format.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/trace/MCci-POST_FIX-simulate.ndjson", import.meta.url));
const real = readFileSync(FIXTURE, "utf8");
const realLines = real.split("\n");
const realStep = (i: number): TraceStepLine => JSON.parse(realLines[i] as string) as TraceStepLine;

const header: TraceHeader = {
  format: "fscache-trace",
  version: 1,
  spec: "FSCache",
  model: "MC_Test",
  design: "POST_FIX",
  source: "simulate",
};

/** A real spec state with the cookie D's usage and the last action changed. */
const state = (n: number, action = "Init"): SpecState => {
  const s = structuredClone(realStep(1).state) as { cookie: { D: { usage: number } } } & SpecState;
  s.cookie.D.usage = n;
  return { ...s, lastAction: { name: action } };
};

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

/** The text with line `i` (0-based) replaced by the JSON of `edit` applied to that line's object. */
function editLine(i: number, edit: (line: Record<string, unknown>) => void, source = lines): string {
  const obj = JSON.parse(source[i] as string) as Record<string, unknown>;
  edit(obj);
  return [...source.slice(0, i), JSON.stringify(obj), ...source.slice(i + 1)].join("\n");
}

const stateOf = (line: Record<string, unknown>): Record<string, Record<string, Record<string, unknown>>> =>
  line["state"] as Record<string, Record<string, Record<string, unknown>>>;

describe("trace reader", () => {
  it("reads back what the writer wrote", () => {
    const r = parseTraceText(text, "x.ndjson", { knownActions: known });
    expect(r.errors).toEqual([]);
    expect(r.header?.traces).toBe(2);
    expect(r.traces.map((t) => t.id)).toEqual(["a", "b"]);
    expect(r.traces[0]?.steps[1]?.action).toEqual({ name: "AcquireCookie", params: { t: "tD" } });
    expect(r.traces[1]?.steps[1]?.end).toBe(true);
  });

  it("reads a real trace file", () => {
    const r = parseTraceText(real, FIXTURE);
    expect(r.errors).toEqual([]);
    expect(r.traces.map((t) => [t.id, t.steps.length])).toEqual([
      ["s3_0", 8],
      ["s3_1", 8],
    ]);
  });

  it("a malformed line ends only its trace, naming file, line and expectation", () => {
    const t = editLine(2, (l) => {
      (l["state"] as Record<string, unknown>)["oops"] = 3;
    });
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
    const r2 = parseTraceText(
      editLine(1, (l) => {
        l["action"] = { name: "ReadPage", params: {} };
      }),
      "x.ndjson",
    );
    expect(r2.errors[0]?.message).toContain("expected action null on step 0");
  });
});

describe("the trace schema describes the whole spec state", () => {
  const rejects = (edit: (line: Record<string, unknown>) => void, message: RegExp): void => {
    const r = parseTraceText(editLine(2, edit), "x.ndjson", { knownActions: known });
    expect(r.traces.map((x) => x.id)).toEqual(["b"]);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: "TRACE_SCHEMA", where: { file: "x.ndjson", line: 3, trace: "a" } }),
    ]);
    expect(r.errors[0]?.message).toMatch(message);
  };

  it("rejects a renamed field of a cookie, an object, an op or a thread (the old name is missing)", () => {
    rejects((l) => {
      const c = stateOf(l)["cookie"]?.["D"] as Record<string, unknown>;
      c["nActive"] = c["n_active"];
      delete c["n_active"];
    }, /\/state\/cookie\/D.*required property 'n_active'/);
    rejects((l) => {
      const o = stateOf(l)["object"]?.["I"] as Record<string, unknown>;
      o["n_op"] = o["n_ops"];
      delete o["n_ops"];
    }, /\/state\/object\/I.*required property 'n_ops'/);
    rejects((l) => {
      const op = (l["state"] as { op: Record<string, unknown>[] }).op[0] as Record<string, unknown>;
      op["kinds"] = op["kind"];
      delete op["kind"];
    }, /\/state\/op\/0.*required property 'kind'/);
    rejects((l) => {
      const t = stateOf(l)["thread"]?.["tD"] as Record<string, unknown>;
      t["program_counter"] = t["pc"];
      delete t["pc"];
    }, /\/state\/thread\/tD.*required property 'pc'/);
  });

  it("rejects an added, missing or retyped field and a value outside the spec's set", () => {
    rejects((l) => {
      (stateOf(l)["object"]?.["D"] as Record<string, unknown>)["n_writes"] = 0;
    }, /\/state\/object\/D.*unexpected property "n_writes"/);
    rejects((l) => {
      delete (stateOf(l)["object"]?.["D"] as Record<string, unknown>)["lop"];
    }, /\/state\/object\/D.*must have required property 'lop'/);
    rejects((l) => {
      (stateOf(l)["cookie"]?.["I"] as Record<string, unknown>)["netfs"] = "yes";
    }, /\/state\/cookie\/I\/netfs.*must be boolean/);
    rejects((l) => {
      (stateOf(l)["thread"]?.["tI"] as Record<string, unknown>)["calls"] = -1;
    }, /\/state\/thread\/tI\/calls.*must be >= 0/);
    rejects((l) => {
      (stateOf(l)["object"]?.["I"] as Record<string, unknown>)["state"] = "WAIT_FOR_GODOT";
    }, /\/state\/object\/I\/state.*"WAIT_FOR_INIT".*"DROP_OBJECT".*"OBJECT_DEAD"/);
    rejects((l) => {
      (stateOf(l)["cookie"]?.["D"] as Record<string, unknown>)["flags"] = ["RETIRED", "RETIRED"];
    }, /\/state\/cookie\/D\/flags.*duplicate/);
    rejects((l) => {
      (stateOf(l)["lastAction"] as unknown as Record<string, unknown>)["thread"] = "tD";
    }, /\/state\/lastAction.*unexpected property "thread"/);
    rejects((l) => {
      delete (l["state"] as Record<string, unknown>)["oops"];
    }, /\/state.*must have required property 'oops'/);
  });
});

describe("the reader's limits", () => {
  const deep = (n: number): string => `${"[".repeat(n)}${"]".repeat(n)}`;

  it("refuses a step nested 200,000 deep before parsing it, naming file and line", () => {
    // Deep inside a cookie's stores: only a schema that describes the state would reject it otherwise.
    const line = (lines[2] as string).replace('"stores":{"p1":"NONE"}', `"stores":{"p1":${deep(200_000)}}`);
    expect(line).not.toBe(lines[2]);
    const t = [lines[0], lines[1], line, ...lines.slice(3)].join("\n");
    const r = parseTraceText(t, "x.ndjson", { knownActions: known });
    expect(r.traces.map((x) => x.id)).toEqual(["b"]);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: "TRACE_LIMIT", where: { file: "x.ndjson", line: 3, trace: "a" } }),
    ]);
    expect(r.errors[0]?.message).toContain(`nests deeper than ${MAX_LINE_DEPTH}`);
  });

  it("refuses a header nested too deep (its constants are free-form)", () => {
    const t = editLine(0, (l) => {
      l["constants"] = { x: JSON.parse(deep(MAX_LINE_DEPTH)) as unknown };
    });
    const r = parseTraceText(t, "x.ndjson");
    expect(r.header).toBeNull();
    expect(r.errors[0]).toMatchObject({ code: "TRACE_LIMIT", where: { file: "x.ndjson", line: 1 } });
  });

  it("refuses an over-long line naming file and line; the other traces are kept", () => {
    const long = (lines[2] as string).replace('"oops":"NONE"', `"oops":"${"x".repeat(MAX_LINE_CHARS)}"`);
    const r = parseTraceText([lines[0], lines[1], long, ...lines.slice(3)].join("\n"), "x.ndjson", {
      knownActions: known,
    });
    expect(r.traces.map((x) => x.id)).toEqual(["b"]);
    expect(r.errors).toEqual([
      expect.objectContaining({ code: "TRACE_LIMIT", where: { file: "x.ndjson", line: 3, trace: "a" } }),
    ]);
    expect(r.errors[0]?.message).toContain(`more than the ${MAX_LINE_CHARS}`);
  });

  it("stops reading a file of garbage at its MAX_FILE_ERRORS-th error, and says so", () => {
    const garbage = Array.from({ length: 3 * MAX_FILE_ERRORS }, (_, i) => `{"trace":"t${i}",`).join("\n");
    const r = parseTraceText(`${lines[0]}\n${garbage}\n`, "x.ndjson");
    expect(r.errors).toHaveLength(MAX_FILE_ERRORS);
    expect(r.errors.at(-1)).toMatchObject({ code: "TRACE_JSON", where: { line: MAX_FILE_ERRORS + 1 } });
    expect(r.errors.at(-1)?.message).toContain("the rest of it is not read");
  });

  it("streams a file of one 64 MB line in linear time, refusing the line", async () => {
    // Before, each 64 KB chunk rescanned the whole pending line for a newline: quadratic (tens of seconds).
    const dir = mkdtempSync(join(tmpdir(), "trace-reader-"));
    try {
      const file = join(dir, "long.ndjson");
      writeFileSync(file, `${lines[0]}\n{"trace":"a","note":"${"x".repeat(64 << 20)}"}\n${lines[3]}\n`);
      const errors: ConformanceError[] = [];
      const t0 = performance.now();
      for await (const _ of streamTraceFile(file, errors)) continue;
      expect(performance.now() - t0).toBeLessThan(5000);
      expect(errors[0]).toMatchObject({ code: "TRACE_LIMIT", where: { file, line: 2, trace: "a" } });
      expect(errors[0]?.message).toContain("more than the");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("streaming", () => {
  const collect = async (chunks: string[]): Promise<{ items: TraceStreamItem[]; errors: unknown[] }> => {
    const errors: ConformanceError[] = [];
    const items: TraceStreamItem[] = [];
    async function* source(): AsyncGenerator<string> {
      for (const c of chunks) yield await Promise.resolve(c);
    }
    for await (const item of readTraceChunks(source(), "x.ndjson", errors, { knownActions: known })) {
      items.push(item);
    }
    return { items, errors: errors.map((e) => e.toJSON()) };
  };

  it("gives what parseTraceText gives, however the chunks cut the text", async () => {
    const cut = (s: string, at: number[]): string[] => {
      const points = [...new Set(at.map((p) => Math.floor(p * s.length)))].sort((a, b) => a - b);
      return [0, ...points].map((p, i) => s.slice(p, points[i] ?? s.length));
    };
    const texts = [text, text.slice(0, -25), text.replace("ReadPage", "Fly"), `${lines[0]}\n\n${lines[1]}`];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...texts),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { maxLength: 12 }),
        async (t, at) => {
          const whole = parseTraceText(t, "x.ndjson", { knownActions: known });
          const streamed = await collect(cut(t, at));
          expect(streamed.items.flatMap((i) => (i.kind === "trace" ? [i.trace] : []))).toEqual(whole.traces);
          expect(streamed.errors).toEqual(whole.errors.map((e) => e.toJSON()));
        },
      ),
      { numRuns: 100 },
    );
  });
});
