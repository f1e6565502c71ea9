// The harness's CLI sub-commands, mounted by src/cli/main.ts: `traces` generates trace sets from TLC (graph,
// simulate, counterexample, trap), `conform` replays trace files against the implementation (or a mutant,
// or every mutant), with text, --json and --junit output and a progress bar on long runs. runPipeline()
// chains model generation and conformance for the default model.

import { writeFileSync } from "node:fs";
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
import { PROTOCOL_GOALS } from "./generate/goals.ts";
import { loadModel } from "./generate/model.ts";
import { tlcPort } from "./generate/tlcPort.ts";
import { KNOWN_ACTIONS, labelAgrees } from "./mapping/actions.ts";
import { fsCacheAdapter, loadImplementation } from "./mapping/adapter.ts";
import { MUTANTS } from "./mutants/mutants.ts";
import { formatMutantResults, runMutants } from "./mutants/run.ts";
import { junitXml } from "./report/junit.ts";
import { progressBar } from "./report/progress.ts";
import { writeTraceSet } from "./trace/writer.ts";
import { DESIGNS, type Design } from "./trace/format.ts";

const REPO = resolve(import.meta.dirname, "..");
const SRC = join(REPO, "src");

/** The command that replays one trace: what every failure report prints. */
export function replayCommand(file: string, traceId: string, mutant?: string): string {
  return `npm run cli -- conform ${file} --trace ${traceId}${mutant ? ` --mutant ${mutant}` : ""}`;
}

/** Where traces come from (conformance/README.md). */
export const TRACE_SOURCES = ["graph", "simulate", "counterexample", "trap", "goals"] as const;

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
}

