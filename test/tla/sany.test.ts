// readSanyReport on recorded output of the standalone SANY (test/fixtures/tla/*.sany.out): every error
// names the file of its module and, when SANY printed one, the place in it; reprinted errors count once.

import { describe, expect, it } from "vitest";
import { readSanyReport } from "../../src/tla/sany.ts";
import { fixture } from "./fixtures.ts";

const report = (name: string) => readSanyReport(fixture(`${name}.sany.out`).split(/\r?\n/));

describe("readSanyReport", () => {
  it("a well-formed module: its files, no errors", () => {
    expect(report("Counter")).toEqual({
      files: ["SPECDIR/Counter.tla", "/tmp/Naturals.tla", "/tmp/Sequences.tla"],
      errors: [],
    });
  });

  it("a parse error: file, line and column", () => {
    expect(report("ParseErr").errors).toEqual([
      {
        kind: "parse",
        message:
          'Was expecting "Expression or Instance" Encountered "Beginning of definition" at line 4, column 9 and token "=="',
        file: "SPECDIR/ParseErr.tla",
        location: { module: "ParseErr", file: "SPECDIR/ParseErr.tla", line: 4, column: 9 },
      },
    ]);
  });

  it("a semantic error: file and range", () => {
    expect(report("SemErr").errors).toEqual([
      {
        kind: "semantic",
        message: "Unknown operator: `y'.",
        file: "SPECDIR/SemErr.tla",
        location: {
          module: "SemErr",
          file: "SPECDIR/SemErr.tla",
          line: 4,
          column: 13,
          endLine: 4,
          endColumn: 13,
        },
      },
    ]);
  });

  it("a semantic error in an extended module, printed after each module SANY checks: once, in its file", () => {
    const r = report("SemErrLib");
    expect(r.files.slice(0, 2)).toEqual(["SPECDIR/SemErrLib.tla", "SPECDIR/SemLib.tla"]);
    expect(r.errors).toEqual([
      expect.objectContaining({
        kind: "semantic",
        file: "SPECDIR/SemLib.tla",
        location: expect.objectContaining({ module: "SemLib", line: 4, column: 17 }) as unknown,
      }),
    ]);
  });

  it("a missing root file: SANY's own words, as an abort", () => {
    expect(report("NoSuchSpec")).toEqual({
      files: [],
      errors: [{ kind: "abort", message: "Cannot find the specified file NoSuchSpec.tla." }],
    });
  });

  it("keeps a message's inner blank lines, and ends an entry at SANY's two blank lines", () => {
    const lines = [
      "Parsing file /s/Circ.tla",
      "Parsing file /s/Circ2.tla",
      "*** Abort messages: 1",
      "",
      "Unknown location",
      "",
      "Circular dependency among .tla files; dependency cycle is:",
      "",
      "  Circ.tla --> Circ2.tla --> Circ.tla",
      "",
      "",
      "",
    ];
    expect(readSanyReport(lines).errors).toEqual([
      {
        kind: "abort",
        message:
          "Circular dependency among .tla files; dependency cycle is: Circ.tla --> Circ2.tla --> Circ.tla",
        file: "/s/Circ2.tla",
      },
    ]);
  });

  it("a range at line 0, or past any real file, is no place: the error keeps its file", () => {
    const lines = [
      "Parsing file /s/M.tla",
      "*** Errors: 2",
      "",
      "line 0, col 0 to line 0, col 0 of module M",
      "",
      "Something about M.",
      "",
      "",
      `line ${"1".repeat(400)}, col 1 to line 1, col 2 of module M`,
      "",
      "Something else.",
    ];
    expect(readSanyReport(lines).errors).toEqual([
      { kind: "semantic", message: "Something about M.", file: "/s/M.tla" },
      { kind: "semantic", message: "Something else.", file: "/s/M.tla" },
    ]);
  });

  it("reads 20,000 files and errors in linear time", () => {
    // Before, each error looked its module up in the list of files: quadratic (minutes at this size).
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(`Parsing file /s/M${i}.tla`);
    lines.push("*** Errors: 20000", "");
    for (let i = 0; i < 20_000; i++)
      lines.push(`line 1, col 1 to line 1, col 2 of module M${i}`, "", `e${i}`, "", "");
    const t0 = performance.now();
    const r = readSanyReport(lines);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.errors).toHaveLength(20_000);
    expect(r.errors[19_999]?.file).toBe("/s/M19999.tla");
  });
});
