import { describe, expect, it } from "vitest";
import { interpretTlc, parseDuration, type TlcResult } from "../../src/tla/result.ts";
import { printState, printValue } from "../../src/tla/values.ts";
import { recorded } from "./fixtures.ts";

function run(name: string): TlcResult {
  const { output, exitCode } = recorded(name);
  const r = interpretTlc(output, { exitCode });
  expect(r.problems).toEqual([]);
  return r;
}

describe("interpretTlc on recorded TLC 2.18 runs", () => {
  it("a cfg TLC cannot read: config-error, with the nested 5001 reason", () => {
    const r = run("CfgMissing");
    expect(r.outcome).toBe("config-error");
    expect(r.errors.map((e) => e.source)).toEqual([1000, 5001]);
    expect(r.errors[1]?.message).toMatch(/File not found/);
  });

  it("success: counts, depth, duration", () => {
    const r = run("Counter");
    expect(r.outcome).toBe("success");
    expect(r.version).toBe("TLC2 Version 2.18 of 20 March 2023");
    expect(r.stats).toEqual({ generated: 11, distinct: 7, queue: 0, depth: 3, durationMs: 409 });
    expect(r.violation).toBeUndefined();
    expect(r.errors).toEqual([]);
  });

  it("invariant violation: the trace with wrapped values and actions", () => {
    const r = run("Inv");
    expect(r.outcome).toBe("safety");
    expect(r.violation).toEqual({ kind: "invariant", name: "Small" });
    const states = r.trace?.states ?? [];
    expect(states.map((s) => s.index)).toEqual([1, 2, 3]);
    expect(states[0]?.action).toBe("Initial predicate");
    expect(states[1]?.action).toEqual({
      name: "Send",
      module: "Inv",
      line: 9,
      column: 9,
      endLine: 11,
      endColumn: 24,
    });
    const msgs = states[2]?.state.msgs;
    expect(msgs?.kind === "set" && msgs.elements.length).toBe(8);
    expect(printValue(states[1]?.state.flag ?? { kind: "bool", value: false })).toBe("TRUE");
  });

  it("invariant violated by an initial state (2107): a one-state trace", () => {
    const r = run("InitInv");
    expect(r.outcome).toBe("safety");
    expect(r.violation).toEqual({ kind: "invariant", name: "Pos" });
    expect(r.trace?.states.map((s) => printState(s.state))).toEqual(["x = 1"]);
  });

  it("deadlock", () => {
    const r = run("Deadlock");
    expect(r.outcome).toBe("deadlock");
    expect(r.violation).toEqual({ kind: "deadlock" });
    expect(r.trace?.states.map((s) => printState(s.state))).toEqual(["x = 0", "x = 1", "x = 2"]);
  });

  it("liveness with a lasso back to an earlier state", () => {
    const r = run("Live");
    expect(r.outcome).toBe("liveness");
    expect(r.violation).toEqual({ kind: "temporal" });
    expect(r.trace?.states.length).toBe(3);
    expect(r.trace?.loop).toEqual({
      kind: "back-to-state",
      index: 2,
      action: { name: "Down", module: "Live", line: 7, column: 9, endLine: 7, endColumn: 23 },
    });
  });

  it("liveness by stuttering", () => {
    const r = run("Stutter");
    expect(r.outcome).toBe("liveness");
    expect(r.trace?.loop).toEqual({ kind: "stuttering", index: 2 });
  });

  it("action property (2112)", () => {
    const r = run("ActProp");
    expect(r.outcome).toBe("liveness");
    expect(r.violation).toEqual({ kind: "action-property", name: "Mono" });
  });

  it("assert: the message, the trace and where it failed", () => {
    const r = run("Assert");
    expect(r.outcome).toBe("assert");
    expect(r.violation).toEqual({ kind: "assert", detail: '<<"x too big", 1>>' });
    expect(r.trace?.states.length).toBe(2);
    expect(r.errors[0]?.location).toMatchObject({ module: "Assert", line: 7, column: 12 });
  });

  it("evaluation error with its location", () => {
    const r = run("EvalErr");
    expect(r.outcome).toBe("eval-error");
    expect(r.errors[0]).toMatchObject({ source: 1000, location: { module: "EvalErr", line: 6, column: 14 } });
    expect(r.errors[0]?.message).toContain("CHOOSE x \\in S: P, but no element of S satisfied P.");
  });

  it("parse error (exit 150) with file, line and column", () => {
    const r = run("ParseErr");
    expect(r.outcome).toBe("parse-error");
    expect(r.exitCode).toBe(150);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      source: "sany",
      location: { line: 4, column: 9, module: "ParseErr" },
    });
    expect(r.errors[0]?.location?.file).toMatch(/\/ParseErr\.tla$/);
    expect(r.errors[0]?.message).toContain('Was expecting "Expression or Instance"');
  });

  it("semantic error (exit 150)", () => {
    const r = run("SemErr");
    expect(r.outcome).toBe("parse-error");
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: "Unknown operator: `y'.",
        location: expect.objectContaining({ module: "SemErr", line: 4, column: 13 }) as unknown,
      }),
    ]);
  });

  it("config error (exit 151)", () => {
    const r = run("CfgErr");
    expect(r.outcome).toBe("config-error");
    expect(r.errors[0]).toMatchObject({ source: 2229 });
    expect(r.errors[0]?.message).toContain("The next state action Nope");
  });

  it("crash (metadir collision, exit 1): explained, not misread", () => {
    const r = run("Crash2162");
    expect(r.outcome).toBe("crashed");
    expect(r.errors[0]?.source).toBe(2162);
    expect(r.errors.some((e) => e.message.startsWith("Exception in thread"))).toBe(true);
  });

  it("process ends decide timeout and killed before exit codes", () => {
    expect(interpretTlc("", { exitCode: 143, signal: "SIGTERM", timedOut: true }).outcome).toBe("timeout");
    expect(interpretTlc("", { exitCode: null, signal: "SIGKILL" })).toMatchObject({
      outcome: "killed",
      signal: "SIGKILL",
    });
    expect(interpretTlc("", { exitCode: 255 }).outcome).toBe("crashed");
  });

  it("never throws on garbage, and reports unparsable trace states", () => {
    const r = interpretTlc("@!@!@STARTMSG 2217:4 @!@!@\n2: <Inc>\n/\\ x = {\n@!@!@ENDMSG 2217 @!@!@\n", {
      exitCode: 12,
    });
    expect(r.outcome).toBe("safety");
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 3 });
  });
});

