// The harness's CLI sub-commands, mounted by src/cli/main.ts: `traces` generates trace sets from TLC (graph,
// simulate, counterexample, trap, goals) and writes them as NDJSON; `conform` replays either a model's whole
// state graph streamed from TLC (--model; in worker threads, or one shard of a CI matrix) or trace files,
// against the implementation, a mutant, or every mutant; `conform-merge` joins shard results. Text, --json
// and --junit output; progress on a terminal. runPipeline() is the conformance part of `npm start`.

import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import {
  conform,
  conformExitCode,
  conformJson,
  conformJunit,
  formatConformResult,
  type ConformInput,
} from "./conform.ts";
import { ConformanceError, formatError } from "./errors.ts";
import {
  actionGoals,
  counterexampleTraces,
  graphTraces,
  simulationTraces,
  trapTraces,
  withConstants,
  type Generated,
} from "./generate/generate.ts";
import { goalsOf } from "./generate/goals.ts";
import { loadModel, type Model } from "./generate/model.ts";
import { tlcPort } from "./generate/tlcPort.ts";
import { prepareGraph, replayGraphHere, type PreparedGraph, type Shard } from "./graphRun.ts";
import { graphResultJson, mergeResults, type GraphResultJson } from "./graphResult.ts";
import { KNOWN_ACTIONS, labelAgrees } from "./mapping/actions.ts";
import { fsCacheAdapter, loadImplementation } from "./mapping/adapter.ts";
import { MUTANTS } from "./mutants/mutants.ts";
import { formatMutantResults, runMutants, type MutantResult, type SuiteItem } from "./mutants/run.ts";
import { replayGraphParallel } from "./parallel/pool.ts";
import { junitXml, type JunitSuite } from "./report/junit.ts";
import { progressBar } from "./report/progress.ts";
import { writeSummary, type SummaryMutant, type SummaryRun } from "./report/summary.ts";
import { writeTraceSet } from "./trace/writer.ts";
import { DESIGNS, type Design, type TraceSet } from "./trace/format.ts";

const REPO = resolve(import.meta.dirname, "..");
const SRC = join(REPO, "src");
/** Where every conformance run leaves its summary (the review pack reads it). */
export const SUMMARY_FILE = join(REPO, "out", "conformance", "summary.json");

/** The command that replays one trace: what every failure report prints. */
export function replayCommand(file: string, traceId: string, mutant?: string): string {
  return `npm run cli -- conform ${file} --trace ${traceId}${mutant ? ` --mutant ${mutant}` : ""}`;
}

/** Where traces come from (conformance/README.md). */
export const TRACE_SOURCES = ["graph", "simulate", "counterexample", "trap", "goals"] as const;

/** Bounds on simulation sizes and TLC run time: larger values are usage errors, not hour-long runs. */
export const LIMITS = { num: 100_000, depth: 10_000, timeoutS: 24 * 3600, workers: 64 } as const;

function unknownSources(list: readonly string[]): string[] {
  return list.filter((s) => !(TRACE_SOURCES as readonly string[]).includes(s));
}

export interface TracesOptions {
  model: string;
  modelDir?: string;
  design: Design;
  sources: string[];
  out: string;
  seed: number;
  num: number;
  depth: number;
  timeoutMs?: number;
}

/** Writes a file, turning any failure into one ConformanceError naming it (exit 2). */
function writeOut(file: string, what: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    throw new ConformanceError("OUTPUT", `cannot write the ${what}: ${(e as Error).message}`, { file });
  }
}

