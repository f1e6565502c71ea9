// The pack's front pages: the overview (what was checked and what it found), the table of every action, and
// the checks page listing the mapping and guard results with their places.

import { formatViolations } from "../../guard/guard.ts";
import type { PackData } from "../data.ts";
import { laneOf } from "../data.ts";
import { badge, esc, page, whereLink } from "../html.ts";
import { coverageBadge } from "./action.ts";
import { freshness, titleOf } from "./findings.ts";

function conformanceLine(d: PackData): string {
  if (d.summary.kind === "absent")
    return `${badge("no conformance run recorded", "info")} (<code>${esc(d.summary.file)}</code>)`;
  if (d.summary.kind === "invalid") return `${badge("unreadable", "bad")} ${esc(d.summary.error)}`;
  const s = d.summary.summary;
  return `last run ${esc(s.at)}: ${s.runs
    .map(
      (r) =>
        `${esc(r.model)}/${esc(r.design)} (${esc(r.source)}) ${badge(r.verdict, r.verdict === "CONFORMS" ? "ok" : "bad")} ${r.covered.transitions.toLocaleString("en-US")}${r.graph === null ? "" : ` of ${r.graph.transitions.toLocaleString("en-US")}`} transitions`,
    )
    .join(
      "; ",
    )}${s.mutants === undefined ? "" : `; mutants: ${s.mutants.filter((m) => m.status === "killed").length} killed of ${s.mutants.length}`}`;
}

export function overviewPage(d: PackData, builtAt: string): string {
  const mapOk = d.mapping.length === 0;
  const guardOk = d.guard.violations.length === 0;
  const stale = d.counterexamples.filter((c) => c.changed.length > 0).length;
  const body = `<p class="lede">The Linux FS-Cache <code>n_active</code> protocol (1362729b, 3.12) written three times — TLA+ (<code>spec/FSCache.tla</code>), TypeScript (<code>src/fscache</code>) and the kernel — and what the checks have shown about their agreement. Built ${esc(builtAt)}.</p>
<table class="status">
<tr><th>Mapping completeness</th><td>${mapOk ? badge("complete", "ok") : badge(`${d.mapping.length} mismatches`, "bad")} ${d.spec.actions.length} spec actions, ${d.impl.labels.length} step labels, ${d.spec.variables.length} variables, ${d.spec.machine.states.length} object states, ${d.kernel.entries.size} kernel-map entries — <a href="checks.html">details</a></td></tr>
<tr><th>Guard check</th><td>${guardOk ? badge("holds", "ok") : badge(`${d.guard.violations.length} violations`, "bad")} ${d.guard.reads.length} reads of netfs-owned data, each under an n_active unit — <a href="checks.html#guard">details</a></td></tr>
<tr><th>State machine</th><td><a href="machine.html">TypeScript table and spec drawn side by side</a></td></tr>
<tr><th>Conformance</th><td>${conformanceLine(d)}</td></tr>
<tr><th>Counterexamples</th><td>${d.counterexamples.filter((c) => (c.cached?.report?.counterexample?.length ?? 0) > 0).length} drawn in lanes, ${stale === 0 ? badge("all fresh", "ok") : badge(`${stale} stale`, "warn")} — <a href="findings.html">findings</a></td></tr>
</table>
<h2>Findings</h2><ul>${d.counterexamples.map((c) => `<li><a href="findings/${esc(c.target.id)}.html">${esc(titleOf(d, c))}</a> ${freshness(c)}</li>`).join("")}</ul>`;
  return page("Review pack", 0, body);
}

export function actionsIndex(d: PackData): string {
  const groups = [...new Set(d.spec.actions.map((a) => a.group))];
  const sections = groups.map((g) => {
    const rows = d.spec.actions
      .filter((a) => a.group === g)
      .map((a) => {
        const k = d.kernel.entries.get(a.name);
        return `<tr><td><a href="actions/${esc(a.name)}.html">${esc(a.name)}</a></td><td>${k?.function === null || k === undefined ? "—" : `<code>${esc(k.function)}</code>`}</td><td>${coverageBadge(d, a.name)}</td></tr>`;
      });
    return `<h2>${esc(laneOf(g))} (${esc(g)})</h2><table><tr><th>action</th><th>kernel function</th><th>last conformance run</th></tr>${rows.join("")}</table>`;
  });
  return page("Spec actions", 0, sections.join(""));
}

export function checksPage(d: PackData): string {
  const mapping =
    d.mapping.length === 0
      ? `<p>${badge("no mismatch", "ok")} Both ways: every spec action has a labelled step and every label names an action; every spec variable and field is produced by the abstraction function or listed as projected away; the state tables are equal; every action has a kernel-map entry.</p>`
      : `<ul>${d.mapping.map((m) => `<li>${whereLink(0, m.where)}: ${esc(m.message)}</li>`).join("")}</ul>`;
  const reads = d.guard.reads
    .map(
      (r) =>
        `<tr><td>${whereLink(0, r.where)}</td><td><code>${esc(r.what)}</code></td><td>${esc(r.fn)}</td><td>${esc(r.why)}</td></tr>`,
    )
    .join("");
  const guard =
    d.guard.violations.length === 0
      ? `<p>${badge("holds", "ok")} Every read of netfs-owned data happens while the task holds an n_active unit (or relinquish has seen n_active drained).</p>`
      : `<pre class="report">${esc(formatViolations(d.guard.violations))}</pre>`;
  const body = `<p>Both run in <code>npm test</code> (<code>test/static/review.test.ts</code>); seeded faults in <code>test/review/</code> show each of them failing.</p>
<h2 id="mapping">Mapping completeness</h2>${mapping}
<h2 id="guard">Guard check</h2>${guard}
<table><tr><th>read</th><th>data</th><th>in</th><th>the unit held (smallest bound over every path)</th></tr>${reads}</table>`;
  return page("Checks", 0, body);
}
