// Draws the object state machine with Graphviz compiled to WebAssembly (@viz-js/viz, no download at run time):
// work states as boxes, wait states as ellipses, the dead state as a double circle, OOB entries dashed from
// their table's node; optionally a heat overlay of the object-state changes a conformance run replayed.

import { instance } from "@viz-js/viz";
import { edgesOf, type Machine } from "../machine.ts";

/** Replayed "FROM->TO" state changes, for the heat overlay. */
export type Heat = ReadonlyMap<string, number>;

const COLD = "#9aa5b1";

/** Pale yellow → red on a log scale of `n` against the largest count; grey for nothing replayed. */
function heatColor(n: number, max: number): string {
  if (n <= 0 || max <= 0) return COLD;
  const t = Math.log1p(n) / Math.log1p(max);
  const from = [0xfe, 0xf0, 0xc4];
  const to = [0xd7, 0x30, 0x1f];
  return `#${from
    .map((c, i) =>
      Math.round(c + ((to[i] as number) - c) * t)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

const q = (s: string): string => JSON.stringify(s);

export function machineDot(m: Machine, heat?: Heat): string {
  const max = heat === undefined ? 0 : Math.max(0, ...heat.values());
  const entered = new Map<string, number>();
  for (const [k, n] of heat ?? []) {
    const to = k.split("->")[1] ?? "";
    entered.set(to, (entered.get(to) ?? 0) + n);
  }
  const maxIn = Math.max(0, ...entered.values());
  const lines = [
    "digraph machine {",
    '  graph [rankdir=TB, fontname="Helvetica", bgcolor="transparent", nodesep=0.35, ranksep=0.45];',
    '  node [fontname="Helvetica", fontsize=11, style=filled, penwidth=1.2];',
    '  edge [fontname="Helvetica", fontsize=9, color="#52606d", arrowsize=0.7];',
  ];
  // One canonical order, so two equal machines are drawn identically.
  const states = [...m.states].sort((a, b) => a.name.localeCompare(b.name));
  for (const s of states) {
    const shape = s.kind === "work" ? "box" : s.kind === "wait" ? "ellipse" : "doublecircle";
    const base = s.kind === "work" ? "#dbeafe" : s.kind === "wait" ? "#fef3c7" : "#e5e7eb";
    const n = entered.get(s.name) ?? 0;
    const fill = heat !== undefined && n > 0 ? heatColor(n, maxIn) : base;
    const label = heat === undefined ? s.name : `${s.name}\n${n}×`;
    lines.push(
      `  ${q(s.name)} [shape=${shape}, fillcolor=${q(fill)}, label=${q(label)}, tooltip=${q(`${s.kind} state`)}];`,
    );
  }
  for (const o of [...m.oob].sort((a, b) => a.table.localeCompare(b.table))) {
    lines.push(
      `  ${q(`oob:${o.table}`)} [shape=plaintext, style="", fontcolor="#7b8794", label=${q(`OOB ${o.table}`)}];`,
    );
  }
  const edges = edgesOf(m).sort((a, b) =>
    `${a.from} ${a.to} ${a.kind}`.localeCompare(`${b.from} ${b.to} ${b.kind}`),
  );
  for (const e of edges) {
    const n = heat?.get(`${e.from}->${e.to}`) ?? 0;
    const attrs = [
      e.kind === "oob" ? "style=dashed" : "",
      e.label === "" ? "" : `label=${q(e.label)}`,
      heat !== undefined && e.kind !== "oob"
        ? `color=${q(heatColor(n, max))}, penwidth=${(1 + (max > 0 ? (3 * Math.log1p(n)) / Math.log1p(max) : 0)).toFixed(2)}, tooltip=${q(`${n} replayed`)}`
        : "",
    ].filter((a) => a !== "");
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [${attrs.join(", ")}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** SVG text of a DOT graph (without the XML prologue, for inlining). */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const svg = viz.renderString(dot, { format: "svg" });
  return svg.slice(svg.indexOf("<svg"));
}