/** Generates the requested trace sets in memory (one per source). */
export async function generateTraceSets(
  o: Omit<TracesOptions, "out">,
  log: (s: string) => void = () => undefined,
): Promise<{ source: string; set: TraceSet }[]> {
  const unknown = unknownSources(o.sources);
  if (unknown.length > 0) throw new ConformanceError("MODEL", `unknown trace source ${unknown.join(", ")}`);
  const loaded = loadModel(join(REPO, "spec"), o.model, o.design, o.modelDir ?? join(REPO, "spec"));
  const base = o.timeoutMs === undefined ? loaded : { ...loaded, timeoutMs: o.timeoutMs };
  // Trap runs print the model's constants themselves (trapTraces): only the other sources need a run first.
  const model = o.sources.every((s) => s === "trap" || s === "goals")
    ? base
    : await withConstants(tlcPort, base);
  const sets: { source: string; set: TraceSet }[] = [];
  const failed: ConformanceError[] = [];
  const keep = (source: string, g: Generated): void => {
    for (const e of g.errors) log(formatError(e));
    sets.push({ source, set: g.set });
  };
  for (const s of o.sources) {
    try {
      await generateSource(s);
    } catch (e) {
      // One failing source (a TLC error, a malformed dump) does not stop the others; the run still fails.
      if (!(e instanceof ConformanceError)) throw e;
      failed.push(e);
    }
  }
  const [first] = failed;
  if (first === undefined) return sets;
  if (failed.length === 1) throw first;
  throw new ConformanceError(
    first.code,
    `${failed.length} of ${o.sources.length} trace sources failed:\n${failed.map(formatError).join("\n")}`,
  );

  async function generateSource(s: string): Promise<void> {
    if (s === "graph") keep(s, await graphTraces(tlcPort, model, labelAgrees));
    else if (s === "simulate")
      keep(s, await simulationTraces(tlcPort, model, { num: o.num, depth: o.depth, seed: o.seed }));
    else if (s === "counterexample") keep(s, await counterexampleTraces(tlcPort, model));
    else if (s === "trap") {
      const bar = progressBar(true);
      const goals = actionGoals([...KNOWN_ACTIONS]);
      bar.start(goals.length, "trap");
      const g = await trapTraces(tlcPort, model, goals, () => bar.tick());
      bar.stop();
      if (g.unreachable?.length) log(`unreachable goals: ${g.unreachable.join(", ")}`);
      keep(s, g);
    } else {
      // Protocol goals (conformance/generate/goals.ts) written for this trap model.
      const goals = goalsOf(model.module, model.design);
      if (goals.length === 0)
        throw new ConformanceError(
          "MODEL",
          `${model.module} has no protocol goals (conformance/generate/goals.ts)`,
        );
      const g = await trapTraces(tlcPort, model, goals);
      if (g.unreachable?.length) log(`unreachable goals: ${g.unreachable.join(", ")}`);
      keep(s, g);
    }
  }
}

/** Generates the requested trace sets and writes one NDJSON file per source; returns the file names. */
export async function generateTraces(
  o: TracesOptions,
  log: (s: string) => void = () => undefined,
): Promise<string[]> {
  const files: string[] = [];
  for (const { source, set } of await generateTraceSets(o, log)) {
    const file = join(o.out, `${o.model}-${o.design}-${source}.ndjson`);
    writeOut(file, "trace file", () => writeTraceSet(file, set));
    log(`${file}: ${set.traces.length} traces`);
    files.push(file);
  }
  return files;
}

export interface ConformCliOptions {
  trace?: string;
  mutant?: string;
  mutants?: boolean;
  json?: boolean;
  junit?: string;
  enabled: boolean;
  design?: Design;
  workers?: number;
  /** Where the summary of the run goes (default SUMMARY_FILE; tests point it elsewhere). */
  summary?: string;
}

function selectedMutants(o: ConformCliOptions): typeof MUTANTS {
  const selected = MUTANTS.filter((m) => o.mutants || m.name === o.mutant);
  if (selected.length === 0) {
    throw new ConformanceError(
      "UNKNOWN_MUTANT",
      `no mutant "${o.mutant}" (expected one of: ${MUTANTS.map((m) => m.name).join(", ")})`,
    );
  }
  return selected;
}

/** Runs mutants against a suite; prints and returns the exit code (0 when each is killed or equivalent). */
async function mutantRun(
  suite: readonly SuiteItem[],
  o: ConformCliOptions,
  out: (s: string) => void,
): Promise<number> {
  const results = await runMutants(selectedMutants(o), {
    repoRoot: REPO,
    srcRoot: SRC,
    suite,
    workers: o.workers ?? 1,
    makeAdapter: async (root, opts) =>
      fsCacheAdapter(
        await loadImplementation(root),
        opts["design"] ? { design: opts["design"] as Design } : {},
      ),
    replayCommand: (f, id, m) => replayCommand(f, id, m),
    progress: progressBar(!o.json),
  });
  writeSummaryFile(o.summary ?? SUMMARY_FILE, [], summaryMutants(results));
  if (o.json)
    out(
      JSON.stringify(
        results.map((r) => ({ ...r, killedBy: r.killedBy?.toJSON(), error: r.error?.toJSON() })),
        null,
        2,
      ),
    );
  else out(formatMutantResults(results));
  return results.every((r) => r.status === "killed" || r.status === "equivalent") ? 0 : 1;
}