describe("interpretTlc: SANY errors carry file and location", () => {
  it("a semantic error in an extended module: that module's file, reported once", () => {
    const r = run("SemErrLib");
    expect(r.outcome).toBe("parse-error");
    expect(r.errors).toEqual([
      {
        source: "sany",
        message: "Unknown operator: `z'.",
        file: "SPECDIR/SemLib.tla",
        location: {
          module: "SemLib",
          file: "SPECDIR/SemLib.tla",
          line: 4,
          column: 17,
          endLine: 4,
          endColumn: 17,
        },
      },
    ]);
  });

  it("a parse error in an extended module: that module's file", () => {
    const r = run("ParseErrLib");
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      source: "sany",
      file: "SPECDIR/ParseLib.tla",
      location: { module: "ParseLib", file: "SPECDIR/ParseLib.tla", line: 3, column: 8 },
    });
  });

  it("an abort SANY prints at `Unknown location`: the file it was reading, and SANY's reason", () => {
    const mismatch = run("NameMismatch");
    expect(mismatch.errors).toEqual([
      {
        source: "sany",
        message:
          "File name 'NameMismatch' does not match the name 'OtherName' of the top level module it contains.",
        file: "SPECDIR/NameMismatch.tla",
      },
    ]);
    const missing = run("MissingMod");
    expect(missing.errors).toEqual([
      {
        source: "sany",
        message: "Cannot find source file for module NoSuchModule imported in module MissingMod.",
        file: "SPECDIR/MissingMod.tla",
      },
    ]);
  });
});

describe("interpretTlc's limits", () => {
  it("reports a trace state nested 10,000 deep as a problem with its line, not a stack overflow", () => {
    const deep = `${"{".repeat(10_000)}${"}".repeat(10_000)}`;
    const out = `@!@!@STARTMSG 2110:1 @!@!@\nInvariant I is violated.\n@!@!@ENDMSG 2110 @!@!@\n@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\n/\\ y = 1\n/\\ x = ${deep}\n\n@!@!@ENDMSG 2217 @!@!@\n`;
    const r = interpretTlc(out, { exitCode: 12 });
    expect(r.outcome).toBe("safety");
    expect(r.problems).toEqual([
      expect.objectContaining({ line: 7, column: 1001 + 7, expected: "values nested at most 1000 deep" }),
    ]);
  });

  it("reports an empty trace state as a problem", () => {
    const out = "@!@!@STARTMSG 2217:4 @!@!@\n1: <Initial predicate>\n\n@!@!@ENDMSG 2217 @!@!@\n";
    expect(interpretTlc(out, { exitCode: 12 }).problems).toEqual([
      expect.objectContaining({ line: 3, expected: "a state: `x = value` lines" }),
    ]);
  });

  it("reads long runs of spaces and digits in linear time", () => {
    // Each of these backtracked quadratically before (seconds to minutes at this size).
    const n = 200_000;
    const out = [
      "@!@!@STARTMSG 2217:4 @!@!@",
      `1:${" ".repeat(n)}x`,
      "x = 1",
      "@!@!@ENDMSG 2217 @!@!@",
      "@!@!@STARTMSG 2199:0 @!@!@",
      `${"1".repeat(n)} states found`,
      "@!@!@ENDMSG 2199 @!@!@",
      "@!@!@STARTMSG 2186:0 @!@!@",
      `Finished in ${"7".repeat(n)}x at`,
      "@!@!@ENDMSG 2186 @!@!@",
    ].join("\n");
    const t0 = performance.now();
    const r = interpretTlc(out, { exitCode: 12 });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(r.problems).toEqual([
      expect.objectContaining({ line: 2, expected: "a trace step `<n>: <action>`" }),
    ]);
    expect(r.stats).toEqual({});
  });
});

describe("parseDuration", () => {
  it("reads TLC's formats", () => {
    expect(parseDuration("738ms")).toBe(738);
    expect(parseDuration("00s")).toBe(0);
    expect(parseDuration("01min 02s")).toBe(62_000);
    expect(parseDuration("1h 02min")).toBe(3_720_000);
  });
});
