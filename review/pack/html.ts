// HTML building blocks for the pack: escaping, a page frame with the shared stylesheet and navigation, links
// that work from the file system (relative to the page's depth), inline Markdown code spans, code listings.

import type { Snippet } from "./code.ts";

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The way from a page `depth` folders below out/review back to out/review. */
export function up(depth: number): string {
  return "../".repeat(depth);
}

/** A link from a page at `depth` to a checkout file, showing `file:line`. */
export function sourceLink(depth: number, file: string, line?: number): string {
  const label = line === undefined ? file : `${file}:${line}`;
  return `<a class="src" href="${esc(`${up(depth + 2)}${file}`)}">${esc(label)}</a>`;
}

/** `file:line` text (as the checks report it) as a link. */
export function whereLink(depth: number, where: string): string {
  const m = /^(.*):(\d+)$/.exec(where);
  return m === null ? esc(where) : sourceLink(depth, m[1] as string, Number(m[2]));
}

/** Markdown-ish text from the READMEs: `code` spans and **bold**, everything else escaped. */
export function inline(md: string): string {
  return esc(md)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

export function listing(depth: number, s: Snippet, lang: "tla" | "ts"): string {
  const rows = s.lines
    .map((l, i) => `<tr><td class="ln">${s.start + i}</td><td><pre>${esc(l) || " "}</pre></td></tr>`)
    .join("");
  const cut = s.cut > 0 ? `<p class="muted">… ${s.cut} more lines in ${sourceLink(depth, s.file)}</p>` : "";
  return `<figure class="code ${lang}"><figcaption>${esc(s.title)} — ${sourceLink(depth, s.file, s.start)}</figcaption><table>${rows}</table>${cut}</figure>`;
}

export function badge(text: string, kind: "ok" | "bad" | "warn" | "info"): string {
  return `<span class="badge ${kind}">${esc(text)}</span>`;
}

const NAV: readonly [string, string][] = [
  ["index.html", "Overview"],
  ["actions.html", "Actions"],
  ["findings.html", "Findings"],
  ["machine.html", "State machine"],
  ["checks.html", "Checks"],
];

export function page(title: string, depth: number, body: string): string {
  const nav = NAV.map(([href, label]) => `<a href="${up(depth)}${href}">${label}</a>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — FS-Cache n_active review pack</title>
<link rel="stylesheet" href="${up(depth)}assets/style.css"></head>
<body><header><span class="brand">FS-Cache n_active · review pack</span><nav>${nav}</nav></header>
<main><h1>${esc(title)}</h1>
${body}
</main></body></html>
`;
}
