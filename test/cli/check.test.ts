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
});
