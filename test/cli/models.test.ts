// The model manifest reader: a manifest that cannot be used is one ManifestError naming the file and entry.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findEntry, ManifestError, type ModelEntry, readManifest } from "../../src/cli/models.ts";

const dir = mkdtempSync(join(tmpdir(), "fscache-manifest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ci: ModelEntry = {
  model: "ci",
  module: "MCci.tla",
  cfg: "MCci.cfg",
  variant: "POST_FIX_REPAIRED",
  expect: "pass",
};

async function read(entries: unknown): Promise<unknown> {
  const file = join(dir, "models.json");
  writeFileSync(file, JSON.stringify(entries));
  return readManifest(file);
}

describe("readManifest", () => {
  it("accepts an entry that leaves a finding's repair out of POST_FIX_REPAIRED", async () => {
    await expect(read([ci, { ...ci, without: "F3", expect: "liveness" }])).resolves.toHaveLength(2);
  });

  it("rejects a finding left out of another design", async () => {
    const bad = read([{ ...ci, variant: "POST_FIX", without: "F3" }]);
    await expect(bad).rejects.toThrow(ManifestError);
    await expect(bad).rejects.toThrow(/models\.json: entry \/0\/variant: must be equal to constant/);
  });

  it("rejects an unknown finding", async () => {
    await expect(read([{ ...ci, without: "F99" }])).rejects.toThrow(
      /entry \/0\/without: must be equal to one of/,
    );
  });

  it("rejects two entries for one (model, variant, without)", async () => {
    await expect(read([ci, { ...ci, distinct: 1 }])).rejects.toThrow(
      /entry \/1: a second entry for ci \/ POST_FIX_REPAIRED$/,
    );
  });

  it("rejects a file that is not JSON, naming it", async () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, "[{");
    await expect(readManifest(file)).rejects.toThrow(/broken\.json: cannot read the model manifest/);
  });
});

describe("findEntry", () => {
  it("refuses --without outside POST_FIX_REPAIRED", () => {
    expect(() => findEntry([ci], "ci", "PRE_FIX", "F1")).toThrow(
      "--without F1: a repair can be left out only of POST_FIX_REPAIRED (got PRE_FIX)",
    );
  });

  it("falls back to the model's files, expecting a pass, for a combination not in the manifest", () => {
    expect(findEntry([ci], "ci", "POST_FIX_REPAIRED", "F4")).toEqual({ ...ci, without: "F4" });
  });
});
