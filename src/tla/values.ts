// TLA+ values as TLC 2.18 prints them in states, traces, dot labels and simulation files: a type for
// them, a whitespace-insensitive parser (TLC wraps long values at 80 columns), a printer, equality and JSON.

import { excerpt, type Origin, type ParseError, type Parsed } from "./parse-error.ts";

/**
 * A value as TLC prints it. Sets keep the order they were printed in (TLC's normalized order); records
 * keep their field order. Functions whose domain is `1..n` are sequences; all other functions that are not
 * records are `function`s. TLC prints every empty function as `<<>>`, which parses as the empty sequence.
 */
export type TlaValue =
  | { readonly kind: "int"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "model"; readonly name: string }
  | { readonly kind: "set"; readonly elements: readonly TlaValue[] }
  | { readonly kind: "seq"; readonly elements: readonly TlaValue[] }
  | { readonly kind: "record"; readonly fields: readonly (readonly [string, TlaValue])[] }
  | { readonly kind: "function"; readonly entries: readonly (readonly [TlaValue, TlaValue])[] };

/** A state: variable name → value. Variable order is TLC's internal order, so key by name. */
export type TlaState = Readonly<Record<string, TlaValue>>;

/** What `toJson` produces. */
export type JsonValue = number | boolean | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The deepest nesting of sets, sequences, records and functions a parse accepts. Real spec states nest fewer
 * than 10 deep; the bound keeps this parser and every recursive consumer of its values (printing, JSON,
 * equality) far from the call-stack limit.
 */
export const MAX_NESTING = 1000;

/**
 * The most set elements that intervals `lo..hi` may expand to in one parse call, so that a few hundred
 * bytes of text cannot ask for gigabytes of values.
 */
export const MAX_EXPANSION = 1_000_000;

type TokenKind = "int" | "string" | "ident" | "punct" | "end";
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** The decoded value of a string token. */
  readonly value?: string;
  readonly line: number;
  readonly column: number;
}

const PUNCT = ["|->", "<<", ">>", ":>", "@@", "..", "/\\", "{", "}", "[", "]", "(", ")", ",", "="];
const PUNCTS_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCT) PUNCTS_BY_FIRST.set(p.charAt(0), [...(PUNCTS_BY_FIRST.get(p.charAt(0)) ?? []), p]);
const INT = /-?[0-9]+/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const SPACE = /\s/;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  n: "\n",
  t: "\t",
  f: "\f",
  r: "\r",
};

/** A 1-based line or column from a caller: anything else (absent, 0, negative, fractional) counts as 1. */
function positive(n: number | undefined): number {
  return n !== undefined && Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

class Lexer {
  private pos = 0;
  private line: number;
  private column: number;

  constructor(
    private readonly text: string,
    private readonly origin: Origin,
  ) {
    this.line = positive(origin.line);
    this.column = positive(origin.column);
  }

  error(at: { line: number; column: number }, expected: string, found: string): ParseError {
    const base = { line: at.line, column: at.column, expected, found };
    return this.origin.file === undefined ? base : { file: this.origin.file, ...base };
  }

  /** The next token, or a ParseError for text that is no token at all. Dispatches on the first character. */
  next(): Token | ParseError {
    this.skipSpace();
    const at = { line: this.line, column: this.column };
    if (this.pos >= this.text.length) return { kind: "end", text: "end of input", ...at };
    const c = this.text.charAt(this.pos);
    if (c === "-" || (c >= "0" && c <= "9")) {
      const num = this.match(INT);
      if (num !== undefined) return this.take("int", num, at);
    } else if (c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")) {
      return this.take("ident", this.match(IDENT) as string, at);
    } else if (c === '"') {
      return this.string(at);
    }
    const punct = PUNCTS_BY_FIRST.get(c)?.find((p) => this.text.startsWith(p, this.pos));
    if (punct !== undefined) return this.take("punct", punct, at);
    return this.error(at, "a value", excerpt(this.text.slice(this.pos, this.pos + 12)));
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.text)?.[0];
  }

  /** A string literal; its text is copied in runs between escapes, so long strings cost linear time. */
  private string(at: { line: number; column: number }): Token | ParseError {
    const parts: string[] = [];
    let from = this.pos + 1;
    for (let i = from; i < this.text.length; i++) {
      const c = this.text.charAt(i);
      if (c === '"') {
        parts.push(this.text.slice(from, i));
        return this.take("string", this.text.slice(this.pos, i + 1), at, parts.join(""));
      }
      if (c === "\\") {
        const decoded = ESCAPES[this.text.charAt(i + 1)];
        if (decoded === undefined) {
          return this.error(
            this.positionOf(i),
            'one of \\" \\\\ \\n \\t \\f \\r',
            JSON.stringify(this.text.slice(i, i + 2)),
          );
        }
        parts.push(this.text.slice(from, i), decoded);
        i += 1;
        from = i + 1;
      }
    }
    return this.error(at, 'a closing "', "end of input");
  }

  private positionOf(index: number): { line: number; column: number } {
    let { line, column } = this;
    for (let i = this.pos; i < index; i++) {
      if (this.text.charAt(i) === "\n") {
        line += 1;
        column = 1;
      } else column += 1;
    }
    return { line, column };
  }

  private take(kind: TokenKind, text: string, at: { line: number; column: number }, value?: string): Token {
    // Only a string literal can hold a line break.
    if (kind === "string") this.move(text.length);
    else {
      this.pos += text.length;
      this.column += text.length;
    }
    return value === undefined ? { kind, text, ...at } : { kind, text, value, ...at };
  }

  private move(length: number): void {
    const end = this.positionOf(this.pos + length);
    this.pos += length;
    this.line = end.line;
    this.column = end.column;
  }

  /** Skips white space (as `\s` defines it), counting lines; ASCII without a regex, as most of it is. */
  private skipSpace(): void {
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 10) {
        this.line += 1;
        this.column = 1;
      } else if (c === 32 || (c >= 9 && c <= 13) || (c > 127 && SPACE.test(this.text.charAt(this.pos)))) {
        this.column += 1;
      } else return;
    }
  }
}

