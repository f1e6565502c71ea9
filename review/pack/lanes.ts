// A counterexample drawn in lanes: one column per thread (netfs threads, then object workers, then op
// workers), one row per step; the step's cell holds the action with its parameters and the variables it
// changed (`path: before → after`), so who did what, in which order, reads off the page.

import { isSequenceField } from "../../src/cli/fieldShapes.ts";
import { fieldOf } from "../../src/cli/interleaving.ts";
import type { CheckStep } from "../counterexamples.ts";
import { esc } from "./html.ts";

const KIND_ORDER = ["netfs", "object", "op"];

/** Lanes in display order: netfs threads, object workers, op workers, then anything else. */
export function lanesOf(steps: readonly CheckStep[]): string[] {
  const seen = [...new Set(steps.slice(1).map((s) => s.thread))];
  const rank = (t: string): number => {
    const i = KIND_ORDER.indexOf(t.split(" ")[0] ?? "");
    return i < 0 ? KIND_ORDER.length : i;
  };
  return seen.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, "en", { numeric: true }));
}

/** A value (of variable or field `field`) as the CLI prints it: sets {a, b}, sequences <<a, b>>, records [f |-> v]. */
export function show(v: unknown, field = ""): string {
  if (Array.isArray(v)) {
    const body = v.map((x) => show(x)).join(", ");
    return isSequenceField(field) ? `<<${body}>>` : `{${body}}`;
  }
  if (typeof v === "object" && v !== null) {
    return `[${Object.entries(v)
      .map(([k, x]) => `${k} |-> ${show(x, k)}`)
      .join(", ")}]`;
  }
  return typeof v === "string" ? v : String(v);
}

function actionText(s: CheckStep): string {
  const ps = Object.entries(s.params).map(([k, v]) => `${k}=${show(v)}`);
  return ps.length === 0 ? s.action : `${s.action}(${ps.join(", ")})`;
}

/** The lanes table; `actionHref` links an action name to its page when the pack has one. */
export function lanesTable(
  steps: readonly CheckStep[],
  actionHref: (name: string) => string | undefined,
  loop?: string,
): string {
  const lanes = lanesOf(steps);
  const head = `<tr><th>#</th>${lanes.map((l) => `<th class="lane ${esc(l.split(" ")[0] ?? "")}">${esc(l)}</th>`).join("")}</tr>`;
  const rows = steps.slice(1).map((s) => {
    const href = actionHref(s.action);
    const name = href === undefined ? esc(actionText(s)) : `<a href="${esc(href)}">${esc(actionText(s))}</a>`;
    const changes = s.changes
      .map(
        (c) =>
          `<li><code>${esc(c.path)}</code>: ${esc(show(c.before, fieldOf(c.path)))} → <strong>${esc(show(c.after, fieldOf(c.path)))}</strong></li>`,
      )
      .join("");
    const cell = `<div class="step"><div class="act">${name}</div>${changes === "" ? "" : `<ul class="changes">${changes}</ul>`}</div>`;
    const cols = lanes.map((l) => (l === s.thread ? `<td class="on">${cell}</td>` : "<td></td>")).join("");
    return `<tr><td class="idx">${s.index}</td>${cols}</tr>`;
  });
  const tail =
    loop === undefined
      ? ""
      : `<tr><td class="idx">∞</td><td colspan="${lanes.length}" class="loop">then the behaviour ${loop === "stuttering" ? "stutters forever (nothing is enabled that makes progress)" : `loops ${esc(loop)}`}</td></tr>`;
  return `<div class="lanes"><table>${head}${rows.join("")}${tail}</table></div>`;
}
