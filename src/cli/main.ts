// Command-line entry: `check` (TLC on a model and design variant), `traces` and `conform` (the conformance
// harness), `start` (the main job on the default model), `spec-mutants`. Exit codes (docs/cli.md): 0 as
// expected / no violation, 1 a property violated or an expectation missed, 2 usage or tool errors, each
// reported as one message, 128+n when stopped by signal n (129 when the job that started it has ended).

import { availableParallelism } from "node:os";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { conformCommand, mergeCommand, runPipeline, tracesCommand } from "../../conformance/cli.ts";
import { exitOnFatalSignals, stopNow } from "../tla/cleanup.ts";
import { MAX_TIMEOUT_MS } from "../tla/java-process.ts";
import {
  type CheckReport,
  checkModel,
  exitCodeOf,
  FAIRNESS_MODES,
  type FairnessMode,
  formatReport,
} from "./check.ts";
import { CliError, describeError } from "./errors.ts";
import { watchJob } from "./job.ts";
import {
  DESIGNS,
  type Design,
  entryLabel,
  findEntry,
  FINDINGS,
  type Finding,
  ManifestError,
  readManifest,
} from "./models.ts";
import { formatSpecMutant, readSpecMutants, runSpecMutant, type SpecMutantResult } from "./spec-mutants.ts";

const DEFAULT_MODEL = "ci";

/** The longest `--timeout`: Node's timers cannot wait longer (a longer delay would fire at once). */
const MAX_TIMEOUT_S = Math.floor(MAX_TIMEOUT_MS / 1000);

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > MAX_TIMEOUT_S) {
    throw new InvalidArgumentError(
      `expected whole seconds from 1 to ${MAX_TIMEOUT_S} (about 24 days, the longest wait Node's timers allow)`,
    );
  }
  return n;
}

/** TLC's worker threads: more than the cores only adds contention, and TLC gives each its own memory. */
function workers(v: string): number | "auto" {
  if (v === "auto") return "auto";
  const cores = availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > cores) {
    throw new InvalidArgumentError(
      `expected "auto" or a whole number from 1 to ${cores} (the cores this machine has)`,
    );
  }
  return n;
}

interface CheckFlags {
  model: string;
  variant: Design;
  without?: Finding;
  with?: Finding;
  all?: boolean;
  json?: boolean;
  workers: number | "auto";
  timeout: number;
  fairness: FairnessMode;
}

const unwritable = (e: Error): CliError => new CliError("output", `cannot write to stdout: ${e.message}`);

/** Writes to stdout, failing with one message when stdout cannot be written (a full disk, a closed pipe). */
function write(text: string): Promise<void> {
  return new Promise((done, reject) => {
    process.stdout.write(text, (e) => {
      if (e) reject(unwritable(e));
      else done();
    });
  });
}

function emit(reports: readonly CheckReport[], json: boolean | undefined): Promise<void> {
  if (json) return write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  return write(`${reports.map(formatReport).join("\n\n")}\n`);
}

/**
 * Several checks: 2 if any could not run, else 1 if any missed its expectation or its recorded counts, else 0.
 */
function exitCodeOfAll(reports: readonly CheckReport[]): number {
  if (reports.some((r) => exitCodeOf(r) === 2)) return 2;
  return reports.every((r) => r.asExpected && r.recorded?.asRecorded !== false) ? 0 : 1;
}

async function check(flags: CheckFlags): Promise<number> {
  const entries = await readManifest();
  const options = { workers: flags.workers, timeoutMs: flags.timeout * 1000, fairness: flags.fairness };
  if (flags.all) {
    const reports: CheckReport[] = [];
    for (const entry of entries) {
      if (!flags.json) process.stderr.write(`checking ${entryLabel(entry)} ...\n`);
      reports.push(await checkModel(entry, options));
    }
    await emit(reports, flags.json);
    return exitCodeOfAll(reports);
  }
  const report = await checkModel(
    findEntry(entries, flags.model, flags.variant, flags.without, flags.with),
    options,
  );
  await emit([report], flags.json);
  return exitCodeOf(report);
}

/**
 * The main job: the fixed design holds on the default model and the pre-fix design shows the 2013 oops
 * (check; with the dispatcher's F9 repaired, which TLC otherwise reaches first in every design); then TLC's
 * state graph of the conformance model drives the implementation, every transition replayed (traces → conform).
 */
