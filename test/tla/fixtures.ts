// Loads the recorded TLC 2.18 outputs in test/fixtures/tla (re-record with test/fixtures/tla/record.sh).

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** test/fixtures/tla */
export const FIXTURES = fileURLToPath(new URL("../fixtures/tla/", import.meta.url));
/** test/fixtures/tla/specs */
export const SPECS = fileURLToPath(new URL("../fixtures/tla/specs/", import.meta.url));

/** A fixture file's text. */
export function fixture(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, "utf8");
}

/** A recorded run: its output and exit code. */
export function recorded(name: string): { output: string; exitCode: number } {
  return { output: fixture(`${name}.out`), exitCode: Number(fixture(`${name}.exit`).trim()) };
}
