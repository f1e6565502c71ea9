// The whole-suite mutation run (vitest.mutation.config.ts) names the tests each mutant may run and the ones it
// leaves out with a reason: every test file of test/ must be in exactly one of the two, and every entry must
// still match a file, so that a new or renamed test is neither lost nor silently run.

import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { LEFT_OUT, MUTATION_TESTS } from "../../vitest.mutation.config.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** Every `*.test.ts` under test/, as a path from the repository root. */
function testFiles(dir = "test"): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith(".test.ts") ? [`${dir}/${e.name}`] : [],
  );
}

/** Whether `file` is named by `entry`: the path itself, `dir/*.test.ts`, or a directory `dir/`. */
function names(entry: string, file: string): boolean {
  if (entry.endsWith("/*.test.ts")) {
    const dir = entry.slice(0, -"*.test.ts".length);
    return file.startsWith(dir) && !file.slice(dir.length).includes("/");
  }
  if (entry.endsWith("/")) return file.startsWith(entry);
  return file === entry;
}

describe("vitest.mutation.config.ts", () => {
  const files = testFiles();
  const entries = [...MUTATION_TESTS, ...Object.keys(LEFT_OUT)];

  it("puts every test file either among the mutation tests or among those left out, not both", () => {
    expect(files.length).toBeGreaterThan(40);
    for (const f of files) {
      const run = MUTATION_TESTS.filter((e) => names(e, f));
      const out = Object.keys(LEFT_OUT).filter((e) => names(e, f));
      expect({ file: f, entries: run.length + out.length }).toEqual({ file: f, entries: 1 });
    }
  });

  it("names only files and directories that exist, each left-out entry with a reason", () => {
    for (const e of entries) {
      expect(
        files.some((f) => names(e, f)),
        e,
      ).toBe(true);
      if (!e.endsWith("*.test.ts")) expect(existsSync(join(ROOT, e)), e).toBe(true);
    }
    for (const reason of Object.values(LEFT_OUT)) expect(reason.length).toBeGreaterThan(20);
  });
});