/** Generates the requested trace sets and writes one NDJSON file per source; returns the file names. */
export async function generateTraces(
  o: TracesOptions,
  log: (s: string) => void = () => undefined,
): Promise<string[]> {
  const unknown = unknownSources(o.sources);
  if (unknown.length > 0) throw new Error(`unknown trace source ${unknown.join(", ")}`);
  const base = loadModel(join(REPO, "spec"), o.model, o.design, o.modelDir ?? join(REPO, "spec"));
  const model = await withConstants(tlcPort, base);
  const files: string[] = [];
  const failed: ConformanceError[] = [];
  const save = (source: string, g: Generated): void => {
    const file = join(o.out, `${o.model}-${o.design}-${source}.ndjson`);
    writeTraceSet(file, g.set);
    for (const e of g.errors) log(formatError(e));
    log(`${file}: ${g.set.traces.length} traces`);
    files.push(file);
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
  if (first === undefined) return files;
  if (failed.length === 1) throw first;
  throw new ConformanceError(
    first.code,
    `${failed.length} of ${o.sources.length} trace sources failed:\n${failed.map(formatError).join("\n")}`,
  );

  async function generateSource(s: string): Promise<void> {
    if (s === "graph") save(s, await graphTraces(tlcPort, model, labelAgrees));
    else if (s === "simulate")
      save(s, await simulationTraces(tlcPort, model, { num: o.num, depth: o.depth, seed: o.seed }));
    else if (s === "counterexample") save(s, await counterexampleTraces(tlcPort, model));
    else if (s === "trap") {
      const bar = progressBar(true);
      const goals = actionGoals([...KNOWN_ACTIONS]);
      bar.start(goals.length, "trap");
      const g = await trapTraces(tlcPort, model, goals, () => bar.tick());
      bar.stop();
      if (g.unreachable?.length) log(`unreachable goals: ${g.unreachable.join(", ")}`);
      save(s, g);
    } else {
      // Protocol goals (conformance/generate/goals.ts), meant for the trap model MCtrap.
      const g = await trapTraces(tlcPort, model, PROTOCOL_GOALS);
      if (g.unreachable?.length) log(`unreachable goals: ${g.unreachable.join(", ")}`);
      save(s, g);
    }
  }
}

export interface ConformCliOptions {
  trace?: string;
  mutant?: string;
  mutants?: boolean;
  json?: boolean;
  junit?: string;
  enabled: boolean;
  design?: Design;
}

/** Replays files against the implementation (or a mutant / all mutants); returns the process exit code. */
export async function runConform(
  files: string[],
  o: ConformCliOptions,
  out: (s: string) => void,
): Promise<number> {
  const inputs: ConformInput[] = files.map((f) => ({ name: f, file: f }));
  if (o.mutants || o.mutant) {
    const selected = MUTANTS.filter((m) => o.mutants || m.name === o.mutant);
    if (selected.length === 0) {
      throw new ConformanceError(
        "UNKNOWN_MUTANT",
        `no mutant "${o.mutant}" (expected one of: ${MUTANTS.map((m) => m.name).join(", ")})`,
      );
    }
    const results = await runMutants(selected, {
      repoRoot: REPO,
      srcRoot: SRC,
      inputs,
      makeAdapter: async (root, opts) =>
        fsCacheAdapter(
          await loadImplementation(root),
          opts["design"] ? { design: opts["design"] as Design } : {},
        ),
      replayCommand: (f, id, m) => replayCommand(f, id, m),
      progress: progressBar(!o.json),
    });
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
  const adapter = fsCacheAdapter(await loadImplementation(SRC), o.design ? { design: o.design } : {});
  const r = await conform(adapter, inputs, {
    ...(o.trace !== undefined ? { traceId: o.trace } : {}),
    checkEnabled: o.enabled,
    replayCommand: (f, id) => replayCommand(f, id),
    progress: progressBar(!o.json),
  });
  if (o.junit) writeFileSync(o.junit, junitXml(conformJunit(r)));
  out(o.json ? JSON.stringify(conformJson(r), null, 2) : formatConformResult(r));
  return conformExitCode(r);
}

/** A commander parser for a non-negative integer option. */
function count(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

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
}

/** `traces`: generate trace sets from TLC. */
export function tracesCommand(): Command {
  return new Command("traces")
    .description(`generate conformance traces from TLC (${TRACE_SOURCES.join(", ")})`)
    .option("--model <module>", "model module", "MCci")
    .option("--model-dir <dir>", "directory of the model module (default spec/)")
    .addOption(new Option("--design <design>", "spec design").choices(DESIGNS).default("POST_FIX"))
    .option("--source <sources>", "comma-separated sources", sourceList, ["simulate", "trap"])
    .option("--out <dir>", "output directory", join(REPO, "out", "traces"))
    .option("--seed <n>", "simulation seed", count, 1)
    .option("--num <n>", "simulation traces", count, 100)
    .option("--depth <n>", "simulation depth", count, 100)
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
        },
        (s) => console.error(s),
      );
      console.log(files.join("\n"));
    });
}

/** `conform`: replay trace files against the implementation. */
export function conformCommand(): Command {
  return new Command("conform")
    .description("replay trace files in lockstep against the implementation")
    .argument("<files...>", "fscache-trace NDJSON files")
    .option("--trace <id>", "replay only this trace")
    .option("--mutant <name>", "run against one mutant")
    .option("--mutants", "run every mutant; each must be killed")
    .addOption(
      new Option("--design <design>", "implementation design (default: the traces')").choices(DESIGNS),
    )
    .option("--no-enabled", "do not compare enabled steps with the spec's successors")
    .option("--json", "JSON output")
    .option("--junit <file>", "also write JUnit XML")
    .action(async (files: string[], o: ConformCliOptions) => {
      process.exitCode = await runConform(files, o, (s) => console.log(s));
    });
}

/**
 * traces → conform for `npm start`: the full state graph of the conformance model in the design the library
 * runs by default (POST_FIX_REPAIRED), every transition replayed. Returns the exit code.
 */
export async function runPipeline(out: (s: string) => void = (s) => console.log(s)): Promise<number> {
  const files = await generateTraces(
    {
      model: "MCconf",
      modelDir: join(REPO, "conformance", "models"),
      design: "POST_FIX_REPAIRED",
      sources: ["graph"],
      out: join(REPO, "out", "traces"),
      seed: 1,
      num: 0,
      depth: 0,
    },
    out,
  );
  return runConform(files, { enabled: true }, out);
}