function summaryMutants(results: readonly MutantResult[]): SummaryMutant[] {
  return results.map((r) => ({
    name: r.name,
    status: r.status,
    ...(r.killedBy
      ? {
          action: r.killedBy.action,
          trace: r.killedBy.trace,
          step: r.killedBy.step,
          killedIn: r.killedIn ?? "",
        }
      : {}),
  }));
}

function writeSummaryFile(
  file: string,
  runs: readonly SummaryRun[],
  mutants?: readonly SummaryMutant[],
): void {
  writeOut(file, "conformance summary", () => writeSummary(file, runs, mutants));
}

/** Replays files against the implementation (or a mutant / all mutants); returns the process exit code. */
export async function runConform(
  files: string[],
  o: ConformCliOptions,
  out: (s: string) => void,
): Promise<number> {
  const inputs: ConformInput[] = files.map((f) => ({ name: f, file: f }));
  if (o.mutants || o.mutant)
    return mutantRun(
      inputs.map((input) => ({ kind: "traces", input })),
      o,
      out,
    );
  const adapter = fsCacheAdapter(await loadImplementation(SRC), o.design ? { design: o.design } : {});
  const r = await conform(adapter, inputs, {
    ...(o.trace !== undefined ? { traceId: o.trace } : {}),
    checkEnabled: o.enabled,
    replayCommand: (f, id) => replayCommand(f, id),
    progress: progressBar(!o.json),
  });
  if (o.trace !== undefined && r.traces === 0 && r.sets.every((s) => s.errors.length === 0)) {
    throw new ConformanceError("UNKNOWN_TRACE", `no trace "${o.trace}" in ${files.join(", ")}`);
  }
  if (o.junit) {
    const junit = o.junit;
    writeOut(junit, "JUnit report", () => writeFileSync(junit, junitXml(conformJunit(r))));
  }
  writeSummaryFile(
    o.summary ?? SUMMARY_FILE,
    r.sets.map((s) => ({
      model: s.name,
      design: o.design ?? "",
      source: s.source ?? "unknown",
      verdict: s.failures.length > 0 ? "DIVERGES" : s.errors.length > 0 ? "INCOMPLETE" : "CONFORMS",
      graph:
        r.coverage.states.total === null
          ? null
          : { states: r.coverage.states.total, transitions: r.coverage.transitions.total ?? 0 },
      covered: { states: r.coverage.states.covered, transitions: r.coverage.transitions.covered },
      actions: Object.fromEntries(
        Object.entries(r.coverage.actions).map(([k, v]) => [k, { covered: v.covered, total: v.total }]),
      ),
      objectTransitions: {},
    })),
  );
  out(o.json ? JSON.stringify(conformJson(r), null, 2) : formatConformResult(r));
  return conformExitCode(r);
}

export interface GraphConformOptions extends ConformCliOptions {
  model: string;
  modelDir?: string;
  /** The spec design whose graph is replayed (default: the model's own, else POST_FIX_REPAIRED). */
  specDesign?: Design;
  shard?: Shard;
  compareAll?: boolean;
  /** Directory for the failing paths' trace file (default: not written). */
  out?: string;
  /** File for the JSON result (for `conform-merge`). */
  result?: string;
  timeoutMs?: number;
}

/** Loads a model for a graph run. */
export function graphModel(o: {
  model: string;
  modelDir?: string;
  specDesign?: Design;
  timeoutMs?: number;
}): Model {
  const m = loadModel(join(REPO, "spec"), o.model, o.specDesign, o.modelDir ?? join(REPO, "spec"));
  return o.timeoutMs === undefined ? m : { ...m, timeoutMs: o.timeoutMs };
}

