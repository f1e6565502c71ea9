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

  it("accepts a repair added to PRE_FIX, and rejects one added to POST_FIX_REPAIRED", async () => {
    const pre = { ...ci, variant: "PRE_FIX", expect: "safety", property: "NoOops" };
    await expect(read([pre, { ...pre, with: "F9" }])).resolves.toHaveLength(2);
    await expect(read([{ ...ci, with: "F9" }])).rejects.toThrow(
      /entry \/0\/variant: must be equal to one of/,
    );
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

  it("refuses --with in POST_FIX_REPAIRED", () => {
    expect(() => findEntry([ci], "ci", "POST_FIX_REPAIRED", undefined, "F9")).toThrow(
      "--with F9: a repair can be added only to POST_FIX or PRE_FIX (POST_FIX_REPAIRED has them all)",
    );
  });

  it("tells an entry with an added repair from the one without", () => {
    const pre = { ...ci, variant: "PRE_FIX" as const, expect: "safety" as const };
    const withF9 = { ...pre, with: "F9" as const, distinct: 7 };
    expect(findEntry([pre, withF9], "ci", "PRE_FIX", undefined, "F9")).toBe(withF9);
    expect(findEntry([pre, withF9], "ci", "PRE_FIX")).toBe(pre);
  });

  it("falls back to the model's files, expecting a pass, for a combination not in the manifest", () => {
    expect(findEntry([ci], "ci", "POST_FIX_REPAIRED", "F4")).toEqual({ ...ci, without: "F4" });
  });
});
