// Command-line entry: `check` (TLC on a model and design variant), `traces` and `conform` (the conformance
// harness), `start` (the main job on the default model). Exit codes: 0 as expected / no violation, 1 a
// property violated or an expectation missed, 2 usage or tool errors (missing Java, a broken spec or
// manifest, a timeout), each reported as one message.

import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { conformCommand, mergeCommand, runPipeline, tracesCommand } from "../../conformance/cli.ts";
import { ConformanceError, formatError } from "../../conformance/errors.ts";
import { TlaToolsError } from "../tla/index.ts";
import { checkModel, exitCodeOf, formatReport, type CheckReport } from "./check.ts";
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

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

interface CheckFlags {
  model: string;
  variant: Design;
  without?: Finding;
  all?: boolean;
  json?: boolean;
  workers: number;
  timeout: number;
}

function emit(reports: readonly CheckReport[], json: boolean | undefined): void {
  if (json) process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  else process.stdout.write(`${reports.map(formatReport).join("\n\n")}\n`);
}

async function check(flags: CheckFlags): Promise<number> {
  const entries = await readManifest();
  const options = { workers: flags.workers, timeoutMs: flags.timeout * 1000 };
  if (flags.all) {
    const reports: CheckReport[] = [];
    for (const entry of entries) {
      if (!flags.json) process.stderr.write(`checking ${entryLabel(entry)} ...\n`);
      reports.push(await checkModel(entry, options));
    }
    emit(reports, flags.json);
    return reports.every((r) => r.asExpected) ? 0 : 1;
  }
  const report = await checkModel(findEntry(entries, flags.model, flags.variant, flags.without), options);
  emit([report], flags.json);
  return exitCodeOf(report);
}

/**
 * The main job: the fixed design holds on the default model and the pre-fix design shows the oops (check);
 * then TLC's state graph of the conformance model drives the implementation, every transition replayed
 * (traces → conform).
 */
async function start(flags: { json?: boolean; timeout: number }): Promise<number> {
  const entries = await readManifest();
  const reports: CheckReport[] = [];
  for (const variant of ["POST_FIX_REPAIRED", "PRE_FIX"] as const) {
    if (!flags.json) process.stderr.write(`checking ${DEFAULT_MODEL} / ${variant} ...\n`);
    reports.push(
      await checkModel(findEntry(entries, DEFAULT_MODEL, variant), { timeoutMs: flags.timeout * 1000 }),
    );
  }
  emit(reports, flags.json);
  const checked = reports.every((r) => r.asExpected);
  // With --json, stdout holds only the JSON of the checks; the conformance summary goes to stderr.
  const print = (s: string): boolean => (flags.json ? process.stderr : process.stdout).write(`${s}\n`);
  print("\nconformance: TLC state graph of conformance/models/MCconf → implementation");
  const conformed = await runPipeline(print);
  return checked && conformed === 0 ? 0 : 1;
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
    .option("--all", "check every model and variant of spec/models.json against its expected result")
    .option("--json", "print the result as JSON")
    .option("--workers <n>", "TLC worker threads", positiveInt, 1)
    .option("--timeout <seconds>", "wall-clock limit per TLC run", positiveInt, 1800)
    .action(async (flags: CheckFlags) => {
      process.exitCode = await check(flags);
    });
  cmd
    .command("start")
    .description("the main job on the default model: the fixed design holds, the pre-fix design oopses")
    .option("--json", "print the results as JSON")
    .option("--timeout <seconds>", "wall-clock limit per TLC run", positiveInt, 1800)
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
        if (!flags.json) process.stdout.write(`${formatSpecMutant(r)}\n`);
      }
      if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      process.exitCode = results.every((r) => r.shown) ? 0 : 1;
    });
  cmd.addCommand(tracesCommand());
  cmd.addCommand(conformCommand());
  cmd.addCommand(mergeCommand());
  // Usage errors throw (caught in main) instead of exiting 1, which would read as "a property was violated".
  for (const c of [cmd, ...cmd.commands]) c.exitOverride();
  return cmd;
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed the message (or the help, exit code 0).
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof ConformanceError) {
      process.stderr.write(`error: ${formatError(e)}\n`);
      process.exitCode = 2;
      return;
    }
    if (e instanceof TlaToolsError || e instanceof ManifestError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

await main();
