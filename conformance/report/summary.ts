// The summary of the last conformance run, for readers that do not run anything (the review pack): per run
// its model, design, verdict and coverage (per action, and object-state changes replayed); per mutant what
// killed it. Written to out/conformance/summary.json by `conform` and `npm start`: a run replaces the entry
// of the same model, design and source and keeps the others, so runs of several models add up.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeAtomically } from "../atomicWrite.ts";

export interface SummaryRun {
  readonly model: string;
  readonly design: string;
  readonly source: string;
  readonly verdict: "CONFORMS" | "DIVERGES" | "INCOMPLETE";
  readonly graph: { states: number; transitions: number } | null;
  readonly covered: { states: number; transitions: number };
  readonly actions: Record<string, { covered: number; total: number | null }>;
  readonly objectTransitions: Record<string, number>;
}

export interface SummaryMutant {
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
  readonly runs: readonly SummaryRun[];
  readonly mutants?: readonly SummaryMutant[];
}

function previous(file: string): ConformanceSummary | undefined {
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as ConformanceSummary;
    return s.version === 1 && Array.isArray(s.runs) ? s : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records runs (replacing earlier ones of the same model, design and source) and, when given, the mutant
 * results (replacing earlier ones). Written to a temporary file and renamed, so a reader never sees half.
 */
export function writeSummary(
  file: string,
  runs: readonly SummaryRun[],
  mutants?: readonly SummaryMutant[],
): void {
  const old = previous(file);
  const key = (r: SummaryRun): string => `${r.model}\u0000${r.design}\u0000${r.source}`;
  const fresh = new Set(runs.map(key));
  const kept = (old?.runs ?? []).filter((r) => !fresh.has(key(r)));
  const m = mutants ?? old?.mutants;
  const s: ConformanceSummary = {
    version: 1,
    at: new Date().toISOString(),
    runs: [...kept, ...runs],
    ...(m ? { mutants: m } : {}),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeAtomically(file, (tmp) => writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`));
}