/** Replays a prepared graph with the implementation under src/ (threads per `workers`). */
export async function replayPrepared(
  prepared: PreparedGraph,
  o: Pick<GraphConformOptions, "workers" | "shard" | "compareAll" | "enabled" | "design" | "out" | "json">,
): Promise<GraphResultJson> {
  const adapter = fsCacheAdapter(await loadImplementation(SRC), o.design ? { design: o.design } : {});
  const failuresFile = o.out
    ? join(o.out, `${prepared.model.module}-${prepared.model.design}-failures.ndjson`)
    : undefined;
  const options = {
    ...(o.shard ? { shard: o.shard } : {}),
    compareAll: o.compareAll ?? false,
    checkEnabled: o.enabled,
    ...(failuresFile ? { failuresFile } : {}),
    replayCommand: (f: string, id: string) => replayCommand(f, id),
    progress: progressBar(!o.json),
  };
  const workers = o.workers ?? 1;
  const r =
    workers > 1
      ? await replayGraphParallel(prepared, adapter, {
          ...options,
          workers,
          srcRoot: SRC,
          ...(o.design ? { design: o.design } : {}),
        })
      : await replayGraphHere(prepared, adapter, options);
  return graphResultJson(prepared, r, {
    shard: o.shard,
    implementation: o.design ?? prepared.model.design,
    workers,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  });
}

/** One run of the summary, from a graph result. */
export function summaryRun(r: GraphResultJson): SummaryRun {
  return {
    model: r.model,
    design: r.design,
    source: "graph",
    verdict: r.verdict,
    graph: { states: r.graph.states, transitions: r.graph.transitions },
    covered: { states: r.coverage.states.covered, transitions: r.coverage.transitions.covered },
    actions: r.coverage.actions,
    objectTransitions: r.coverage.objectTransitions,
  };
}

/** Text for a graph result. */
export function formatGraphResult(r: GraphResultJson): string {
  const n = (x: number): string => x.toLocaleString("en-US");
  const t = r.timing;
  const pct = (c: { covered: number; total: number }): string =>
    `${n(c.covered)}/${n(c.total)} (${c.total === 0 ? "–" : ((100 * c.covered) / c.total).toFixed(1)}%)`;
  const lines = [
    `${r.model} (${r.design}${r.implementation !== r.design ? `, implementation ${r.implementation}` : ""}, full state graph${r.shard ? `, shard ${r.shard.index}/${r.shard.count}` : ""}): ` +
      `${n(r.graph.states)} states, ${n(r.graph.transitions)} transitions, ${n(r.graph.paths)} paths`,
    `  TLC ${(t.tlcMs / 1000).toFixed(1)} s (the graph is read while TLC writes it); replay ${(t.replayMs / 1000).toFixed(1)} s in ${t.workers} thread${t.workers === 1 ? "" : "s"}: ` +
      `${n(r.steps)} steps (${n(t.compared)} compared), ${n(t.stepsPerSecond)} steps/s, ` +
      `${r.coverage.transitions.covered > 0 ? (r.steps / r.coverage.transitions.covered).toFixed(2) : "–"} steps per transition, peak RSS ${t.peakRssMB} MB`,
  ];
  for (const e of r.errors) lines.push(`  ${JSON.stringify(e)}`);
  for (const f of r.failures.slice(0, 5)) lines.push(`  ${JSON.stringify(f)}`);
  if (r.failing.length > 5) lines.push(`  … ${r.failing.length} failing paths in all`);
  lines.push(`${r.verdict}: ${n(r.paths)} paths, ${n(r.steps)} steps`);
  lines.push(`states      ${pct(r.coverage.states)}`, `transitions ${pct(r.coverage.transitions)}`);
  for (const [a, c] of Object.entries(r.coverage.actions)) lines.push(`  ${a.padEnd(24)} ${pct(c)}`);
  return lines.join("\n");
}

/** JUnit for a graph result: one case per failing path, and one passing case for the whole graph. */
function graphJunit(r: GraphResultJson): JunitSuite[] {
  const classname = `conformance.graph.${r.model}.${r.design}`;
  const failures = r.failures.map((f) => {
    const j = f as { trace?: string; message?: string; code?: string };
    return {
      name: j.trace ?? "path",
      classname,
      seconds: 0,
      failure: new ConformanceError(
        "STATE_MISMATCH",
        `${j.code ?? ""} ${j.message ?? ""}: ${JSON.stringify(f)}`,
      ),
    };
  });
  const whole = { name: `${r.model} full cover`, classname, seconds: r.timing.replayMs / 1000 };
  return [{ name: `conformance:${r.model}:${r.design}`, cases: [whole, ...failures] }];
}

