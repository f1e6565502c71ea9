// Reads the state graph TLC 2.18 writes with `-dump dot,actionlabels FILE`: one node line per distinct state
// (label = the state's text, initial states `style = filled`) and one edge line per generated transition.
// Line by line: `parseDotLine` reads one line alone, `DotReader` adds what needs the lines before it.

import { excerpt, type ParseError, type Parsed } from "./parse-error.ts";
import { parseState, type TlaState } from "./values.ts";

/** A state of the graph. Ids are TLC's signed 64-bit fingerprints, kept as decimal strings. */
export interface DotNode {
  readonly id: string;
  readonly state: TlaState;
  readonly initial: boolean;
}

/** A transition; `action` is the sub-action's name (2.18: no parameters), `""` without `actionlabels`. */
export interface DotEdge {
  readonly from: string;
  readonly to: string;
  readonly action: string;
}

/** The graph: nodes by id, and every edge line in file order (duplicates kept: parameters differ). */
export interface StateGraph {
  readonly nodes: ReadonlyMap<string, DotNode>;
  readonly edges: readonly DotEdge[];
}

/**
 * What one line of a dump is. `frame` is everything that is neither a state nor a transition: a graph header
 * (`opens` is `digraph <name>` or `subgraph <name>`), closing braces (`closes` counts them), attribute lines,
 * `{rank = same; …}` lines and blank lines.
 */
export type DotLine =
  | { readonly kind: "node"; readonly node: DotNode }
  | { readonly kind: "edge"; readonly edge: DotEdge }
  | { readonly kind: "frame"; readonly opens?: string; readonly closes: number }
  | { readonly kind: "error"; readonly error: ParseError };

/** Where a line is: its 1-based number and, when known, its file. */
export interface DotLineAt {
  readonly line: number;
  readonly file?: string;
}

