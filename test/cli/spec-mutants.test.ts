// The spec-mutant manifest reader and the cfg it builds, and the command on a spec TLC cannot check; running the
// mutants under TLC is test/spec/mutants.test.ts.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ManifestError } from "../../src/cli/models.ts";
import { mutantCfg, readSpecMutants } from "../../src/cli/spec-mutants.ts";
import { cli, projectCopy } from "./project.ts";

const dir = mkdtempSync(join(tmpdir(), "fscache-specmut-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe("readSpecMutants", () => {
  it("rejects a row without an override, naming the file and entry", async () => {
    const f = file("no-override.json", JSON.stringify([{ property: "TypeOK", kind: "invariant" }]));
    const r = readSpecMutants(f);
    await expect(r).rejects.toThrow(ManifestError);
    await expect(r).rejects.toThrow(/no-override\.json: entry \/0: must have required property 'override'/);
  });

  it("rejects a file that is not JSON", async () => {
    await expect(readSpecMutants(file("broken.json", "[{"))).rejects.toThrow(
      /broken\.json: cannot read the spec mutants/,
    );
  });
});

describe("mutantCfg", () => {
  it("keeps the model's constants, adds the override and checks only the row's property", () => {
    const base =
      "SPECIFICATION Spec\nCONSTANTS\n    MaxCalls = 2\n    MaxOps = 2\nVIEW varsButLastAction\nINVARIANTS\n    TypeOK\n";
    const cfg = mutantCfg(base, {
      property: "InvalidationBarrier",
      kind: "invariant",
      override: { operator: "InvalidateWrites", with: "MutInvalidateWrites" },
      constants: { MaxCalls: 3 },
    });
    expect(cfg.split("\n")).toEqual([
      "SPECIFICATION Spec",
      "CONSTANTS",
      "    MaxCalls = 3",
      "    MaxOps = 2",
      "    InvalidateWrites <- MutInvalidateWrites",
      "VIEW varsButLastAction",
      "CHECK_DEADLOCK FALSE",
      "INVARIANT InvalidationBarrier",
      'CONSTANT DESIGN = "POST_FIX_REPAIRED"',
      "",
    ]);
  });
});

describe("spec-mutants on a spec TLC cannot check", () => {
  it("exits 2 with one message at the file, line and column (a missed row would be exit 1)", () => {
    const copy = projectCopy();
    try {
      const file = join(copy.root, "spec", "MCmutants.tla");
      const text = readFileSync(file, "utf8");
      writeFileSync(file, text.replace("usage = @ - 2]", "usage = @ - ]"));
      const r = cli(["spec-mutants", "TypeOK"], { root: copy.root });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^error: spec-mutants TypeOK: the spec does not parse: \S+\/spec\/MCmutants\.tla:\d+:\d+: Encountered "\]"[^\n]*\n$/,
      );
    } finally {
      copy.remove();
    }
  });
});
