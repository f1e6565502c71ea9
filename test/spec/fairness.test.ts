// SpecWeakFair is sound for a pass only while its argument in spec/FSCache.tla holds: no action's guard reads
// the history variable lastAction, so a state that differs only in lastAction enables the same process steps.
// This test keeps that premise true as the spec changes: lastAction is only declared, initialised and assigned.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SPEC_DIR } from "../../src/cli/models.ts";

const spec = readFileSync(join(SPEC_DIR, "FSCache.tla"), "utf8");

/** The spec's text without comments (`\*` to the end of the line, `(* … *)`). */
function code(text: string): string {
  return text.replace(/\(\*[\s\S]*?\*\)/g, "").replace(/\\\*.*$/gm, "");
}

describe("SpecWeakFair's premise", () => {
  it("lastAction is read nowhere: only declared, in vars, set by Init and assigned by actions", () => {
    const reads = code(spec)
      .split("\n")
      .map((line, i) => ({ line: line.trim(), at: i + 1 }))
      .filter(({ line }) => /\blastAction\b(?!')/.test(line))
      .filter(
        ({ line }) =>
          !/^VARIABLES\b/.test(line) &&
          !/^vars ==/.test(line) &&
          !/^\/\\ lastAction = \[name \|-> "Init"\]$/.test(line),
      );
    expect(reads).toEqual([]);
  });

  it("defines SpecWeakFair over the same Init and Next as Spec", () => {
    expect(code(spec)).toMatch(/^Spec == Init \/\\ \[\]\[Next\]_vars \/\\ Fairness$/m);
    expect(code(spec)).toMatch(/^SpecWeakFair == Init \/\\ \[\]\[Next\]_vars \/\\ WF_vars\(ProcStep\)$/m);
  });
});
