// The trace-validation CLI: `run` validates random production runs (fast-check workloads on the event-loop
// runtime, memory or disk backend) in-process against a model's state graph, or by TLC (--tlc); `check`
// validates a recorded run from its trace file; `mutants` shows which hand mutants validation catches.
// Exit codes: 0 every run validated, 1 a run was rejected (or a mutant missed), 2 usage or tool error.

import { join, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ConformanceError, formatError } from "../errors.ts";
import { MUTANTS } from "../mutants/mutants.ts";
import { applyMutant } from "../mutants/patch.ts";
import { DESIGNS, type Design } from "../trace/format.ts";
import { validateRun } from "./check.ts";
import { fuzz, type Failure, type Target } from "./fuzz.ts";
import { transitionIndex, type TransitionIndex } from "./graphIndex.ts";
import { VALIDATION_MODELS, validationModel, type ValidationModel } from "./models.ts";
import { describeFailure, validateMutant, type MutantOptions, type MutantVerdict } from "./mutants.ts";
import { loadProduction } from "./production.ts";
import { readRecorded, RUN_SIZED, writeRecorded } from "./recorded.ts";
import { formatRejection } from "./report.ts";
import { checkByTlc } from "./tlcCheck.ts";
import type { Json } from "../json.ts";
import { runConstants } from "./workload.ts";
import type { BackendKind } from "./backends.ts";

const REPO = resolve(import.meta.dirname, "..", "..");
const SRC = join(REPO, "src");
const CLI = "npx tsx conformance/validate/cli.ts";

/** A usage error (exit 2) raised while reading options. */
class UsageError extends Error {}

