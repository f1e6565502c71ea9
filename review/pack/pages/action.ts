// One page per spec action: its TLA+ beside the TypeScript that implements it, the kernel function it models,
// the state it may change and the checked properties that read that state, its coverage in the last
// conformance run, the mutants that die at it, and the counterexamples that pass through it.

import type { SpecAction } from "../../spec/actions.ts";
import { SPEC_FILE } from "../../spec/model.ts";
import { overlaps } from "../../spec/effects.ts";
import { tlaSnippet, tsSnippets } from "../code.ts";
import { laneOf, type PackData } from "../data.ts";
import { badge, esc, inline, listing, page, sourceLink } from "../html.ts";
import { actionCoverage } from "../summary.ts";

/** `spec/FSCache.tla` line of a top-level definition, for linking properties. */
function defLine(d: PackData, name: string): number | undefined {
  return d.spec.ix.byName.get(name)?.loc?.line;
}

export function coverageBadge(d: PackData, action: string): string {
  if (d.summary.kind !== "ok") return badge("no conformance run recorded", "info");
  const c = actionCoverage(d.summary.summary, action);
  if (c.covered === 0) return badge("not exercised by the last conformance run", "warn");
  return badge(
    `${c.covered.toLocaleString("en-US")}${c.total === null ? "" : ` of ${c.total.toLocaleString("en-US")}`} transitions replayed`,
    "ok",
  );
}

function conformanceSection(d: PackData, a: SpecAction): string {
  if (d.summary.kind === "absent")
    return `<p>No conformance run recorded (<code>${esc(d.summary.file)}</code> is absent).</p>`;
  if (d.summary.kind === "invalid")
    return `<p>${badge("unreadable", "bad")} <code>${esc(d.summary.file)}</code>: ${esc(d.summary.error)}</p>`;
  const s = d.summary.summary;
  const rows = s.runs.map((r) => {
    const c = r.actions[a.name];
    const cov =
      c === undefined
        ? "—"
        : `${c.covered.toLocaleString("en-US")}${c.total === null ? "" : ` / ${c.total.toLocaleString("en-US")}`}`;
    return `<tr><td>${esc(r.model)}</td><td>${esc(r.design)}</td><td>${esc(r.source)}</td><td>${esc(r.verdict)}</td><td class="num">${cov}</td></tr>`;
  });
  const killed = (s.mutants ?? []).filter((m) => m.action === a.name);
  const mutants =
    killed.length === 0
      ? "<p>No mutant of the last run diverged at this action.</p>"
      : `<table><tr><th>mutant</th><th>status</th><th>killed in</th><th>trace, step</th></tr>${killed
          .map(
            (m) =>
              `<tr><td><code>${esc(m.name)}</code></td><td>${badge(m.status, m.status === "killed" ? "ok" : m.status === "equivalent" ? "info" : "bad")}</td><td>${esc(m.killedIn ?? "—")}</td><td>${esc(m.trace ?? "—")}${m.step === undefined ? "" : `, step ${m.step}`}</td></tr>`,
          )
          .join("")}</table>`;
  return `<p>Last run ${esc(s.at)}: transitions of <code>${esc(a.name)}</code> replayed in lockstep against the implementation.</p>
<table><tr><th>model</th><th>design</th><th>source</th><th>verdict</th><th>covered / total</th></tr>${rows.join("")}</table>
<h3>Mutants that die here</h3>${mutants}`;
}

function kernelSection(d: PackData, a: SpecAction): string {
  const k = d.kernel.entries.get(a.name);
  if (k === undefined) return `<p>${badge("no kernel-map entry", "bad")}</p>`;
  const fn =
    k.function === null
      ? "<em>no kernel counterpart</em>"
      : `<code>${esc(k.function)}</code> in <code>${esc(k.file ?? "")}</code>`;
  return `<p>${fn}</p><p class="note">${inline(k.note)}</p>`;
}

function propertiesSection(d: PackData, a: SpecAction): string {
  const writes = d.spec.writes.get(a.name) ?? new Set<string>();
  const props = d.spec.properties.filter((p) => overlaps(writes, d.spec.reads.get(p.name) ?? new Set()));
  const list = props
    .map((p) => {
      const fields = [...(d.spec.reads.get(p.name) ?? [])].filter((r) => overlaps(writes, new Set([r])));
      return `<li>${sourceLink(1, SPEC_FILE, defLine(d, p.name))} <strong>${esc(p.name)}</strong> <span class="muted">(${p.kind}; ${p.models.map(esc).join(", ")})</span> reads ${fields.map((f) => `<code>${esc(f)}</code>`).join(" ")}</li>`;
    })
    .join("");
  const w = [...writes]
    .sort()
    .map((x) => `<code>${esc(x)}</code>`)
    .join(" ");
  return `<p>May change: ${w === "" ? "<em>nothing but lastAction</em>" : w}</p>${props.length === 0 ? "<p>No checked property reads that state.</p>" : `<ul class="props">${list}</ul>`}`;
}

function counterexampleSection(d: PackData, a: SpecAction): string {
  const hits = d.counterexamples.flatMap((c) => {
    const steps = (c.cached?.report?.counterexample ?? [])
      .filter((s) => s.action === a.name)
      .map((s) => s.index);
    return steps.length === 0
      ? []
      : [
          `<li><a href="../findings/${esc(c.target.id)}.html">${esc(c.target.id)}</a>: step${steps.length > 1 ? "s" : ""} ${steps.join(", ")}</li>`,
        ];
  });
  return hits.length === 0 ? "<p>No drawn counterexample takes this step.</p>" : `<ul>${hits.join("")}</ul>`;
}

export function actionPage(d: PackData, a: SpecAction): string {
  const tla = listing(1, tlaSnippet(d.root, SPEC_FILE, a), "tla");
  const ts = d.spec.stutters.has(a.name)
    ? `<p>${badge("stuttering step", "info")} It changes nothing but <code>lastAction</code>: no implementation step implements it.</p>`
    : tsSnippets(d.impl.sources, d.impl.labels, a.name)
        .map((s) => listing(1, s, "ts"))
        .join("");
  const params = a.params.length === 0 ? "" : `(${a.params.join(", ")})`;
  const body = `<p class="lede">${esc(laneOf(a.group))} · <code>${esc(a.name)}${esc(params)}</code> · ${coverageBadge(d, a.name)}</p>
<div class="side">
<section><h2>Spec</h2>${tla}</section>
<section><h2>Implementation</h2>${ts}</section>
</div>
<section><h2>Kernel (3.12)</h2>${kernelSection(d, a)}</section>
<section><h2>State and properties</h2>${propertiesSection(d, a)}</section>
<section><h2>Conformance</h2>${conformanceSection(d, a)}</section>
<section><h2>In counterexamples</h2>${counterexampleSection(d, a)}</section>`;
  return page(a.name, 1, body);
}
