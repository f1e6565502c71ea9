// The `check` command as a user runs it: a real process, the real TLC. The pre-fix design exits 1 and prints
// the oops interleaving; usage, environment and output errors exit 2 with one message and no stack.

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkModel, formatReport, recordedOf } from "../../src/cli/check.ts";
import { readManifest } from "../../src/cli/models.ts";
import { cli, projectCopy } from "./project.ts";

/** One line on stderr, nothing that looks like a stack trace. */
function oneMessage(stderr: string): string {
  const lines = stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0] as string;
}

describe("check", () => {
  it("on the pre-fix design (past the dispatcher's F9) exits 1 and prints the 2013 oops as a numbered interleaving", () => {
    const r = cli(["check", "--model", "ci", "--variant", "PRE_FIX", "--with", "F9"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/design PRE_FIX with F9: invariant violated \(NoOops\)/);
    expect(r.stdout).toMatch(/^\s+1\. init\s+Init$/m);
    expect(r.stdout).toMatch(/^\s+\d+\. netfs tD\s+Invalidate\(t=tD\)$/m);
    expect(r.stdout).toMatch(/^\s+\d+\. object D\s+(INVALIDATE_OBJECT|InvalidateWrites)\(o=D\)$/m);
    expect(r.stdout).toMatch(/oops: "NONE" → /);
  });

  it("--json gives the same verdict for machines", () => {
    const r = cli(["check", "--model", "ci", "--variant", "PRE_FIX", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { outcome: string; property: string; counterexample: unknown[] };
    expect(report.outcome).toBe("safety");
    expect(report.property).toBe("NoOops");
    expect(report.counterexample.length).toBeGreaterThan(5);
  });

  it("an unknown model is one clear error, exit 2", () => {
    const r = cli(["check", "--model", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/models\.json: no model "nope" \(expected one of: ci/);
  });

  it("missing Java is one clear error, exit 2", () => {
    // A PATH holding only node: java cannot be found.
    const bin = mkdtempSync(join(tmpdir(), "fscache-nojava-"));
    try {
      symlinkSync(process.execPath, join(bin, "node"));
      const r = cli(["check", "--model", "ci"], { env: { ...process.env, PATH: bin, FSCACHE_TLC_JAR: "" } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: .*[Jj]ava/m);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("a usage error exits 2 (exit 1 means a property was violated)", () => {
    const r = cli(["check", "--variant", "FIXED"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /argument 'FIXED' is invalid\. Allowed choices are POST_FIX, PRE_FIX, POST_FIX_REPAIRED/,
    );
  });

  it("FSCACHE_TLC_JAR naming a directory is one clear error, exit 2", () => {
    const r = cli(["check", "--model", "attr"], { env: { ...process.env, FSCACHE_TLC_JAR: tmpdir() } });
    expect(r.code).toBe(2);
    expect(oneMessage(r.stderr)).toMatch(/^error: FSCACHE_TLC_JAR points at \S+, which is a directory/);
  });

  it("--timeout beyond what Node's timers can wait is a usage error; the longest allowed runs TLC", () => {
    const r = cli(["check", "--model", "attr", "--timeout", "2147484"]);
    expect(r.code).toBe(2);
    expect(oneMessage(r.stderr)).toMatch(
      /argument '2147484' is invalid\. expected whole seconds from 1 to 2147483/,
    );
    // Before, such a limit fired after a few milliseconds and the run reported a timeout.
    const ok = cli(["check", "--model", "attr", "--variant", "PRE_FIX", "--timeout", "2147483", "--json"]);
    expect(ok.code).toBe(1);
    const report = JSON.parse(ok.stdout) as { outcome: string; property: string; command: string };
    expect(report).toMatchObject({ outcome: "safety", property: "NoOops" });
    // Liveness is checked once, at the end, so the verdict does not depend on timing.
    expect(report.command).toContain("-lncheck final");
  });

  it("--workers is at most the cores, or auto", () => {
    const r = cli(["check", "--model", "attr", "--workers", "1000000000"]);
    expect(r.code).toBe(2);
    expect(oneMessage(r.stderr)).toMatch(
      `expected "auto" or a whole number from 1 to ${availableParallelism()} (the cores this machine has)`,
    );
    const auto = cli(["check", "--model", "attr", "--variant", "PRE_FIX", "--workers", "auto", "--json"]);
    expect(auto.code).toBe(1);
    const report = JSON.parse(auto.stdout) as { command: string; property: string };
    expect(report.command).toContain("-workers auto");
    expect(report.property).toBe("NoOops");
  });

  it("an unwritable stdout is one clear error, exit 2", () => {
    const full = openSync("/dev/full", "w");
    try {
      const r = cli(["check", "--model", "attr", "--variant", "PRE_FIX", "--json"], { stdout: full });
      expect(r.code).toBe(2);
      expect(oneMessage(r.stderr)).toBe(
        "error: cannot write to stdout: ENOSPC: no space left on device, write",
      );
    } finally {
      closeSync(full);
    }
  });

  it("a spec that does not parse: exit 2, the error at file:line:column", () => {
    const copy = projectCopy();
    try {
      const file = join(copy.root, "spec", "MCattr.tla");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace('"ReadPage", "WritePage"', '"ReadPage" "WritePage"'),
      );
      const r = cli(["check", "--model", "attr"], { root: copy.root });
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/: the spec does not parse$/m);
      // No "distinct states ?" or "expected: pass" around the error: TLC checked nothing.
      expect(r.stdout).not.toMatch(/distinct states|expected:/);
      expect(r.stdout).toMatch(/^ {2}error: \S+\/spec\/MCattr\.tla:7:\d+: .*"WritePage"/m);
    } finally {
      copy.remove();
    }
  });

  it("a file the command needs and cannot read is one message; FSCACHE_DEBUG=1 adds where", () => {
    const copy = projectCopy();
    try {
      rmSync(join(copy.root, "spec", "MCattr.cfg"));
      const r = cli(["check", "--model", "attr"], { root: copy.root });
      expect(r.code).toBe(2);
      expect(oneMessage(r.stderr)).toMatch(
        /^error: ENOENT: no such file or directory, open '\S+\/MCattr\.cfg'$/,
      );
      const debug = cli(["check", "--model", "attr"], {
        root: copy.root,
        env: { ...process.env, FSCACHE_DEBUG: "1" },
      });
      expect(debug.code).toBe(2);
      expect(debug.stderr).toMatch(/^\s+at .*check\.ts/m);
    } finally {
      copy.remove();
    }
  });

  it("--without leaves out one repair, only of POST_FIX_REPAIRED", () => {
    const bad = cli(["check", "--model", "attr", "--variant", "POST_FIX", "--without", "F7"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      "error: --without F7: a repair can be left out only of POST_FIX_REPAIRED (got POST_FIX)",
    );
    const r = cli(["check", "--model", "attr", "--without", "F7", "--json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { without: string; property: string; asExpected: boolean };
    expect(report).toMatchObject({ without: "F7", property: "NoOops", asExpected: true });
  });

  it("compares a one-worker run with the counts spec/models.json records, and says when they differ", async () => {
    const entry = (await readManifest()).find((e) => e.model === "attr" && e.variant === "POST_FIX");
    if (entry?.distinct === undefined || entry.depth === undefined)
      throw new Error("attr POST_FIX has no counts");
    const same = await checkModel(entry);
    expect(same.recorded).toEqual({ distinct: entry.distinct, depth: entry.depth, asRecorded: true });
    expect(formatReport(same)).not.toContain("NOT as recorded");
    // The same run against a record the spec has since outgrown: the verdict is still as expected.
    const stale = await checkModel({ ...entry, distinct: entry.distinct + 1 });
    expect(stale).toMatchObject({ asExpected: true, recorded: { asRecorded: false } });
    expect(formatReport(stale)).toContain(
      `recorded in spec/models.json: distinct states ${entry.distinct + 1}, depth ${entry.depth} (NOT as recorded)`,
    );
    const deeper = await checkModel({ ...entry, depth: entry.depth + 1 });
    expect(deeper.recorded?.asRecorded).toBe(false);
    // A run stopped before the end of its search (here, by its timeout) counted only part of the states.
    const partial = { distinct: entry.distinct - 1, depth: entry.depth - 1 };
    expect(recordedOf(entry, { outcome: "timeout", stats: partial }, true)).toEqual({});
    expect(recordedOf(entry, { outcome: "safety", stats: partial }, true).recorded?.asRecorded).toBe(false);
    // Two workers may count differently: nothing is compared.
    if (availableParallelism() >= 2)
      expect((await checkModel(entry, { workers: 2 })).recorded).toBeUndefined();
  });
});

describe("traces and conform", () => {
  it("a missing model is one clear error naming the file, exit 2", () => {
    const r = cli(["traces", "--model", "MCnope", "--source", "graph"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: MODEL at \S+\/spec\/MCnope\.tla: model MCnope: no such file/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("an unknown trace source is a usage error, exit 2", () => {
    const r = cli(["traces", "--source", "graph,replay"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /expected a comma-separated list of graph, simulate, counterexample, trap, goals/,
    );
  });

  it("an unreadable trace file is an input error, exit 2, not a divergence", () => {
    const missing = join(tmpdir(), "fscache-no-such-trace.ndjson");
    const r = cli(["conform", missing]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/TRACE_IO at \S+fscache-no-such-trace\.ndjson/);
    expect(r.stdout).toMatch(/^INCOMPLETE: 0 traces/m);
  });
});
