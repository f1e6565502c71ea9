import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalKey,
  MAX_EXPANSION,
  MAX_NESTING,
  parseState,
  parseValue,
  printState,
  printValue,
  toJson,
  valueEquals,
  type TlaValue,
} from "../../src/tla/values.ts";

const int = (value: number): TlaValue => ({ kind: "int", value });
const str = (value: string): TlaValue => ({ kind: "string", value });
const model = (name: string): TlaValue => ({ kind: "model", name });

function parsed(text: string): TlaValue {
  const r = parseValue(text);
  if (!r.ok) throw new Error(`${text}: ${JSON.stringify(r.error)}`);
  return r.value;
}

describe("parseValue", () => {
  it("reads every kind TLC prints", () => {
    expect(parsed("-42")).toEqual(int(-42));
    expect(parsed("TRUE")).toEqual({ kind: "bool", value: true });
    expect(parsed('"inc\\n\\"q\\"\\\\"')).toEqual(str('inc\n"q"\\'));
    expect(parsed("p1")).toEqual(model("p1"));
    expect(parsed("{}")).toEqual({ kind: "set", elements: [] });
    expect(parsed("<<<<p1, 1>>>>")).toEqual({
      kind: "seq",
      elements: [{ kind: "seq", elements: [model("p1"), int(1)] }],
    });
    expect(parsed('[pc |-> "idle", n |-> 0]')).toEqual({
      kind: "record",
      fields: [
        ["pc", str("idle")],
        ["n", int(0)],
      ],
    });
    expect(parsed("(p1 :> 1 @@ p2 :> 2)")).toEqual({
      kind: "function",
      entries: [
        [model("p1"), int(1)],
        [model("p2"), int(2)],
      ],
    });
    expect(parsed("1..3")).toEqual({ kind: "set", elements: [int(1), int(2), int(3)] });
  });

  it("ignores line wrapping and padding", () => {
    const wrapped = '{ [src |-> a, body |-> "x"],\n  [src |-> b, body |-> "y"] }';
    expect(printValue(parsed(wrapped))).toBe('{[src |-> a, body |-> "x"], [src |-> b, body |-> "y"]}');
  });

  it("reports line, column and what it expected", () => {
    expect(parseValue("[a |-> 1,\n b |-> ]", { file: "f.txt", line: 10 })).toEqual({
      ok: false,
      error: { file: "f.txt", line: 11, column: 8, expected: "a value", found: '"]"' },
    });
    expect(parseValue('"open')).toMatchObject({ ok: false, error: { expected: 'a closing "' } });
    expect(parseValue("<<1 2>>")).toMatchObject({ ok: false, error: { column: 5, expected: '"," or ">>"' } });
    expect(parseValue("1 2")).toMatchObject({ ok: false, error: { expected: "the end of the value" } });
    expect(parseValue("SUBSET {1}")).toMatchObject({ ok: false });
  });
});

