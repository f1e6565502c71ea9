// The field shapes the abstraction and both TLA+ writers share (src/cli/fieldShapes.ts) agree with
// the spec's TypeOK: a set-valued field (`\subseteq`) is a set, a `Seq(...)` field a sequence, `stores` a
// function, and every other field a scalar. A field added to the spec without its shape fails here, naming it.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { type FieldShape, fieldShape } from "../../src/cli/fieldShapes.ts";

const SPEC = readFileSync(resolve(import.meta.dirname, "..", "..", "spec", "FSCache.tla"), "utf8");

/** Each record field TypeOK constrains (`cookie[c].flags`, `cache.waiters`, …), with the shape its type says. */
function typeOkShapes(): Map<string, "set" | "sequence" | "function" | "scalar"> {
  const body = SPEC.slice(SPEC.indexOf("TypeOK =="), SPEC.indexOf("\n\n", SPEC.indexOf("TypeOK ==")));
  const out = new Map<string, "set" | "sequence" | "function" | "scalar">();
  const re =
    /\b(?:cookie|object|op|thread)\[\w+\]\.(\w+)(\[\w+\])?\s*(\\subseteq|\\in)\s*(Seq\()?|\bcache\.(\w+)\s*(\\subseteq|\\in)\s*(Seq\()?/g;
  for (const m of body.matchAll(re)) {
    const name = (m[1] ?? m[5]) as string;
    const rel = m[3] ?? m[6];
    const seq = (m[4] ?? m[7]) !== undefined;
    out.set(
      name,
      m[2] !== undefined ? "function" : rel === "\\subseteq" ? "set" : seq ? "sequence" : "scalar",
    );
  }
  return out;
}

const AS: Readonly<Record<FieldShape, "set" | "sequence" | "function" | "scalar">> = {
  set: "set",
  eventSet: "set",
  sequence: "sequence",
  waiters: "sequence",
  function: "function",
  scalar: "scalar",
};

it("gives every field TypeOK constrains the shape its type has", () => {
  const fromSpec = typeOkShapes();
  // The parse found the records' fields (a sanity bound: the spec has over forty).
  expect(fromSpec.size).toBeGreaterThan(40);
  const wrong = [...fromSpec]
    .filter(([name, shape]) => AS[fieldShape(name)] !== shape)
    .map(([name, shape]) => `${name}: TypeOK says ${shape}, fieldShapes.ts ${fieldShape(name)}`);
  expect(wrong).toEqual([]);
});