/** Unwinds the recursive descent to `run`, which turns it into a result; never escapes this module. */
class LexError extends Error {
  constructor(readonly error: ParseError) {
    super(`${error.line}:${error.column}: expected ${error.expected}`);
  }
}

/**
 * Recursive descent over the token stream; one token of look-ahead. Errors unwind as LexError. Recursion is
 * bounded by MAX_NESTING and interval expansion by MAX_EXPANSION, so every input ends in a value or an error.
 */
class Parser {
  private lexer: Lexer;
  private current: Token;
  private depth = 0;
  private expanded = 0;

  constructor(text: string, origin: Origin) {
    this.lexer = new Lexer(text, origin);
    this.current = this.advance();
  }

  private advance(): Token {
    const t = this.lexer.next();
    if ("expected" in t) throw new LexError(t);
    this.current = t;
    return t;
  }

  private fail(expected: string): never {
    return this.failAt(this.current, expected, this.describe(this.current));
  }

  private failAt(at: Token, expected: string, found: string): never {
    throw new LexError(this.lexer.error(at, expected, found));
  }

  private describe(t: Token): string {
    return t.kind === "end" ? "end of input" : excerpt(t.text);
  }

  private is(text: string): boolean {
    return this.current.kind === "punct" && this.current.text === text;
  }

  private expect(text: string, what = `"${text}"`): void {
    if (!this.is(text)) this.fail(what);
    this.advance();
  }

  atEnd(): boolean {
    return this.current.kind === "end";
  }

  expectEnd(what: string): void {
    if (!this.atEnd()) this.fail(what);
  }

  value(): TlaValue {
    const t = this.current;
    switch (t.kind) {
      case "int":
        return this.intOrInterval(t);
      case "string":
        this.advance();
        return { kind: "string", value: t.value ?? "" };
      case "ident":
        this.advance();
        if (t.text === "TRUE" || t.text === "FALSE") return { kind: "bool", value: t.text === "TRUE" };
        return { kind: "model", name: t.text };
      case "punct":
        if (t.text === "{") return this.nested(() => ({ kind: "set", elements: this.list("{", "}") }));
        if (t.text === "<<") return this.nested(() => ({ kind: "seq", elements: this.list("<<", ">>") }));
        if (t.text === "[") return this.nested(() => this.record());
        if (t.text === "(") return this.nested(() => this.fcn());
        return this.fail("a value");
      case "end":
        return this.fail("a value");
    }
  }

  /** One level deeper: refused past MAX_NESTING, at the bracket that opens the level. */
  private nested(body: () => TlaValue): TlaValue {
    if (this.depth >= MAX_NESTING) {
      this.failAt(
        this.current,
        `values nested at most ${MAX_NESTING} deep`,
        `${this.describe(this.current)} nesting deeper than ${MAX_NESTING}`,
      );
    }
    this.depth += 1;
    const v = body();
    this.depth -= 1;
    return v;
  }

