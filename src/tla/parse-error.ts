// The result type shared by every parser of TLC/SANY output in src/tla: parsers never throw on bad input,
// they return where they stopped and what they expected there.

/** Where in which text a parser stopped, and why. Lines and columns are 1-based. */
export interface ParseError {
  /** The file the text came from, when the caller named one. */
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  /** What the parser was looking for, e.g. `a value` or `"=" after a variable name`. */
  readonly expected: string;
  /** What it found instead (a short excerpt, or `end of input`). */
  readonly found: string;
}

/** A parser's answer: the value, or the first error. */
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ParseError };

/** Where a text starts in its file, so errors inside a fragment point at the right place. */
export interface Origin {
  readonly file?: string;
  /** 1-based line of the fragment's first character (default 1). */
  readonly line?: number;
  /** 1-based column of the fragment's first character (default 1). */
  readonly column?: number;
}

/** Longest excerpt of the input quoted in an error. */
const EXCERPT = 40;

/** A short quoted excerpt of input text for an error's `found`: a huge token is not copied whole. */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > EXCERPT ? `${text.slice(0, EXCERPT)}…` : text);
}

/** One line for an error: `file:line:column: expected X, found Y`. */
export function formatParseError(e: ParseError): string {
  return `${e.file ?? "<input>"}:${e.line}:${e.column}: expected ${e.expected}, found ${e.found}`;
}