async function start(flags: { json?: boolean; timeout: number }): Promise<number> {
  const entries = await readManifest();
  const reports: CheckReport[] = [];
  const runs = [
    findEntry(entries, DEFAULT_MODEL, "POST_FIX_REPAIRED"),
    findEntry(entries, DEFAULT_MODEL, "PRE_FIX", undefined, "F9"),
  ];
  for (const entry of runs) {
    if (!flags.json) process.stderr.write(`checking ${entryLabel(entry)} ...\n`);
    reports.push(await checkModel(entry, { timeoutMs: flags.timeout * 1000 }));
  }
  await emit(reports, flags.json);
  const checked = exitCodeOfAll(reports);
  if (checked === 2) return 2;
  // With --json, stdout holds only the JSON of the checks; the conformance summary goes to stderr.
  const print = (s: string): boolean => (flags.json ? process.stderr : process.stdout).write(`${s}\n`);
  print("\nconformance: TLC state graph of conformance/models/MCconf → implementation");
  const conformed = await runPipeline(print);
  return Math.max(checked, conformed);
}

export function program(): Command {
  const cmd = new Command("fscache").description(
    "FS-Cache n_active protocol: TLA+ model checking and conformance",
  );
  cmd
    .command("check")
    .description("model-check one model of spec/ in one design variant")
    .option("--model <name>", "model from spec/models.json", DEFAULT_MODEL)
    .addOption(
      new Option("--variant <design>", "design variant").choices(DESIGNS).default("POST_FIX_REPAIRED"),
    )
    .addOption(
      new Option(
        "--without <finding>",
        "leave this finding's repair out of POST_FIX_REPAIRED (spec/README.md)",
      ).choices(FINDINGS),
    )
    .addOption(
      new Option(
        "--with <finding>",
        "add this finding's repair to POST_FIX or PRE_FIX, to see what lies behind it",
      ).choices(FINDINGS),
    )
    .option("--all", "check every model and variant of spec/models.json against its expected result")
    .option("--json", "print the result as JSON")
    .option("--workers <n>", 'TLC worker threads, at most the cores, or "auto" (one per core)', workers, 1)
    .option("--timeout <seconds>", "wall-clock limit per TLC run", seconds, 1800)
    .addOption(
      new Option(
        "--fairness <mode>",
        "temporal properties under SpecWeakFair (weak: a pass holds for Spec), the model's Spec (full), " +
          "or weak then full on a liveness violation (auto)",
      )
        .choices(FAIRNESS_MODES)
        .default("auto"),
    )
    .action(async (flags: CheckFlags) => {
      process.exitCode = await check(flags);
    });
  cmd
    .command("start")
    .description("the main job on the default model: the fixed design holds, the pre-fix design oopses")
    .option("--json", "print the results as JSON")
    .option("--timeout <seconds>", "wall-clock limit per TLC run", seconds, 1800)
    .action(async (flags: { json?: boolean; timeout: number }) => {
      process.exitCode = await start(flags);
    });
  cmd
    .command("spec-mutants")
    .description("show each safety property can fail: TLC on the CI model with one spec mutant swapped in")
    .argument("[property]", "only the mutant of this property")
    .option("--json", "print the results as JSON")
    .action(async (property: string | undefined, flags: { json?: boolean }) => {
      const rows = (await readSpecMutants()).filter((m) => property === undefined || m.property === property);
      if (rows.length === 0)
        throw new ManifestError(`spec/mutants.json: no mutant for property "${property}"`);
      const results: SpecMutantResult[] = [];
      for (const m of rows) {
        const r = await runSpecMutant(m);
        results.push(r);
        if (!flags.json) await write(`${formatSpecMutant(r)}\n`);
      }
      if (flags.json) await write(`${JSON.stringify(results, null, 2)}\n`);
      process.exitCode = results.every((r) => r.shown) ? 0 : 1;
    });
  cmd.addCommand(tracesCommand());
  cmd.addCommand(conformCommand());
  cmd.addCommand(mergeCommand());
  // Usage errors throw (caught in main) instead of exiting 1, which would read as "a property was violated".
  for (const c of [cmd, ...cmd.commands]) c.exitOverride();
  return cmd;
}

/** Ends the command on an error: one line on stderr (and the stack with FSCACHE_DEBUG=1), exit 2. */
function fail(e: unknown): never {
  process.stderr.write(`error: ${describeError(e)}\n`);
  if (process.env.FSCACHE_DEBUG === "1" && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  stopNow(2);
}

async function main(): Promise<void> {
  exitOnFatalSignals((signal) => process.stderr.write(`error: stopped by ${signal}\n`));
  watchJob((gone) => {
    process.stderr.write(
      `error: stopped: ${gone.name} (pid ${gone.pid}), which ran this command, has ended\n`,
    );
    stopNow(129);
  });
  // Errors outside the command's promise chain (an emitter's "error" event, a stray rejection) end it the same way.
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  process.stdout.on("error", (e: Error) => fail(unwritable(e)));
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    // commander has printed its message (or the help, exit code 0).
    if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 ? 0 : 2;
    else fail(e);
  }
}

await main();
