// Runs TLC and SANY from the pinned jar: always `-tool`, a private `-metadir` cleaned up afterwards,
// deterministic `-fp`/`-seed`, one worker unless told otherwise, and a wall-clock limit that kills the tree.

import { mkdir } from "node:fs/promises";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { runJava } from "./java-process.ts";
import { requireTools } from "./jar.ts";
import { interpretTlc, type TlcResult } from "./result.ts";
import { readSanyReport, type SanyError } from "./sany.ts";

export interface RunTlcOptions {
  /** The root module, e.g. `spec/MCFoo.tla` (relative to `cwd`). */
  readonly spec: string;
  /** The model config (default: TLC's choice, `<spec>.cfg`). */
  readonly config?: string;
  /** Default 1: with more, the reported depth and the trace TLC picks can vary. `auto`: one per core. */
  readonly workers?: number | "auto";
  /** Fingerprint polynomial index 0..130; default 0 (TLC's default is random, which changes dot node ids). */
  readonly fp?: number;
  /** Default 0 (TLC's default is random). */
  readonly seed?: number;
  /**
   * When TLC checks temporal properties: `periodic` (TLC's default) now and then during the search, which is
   * timed, so which violation is reported first and the state count at the stop vary from run to run; `final`
   * (`-lncheck final`) once, after the whole state space is explored, which makes both deterministic.
   */
  readonly liveness?: "periodic" | "final";
  /**
   * Wall-clock limit, 1 to MAX_TIMEOUT_MS (about 24.8 days); when it runs out TLC's process group is killed and
   * the outcome is `timeout`.
   */
  readonly timeoutMs?: number;
  /** More TLC options, placed before the spec (e.g. `["-deadlock"]`). */
  readonly extraArgs?: readonly string[];
  /** Working directory for TLC (default: this process's; the module's directory when `spec` is absolute). */
  readonly cwd?: string;
  /** `-dump dot,actionlabels`: where to write the state graph (`.dot` is added if missing). */
  readonly dump?: { readonly dot?: string };
  /** `-simulate num=N[,file=PREFIX] -depth D`; the prefix's directory is created. */
  readonly simulate?: { readonly num: number; readonly depth?: number; readonly filePrefix?: string };
  /** A jar instead of the pinned cache (still checked against the pin). */
  readonly jar?: string;
  /** Called with the JVM's pid once TLC runs. */
  readonly onStart?: (pid: number) => void;
}

/** A TLC result plus how it was obtained. */
export interface TlcRun extends TlcResult {
  /** The java command line, for reports and replay. */
  readonly command: readonly string[];
  readonly wallMs: number;
}

/**
 * Runs TLC. Resolves for every way TLC can end (see `TlcOutcome`); rejects with TlaToolsError only when
 * Java or the jar is unusable. When it settles, TLC's process group is gone and its temporary files removed.
 */
export async function runTlc(options: RunTlcOptions): Promise<TlcRun> {
  const tools = requireTools(options.jar === undefined ? {} : { jar: options.jar });
  // TLC 2.18 resolves `-config` against the root module's directory when the module path is absolute, so an
  // absolute cfg path elsewhere is "not found": run from the module's directory with a relative module path.
  const cwd = isAbsolute(options.spec) ? dirname(options.spec) : (options.cwd ?? process.cwd());
  const spec = isAbsolute(options.spec) ? basename(options.spec) : options.spec;
  const tlcArgs: string[] = [];
  if (options.config !== undefined) tlcArgs.push("-config", options.config);
  if (options.liveness === "final") tlcArgs.push("-lncheck", "final");
  if (options.dump?.dot !== undefined) {
    const target = resolve(cwd, options.dump.dot);
    await mkdir(dirname(target), { recursive: true });
    // TLC appends `.dot` itself.
    tlcArgs.push("-dump", "dot,actionlabels", target.replace(/\.dot$/, ""));
  }
  if (options.simulate !== undefined) {
    const { num, depth, filePrefix } = options.simulate;
    let spec = `num=${num}`;
    if (filePrefix !== undefined) {
      const prefix = resolve(cwd, filePrefix);
      await mkdir(dirname(prefix), { recursive: true });
      spec += `,file=${prefix}`;
    }
    tlcArgs.push("-simulate", spec);
    if (depth !== undefined) tlcArgs.push("-depth", String(depth));
  }
  tlcArgs.push(...(options.extraArgs ?? []), spec);
  const end = await runJava(
    {
      java: tools.java,
      cwd,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onStart !== undefined ? { onStart: options.onStart } : {}),
    },
    (dir) => [
      "-XX:+UseParallelGC",
      "-cp",
      tools.jar,
      "tlc2.TLC",
      "-tool",
      "-metadir",
      `${dir}/states`,
      "-cleanup",
      "-fp",
      String(options.fp ?? 0),
      "-seed",
      String(options.seed ?? 0),
      "-workers",
      String(options.workers ?? 1),
      ...tlcArgs,
    ],
  );
  const result = interpretTlc(end.output, end);
  return { ...result, command: end.command, wallMs: end.wallMs };
}

/** What SANY said about a module. */
export interface SanyResult {
  /** True when SANY parsed and checked every module without error. */
  readonly ok: boolean;
  readonly errors: readonly SanyError[];
  /** The files SANY parsed, root first. */
  readonly files: readonly string[];
  /** SANY's exit code (255 on parse errors but 0 on semantic errors in 2.18: `ok` does not rely on it). */
  readonly exitCode: number | null;
  readonly raw: string;
}

/** Parses and checks a module with SANY. Rejects with TlaToolsError only when Java or the jar is unusable. */
export async function runSany(
  spec: string,
  options: { readonly cwd?: string; readonly jar?: string; readonly timeoutMs?: number } = {},
): Promise<SanyResult> {
  const tools = requireTools(options.jar === undefined ? {} : { jar: options.jar });
  const end = await runJava(
    {
      java: tools.java,
      cwd: options.cwd ?? process.cwd(),
      timeoutMs: options.timeoutMs ?? 60_000,
    },
    () => ["-cp", tools.jar, "tla2sany.SANY", spec],
  );
  const report = readSanyReport(end.output.split(/\r?\n/));
  const errors: SanyError[] = [...report.errors];
  const crashed = end.timedOut || end.signal !== null || (end.exitCode !== 0 && end.exitCode !== 255);
  if (errors.length === 0 && (crashed || end.exitCode !== 0)) {
    const why = end.timedOut
      ? "timed out"
      : end.signal !== null
        ? `killed by ${end.signal}`
        : `exit ${end.exitCode}`;
    errors.push({ kind: "abort", message: `SANY ended abnormally (${why}) without reporting an error` });
  }
  return { ok: errors.length === 0, errors, files: report.files, exitCode: end.exitCode, raw: end.output };
}
