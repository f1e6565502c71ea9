// The properties the models check: every name under INVARIANT(S) or PROPERTY(IES) in spec/*.cfg that the
// spec defines, with the models that check it.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SpecIndex } from "./semantic.ts";

export interface CheckedProperty {
  readonly name: string;
  readonly kind: "invariant" | "property";
  /** The cfg files naming it. */
  readonly models: readonly string[];
}

const SECTION = /^(INVARIANTS?|PROPERTY|PROPERTIES|SPECIFICATION|INIT|NEXT|CONSTANTS?|VIEW|CHECK_DEADLOCK|SYMMETRY|CONSTRAINTS?|ACTION_CONSTRAINTS?)\b/;

/** The names a cfg text lists under its invariant and property sections. */
function cfgProperties(text: string): { name: string; kind: "invariant" | "property" }[] {
  const out: { name: string; kind: "invariant" | "property" }[] = [];
  let section: "invariant" | "property" | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\\\*.*$/, "").trim();
    if (line === "") continue;
    const m = SECTION.exec(line);
    if (m !== null) {
      const word = m[1] as string;
      section = word.startsWith("INVARIANT") ? "invariant" : word.startsWith("PROPERT") ? "property" : undefined;
      const rest = line.slice(word.length).trim();
      if (section !== undefined && rest !== "") out.push(...rest.split(/\s+/).map((name) => ({ name, kind: section as "invariant" | "property" })));
      continue;
    }
    if (section !== undefined) out.push(...line.split(/\s+/).map((name) => ({ name, kind: section as "invariant" | "property" })));
  }
  return out;
}

export function checkedProperties(root: string, ix: SpecIndex): CheckedProperty[] {
  const found = new Map<string, { kind: "invariant" | "property"; models: string[] }>();
  const dir = join(root, "spec");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".cfg")).sort()) {
    for (const p of cfgProperties(readFileSync(join(dir, f), "utf8"))) {
      if (!ix.byName.has(p.name)) continue;
      const e = found.get(p.name) ?? { kind: p.kind, models: [] };
      if (!e.models.includes(f)) e.models.push(f);
      found.set(p.name, e);
    }
  }
  return [...found].map(([name, e]) => ({ name, kind: e.kind, models: e.models }));
}