describe("parseValue's limits", () => {
  const nest = (n: number, open = "{", close = "}"): string => `${open.repeat(n)}${close.repeat(n)}`;

  it("refuses nesting 10,000 deep with a ParseError at the bracket past the limit, not a stack overflow", () => {
    for (const [open, close] of [
      ["{", "}"],
      ["<<", ">>"],
    ]) {
      const r = parseValue(nest(10_000, open, close), { file: "deep.txt" });
      expect(r).toMatchObject({
        ok: false,
        error: {
          file: "deep.txt",
          line: 1,
          column: MAX_NESTING * (open as string).length + 1,
          expected: `values nested at most ${MAX_NESTING} deep`,
        },
      });
      expect(!r.ok && r.error.found).toContain(`nesting deeper than ${MAX_NESTING}`);
    }
    const records = "[a |-> ".repeat(10_000) + "1" + "]".repeat(10_000);
    expect(parseValue(records)).toMatchObject({ ok: false, error: { line: 1 } });
    const fcns = "(1 :> ".repeat(10_000) + "1" + ")".repeat(10_000);
    expect(parseValue(fcns)).toMatchObject({ ok: false, error: { line: 1 } });
    expect(parseState(`/\\ x = 1\n/\\ y = ${nest(10_000)}`)).toMatchObject({ ok: false, error: { line: 2 } });
  });

  it("accepts nesting up to the limit", () => {
    expect(parseValue(nest(MAX_NESTING)).ok).toBe(true);
    expect(parseValue(nest(MAX_NESTING + 1)).ok).toBe(false);
  });

  it("bounds what intervals expand to across one parse, naming the interval", () => {
    // 650 bytes of text asking for 6.5 million elements.
    const text = `{${Array.from({ length: 65 }, () => "1..100000").join(", ")}}`;
    const r = parseValue(text);
    expect(r).toMatchObject({
      ok: false,
      error: {
        line: 1,
        column: 2 + 10 * 11,
        expected: `intervals expanding to at most ${MAX_EXPANSION} elements in one parse`,
      },
    });
    expect(!r.ok && r.error.found).toBe("1..100000 (100000 elements, after 1000000 already)");
    expect(parseValue(`<<${Array.from({ length: 10 }, () => "1..100000").join(", ")}>>`).ok).toBe(true);
    expect(parseValue("1..0")).toEqual({ ok: true, value: { kind: "set", elements: [] } });
  });

  it("quotes at most a short excerpt of a long token", () => {
    const r = parseValue(`<<"${"x".repeat(100_000)}" "y">>`);
    expect(!r.ok && r.error.found.length).toBeLessThan(50);
  });
});

describe("duplicates", () => {
  it("rejects a record field given twice, naming line, column and the field", () => {
    expect(parseValue("[a |-> 1,\n b |-> 2, a |-> 3]", { file: "f", line: 7 })).toEqual({
      ok: false,
      error: {
        file: "f",
        line: 8,
        column: 11,
        expected: "a field not already in this record",
        found: "duplicate field a",
      },
    });
  });

  it("rejects a function key given twice, as TLA+ equality sees keys", () => {
    expect(parseValue("(a :> 1 @@ a :> 2)")).toEqual({
      ok: false,
      error: {
        line: 1,
        column: 12,
        expected: "a key not already in this function",
        found: 'duplicate key "a"',
      },
    });
    expect(parseValue("({1, 2} :> 1 @@ {2, 1} :> 2)")).toMatchObject({
      ok: false,
      error: { column: 17, found: 'duplicate key "{2, 1}"' },
    });
    expect(parseValue("(<<a>> :> 1 @@ (1 :> a) :> 2)")).toMatchObject({ ok: false });
    expect(parseValue('(a :> 1 @@ "a" :> 2 @@ b :> 3)').ok).toBe(true);
  });

  it("rejects a variable assigned twice", () => {
    expect(parseState("/\\ x = 1\n/\\ x = 2")).toEqual({
      ok: false,
      error: {
        line: 2,
        column: 4,
        expected: "a variable not already assigned",
        found: "duplicate variable x",
      },
    });
  });
});

describe("error positions", () => {
  it("are 1-based even when the caller's origin is not", () => {
    for (const origin of [{ line: 0, column: 0 }, { line: -3 }, { line: 1.5, column: Number.NaN }]) {
      const r = parseValue("<<1,", origin);
      expect(!r.ok && [r.error.line, r.error.column]).toEqual([1, 5]);
    }
  });
});

