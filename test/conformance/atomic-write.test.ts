// The harness's files (trace caches, summaries, graph indexes) are written through a temporary file and a
// rename: a complete write replaces the file, a failed one leaves the old file as it was and no temporary file.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeAtomically } from "../../conformance/atomicWrite.ts";

const dir = mkdtempSync(join(tmpdir(), "atomic-write-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeAtomically", () => {
  it("replaces the file once the write is complete, through a temporary file of this process", () => {
    const file = join(dir, "a.json");
    writeFileSync(file, "old");
    let seen = "";
    writeAtomically(file, (tmp) => {
      expect(tmp).toBe(`${file}.${process.pid}.tmp`);
      writeFileSync(tmp, "new");
      seen = readFileSync(file, "utf8");
    });
    // While the temporary file was written, a reader still saw the old content.
    expect(seen).toBe("old");
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["a.json"]);
  });

  it("leaves the old file and no temporary file when the write fails half-way", () => {
    const file = join(dir, "b.json");
    writeFileSync(file, "old");
    expect(() =>
      writeAtomically(file, (tmp) => {
        writeFileSync(tmp, "half");
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    expect(readFileSync(file, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["a.json", "b.json"]);
  });
});