  private int(t: Token): number {
    const n = Number(t.text);
    if (!Number.isSafeInteger(n)) this.failAt(t, "an integer TLC can represent", this.describe(t));
    return n;
  }

  private intOrInterval(t: Token): TlaValue {
    const lo = this.int(t);
    this.advance();
    if (!this.is("..")) return { kind: "int", value: lo };
    this.advance();
    if (this.current.kind !== "int") this.fail("an integer after ..");
    const hi = this.int(this.current);
    const size = Math.max(0, hi - lo + 1);
    if (this.expanded + size > MAX_EXPANSION) {
      this.failAt(
        t,
        `intervals expanding to at most ${MAX_EXPANSION} elements in one parse`,
        `${lo}..${hi} (${size} elements, after ${this.expanded} already)`,
      );
    }
    this.expanded += size;
    this.advance();
    const elements: TlaValue[] = [];
    for (let i = lo; i <= hi; i++) elements.push({ kind: "int", value: i });
    return { kind: "set", elements };
  }

  private list(open: string, close: string): TlaValue[] {
    this.expect(open);
    const out: TlaValue[] = [];
    if (this.is(close)) {
      this.advance();
      return out;
    }
    for (;;) {
      out.push(this.value());
      if (this.is(close)) break;
      this.expect(",", `"," or "${close}"`);
    }
    this.advance();
    return out;
  }

  /** `[f |-> v, …]`; a field named twice is an error (TLC never prints one, and the last would win). */
  private record(): TlaValue {
    this.expect("[");
    const fields: [string, TlaValue][] = [];
    const seen = new Set<string>();
    for (;;) {
      const at = this.current;
      if (at.kind !== "ident") this.fail("a record field name");
      if (seen.has(at.text)) {
        this.failAt(at, "a field not already in this record", `duplicate field ${at.text}`);
      }
      seen.add(at.text);
      this.advance();
      this.expect("|->");
      fields.push([at.text, this.value()]);
      if (this.is("]")) break;
      this.expect(",", '"," or "]"');
    }
    this.advance();
    return { kind: "record", fields };
  }

  /** `(k :> v @@ …)`; a key equal (as TLA+ values) to an earlier one is an error, naming the key. */
  private fcn(): TlaValue {
    this.expect("(");
    const entries: [TlaValue, TlaValue][] = [];
    const seen = new Set<string>();
    for (;;) {
      const at = this.current;
      const k = this.value();
      const key = canonicalKey(k);
      if (seen.has(key)) {
        this.failAt(at, "a key not already in this function", `duplicate key ${excerpt(printValue(k))}`);
      }
      seen.add(key);
      this.expect(":>");
      entries.push([k, this.value()]);
      if (this.is(")")) break;
      this.expect("@@", '"@@" or ")"');
    }
    this.advance();
    return { kind: "function", entries };
  }

  /** `[/\] x = v {/\ y = w}`: the leading `/\` is absent when the spec has a single variable. */
  state(): TlaState {
    const entries: [string, TlaValue][] = [];
    const seen = new Set<string>();
    if (this.is("/\\")) this.advance();
    for (;;) {
      const at = this.current;
      if (at.kind !== "ident") {
        this.fail(entries.length === 0 ? "a state: `x = value` lines" : "a variable name");
      }
      if (seen.has(at.text)) {
        this.failAt(at, "a variable not already assigned", `duplicate variable ${at.text}`);
      }
      seen.add(at.text);
      this.advance();
      this.expect("=", '"=" after a variable name');
      entries.push([at.text, this.value()]);
      if (this.atEnd()) break;
      this.expect("/\\", '"/\\" starting the next variable, or the end of the state');
    }
    return Object.fromEntries(entries);
  }
}

function run<T>(text: string, origin: Origin, body: (p: Parser) => T): Parsed<T> {
  try {
    const p = new Parser(text, origin);
    return { ok: true, value: body(p) };
  } catch (e) {
    if (e instanceof LexError) return { ok: false, error: e.error };
    throw e;
  }
}

/** Parses one value as TLC prints it, e.g. `(p1 :> [pc |-> "idle"] @@ p2 :> [pc |-> "busy"])`. */
export function parseValue(text: string, origin: Origin = {}): Parsed<TlaValue> {
  return run(text, origin, (p) => {
    const v = p.value();
    p.expectEnd("the end of the value");
    return v;
  });
}

/**
 * Parses a state: `/\ x = 1` lines (values may wrap onto indented lines), or `x = 1` for one variable. A
 * state has at least one variable: empty text is an error, not an empty state.
 */
export function parseState(text: string, origin: Origin = {}): Parsed<TlaState> {
  return run(text, origin, (p) => p.state());
}