describe("parseState", () => {
  it("rejects an empty state: no text, or only space", () => {
    for (const text of ["", "\n  \n", "/\\"]) {
      expect(parseState(text, { line: 4 })).toMatchObject({
        ok: false,
        error: { expected: expect.stringMatching(/^a state|^a variable name/) as unknown },
      });
    }
    expect(parseState("", { line: 4 })).toMatchObject({ ok: false, error: { line: 4, column: 1 } });
  });

  it("reads /\\ lines with wrapped values", () => {
    const r = parseState("/\\ flag = TRUE\n/\\ msgs = { [a |-> 1],\n  [a |-> 2] }\n/\\ x = 1\n");
    expect(r.ok && Object.keys(r.value)).toEqual(["flag", "msgs", "x"]);
    expect(r.ok && printValue(r.value.msgs as TlaValue)).toBe("{[a |-> 1], [a |-> 2]}");
  });

  it("reads the single-variable form", () => {
    expect(parseState("x = 0\n")).toEqual({ ok: true, value: { x: int(0) } });
  });

  it("rejects a missing =", () => {
    expect(parseState("/\\ x 1")).toMatchObject({
      ok: false,
      error: { expected: '"=" after a variable name' },
    });
  });

  it("prints back as TLC does", () => {
    expect(printState({ x: int(0) })).toBe("x = 0");
    expect(printState({ x: int(0), y: str("a") })).toBe('/\\ x = 0\n/\\ y = "a"');
  });
});

describe("valueEquals and toJson", () => {
  it("compares as TLA+ does", () => {
    expect(valueEquals(parsed("{1, 2}"), parsed("{2, 1}"))).toBe(true);
    expect(valueEquals(parsed("<<a>>"), parsed("(1 :> a)"))).toBe(true);
    expect(valueEquals(parsed("[f |-> 1]"), parsed('("f" :> 1)'))).toBe(true);
    expect(valueEquals(parsed("[f |-> 1, g |-> 2]"), parsed("[g |-> 2, f |-> 1]"))).toBe(true);
    expect(valueEquals(parsed('"a"'), parsed("a"))).toBe(false);
    expect(valueEquals(parsed("<<1, 2>>"), parsed("<<2, 1>>"))).toBe(false);
  });

  it("maps values to JSON like TLC's Json module", () => {
    expect(toJson(parsed('(p1 :> [pc |-> "idle", log |-> <<1, 2>>] @@ p2 :> {3, 1, 20})'))).toEqual({
      p1: { pc: "idle", log: [1, 2] },
      p2: [1, 3, 20],
    });
    expect(toJson(parsed("(<<1, 2>> :> TRUE)"))).toEqual({ "<<1, 2>>": true });
  });
});

const ident = fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,6}$/).filter((s) => s !== "TRUE" && s !== "FALSE");

const arbValue: fc.Arbitrary<TlaValue> = fc.letrec<{ value: TlaValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(int),
    fc.boolean().map((value): TlaValue => ({ kind: "bool", value })),
    fc.string({ unit: "binary" }).map(str),
    ident.map(model),
    fc.array(tie("value"), { maxLength: 4 }).map((elements): TlaValue => ({ kind: "set", elements })),
    fc.array(tie("value"), { maxLength: 4 }).map((elements): TlaValue => ({ kind: "seq", elements })),
    fc
      .uniqueArray(fc.tuple(ident, tie("value")), { maxLength: 4, selector: ([k]) => k })
      .map((fields): TlaValue => ({ kind: "record", fields })),
    fc
      .uniqueArray(fc.tuple(tie("value"), tie("value")), { maxLength: 3, selector: ([k]) => canonicalKey(k) })
      .map((entries): TlaValue => ({ kind: "function", entries })),
  ),
})).value;

describe("printValue ∘ parseValue", () => {
  it("round-trips every value", () => {
    fc.assert(
      fc.property(arbValue, (v) => {
        const back = parseValue(printValue(v));
        return back.ok && valueEquals(back.value, v);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips whole states", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(ident, arbValue), { minLength: 1, maxLength: 4, selector: ([k]) => k }),
        (vars) => {
          const state = Object.fromEntries(vars);
          const back = parseState(printState(state));
          return (
            back.ok && vars.every(([k, v]) => back.value[k] !== undefined && valueEquals(back.value[k], v))
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
