// The equivalent-mutant list of the conformance-only Stryker run (conformance/stryker/equivalent.json) stays in
// step with the code: every entry's line still exists in its file (an edited line makes the entry stale, and
// its mutant must be re-argued or killed), no entry repeats another, and the file has the expected shape;
// score.ts counts a survivor as equivalent only when an entry names it exactly.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  EQUIVALENT_FILE,
  equivalentsFor,
  readEquivalents,
  staleEquivalents,
} from "../../conformance/stryker/equivalent.ts";
import { applyEquivalents, scores, type MutationReport } from "../../conformance/stryker/score.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("equivalent mutants", () => {
  it("every entry of the checked-in list names a line that exists, once", () => {
    const entries = readEquivalents(ROOT);
    expect(staleEquivalents(ROOT, entries)).toEqual([]);
  });

  it("reports a stale entry, a duplicate and a malformed file", () => {
    const dir = mkdtempSync(join(tmpdir(), "stryker-eq-"));
    dirs.push(dir);
    mkdirSync(join(dir, "src/fscache"), { recursive: true });
    mkdirSync(join(dir, "conformance/stryker"), { recursive: true });
    writeFileSync(join(dir, "src/fscache/a.ts"), "export const a = 1;\nif (x === 0) wake();\n");
    const entry = {
      file: "src/fscache/a.ts",
      code: "if (x === 0) wake();",
      mutator: "ConditionalExpression",
      replacement: "true",
      reason: "a spurious wake-up: the waiter re-checks",
    };
    const gone = { ...entry, code: "if (y === 0) wake();" };
    writeFileSync(join(dir, EQUIVALENT_FILE), JSON.stringify({ mutants: [entry, entry, gone] }));
    expect(staleEquivalents(dir, readEquivalents(dir))).toEqual([
      `${EQUIVALENT_FILE} entry 1: a duplicate of an earlier entry`,
      `${EQUIVALENT_FILE} entry 2: src/fscache/a.ts no longer has the line "if (y === 0) wake();"`,
    ]);
    writeFileSync(join(dir, EQUIVALENT_FILE), JSON.stringify({ mutants: [{ ...entry, reason: "" }] }));
    expect(() => readEquivalents(dir)).toThrow(`${EQUIVALENT_FILE}/mutants/0/reason`);
  });

  it("counts a survivor as equivalent only when an entry names it exactly", () => {
    const source = "export const a = 1;\nif (x === 0) wake();\n";
    const at = (line: number) => ({ start: { line, column: 5 }, end: { line, column: 12 } });
    const report: MutationReport = {
      files: {
        "src/fscache/a.ts": {
          source,
          mutants: [
            {
              id: "1",
              mutatorName: "ConditionalExpression",
              replacement: "true",
              status: "Survived",
              location: at(2),
            },
            {
              id: "2",
              mutatorName: "ConditionalExpression",
              replacement: "false",
              status: "Survived",
              location: at(2),
            },
            {
              id: "3",
              mutatorName: "EqualityOperator",
              replacement: "x !== 0",
              status: "Killed",
              location: at(2),
            },
          ],
        },
      },
    };
    const entries = [
      {
        file: "src/fscache/a.ts",
        code: "if (x === 0) wake();",
        mutator: "ConditionalExpression",
        replacement: "true",
        reason: "a spurious wake-up: the waiter re-checks",
      },
    ];
    const [row] = scores(applyEquivalents(report, entries));
    expect(row).toMatchObject({ mutants: 3, killed: 1, survived: 1, equivalent: 1 });
    expect(row?.score).toBeCloseTo(50);

    // An entry argued for the conformance-only run alone does not count in the whole-suite run.
    const scoped = entries.map((e) => ({ ...e, scope: "conformance" as const }));
    const [conf] = scores(applyEquivalents(report, equivalentsFor(scoped, "conformance")));
    const [full] = scores(applyEquivalents(report, equivalentsFor(scoped, "full")));
    expect(conf).toMatchObject({ survived: 1, equivalent: 1 });
    expect(full).toMatchObject({ survived: 2, equivalent: 0 });
  });
});
