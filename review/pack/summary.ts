// Reads the conformance harness's record of its last run (out/conformance/summary.json) and checks it against
// the published shape; the pack shows "no conformance run recorded" when it is absent and the reason when
// it is malformed, never a guess.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";

export const SUMMARY = "out/conformance/summary.json";

export type Verdict = "CONFORMS" | "DIVERGES" | "INCOMPLETE";

export interface ConformanceRun {
  readonly model: string;
  readonly design: string;
  readonly source: string;
  readonly verdict: Verdict;
  readonly graph: { readonly states: number; readonly transitions: number } | null;
  readonly covered: { readonly states: number; readonly transitions: number };
  readonly actions: Readonly<Record<string, { readonly covered: number; readonly total: number | null }>>;
  /** "FROM->TO" object-state changes replayed. */
  readonly objectTransitions: Readonly<Record<string, number>>;
}

export interface MutantResult {
  readonly name: string;
  readonly status: "killed" | "survived" | "equivalent" | "error";
  readonly action?: string;
  readonly trace?: string;
  readonly step?: number;
  readonly killedIn?: string;
}

export interface ConformanceSummary {
  readonly version: 1;
  readonly at: string;
  readonly runs: readonly ConformanceRun[];
  readonly mutants?: readonly MutantResult[];
}

const count = { type: "integer", minimum: 0 };
const SCHEMA = {
  type: "object",
  required: ["version", "at", "runs"],
  properties: {
    version: { const: 1 },
    at: { type: "string", minLength: 1 },
    runs: {
      type: "array",
      items: {
        type: "object",
        required: [
          "model",
          "design",
          "source",
          "verdict",
          "graph",
          "covered",
          "actions",
          "objectTransitions",
        ],
        properties: {
          model: { type: "string" },
          design: { type: "string" },
          source: { type: "string" },
          verdict: { enum: ["CONFORMS", "DIVERGES", "INCOMPLETE"] },
          graph: {
            oneOf: [
              { type: "null" },
              {
                type: "object",
                required: ["states", "transitions"],
                properties: { states: count, transitions: count },
              },
            ],
          },
          covered: {
            type: "object",
            required: ["states", "transitions"],
            properties: { states: count, transitions: count },
          },
          actions: {
            type: "object",
            additionalProperties: {
              type: "object",
              required: ["covered", "total"],
              properties: { covered: count, total: { oneOf: [{ type: "null" }, count] } },
            },
          },
          objectTransitions: {
            type: "object",
            propertyNames: { pattern: "^[A-Z_]+->[A-Z_]+$" },
            additionalProperties: count,
          },
        },
      },
    },
    mutants: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "status"],
        properties: {
          name: { type: "string" },
          status: { enum: ["killed", "survived", "equivalent", "error"] },
          action: { type: "string" },
          trace: { type: "string" },
          step: count,
          killedIn: { type: "string" },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: false, strict: false }).compile<ConformanceSummary>(SCHEMA);

export type SummaryRead =
  | { readonly kind: "absent"; readonly file: string }
  | { readonly kind: "invalid"; readonly file: string; readonly error: string }
  | { readonly kind: "ok"; readonly file: string; readonly summary: ConformanceSummary };

/** Parses and validates a summary's text. */
export function parseSummary(text: string, file: string): SummaryRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { kind: "invalid", file, error: `not JSON: ${(e as Error).message}` };
  }
  if (!validate(data)) {
    const err = validate.errors?.[0];
    return { kind: "invalid", file, error: `${err?.instancePath || "/"} ${err?.message ?? "is malformed"}` };
  }
  return { kind: "ok", file, summary: data };
}

/** The last conformance run recorded under `root` (or at `file`). */
export function readSummary(root: string, file = join(root, SUMMARY)): SummaryRead {
  if (!existsSync(file)) return { kind: "absent", file };
  return parseSummary(readFileSync(file, "utf8"), file);
}

/**
 * Transitions of `action` replayed, summed over the runs, and out of how many: unknown (null) as soon as one
 * run's model graph is unknown (a goal or simulation run) or gives no total for it.
 */
export function actionCoverage(
  s: ConformanceSummary,
  action: string,
): { covered: number; total: number | null } {
  let covered = 0;
  let total: number | null = 0;
  for (const r of s.runs) {
    const a = r.actions[action];
    covered += a?.covered ?? 0;
    if (r.graph === null || (a !== undefined && a.total === null)) total = null;
    else if (total !== null) total += a?.total ?? 0;
  }
  return { covered, total };
}

/** Object-state changes replayed, summed over the runs. */
export function objectTransitionCounts(s: ConformanceSummary): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of s.runs)
    for (const [k, n] of Object.entries(r.objectTransitions)) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}