/** The --result JSON and --junit XML of a graph result, when asked for. */
function writeReports(
  r: GraphResultJson,
  o: { result?: string | undefined; junit?: string | undefined },
): void {
  const { result, junit } = o;
  if (result) writeOut(result, "result file", () => writeFileSync(result, `${JSON.stringify(r)}\n`));
  if (junit) writeOut(junit, "JUnit report", () => writeFileSync(junit, junitXml(graphJunit(r))));
}

function exitCodeOfResult(r: GraphResultJson): number {
  return r.verdict === "CONFORMS" ? 0 : r.verdict === "DIVERGES" ? 1 : 2;
}

/** `conform --model M`: the model's full state graph streamed from TLC and replayed. Returns the exit code. */
export async function runGraphConform(o: GraphConformOptions, out: (s: string) => void): Promise<number> {
  const prepared = await prepareGraph(
    graphModel(o),
    o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
  );
  try {
    if (o.mutants || o.mutant) {
      return await mutantRun(
        [{ kind: "graph", name: `${o.model} (${prepared.model.design}) full cover`, prepared }],
        o,
        out,
      );
    }
    const r = await replayPrepared(prepared, o);
    writeReports(r, o);
    if (!o.shard) writeSummaryFile(o.summary ?? SUMMARY_FILE, [summaryRun(r)]);
    const { marks: _marks, ...shown } = r;
    out(o.json ? JSON.stringify(shown, null, 2) : formatGraphResult(r));
    return exitCodeOfResult(r);
  } finally {
    prepared.dispose();
  }
}

/** `conform-merge`: joins shard results into the single-process result. */
export async function runMerge(
  files: string[],
  o: { json?: boolean; junit?: string; result?: string; summary?: string },
  out: (s: string) => void,
): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const parts: GraphResultJson[] = [];
  for (const f of files) {
    try {
      parts.push(JSON.parse(await readFile(f, "utf8")) as GraphResultJson);
    } catch (e) {
      throw new ConformanceError("TRACE_IO", `cannot read the shard result: ${(e as Error).message}`, {
        file: f,
      });
    }
  }
  const r = mergeResults(parts);
  writeReports(r, o);
  writeSummaryFile(o.summary ?? SUMMARY_FILE, [summaryRun(r)]);
  const { marks: _marks, ...shown } = r;
  out(o.json ? JSON.stringify(shown, null, 2) : formatGraphResult(r));
  return exitCodeOfResult(r);
}

/** A commander parser for a non-negative integer option at most `max`. */
function count(max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new InvalidArgumentError(`expected an integer from 0 to ${max}`);
    return n;
  };
}

/** `--workers N` or `auto` (the machine's cores). */
function workersArg(v: string): number {
  if (v === "auto") return Math.min(LIMITS.workers, availableParallelism());
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > LIMITS.workers)
    throw new InvalidArgumentError(`expected "auto" or an integer from 1 to ${LIMITS.workers}`);
  return n;
}

/** `--shard i/n`. */
function shardArg(v: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || index >= n) throw new InvalidArgumentError("expected i/n with 0 <= i < n, e.g. 0/2");
  return { index, count: n };
}

/** `--timeout <seconds>` (TLC wall time). */
const timeoutArg = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > LIMITS.timeoutS)
    throw new InvalidArgumentError(`expected whole seconds from 1 to ${LIMITS.timeoutS}`);
  return n;
};

/** A commander parser for `--source a,b`: each must be one of TRACE_SOURCES. */
function sourceList(v: string): string[] {
  const list = v.split(",").map((s) => s.trim());
  if (unknownSources(list).length > 0)
    throw new InvalidArgumentError(`expected a comma-separated list of ${TRACE_SOURCES.join(", ")}`);
  return list;
}

interface TracesFlags {
  model: string;
  modelDir?: string;
  design: Design;
  source: string[];
  out: string;
  seed: number;
  num: number;
  depth: number;
  timeout: number;
}

