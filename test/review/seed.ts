// Seeded faults: a copy of the checkout's spec, sources and review data in a temporary directory with one
// exact textual edit applied, so a test can show a check failing at the place the edit broke.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

export interface Edit {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}

/** The 1-based line of the first occurrence of `text` in a checkout file. */
export function lineOf(file: string, text: string, root = ROOT): number {
  const i = readFileSync(join(root, file), "utf8").indexOf(text);
  if (i < 0) throw new Error(`${file}: ${JSON.stringify(text)} not found`);
  return readFileSync(join(root, file), "utf8").slice(0, i).split("\n").length;
}

/** A temporary copy with `edits` applied (each `find` must occur exactly once); `dispose` removes it. */
export function seedTree(edits: readonly Edit[]): { root: string; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), "review-seed-"));
  for (const d of ["spec", "src", "conformance", "review", "scripts", "tsconfig.json"]) {
    cpSync(join(ROOT, d), join(root, d), { recursive: true, filter: (s) => !s.includes("/data/") });
  }
  for (const e of edits) {
    const path = join(root, e.file);
    const text = readFileSync(path, "utf8");
    const n = text.split(e.find).length - 1;
    if (n !== 1) throw new Error(`seed: ${e.file} has ${n} occurrences of ${JSON.stringify(e.find)}`);
    writeFileSync(path, text.replace(e.find, e.replace));
  }
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
