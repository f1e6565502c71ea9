// Runs one Java process for SANY or TLC: in its own process group (so a timeout kills the whole tree), with a
// private temporary directory (java.io.tmpdir, TLC's metadir) that is always removed, and a wall-clock limit.

import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { constants as os, tmpdir } from "node:os";
import { join } from "node:path";

/** How a Java process ended. */
export interface JavaEnd {
  /** The command line that ran, for reports and replay. */
  readonly command: readonly string[];
  /** stdout and stderr interleaved. */
  readonly output: string;
  readonly exitCode: number | null;
  /** The terminating signal, also when the JVM turned it into exit code 128+n in a shutdown hook. */
  readonly signal: string | null;
  /** True when `timeoutMs` ran out and this module killed the process group. */
  readonly timedOut: boolean;
  readonly wallMs: number;
}

export interface JavaRunOptions {
  readonly java: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** Called with the JVM's pid once it runs (tests use it to kill TLC from outside). */
  readonly onStart?: (pid: number) => void;
}

/** How long a timed-out JVM gets to handle SIGTERM before the group gets SIGKILL. */
const KILL_GRACE_MS = 2000;

/** Process groups still running, killed if this Node process exits first (they are detached). */
const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function signalName(exitCode: number | null): string | null {
  if (exitCode === null || exitCode <= 128 || exitCode >= 150) return null;
  const n = exitCode - 128;
  return Object.entries(os.signals).find(([, v]) => v === n)?.[0] ?? null;
}

/**
 * Runs `java args` with `dir` a fresh private directory, which is removed afterwards whatever happens. The
 * returned promise settles only once the process has exited and its group has been killed.
 */
export async function runJava(
  opts: JavaRunOptions,
  args: (dir: string) => readonly string[],
): Promise<JavaEnd> {
  const dir = await mkdtemp(join(tmpdir(), "fscache-tla-"));
  const started = Date.now();
  let timedOut = false;
  try {
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on("exit", () => live.forEach((pid) => killGroup(pid, "SIGKILL")));
    }
    const command = [opts.java, `-Djava.io.tmpdir=${dir}`, ...args(dir)];
    const child = spawn(opts.java, command.slice(1), {
      cwd: opts.cwd ?? process.cwd(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // stdout and stderr interleaved as they arrive, as a terminal would show them.
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.stderr.on("data", (b: Buffer) => chunks.push(b));
    const pid = child.pid;
    const timers: NodeJS.Timeout[] = [];
    if (pid !== undefined) {
      live.add(pid);
      opts.onStart?.(pid);
      if (opts.timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            timedOut = true;
            killGroup(pid, "SIGTERM");
            timers.push(setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS));
          }, opts.timeoutMs),
        );
      }
    }
    const ended = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((done) => {
      child.once("error", (error) => done({ code: null, signal: null, error }));
      // "close" (not "exit"): all output has been read.
      child.once("close", (code, signal) => done({ code, signal }));
    });
    timers.forEach(clearTimeout);
    if (pid !== undefined) {
      killGroup(pid, "SIGKILL");
      live.delete(pid);
    }
    let output = Buffer.concat(chunks).toString("utf8");
    if (ended.error !== undefined) output += `Error: cannot run ${opts.java}: ${ended.error.message}\n`;
    return {
      command,
      output,
      exitCode: ended.code,
      signal: ended.signal ?? signalName(ended.code),
      timedOut,
      wallMs: Date.now() - started,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
