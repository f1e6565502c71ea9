// Reads the state graph TLC 2.18 writes with `-dump dot,actionlabels FILE`: one node line per distinct state
// (label = the state's text, initial states `style = filled`) and one edge line per generated transition.

import type { ParseError, Parsed } from "./parse-error.ts";
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

const NODE = /^(-?\d+) \[(.*)\];?$/;
const EDGE = /^(-?\d+) -> (-?\d+) \[(.*)\];?$/;
const ATTR = /\s*(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\]]*?)\s*(?:,|$)/y;
/** Lines of the graph's frame, legend aside. */
const FRAME = [
  /^strict digraph \w+ \{$/,
  /^digraph \w+ \{$/,
  /^edge \[.*\]$/,
  /^nodesep=.*;$/,
  /^color=.*;$/,
];

/** Undoes DOT string escaping: `\"` → `"`, `\\` → `\`, `\n` → newline. */
function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  return v.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

function attributes(text: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  ATTR.lastIndex = 0;
  while (ATTR.lastIndex < text.length) {
    const m = ATTR.exec(text);
    if (!m || m[0] === "") return undefined;
    out.set(m[1] as string, unquote(m[2] as string));
  }
  return out;
}

/** Parses a `-dump dot` file. `file` only names the source in errors. */
export function parseDot(text: string, file?: string): Parsed<StateGraph> {
  const nodes = new Map<string, DotNode>();
  const edges: (DotEdge & { line: number })[] = [];
  const fail = (line: number, expected: string, found: string): Parsed<StateGraph> => {
    const error: ParseError = { line, column: 1, expected, found };
    return { ok: false, error: file === undefined ? error : { file, ...error } };
  };
  const lines = text.split(/\r?\n/);
  let legendDepth = 0;
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    const t = raw.trim();
    if (legendDepth > 0) {
      legendDepth += (t.match(/\{/g)?.length ?? 0) - (t.match(/\}/g)?.length ?? 0);
      continue;
    }
    if (t === "" || t === "}" || t.startsWith("{rank") || FRAME.some((re) => re.test(t))) continue;
    if (/^subgraph cluster_graph \{$/.test(t)) continue;
    if (/^subgraph \w+ \{$/.test(t)) {
      legendDepth = 1;
      continue;
    }
    const e = EDGE.exec(t);
    if (e) {
      const attrs = attributes(e[3] as string);
      if (attrs === undefined) return fail(line, 'edge attributes `[label="…", …]`', JSON.stringify(e[3]));
      edges.push({ from: e[1] as string, to: e[2] as string, action: attrs.get("label") ?? "", line });
      continue;
    }
    const n = NODE.exec(t);
    if (n) {
      const id = n[1] as string;
      const attrs = attributes(n[2] as string);
      const label = attrs?.get("label");
      if (label === undefined) return fail(line, 'a node label `[label="…"]`', JSON.stringify(n[2]));
      const state = parseState(label, file === undefined ? { line } : { file, line });
      if (!state.ok) return { ok: false, error: { ...state.error, line } };
      nodes.set(id, { id, state: state.value, initial: attrs?.get("style") === "filled" });
      continue;
    }
    return fail(line, "a node, edge or frame line of a TLC state graph", JSON.stringify(t.slice(0, 40)));
  }
  for (const edge of edges) {
    for (const end of [edge.from, edge.to]) {
      if (!nodes.has(end)) return fail(edge.line, `a node line for ${end} somewhere in the file`, "none");
    }
  }
  return { ok: true, value: { nodes, edges: edges.map(({ from, to, action }) => ({ from, to, action })) } };
}