const ID = /^-?\d+/;
const DIGRAPH = /^(?:strict )?(digraph \w+) \{$/;
/** A subgraph header; the legend's carries attributes after the brace on the same line. */
const SUBGRAPH = /^(subgraph \w+) \{/;
const CLOSE = /^\}+$/;
const RANK = /^\{rank = same;[-\d; ]*\}$/;
const ATTRIBUTE_LINE = [/^(?:graph|node|edge) \[.*\]$/, /^\w+ ?= ?[^;]*;$/];
/** Fingerprints have at most 20 characters; anything longer is not an id. */
const MAX_ID = 20;

function errorAt(at: DotLineAt, column: number, expected: string, found: string): ParseError {
  const base = { line: at.line, column, expected, found };
  return at.file === undefined ? base : { file: at.file, ...base };
}

/**
 * An attribute's value after DOT unescaping, with where its characters are in the line: `runs` are the
 * stretches between escapes (`at` in the value, `raw` in the line), and `end` is the index just after it.
 */
interface Attribute {
  readonly value: string;
  readonly runs: readonly { readonly at: number; readonly raw: number }[];
  readonly end: number;
}

/** The line index of the value's character at `offset` (or its end). */
function rawIndex(a: Attribute, offset: number): number {
  if (offset >= a.value.length) return a.end;
  let run = a.runs[0] ?? { at: 0, raw: a.end };
  for (const r of a.runs) if (r.at <= offset) run = r;
  return run.raw + (offset - run.at);
}

/**
 * `[a="…", b=x, …]` from `from` (the `[`): the attributes and the index after `]`, or the index where they
 * stop making sense. One pass copying runs between escapes, so that long labels cost linear time.
 */
function attributes(
  t: string,
  from: number,
): { attrs: Map<string, Attribute>; end: number } | { stop: number } {
  const attrs = new Map<string, Attribute>();
  let i = from + 1;
  const space = (): void => {
    while (t.charAt(i) === " ") i += 1;
  };
  for (;;) {
    space();
    if (t.charAt(i) === "]") return { attrs, end: i + 1 };
    const name = /^\w+/.exec(t.slice(i, i + 64))?.[0];
    if (name === undefined) return { stop: i };
    i += name.length;
    space();
    if (t.charAt(i) !== "=") return { stop: i };
    i += 1;
    space();
    if (t.charAt(i) === '"') {
      const parts: string[] = [];
      const runs = [{ at: 0, raw: i + 1 }];
      let length = 0;
      let run = i + 1;
      for (i += 1; i < t.length && t.charAt(i) !== '"'; i += 1) {
        if (t.charAt(i) !== "\\" || i + 1 >= t.length) continue;
        parts.push(t.slice(run, i), t.charAt(i + 1) === "n" ? "\n" : t.charAt(i + 1));
        length += i - run + 1;
        i += 1;
        run = i + 1;
        runs.push({ at: length, raw: run });
      }
      if (i >= t.length) return { stop: i };
      parts.push(t.slice(run, i));
      attrs.set(name, { value: parts.join(""), runs, end: i });
      i += 1;
    } else {
      const start = i;
      while (i < t.length && !",] ".includes(t.charAt(i))) i += 1;
      attrs.set(name, { value: t.slice(start, i), runs: [{ at: 0, raw: start }], end: i });
    }
    space();
    if (t.charAt(i) === ",") i += 1;
    else if (t.charAt(i) !== "]") return { stop: i };
  }
}

/**
 * The node's state, parsed from its label. An error inside the label points at the line's column: the
 * label's own line and column are mapped back through its escapes.
 */
function labelState(label: Attribute, column0: number, at: DotLineAt): Parsed<TlaState> {
  const parsed = parseState(label.value);
  if (parsed.ok) return parsed;
  const lines = label.value.split("\n");
  let offset = parsed.error.column - 1;
  for (let l = 0; l < parsed.error.line - 1; l++) offset += (lines[l]?.length ?? 0) + 1;
  const column = column0 + rawIndex(label, offset) + 1;
  return { ok: false, error: errorAt(at, column, parsed.error.expected, parsed.error.found) };
}

/**
 * Reads one line of a `-dump dot` file on its own: a node (its label parsed as a state), an edge, a frame
 * line, or an error naming line and column. Whether a line is in place (inside the graph, not inside the
 * colorize legend, not a second definition of a node) needs the lines before it: see `DotReader`.
 */
export function parseDotLine(text: string, at: DotLineAt): DotLine {
  const indent = text.length - text.trimStart().length;
  const t = text.trim();
  if (t === "" || RANK.test(t) || ATTRIBUTE_LINE.some((re) => re.test(t))) {
    return { kind: "frame", closes: 0 };
  }
  const header = DIGRAPH.exec(t) ?? SUBGRAPH.exec(t);
  if (header) return { kind: "frame", opens: header[1] as string, closes: 0 };
  if (CLOSE.test(t)) return { kind: "frame", closes: t.length };
  const fail = (i: number, expected: string): DotLine => ({
    kind: "error",
    error: errorAt(at, indent + i + 1, expected, i >= t.length ? "end of line" : excerpt(t.slice(i, i + 20))),
  });
  const from = ID.exec(t.slice(0, MAX_ID + 1))?.[0];
  if (from === undefined || from.length > MAX_ID) {
    return fail(0, "a node, edge or frame line of a TLC state graph");
  }
  let i = from.length;
  let to: string | undefined;
  if (t.startsWith(" -> ", i)) {
    to = ID.exec(t.slice(i + 4, i + 5 + MAX_ID))?.[0];
    if (to === undefined || to.length > MAX_ID) return fail(i + 4, "the edge's target node id");
    i += 4 + to.length;
    const rest = t.slice(i);
    if (rest === ";" || rest === "") return { kind: "edge", edge: { from, to, action: "" } };
  }
  if (!t.startsWith(" [", i)) {
    return fail(i, to === undefined ? 'node attributes ` [label="…"]`' : '` [label="…"]` or `;`');
  }
  const parsed = attributes(t, i + 1);
  if ("stop" in parsed) return fail(parsed.stop, 'attributes `name="value", …]`');
  const rest = t.slice(parsed.end);
  if (rest !== "" && rest !== ";") return fail(parsed.end, "the end of the line after `]` (or `;`)");
  const { attrs } = parsed;
  if (to !== undefined) return { kind: "edge", edge: { from, to, action: attrs.get("label")?.value ?? "" } };
  const label = attrs.get("label");
  if (label === undefined) return fail(i + 1, 'a node label `[label="…"]`');
  const state = labelState(label, indent, at);
  if (!state.ok) return { kind: "error", error: state.error };
  return {
    kind: "node",
    node: { id: from, state: state.value, initial: attrs.get("style")?.value === "filled" },
  };
}

/**
 * Reads a dump one line at a time, for a caller that streams the file: checks what one line alone cannot
 * show (the graph's frame, the colorize legend, a node defined twice) and, at `finish`, that the graph was
 * closed and every edge's ends have node lines. Memory: one entry per node id.
 */
export class DotReader {
  private lineNo = 0;
  /** Open braces of the graph: 0 before its `digraph` line and after its closing brace. */
  private depth = 0;
  private started = false;
  /** Inside the colorize legend, its open braces (its lines are not graph lines). */
  private legendDepth = 0;
  private readonly defined = new Map<string, number>();
  /** Node ids used by edges before their node line, with the first such edge's line. */
  private readonly pending = new Map<string, number>();

  constructor(private readonly file?: string) {}

  private at(line = this.lineNo): DotLineAt {
    return this.file === undefined ? { line } : { file: this.file, line };
  }

  private error(column: number, expected: string, found: string): DotLine {
    return { kind: "error", error: errorAt(this.at(), column, expected, found) };
  }

  /** The next line of the file (lines are counted here, from 1). */
  line(text: string): DotLine {
    this.lineNo += 1;
    return this.legendDepth > 0 ? this.legendLine(text, 0) : this.graphLine(text);
  }

  private graphLine(text: string): DotLine {
    const item = parseDotLine(text, this.at());
    if (item.kind === "error" || text.trim() === "") return item;
    const column = text.length - text.trimStart().length + 1;
    if (!this.started) {
      if (item.kind !== "frame" || item.opens?.startsWith("digraph ") !== true) {
        return this.error(column, "the `digraph` line that starts the graph", excerpt(text.trim()));
      }
      this.started = true;
      this.depth = 1;
      return item;
    }
    if (this.depth === 0) {
      return this.error(column, "nothing after the graph's closing brace", excerpt(text.trim()));
    }
    if (item.kind === "frame") {
      if (item.opens === "subgraph cluster_graph") this.depth += 1;
      else if (item.opens !== undefined) {
        if (item.opens.startsWith("digraph ")) {
          return this.error(column, "a node, edge or subgraph", excerpt(text.trim()));
        }
        this.legendDepth = 1;
        return this.legendLine(text, text.indexOf("{") + 1);
      }
      if (item.closes > this.depth) {
        return this.error(column, `at most ${this.depth} closing braces`, excerpt(text.trim()));
      }
      this.depth -= item.closes;
      return item;
    }
    if (item.kind === "node") {
      const first = this.defined.get(item.node.id);
      if (first !== undefined) {
        return this.error(
          column,
          "a node id not defined before",
          `duplicate node ${item.node.id} (first at line ${first})`,
        );
      }
      this.defined.set(item.node.id, this.lineNo);
      this.pending.delete(item.node.id);
      return item;
    }
    for (const end of [item.edge.from, item.edge.to]) {
      if (!this.defined.has(end) && !this.pending.has(end)) this.pending.set(end, this.lineNo);
    }
    return item;
  }

  /** A line of the legend from index `from`: only its braces count (outside quotes); the graph's may follow. */
  private legendLine(text: string, from: number): DotLine {
    let quoted = false;
    for (let i = from; i < text.length; i++) {
      const c = text.charAt(i);
      if (c === "\\") i += 1;
      else if (c === '"') quoted = !quoted;
      else if (!quoted && c === "{") this.legendDepth += 1;
      else if (!quoted && c === "}") {
        this.legendDepth -= 1;
        if (this.legendDepth > 0) continue;
        // TLC writes the graph's closing brace right after the legend's, on the same line.
        const rest = text.slice(i + 1).trim();
        if (rest === "") return { kind: "frame", closes: 0 };
        if (!CLOSE.test(rest) || rest.length > this.depth) {
          return this.error(i + 2, `at most ${this.depth} closing braces after the legend`, excerpt(rest));
        }
        this.depth -= rest.length;
        return { kind: "frame", closes: rest.length };
      }
    }
    return { kind: "frame", closes: 0 };
  }

  /** After the last line: what is wrong with the file as a whole (unclosed graph, dangling edges), if anything. */
  finish(): ParseError | undefined {
    const last = this.at(Math.max(1, this.lineNo));
    if (!this.started) return errorAt(last, 1, "a `digraph` line starting the graph", "end of file");
    if (this.depth > 0 || this.legendDepth > 0) {
      return errorAt(last, 1, "the graph's closing brace (is the file truncated?)", "end of file");
    }
    const [dangling] = this.pending;
    if (dangling === undefined) return undefined;
    const [id, line] = dangling;
    return errorAt(this.at(line), 1, `a node line for ${id} somewhere in the file`, "none");
  }
}

/** Parses a `-dump dot` file. `file` only names the source in errors. */
export function parseDot(text: string, file?: string): Parsed<StateGraph> {
  const reader = new DotReader(file);
  const nodes = new Map<string, DotNode>();
  const edges: DotEdge[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const item = reader.line(raw);
    if (item.kind === "error") return { ok: false, error: item.error };
    if (item.kind === "node") nodes.set(item.node.id, item.node);
    else if (item.kind === "edge") edges.push(item.edge);
  }
  const error = reader.finish();
  return error === undefined ? { ok: true, value: { nodes, edges } } : { ok: false, error };
}