function int(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer in ${min}..${max}`);
    return n;
  };
}

interface RunOpts {
  model: string;
  mutant?: string;
  stepped?: boolean;
  tlc?: boolean;
  cookies: number;
  backend: BackendKind;
  design: Design;
  runs?: number;
  seed?: number;
  path?: string;
}

/** The command that runs a shrunk failure again (fast-check replays `path` from `seed` without searching). */
function reproCommand(o: RunOpts, f: Failure): string {
  const target = o.tlc ? `--tlc --cookies ${o.cookies}` : `--model ${o.model}`;
  const mutant = o.mutant ? ` --mutant ${o.mutant}` : "";
  return `${CLI} run ${target}${o.stepped ? " --stepped" : ""}${mutant} --backend ${o.backend} --design ${o.design} --seed ${f.seed} --path ${f.path} --runs 1`;
}

async function runCommand(o: RunOpts, log: (s: string) => void): Promise<number> {
  const m = validationModel(o.model);
  if (!o.tlc && !m) throw new UsageError(`--model: no validation model ${o.model}`);
  const target: Target =
    o.tlc || !m
      ? { kind: "tlc", dataCookies: o.cookies, repoRoot: REPO }
      : { kind: "graph", model: m, index: await transitionIndex(m, o.design, { repoRoot: REPO }) };
  const mutant = o.mutant === undefined ? undefined : MUTANTS.find((x) => x.name === o.mutant);
  if (o.mutant !== undefined && !mutant) throw new UsageError(`--mutant: no mutant ${o.mutant}`);
  const tree = mutant ? applyMutant(REPO, SRC, mutant) : undefined;
  try {
    return await fuzzAndReport(
      o,
      target,
      m,
      tree?.root ?? SRC,
      mutant?.options?.["design"] as Design | undefined,
      log,
    );
  } finally {
    tree?.dispose();
  }
}

async function fuzzAndReport(
  o: RunOpts,
  target: Target,
  m: ValidationModel | undefined,
  srcRoot: string,
  implDesign: Design | undefined,
  log: (s: string) => void,
): Promise<number> {
  const p = await loadProduction(srcRoot);
  const t0 = performance.now();
  const r = await fuzz(p, target, {
    backend: o.backend,
    design: o.design,
    ...(implDesign ? { implDesign } : {}),
    runtime: o.stepped ? "stepped" : "event-loop",
    runs: o.runs ?? (o.tlc ? 2 : 50),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.path !== undefined ? { path: o.path } : {}),
  });
  const where = o.tlc ? `a run checked by TLC` : `a run checked against ${o.model}`;
  if (r.ok) {
    log(
      `OK: ${r.runs} runs (${r.steps} steps) on the ${o.backend} backend validated against ${o.tlc ? "the spec by TLC" : o.model} (${o.design}) in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${r.seed}`,
    );
    return 0;
  }
  const f = r.failure;
  const file = join(REPO, "out", "validate", `rejected-${f.seed}.ndjson`);
  const constants = o.tlc || !m ? runConstants(f.workload) : m.constants;
  writeRecorded(file, f.recorded, {
    model: o.tlc || !m ? RUN_SIZED : m.module,
    design: o.design,
    constants,
    run: {
      backend: o.backend,
      seed: f.seed,
      path: f.path,
      workload: f.workload as unknown as Json,
    },
  });
  const repro = reproCommand(o, f);
  log(`workload (shrunk): ${JSON.stringify(f.workload)}`);
  if (f.outcome.end === "stuck") log(`the run ended with tasks asleep: ${f.outcome.blocked.join("; ")}`);
  if (f.rejection) log(formatRejection(f.rejection, where, repro));
  else log(`REJECTED: ${describeFailure(f)}\n  reproduce: ${repro}`);
  log(`recorded run: ${file} (check it again: ${CLI} check ${file})`);
  return 1;
}

async function checkCommand(file: string, o: { tlc?: boolean }, log: (s: string) => void): Promise<number> {
  const r = readRecorded(file);
  if (r instanceof ConformanceError) {
    log(formatError(r));
    return 2;
  }
  const m = validationModel(r.meta.model);
  if (m && !o.tlc) {
    const index = await transitionIndex(m, r.meta.design, { repoRoot: REPO });
    const v = validateRun(index, r.steps);
    if (v.ok) {
      log(`OK: ${file}: ${v.steps} steps are transitions of ${m.module} (${r.meta.design})`);
      return 0;
    }
    log(formatRejection(v.rejection, file, `${CLI} check ${file}`));
    return 1;
  }
  const v = await checkByTlc(r.steps, r.meta.constants, r.meta.design, { repoRoot: REPO });
  if (v.matched) {
    log(
      `OK: ${file}: TLC follows all ${v.steps} steps (${r.meta.design}), in ${(v.tlcMs / 1000).toFixed(1)} s`,
    );
    return 0;
  }
  const a = r.steps[v.position]?.action;
  log(
    `REJECTED at step ${v.position} of ${file}: no behaviour of the spec follows the recording past step ${v.position - 1}` +
      `${a ? ` (the next recorded action is ${a.name}${JSON.stringify(a.params)})` : ""}\n  reproduce: ${CLI} check ${file} --tlc`,
  );
  return 1;
}

/** The mutant table as Markdown (docs/validation.md). */
export function mutantTable(rows: readonly MutantVerdict[]): string {
  const out = [
    "| mutant | validation | caught by (first rejected run, shrunk on graphs) | runs until caught |",
    "| --- | --- | --- | --- |",
  ];
  for (const r of rows) out.push(`| ${r.name} | ${r.status} | ${r.by ?? ""} | ${r.runs} |`);
  return out.join("\n");
}

async function mutantsCommand(
  o: { runs: number; tlcRuns: number; mutant?: string[]; backend: BackendKind; seed: number },
  log: (s: string) => void,
): Promise<number> {
  const design: Design = "POST_FIX_REPAIRED";
  const graphs: { m: ValidationModel; index: TransitionIndex }[] = [];
  for (const m of VALIDATION_MODELS)
    graphs.push({ m, index: await transitionIndex(m, design, { repoRoot: REPO }) });
  // The production runtime first; then the same workloads on the stepped runtime with fast-check schedules;
  // then wide workloads checked by TLC.
  const targets: MutantOptions["targets"][number][] = (["event-loop", "stepped"] as const).flatMap(
    (runtime) =>
      graphs.map(({ m, index }) => ({
        name: `${m.module} ${runtime}`,
        target: { kind: "graph" as const, model: m, index },
        runs: o.runs,
        runtime,
      })),
  );
  if (o.tlcRuns > 0)
    for (const runtime of ["event-loop", "stepped"] as const)
      targets.push({
        name: `TLC (wide) ${runtime}`,
        target: { kind: "tlc", dataCookies: 2, repoRoot: REPO },
        runs: o.tlcRuns,
        runtime,
      });
  const chosen = o.mutant ? MUTANTS.filter((m) => o.mutant?.includes(m.name)) : MUTANTS;
  if (o.mutant && chosen.length !== o.mutant.length) throw new UsageError("--mutant: unknown mutant name");
  const rows: MutantVerdict[] = [];
  for (const m of chosen) {
    const v = await validateMutant(m, {
      repoRoot: REPO,
      srcRoot: SRC,
      targets,
      design,
      backend: o.backend,
      seed: o.seed,
    });
    log(`${v.name}: ${v.status}${v.by ? ` (${v.by})` : ""} [${(v.ms / 1000).toFixed(1)} s]`);
    rows.push(v);
  }
  log("");
  log(mutantTable(rows));
  return rows.some((r) => r.status === "error") ? 2 : rows.some((r) => r.status === "missed") ? 1 : 0;
}

export function validateProgram(log: (s: string) => void, setCode: (c: number) => void): Command {
  const program = new Command("validate")
    .description("trace validation of production runs against spec/FSCache.tla")
    .exitOverride()
    .configureOutput({ writeErr: (s) => log(s.trimEnd()) });
  const designOpt = () =>
    new Option("--design <design>", "the spec's design the runs are checked against")
      .choices(DESIGNS)
      .default("POST_FIX_REPAIRED");
  const backendOpt = () =>
    new Option("--backend <kind>", "production backend").choices(["memory", "disk"]).default("memory");
  program
    .command("run")
    .description("validate random production runs (fast-check workloads)")
    .option(
      "--model <module>",
      `validation model: ${VALIDATION_MODELS.map((m) => m.module).join(", ")}`,
      "MCvalRead",
    )
    .option("--tlc", "wider workloads, each run checked by TLC")
    .option("--stepped", "run on the stepped runtime with fast-check schedules (default: the event loop)")
    .option("--mutant <name>", "run a hand mutant of conformance/mutants/mutants.ts instead of src/")
    .option("--cookies <n>", "data cookies of --tlc workloads", int(1, 4), 2)
    .addOption(backendOpt())
    .addOption(designOpt())
    .option("--runs <n>", "runs (default 50; 2 with --tlc)", int(1, 100_000))
    .option("--seed <n>", "fast-check seed", int(-(2 ** 31), 2 ** 31 - 1))
    .option("--path <path>", "fast-check path (replays a shrunk counterexample)")
    .action(async (o: RunOpts) => setCode(await runCommand(o, log)));
  program
    .command("check")
    .description("validate a recorded run (fscache-trace file, source recorded)")
    .argument("<file>")
    .option("--tlc", "check by TLC even when the run fits a validation model")
    .action(async (file: string, o: { tlc?: boolean }) => setCode(await checkCommand(file, o, log)));
  program
    .command("mutants")
    .description("which hand mutants (and PRE_FIX) validation catches")
    .option("--runs <n>", "runs per validation model", int(1, 100_000), 60)
    .option("--tlc-runs <n>", "wide runs checked by TLC for mutants the graphs miss", int(0, 100), 3)
    .option("--mutant <name...>", "only these mutants")
    .addOption(backendOpt())
    .option("--seed <n>", "fast-check seed", int(-(2 ** 31), 2 ** 31 - 1), 42)
    .action(
      async (o: { runs: number; tlcRuns: number; mutant?: string[]; backend: BackendKind; seed: number }) =>
        setCode(await mutantsCommand(o, log)),
    );
  return program;
}

/** Runs the CLI on `argv` (without node and script); resolves the exit code. */
export async function main(argv: readonly string[], log: (s: string) => void = console.log): Promise<number> {
  let code = 0;
  try {
    await validateProgram(log, (c) => (code = c)).parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      log(`usage error: ${e.message}`);
      return 2;
    }
    if (e instanceof ConformanceError) {
      log(formatError(e));
      return 2;
    }
    log(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  process.exitCode = await main(process.argv.slice(2));
}