function printString(s: string): string {
  return `"${s.replace(/[\\"\n\t\f\r]/g, (c) => ({ "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r" })[c] ?? `\\${c}`)}"`;
}

/**
 * Prints a value as TLC does, on one line (TLC wraps at 80 columns; the parser accepts both). Sets print
 * in the order held, which for a parsed set is TLC's own order; empty records and functions print `<<>>`.
 */
export function printValue(v: TlaValue): string {
  switch (v.kind) {
    case "int":
      return String(v.value);
    case "bool":
      return v.value ? "TRUE" : "FALSE";
    case "string":
      return printString(v.value);
    case "model":
      return v.name;
    case "set":
      return `{${v.elements.map(printValue).join(", ")}}`;
    case "seq":
      return `<<${v.elements.map(printValue).join(", ")}>>`;
    case "record":
      if (v.fields.length === 0) return "<<>>";
      return `[${v.fields.map(([k, x]) => `${k} |-> ${printValue(x)}`).join(", ")}]`;
    case "function":
      if (v.entries.length === 0) return "<<>>";
      return `(${v.entries.map(([k, x]) => `${printValue(k)} :> ${printValue(x)}`).join(" @@ ")})`;
  }
}

/** Prints a state as TLC does: one `/\ x = v` line per variable, or `x = v` when there is only one. */
export function printState(s: TlaState): string {
  const names = Object.keys(s);
  const line = (n: string): string => `${n} = ${printValue(s[n] as TlaValue)}`;
  if (names.length === 1) return line(names[0] as string);
  return names.map((n) => `/\\ ${line(n)}`).join("\n");
}

/**
 * A string equal for exactly the values TLA+ calls equal: sets are unordered, and sequences, records and
 * other functions are all functions (so `<<a>>` = `(1 :> a)` and `[f |-> 1]` = `("f" :> 1)`).
 */
export function canonicalKey(v: TlaValue): string {
  switch (v.kind) {
    case "int":
      return `i${v.value}`;
    case "bool":
      return v.value ? "T" : "F";
    case "string":
      return `s${JSON.stringify(v.value)}`;
    case "model":
      return `m${v.name}`;
    case "set":
      return `{${[...new Set(v.elements.map(canonicalKey))].sort().join(",")}}`;
    case "seq":
      return fcnKey(v.elements.map((x, i) => [`i${i + 1}`, canonicalKey(x)]));
    case "record":
      return fcnKey(v.fields.map(([k, x]) => [`s${JSON.stringify(k)}`, canonicalKey(x)]));
    case "function":
      return fcnKey(v.entries.map(([k, x]) => [canonicalKey(k), canonicalKey(x)]));
  }
}

function fcnKey(entries: [string, string][]): string {
  return `(${entries
    .map(([k, x]) => `${k}:>${x}`)
    .sort()
    .join("@@")})`;
}

/** TLA+ equality of two values (see `canonicalKey`). */
export function valueEquals(a: TlaValue, b: TlaValue): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

const KIND_RANK: Readonly<Record<TlaValue["kind"], number>> = {
  bool: 0,
  int: 1,
  string: 2,
  model: 3,
  set: 4,
  seq: 5,
  record: 6,
  function: 7,
};

/** A total order for sorting: by kind, then numerically for integers and by text for everything else. */
export function compareValues(a: TlaValue, b: TlaValue): number {
  if (a.kind !== b.kind) return KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (a.kind === "int" && b.kind === "int") return a.value - b.value;
  const x = canonicalKey(a);
  const y = canonicalKey(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The JSON form used by TLC's `Json` module: records → objects, sequences → arrays, sets → arrays sorted by
 * `compareValues`, strings and model values → strings, integers → numbers, other functions → objects keyed
 * by the key's text (a string's or model value's own text, otherwise its printed form).
 */
export function toJson(v: TlaValue): JsonValue {
  switch (v.kind) {
    case "int":
    case "bool":
    case "string":
      return v.value;
    case "model":
      return v.name;
    case "set":
      return [...v.elements].sort(compareValues).map(toJson);
    case "seq":
      return v.elements.map(toJson);
    case "record":
      return Object.fromEntries(v.fields.map(([k, x]) => [k, toJson(x)]));
    case "function":
      return Object.fromEntries(v.entries.map(([k, x]) => [jsonKey(k), toJson(x)]));
  }
}

function jsonKey(k: TlaValue): string {
  if (k.kind === "string") return k.value;
  if (k.kind === "model") return k.name;
  return printValue(k);
}
