// Shows that each safety property of spec/FSCache.tla can fail: for each row of spec/mutants.json a deliberately
// wrong step of spec/MCmutants.tla is swapped in with a cfg override (`Op <- MutOp`) on the CI model in the
// design where every property holds (POST_FIX_REPAIRED), and TLC must report exactly that property violated.
// A mutant TLC cannot check (the spec does not parse, TLC fails or times out) is an error, not a missed row.

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import { withTempDir } from "../tla/cleanup.ts";
import { runTlc, type TlcRun } from "../tla/index.ts";
import { describeTlcError, VERDICT } from "./check.ts";
import { CliError } from "./errors.ts";
import { readJsonManifest, SPEC_DIR } from "./models.ts";

export interface SpecMutant {
  readonly property: string;
  readonly kind: "invariant" | "action-property";
  readonly override: { readonly operator: string; readonly with: string };
  /** Constants that replace the CI model's values for this row (e.g. a longer run for the barrier). */
  readonly constants?: Readonly<Record<string, number>>;
}

export interface SpecMutantResult {
  readonly mutant: SpecMutant;
  /** True when TLC reported this row's property, and no other, violated. */
  readonly shown: boolean;
  readonly outcome: string;
  readonly violated?: string;
  readonly depth?: number;
  readonly wallMs: number;
}

const MANIFEST = join(SPEC_DIR, "mutants.json");
const BASE_CFG = join(SPEC_DIR, "MCci.cfg");

const validate = new Ajv({ strict: false }).compile<SpecMutant[]>({
  type: "array",
  items: {
    type: "object",
    required: ["property", "kind", "override"],
    properties: {
      property: { type: "string" },
      kind: { enum: ["invariant", "action-property"] },
      override: {
        type: "object",
        required: ["operator", "with"],
        properties: { operator: { type: "string" }, with: { type: "string" } },
      },
      constants: { type: "object", additionalProperties: { type: "integer" } },
    },
  },
});

export function readSpecMutants(file = MANIFEST): Promise<SpecMutant[]> {
  return readJsonManifest(file, "spec mutants", validate, "{property, kind, override}");
}

/**
 * The mutant's cfg: the CI model's SPECIFICATION and CONSTANTS (with this row's constants replaced), the
 * override, and only this row's property, so any other violation cannot be mistaken for it.
 */
export function mutantCfg(base: string, m: SpecMutant): string {
  const lines = base.split("\n");
  const end = lines.findIndex((l) => /^\s*VIEW\b/.test(l));
  if (end < 0) throw new CliError("spec", `${BASE_CFG}: expected a VIEW line after the CONSTANTS`);
  const head = lines.slice(0, end).map((l) => {
    const key = /^\s*(\w+)\s*=/.exec(l)?.[1];
    const value = key === undefined ? undefined : m.constants?.[key];
    return value === undefined ? l : `    ${key} = ${value}`;
  });
  return [
    ...head,
    `    ${m.override.operator} <- ${m.override.with}`,
    "VIEW varsButLastAction",
    "CHECK_DEADLOCK FALSE",
    `${m.kind === "invariant" ? "INVARIANT" : "PROPERTY"} ${m.property}`,
    'CONSTANT DESIGN = "POST_FIX_REPAIRED"',
    "",
  ].join("\n");
}

/** Outcomes in which TLC finished the check it was asked for; any other means the mutant could not be run. */
const CHECKED: ReadonlySet<TlcRun["outcome"]> = new Set([
  "success",
  "safety",
  "liveness",
  "deadlock",
  "assert",
]);

/**
 * Runs one mutant. Rejects with CliError when TLC could not check it (it names the first error TLC reported,
 * with its file and position).
 */
export async function runSpecMutant(m: SpecMutant, timeoutMs = 600_000): Promise<SpecMutantResult> {
  const run = await withTempDir("fscache-specmut-", async (dir) => {
    const cfg = join(dir, "mut.cfg");
    await writeFile(cfg, mutantCfg(await readFile(BASE_CFG, "utf8"), m));
    return runTlc({ spec: join(SPEC_DIR, "MCmutants.tla"), config: cfg, timeoutMs, liveness: "final" });
  });
  if (!CHECKED.has(run.outcome)) {
    const first = run.errors[0];
    const detail = first === undefined ? "" : `: ${describeTlcError(first)}`;
    throw new CliError("spec", `spec-mutants ${m.property}: ${VERDICT[run.outcome]}${detail}`);
  }
  const violated = run.violation?.name;
  return {
    mutant: m,
    shown: run.violation?.kind === m.kind && violated === m.property,
    outcome: run.outcome,
    ...(violated === undefined ? {} : { violated }),
    ...(run.stats.depth === undefined ? {} : { depth: run.stats.depth }),
    wallMs: Math.round(run.wallMs),
  };
}

export function formatSpecMutant(r: SpecMutantResult): string {
  const m = r.mutant;
  const how = `${m.override.operator} <- ${m.override.with}`;
  return r.shown
    ? `${m.property}: violated as expected (${how}; ${r.wallMs} ms)`
    : `${m.property}: NOT shown (${how}): TLC said ${r.outcome}${r.violated === undefined ? "" : ` (${r.violated})`}`;
}
