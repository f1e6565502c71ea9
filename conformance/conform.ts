// A conformance run: replay trace sets (files or in memory) against one implementation adapter, collect
// divergences, file errors and coverage, and give one result that the CLI prints as text, JSON or JUnit.
// Files are streamed: each trace is replayed as soon as its last line is read.

import { CoverageTracker, formatCoverage, type CoverageReport } from "./coverage.ts";
import { ConformanceError, formatError, type StateMismatchError } from "./errors.ts";
import { constantsProblem } from "./mapping/model.ts";
import type { Json } from "./json.ts";
import { replayTrace, type TraceOutcome } from "./replay/lockstep.ts";
import type { ReplayAdapter } from "./replay/target.ts";
import type { JunitSuite } from "./report/junit.ts";
import type { Progress } from "./report/progress.ts";
import { streamTraceFile } from "./trace/reader.ts";
import type { Trace, TraceHeader, TraceSet } from "./trace/format.ts";

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
  const total = inputs.reduce((a, i) => a + (i.set?.traces.length ?? 0), 0);
  opts.progress?.start(total, "conform");
  for (const inp of inputs) {
    const r = await replaySet(adapter, inp, coverage, opts);
    graphTotals ??= r.graph;
    sets.push(r.result);
    if (opts.stopAtFirstFailure && r.result.failures.length > 0) break;
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

/** The traces of one input: from memory, or streamed from its file as they are read. */
async function* tracesOf(
  inp: ConformInput,
  adapter: ReplayAdapter,
  errors: ConformanceError[],
): AsyncGenerator<{ header: TraceHeader } | { trace: Trace }> {
  if (inp.set) {
    yield { header: inp.set.header };
    for (const trace of inp.set.traces) yield { trace };
    return;
  }
  for await (const item of streamTraceFile(inp.file ?? inp.name, errors, {
    knownActions: adapter.knownActions,
  })) {
    yield item.kind === "header" ? { header: item.header } : { trace: item.trace };
  }
}

/** Replays one input, trace by trace, while it is read. */
async function replaySet(
  adapter: ReplayAdapter,
  inp: ConformInput,
  coverage: CoverageTracker,
  opts: ConformOptions,
): Promise<{ result: SetResult; graph: TraceSet["header"]["graph"] }> {
  const errors: ConformanceError[] = [];
  const outcomes: TraceOutcome[] = [];
  let header: TraceHeader | undefined;
  let steps = 0;
  let ms = 0;
  const replayOptions = {
    replayCommand: (id: string) => opts.replayCommand(inp.file ?? inp.name, id),
    coverage,
    checkEnabled: opts.checkEnabled ?? true,
  };
  for await (const item of tracesOf(inp, adapter, errors)) {
    if ("header" in item) {
      // Constants that cannot set up an implementation are a file error, not a divergence of each trace.
      const problem = constantsProblem(item.header.constants);
      if (problem !== undefined) {
        errors.push(
          new ConformanceError("TRACE_HEADER", `header: ${problem}`, { file: inp.file ?? inp.name, line: 1 }),
        );
        break;
      }
      header = item.header;
      if (!inp.set && item.header.traces !== undefined) opts.progress?.start(item.header.traces, "conform");
      continue;
    }
    if (!header || (opts.traceId !== undefined && item.trace.id !== opts.traceId)) continue;
    const t0 = performance.now();
    const o = await replayTrace(adapter, header, item.trace, replayOptions);
    ms += performance.now() - t0;
    outcomes.push(o);
    steps += o.steps;
    opts.progress?.tick();
    if (o.error && opts.stopAtFirstFailure) break;
  }
  const result: SetResult = {
    name: inp.name,
    source: header?.source ?? null,
    traces: outcomes.length,
    steps,
    ms,
    failures: outcomes.flatMap((o) => (o.error ? [o.error] : [])),
    errors,
    outcomes,
  };
  return { result, graph: header?.graph };
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
    `${verdictOf(r)}: ${r.traces} traces, ${r.steps} steps in ${(r.ms / 1000).toFixed(2)}s (${Math.round(r.stepsPerSecond)} steps/s)`,
  );
  lines.push(formatCoverage(r.coverage));
  return lines.join("\n");
}

/** CONFORMS; DIVERGES when a trace diverged; INCOMPLETE when only unreadable or malformed input stopped it. */
function verdictOf(r: ConformResult): string {
  if (r.ok) return "CONFORMS";
  return r.sets.some((s) => s.failures.length > 0) ? "DIVERGES" : "INCOMPLETE";
}

/** The exit code of a conformance run: 0 conforms, 1 a trace diverged, 2 only input errors (bad trace files). */
export function conformExitCode(r: ConformResult): number {
  if (r.ok) return 0;
  return r.sets.some((s) => s.failures.length > 0) ? 1 : 2;
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
