// The object state machine twice, from the TypeScript table and from the spec, with the mapping check's
// verdict on their equality, and the TypeScript drawing again under the heat of the last conformance run.

import { checkMachine } from "../../check/mapping.ts";
import { edgesOf } from "../../machine.ts";
import type { PackData } from "../data.ts";
import { machineDot, renderSvg } from "../graph.ts";
import { badge, esc, page, whereLink } from "../html.ts";
import { objectTransitionCounts } from "../summary.ts";

export async function machinePage(d: PackData): Promise<string> {
  const diff = checkMachine(d.spec.machine, d.impl.machine);
  const m = d.impl.machine;
  const verdict =
    diff.length === 0
      ? `<p>${badge("equal", "ok")} ${m.states.length} states, ${edgesOf(m).length} transitions (wait tables, work states' next states, OOB tables), ${m.events.length} events with their bits: the TypeScript table and the spec's tables are the same machine.</p>`
      : `<p>${badge(`${diff.length} differences`, "bad")}</p><ul>${diff.map((x) => `<li>${whereLink(0, x.where)}: ${esc(x.message)}</li>`).join("")}</ul>`;
  const [ts, spec] = await Promise.all([
    renderSvg(machineDot(d.impl.machine)),
    renderSvg(machineDot(d.spec.machine)),
  ]);
  let heat = "<p>No conformance run recorded: no coverage to lay over the machine.</p>";
  if (d.summary.kind === "ok") {
    const counts = objectTransitionCounts(d.summary.summary);
    const edges = new Set(edgesOf(m).map((e) => `${e.from}->${e.to}`));
    const off = [...counts].filter(([k]) => !edges.has(k));
    const offTable =
      off.length === 0
        ? ""
        : `<p>State changes replayed that no single edge draws (an OOB work state ran, then its work returned): ${off.map(([k, n]) => `<code>${esc(k)}</code> ${n}×`).join(", ")}.</p>`;
    heat = `<p>Object-state changes replayed in the last run (${esc(d.summary.summary.at)}): edge colour and width by count, nodes by entries.</p><div class="graph">${await renderSvg(machineDot(m, counts))}</div>${offTable}`;
  } else if (d.summary.kind === "invalid") {
    heat = `<p>${badge("unreadable", "bad")} ${esc(d.summary.file)}: ${esc(d.summary.error)}</p>`;
  }
  const legend = `<p class="legend"><span class="k work">work state</span> <span class="k wait">wait state</span> <span class="k dead">dead</span> dashed: out-of-band (ERROR/KILL) tables</p>`;
  const body = `${verdict}${legend}
<div class="side"><section><h2>From src/fscache/states.ts</h2><div class="graph">${ts}</div></section>
<section><h2>From spec/FSCache.tla</h2><div class="graph">${spec}</div></section></div>
<section><h2>Coverage</h2>${heat}</section>`;
  return page("Object state machine", 0, body);
}
