// Surviving mutants argued equivalent (conformance/stryker/equivalent.json): each entry names one mutant by
// its file, the source line it sits on (as text, so that it survives line shifts and goes stale when the line
// changes), its mutator and its replacement, with a one-line reason why no behaviour of the implementation
// can tell it from the original. score.ts leaves them out of the score and out of the survivor list;
// test/conformance/stryker-equivalent.test.ts keeps every entry in step with the code.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";

export interface Equivalent {
  /** Path from the repository root, e.g. `src/fscache/cookie.ts`. */
  readonly file: string;
  /** The whole source line the mutant starts on, trimmed. */
  readonly code: string;
  readonly mutator: string;
  readonly replacement: string;
  readonly reason: string;
  /**
   * `conformance`: argued for the conformance-only run alone (no spec behaviour reaches or shows the mutant,
   * e.g. an assertion of the implementation's own that a conforming run never fires); the whole-suite run
   * must kill it. Absent: equivalent for every run.
   */
  readonly scope?: "conformance";
}

/** The two mutation runs (stryker.config.json: `full`; stryker.conformance.config.json: `conformance`). */
export type MutationRun = "full" | "conformance";

/** The entries that apply to `run`. */
export function equivalentsFor(entries: readonly Equivalent[], run: MutationRun): Equivalent[] {
  return entries.filter((e) => e.scope === undefined || run === "conformance");
}

export const EQUIVALENT_FILE = "conformance/stryker/equivalent.json";

const SCHEMA = {
  type: "object",
  required: ["mutants"],
  additionalProperties: false,
  properties: {
    $comment: { type: "string" },
    mutants: {
      type: "array",
      items: {
        type: "object",
        required: ["file", "code", "mutator", "replacement", "reason"],
        additionalProperties: false,
        properties: {
          file: { type: "string", pattern: "^src/fscache/[a-z/]+\\.ts$" },
          code: { type: "string", minLength: 1 },
          mutator: { type: "string", minLength: 1 },
          replacement: { type: "string" },
          reason: { type: "string", minLength: 10, pattern: "^[^\\n]+$" },
          scope: { enum: ["conformance"] },
        },
      },
    },
  },
} as const;

/** The entries of the equivalents file; throws naming the file and the first schema error. */
export function readEquivalents(root: string): Equivalent[] {
  const path = join(root, EQUIVALENT_FILE);
  const data: unknown = JSON.parse(readFileSync(path, "utf8"));
  const validate = new Ajv({ allErrors: false }).compile<{ mutants: Equivalent[] }>(SCHEMA);
  if (!validate(data)) {
    const e = validate.errors?.[0];
    throw new Error(`${EQUIVALENT_FILE}${e?.instancePath ?? ""}: ${e?.message ?? "invalid"}`);
  }
  return data.mutants;
}

/** A report mutant, as much of it as matching needs. */
export interface MutantAt {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number } };
}

/** The key an entry and a mutant share: file, trimmed line, mutator, replacement (whitespace collapsed). */
export function equivalentKey(file: string, code: string, mutator: string, replacement: string): string {
  const norm = (s: string): string => s.replace(/\s+/g, " ").trim();
  return [file, norm(code), mutator, norm(replacement)].join("\u0001");
}

/** The key of a report mutant, given its file's source as the report holds it. */
export function mutantKey(file: string, source: string, m: MutantAt): string {
  const line = source.split("\n")[m.location.start.line - 1] ?? "";
  return equivalentKey(file, line, m.mutatorName, m.replacement ?? "");
}

/** Entries whose line no longer occurs in their file (stale: the code changed) or that repeat another. */
export function staleEquivalents(root: string, entries: readonly Equivalent[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    const key = equivalentKey(e.file, e.code, e.mutator, e.replacement);
    if (seen.has(key)) problems.push(`${EQUIVALENT_FILE} entry ${i}: a duplicate of an earlier entry`);
    seen.add(key);
    let text: string;
    try {
      text = readFileSync(join(root, e.file), "utf8");
    } catch {
      problems.push(`${EQUIVALENT_FILE} entry ${i}: ${e.file} does not exist`);
      continue;
    }
    const lines = new Set(text.split("\n").map((l) => l.replace(/\s+/g, " ").trim()));
    if (!lines.has(e.code.replace(/\s+/g, " ").trim()))
      problems.push(
        `${EQUIVALENT_FILE} entry ${i}: ${e.file} no longer has the line ${JSON.stringify(e.code)}`,
      );
  }
  return problems;
}
