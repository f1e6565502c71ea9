// A conformance run: replay trace sets (files or in memory) against one implementation adapter, collect
// divergences, file errors and coverage, and give one result that the CLI prints as text, JSON or JUnit.

import { CoverageTracker, formatCoverage, type CoverageReport } from "./coverage.ts";
import { formatError, type ConformanceError, type StateMismatchError } from "./errors.ts";
import type { Json } from "./json.ts";
import { replayAll, type TraceOutcome } from "./replay/lockstep.ts";
import type { ReplayAdapter } from "./replay/target.ts";
import type { JunitSuite } from "./report/junit.ts";
import type { Progress } from "./report/progress.ts";
import { readTraceFile } from "./trace/reader.ts";
import type { TraceSet } from "./trace/format.ts";

/** A trace set to replay, with the name reports use for it (its file path) and how to replay one trace. */
export interface ConformInput {
  readonly name: string;
  readonly set?: TraceSet;
  /** Read from here when `set` is absent. */
  readonly file?: string;
}

export interface SetResult {
  readonly name: string;
  readonly source: string | null;
  readonly traces: number;
  readonly steps: number;
  readonly ms: number;
  readonly failures: StateMismatchError[];
  readonly errors: ConformanceError[];
  readonly outcomes: TraceOutcome[];
}

export interface ConformResult {
  readonly ok: boolean;
  readonly sets: SetResult[];
  readonly traces: number;
  readonly steps: number;
  readonly ms: number;
  readonly stepsPerSecond: number;
  readonly coverage: CoverageReport;
}

export interface ConformOptions {
  /** Only the trace with this id (replay of one reported failure). */
  readonly traceId?: string;
  readonly checkEnabled?: boolean;
  readonly stopAtFirstFailure?: boolean;
  /** The command prefix that replays one trace of `file`: `<prefix> <file> --trace <id>`. */
  readonly replayCommand: (file: string, traceId: string) => string;
  readonly progress?: Progress;
}

export async function conform(
  adapter: ReplayAdapter,
  inputs: readonly ConformInput[],
  opts: ConformOptions,
): Promise<ConformResult> {
  const coverage = new CoverageTracker();
  const sets: SetResult[] = [];
  let graphTotals: TraceSet["header"]["graph"];
  const loaded = inputs.map((inp) => {
    if (inp.set) return { inp, set: inp.set, errors: [] as ConformanceError[] };
    const r = readTraceFile(inp.file ?? inp.name, { knownActions: adapter.knownActions });
    return { inp, set: r.header ? { header: r.header, traces: r.traces } : undefined, errors: r.errors };
  });
  const total = loaded.reduce((a, l) => a + (l.set?.traces.length ?? 0), 0);
  opts.progress?.start(total, "conform");
  for (const { inp, set, errors } of loaded) {
    if (!set) {
      sets.push({
        name: inp.name,
        source: null,
        traces: 0,
        steps: 0,
        ms: 0,
        failures: [],
        errors,
        outcomes: [],
      });
      continue;
    }
    graphTotals ??= set.header.graph;
    const traces = opts.traceId === undefined ? set.traces : set.traces.filter((t) => t.id === opts.traceId);
    const s = await replayAll(adapter, set.header, traces, {
      replayCommand: (id) => opts.replayCommand(inp.file ?? inp.name, id),
      coverage,
      checkEnabled: opts.checkEnabled ?? true,
      stopAtFirstFailure: opts.stopAtFirstFailure ?? false,
      onTrace: () => opts.progress?.tick(),
    });
    sets.push({
      name: inp.name,
      source: set.header.source,
      traces: traces.length,
      steps: s.steps,
      ms: s.ms,
      failures: s.outcomes.flatMap((o) => (o.error ? [o.error] : [])),
      errors,
      outcomes: s.outcomes,
    });
    if (opts.stopAtFirstFailure && s.failed > 0) break;
  }
  opts.progress?.stop();
  const totals = coverage.report(graphTotals);
  const steps = sets.reduce((a, s) => a + s.steps, 0);
  const ms = sets.reduce((a, s) => a + s.ms, 0);
  return {
    ok: sets.every((s) => s.failures.length === 0 && s.errors.length === 0),
    sets,
    traces: sets.reduce((a, s) => a + s.traces, 0),
    steps,
    ms,
    stepsPerSecond: ms > 0 ? (steps * 1000) / ms : 0,
    coverage: totals,
  };
}

/** The first failing trace of a run, if any. */
export function firstFailure(r: ConformResult): StateMismatchError | undefined {
  for (const s of r.sets) if (s.failures[0]) return s.failures[0];
  return undefined;
}

export function formatConformResult(r: ConformResult): string {
  const lines: string[] = [];
  for (const s of r.sets) {
    lines.push(
      `${s.name} (${s.source ?? "unreadable"}): ${s.traces} traces, ${s.steps} steps, ${s.failures.length} failing, ${s.errors.length} file errors`,
    );
    for (const e of s.errors) lines.push(`  ${formatError(e).replace(/\n/g, "\n  ")}`);
    for (const f of s.failures.slice(0, 5)) lines.push(`  ${formatError(f).replace(/\n/g, "\n  ")}`);
    if (s.failures.length > 5) lines.push(`  … and ${s.failures.length - 5} more failing traces`);
  }
  lines.push(
    `${r.ok ? "CONFORMS" : "DIVERGES"}: ${r.traces} traces, ${r.steps} steps in ${(r.ms / 1000).toFixed(2)}s (${Math.round(r.stepsPerSecond)} steps/s)`,
  );
  lines.push(formatCoverage(r.coverage));
  return lines.join("\n");
}

export function conformJson(r: ConformResult): Json {
  return {
    ok: r.ok,
    traces: r.traces,
    steps: r.steps,
    ms: Math.round(r.ms),
    stepsPerSecond: Math.round(r.stepsPerSecond),
    coverage: r.coverage as unknown as Json,
    sets: r.sets.map((s) => ({
      name: s.name,
      source: s.source,
      traces: s.traces,
      steps: s.steps,
      failures: s.failures.map((f) => f.toJSON()),
      errors: s.errors.map((e) => e.toJSON()),
    })),
  };
}

export function conformJunit(r: ConformResult, suitePrefix = "conformance"): JunitSuite[] {
  return r.sets.map((s) => ({
    name: `${suitePrefix}:${s.name}`,
    errors: s.errors,
    cases: s.outcomes.map((o) => {
      const c = { name: o.trace, classname: `${suitePrefix}.${s.source ?? "unknown"}`, seconds: 0 };
      return o.error ? { ...c, failure: o.error } : c;
    }),
  }));
}