/** `traces`: generate trace sets from TLC. */
export function tracesCommand(): Command {
  return new Command("traces")
    .description(
      `generate conformance traces from TLC and write them as NDJSON (${TRACE_SOURCES.join(", ")})`,
    )
    .option("--model <module>", "model module", "MCci")
    .option("--model-dir <dir>", "directory of the model module (default spec/)")
    .addOption(new Option("--design <design>", "spec design").choices(DESIGNS).default("POST_FIX"))
    .option("--source <sources>", "comma-separated sources", sourceList, ["simulate", "trap"])
    .option("--out <dir>", "output directory", join(REPO, "out", "traces"))
    .option("--seed <n>", "simulation seed", count(2 ** 31 - 1), 1)
    .option("--num <n>", `simulation traces (at most ${LIMITS.num})`, count(LIMITS.num), 100)
    .option("--depth <n>", `simulation depth (at most ${LIMITS.depth})`, count(LIMITS.depth), 100)
    .option("--timeout <seconds>", "wall-clock limit per TLC run", timeoutArg, 1800)
    .action(async (o: TracesFlags) => {
      const files = await generateTraces(
        {
          model: o.model,
          ...(o.modelDir === undefined ? {} : { modelDir: o.modelDir }),
          design: o.design,
          sources: o.source,
          out: o.out,
          seed: o.seed,
          num: o.num,
          depth: o.depth,
          timeoutMs: o.timeout * 1000,
        },
        (s) => console.error(s),
      );
      console.log(files.join("\n"));
    });
}

interface ConformFlags extends ConformCliOptions {
  model?: string;
  modelDir?: string;
  shard?: Shard;
  compareAll?: boolean;
  out?: string;
  result?: string;
  timeout: number;
}

/** `conform`: replay a model's state graph, or trace files, against the implementation. */
export function conformCommand(): Command {
  return new Command("conform")
    .description(
      "replay a model's full state graph (--model) or trace files in lockstep against the implementation",
    )
    .argument("[files...]", "fscache-trace NDJSON files (without --model)")
    .option("--model <module>", "replay this model's full state graph, streamed from TLC")
    .option("--model-dir <dir>", "directory of the model module (default spec/)")
    .addOption(
      new Option(
        "--design <design>",
        "with --model: the spec design (default the model's); with files: the implementation's",
      ).choices(DESIGNS),
    )
    .option("--workers <n>", 'replay threads, or "auto"', workersArg, 1)
    .option(
      "--shard <i/n>",
      "replay only the paths of shard i of n (merge the results with conform-merge)",
      shardArg,
    )
    .option("--compare-all", "compare every step, also those a previous path already showed equal")
    .option("--out <dir>", "with --model: write the failing paths as a trace file there")
    .option("--result <file>", "with --model: write the JSON result (for conform-merge)")
    .option("--trace <id>", "with files: replay only this trace")
    .option("--mutant <name>", "run against one mutant")
    .option("--mutants", "run every mutant; each must be killed")
    .option("--no-enabled", "do not compare enabled steps with the spec's successors")
    .option("--json", "JSON output")
    .option("--junit <file>", "also write JUnit XML")
    .option("--timeout <seconds>", "wall-clock limit per TLC run", timeoutArg, 1800)
    .action(async (files: string[], o: ConformFlags) => {
      if (o.model !== undefined) {
        if (files.length > 0) throw new InvalidArgumentError("give either --model or trace files, not both");
        const { design, ...rest } = o;
        process.exitCode = await runGraphConform(
          { ...rest, model: o.model, ...(design ? { specDesign: design } : {}), timeoutMs: o.timeout * 1000 },
          (s) => console.log(s),
        );
        return;
      }
      if (files.length === 0) throw new InvalidArgumentError("give trace files, or --model <module>");
      process.exitCode = await runConform(files, o, (s) => console.log(s));
    });
}

/** `conform-merge`: join the JSON results of the shards of one graph run. */
export function mergeCommand(): Command {
  return new Command("conform-merge")
    .description("merge the --result files of the shards of one `conform --model` run")
    .argument("<results...>", "result files of shards 0..n-1")
    .option("--json", "JSON output")
    .option("--junit <file>", "also write JUnit XML")
    .option("--result <file>", "write the merged JSON result")
    .action(async (files: string[], o: { json?: boolean; junit?: string; result?: string }) => {
      process.exitCode = await runMerge(files, o, (s) => console.log(s));
    });
}

/**
 * The conformance part of `npm start`: the full state graph of the conformance model in the design the
 * library runs by default (POST_FIX_REPAIRED), every transition replayed on both cores. Returns the exit code.
 */
export async function runPipeline(out: (s: string) => void = (s) => console.log(s)): Promise<number> {
  return runGraphConform(
    {
      model: "MCconf",
      modelDir: join(REPO, "conformance", "models"),
      specDesign: "POST_FIX_REPAIRED",
      enabled: true,
      workers: Math.min(2, availableParallelism()),
    },
    out,
  );
}
