// The `check` command as a user runs it: a real process, the real TLC. The pre-fix design exits 1 and prints
// the oops interleaving; usage and environment errors exit 2 with one message.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function cli(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args], {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("check", () => {
  it("on the pre-fix design exits 1 and prints the oops as a numbered interleaving", () => {
    const r = cli(["check", "--model", "ci", "--variant", "PRE_FIX"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/design PRE_FIX: invariant violated \(NoOops\)/);
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
      const r = cli(["check", "--model", "ci"], { ...process.env, PATH: bin, FSCACHE_TLC_JAR: "" });
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
