// The findings (F1…F8 of spec/README.md) and the 2013 oops: a list, and one page each with the finding in the
// README's words, the command that reproduces it, the cached TLC result (marked stale when the spec files it
// came from have changed) and the counterexample drawn in lanes.

import type { LoadedCounterexample } from "../../counterexamples.ts";
import type { PackData } from "../data.ts";
import { badge, esc, inline, page } from "../html.ts";
import { lanesTable } from "../lanes.ts";

export const REFRESH = "npm run review -- --refresh-counterexamples";

/** A finding's title: its README text without Markdown, cut at a word before 110 characters. */
export function titleOf(d: PackData, c: LoadedCounterexample): string {
  if (c.target.id === "oops-2013")
    return "The 2013 oops: INVALIDATE_OBJECT on a cookie relinquish has freed (before 1362729b)";
  const f = d.findings.find((x) => x.id === c.target.id);
  if (f === undefined) return c.target.id;
  const text = f.finding.replace(/[`*]/g, "");
  const cut =
    text.length <= 110 ? text : `${text.slice(0, text.lastIndexOf(" ", 110)).replace(/[,;:(]+$/, "")} …`;
  return `${c.target.id}: ${cut}`;
}

export function freshness(c: LoadedCounterexample): string {
  if (c.cached === null) return badge("not computed", "bad");
  return c.changed.length === 0
    ? badge("fresh", "ok")
    : badge(`stale: ${c.changed.join(", ")} changed`, "warn");
}

function result(c: LoadedCounterexample): string {
  const r = c.cached?.report;
  if (c.cached === null) return `<p>Not computed yet: run <code>${REFRESH} ${esc(c.target.id)}</code>.</p>`;
  if (r === null || r === undefined)
    return `<p>${badge("passes", "info")} The model passes with this repair left out: there is no counterexample to draw.</p>`;
  const what =
    r.property ??
    (r.verdict === "liveness"
      ? `a temporal property (expected: ${c.target.entry.property ?? "?"})`
      : r.outcome);
  return `<p>${badge(r.verdict ?? r.outcome, "bad")} ${esc(what)} violated; ${r.stats.distinct?.toLocaleString("en-US") ?? "?"} distinct states, counterexample of ${r.counterexample?.length ?? 0} states. Computed ${esc(c.cached.generatedAt)}.</p>`;
}

export function findingPage(
  d: PackData,
  c: LoadedCounterexample,
  hasAction: (name: string) => boolean,
): string {
  const f = d.findings.find((x) => x.id === c.target.id);
  const stale =
    c.changed.length > 0 && c.cached !== null
      ? `<p class="stale">${badge("stale", "warn")} ${c.changed.map((x) => `<code>${esc(x)}</code>`).join(", ")} changed since this counterexample was computed; <code>${REFRESH} ${esc(c.target.id)}</code> recomputes it.</p>`
      : "";
  const about =
    f === undefined
      ? `<p>Model <code>${esc(c.target.entry.model)}</code>, design <code>${esc(c.target.entry.variant)}</code>: fs-cache oopses in <code>fscache_invalidate_writes</code> (../shared/reference/fscache-domain.md §4.3).</p>`
      : `<p>${inline(f.finding)}</p><p><strong>Repair:</strong> ${inline(f.repair)}</p><p><strong>3.12 source:</strong> ${inline(f.source)}</p><p><strong>Upstream:</strong> ${inline(f.upstream)}</p><p class="muted">spec/README.md: ${inline(f.result)}</p>`;
  const steps = c.cached?.report?.counterexample;
  const lanes =
    steps === undefined
      ? ""
      : `<h2>Counterexample</h2>${lanesTable(steps, (n) => (hasAction(n) ? `../actions/${n}.html` : undefined), c.cached?.report?.loop)}`;
  const body = `${stale}${about}<p>Reproduce: <code>${esc(c.target.command)}</code></p>${result(c)}${lanes}`;
  return page(titleOf(d, c), 1, body);
}

export function findingsIndex(d: PackData): string {
  const rows = d.counterexamples.map((c) => {
    const r = c.cached?.report;
    const res =
      c.cached === null
        ? "—"
        : r === null || r === undefined
          ? "passes"
          : `${r.property ?? r.verdict ?? r.outcome}, ${r.counterexample?.length ?? 0} states`;
    return `<tr><td><a href="findings/${esc(c.target.id)}.html">${esc(c.target.id)}</a></td><td>${esc(titleOf(d, c).replace(/^F\d+: /, ""))}</td><td>${esc(res)}</td><td>${freshness(c)}</td></tr>`;
  });
  const body = `<p>Each counterexample comes from <code>check --json</code> and is kept in <code>review/data/counterexamples/</code> with the SHA-256 of the spec files it was computed from; <code>${REFRESH} [ids]</code> recomputes them (several take minutes).</p>
<table><tr><th>id</th><th>finding</th><th>TLC result</th><th>data</th></tr>${rows.join("")}</table>`;
  return page("Findings and the 2013 oops", 0, body);
}
