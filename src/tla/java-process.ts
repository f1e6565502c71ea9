// Runs one Java process for SANY or TLC: in its own process group (so a timeout kills the whole tree), with a
// private temporary directory (java.io.tmpdir, TLC's metadir), and a wall-clock limit. Both are registered with
// src/tla/cleanup.ts, so neither outlives this process, however it ends.

import { spawn } from "node:child_process";
import { constants as os } from "node:os";
import { makeTempDir, trackGroup } from "./cleanup.ts";

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
  /** Wall-clock limit, 1 to MAX_TIMEOUT_MS; the process group gets SIGTERM, then SIGKILL. */
  readonly timeoutMs?: number;
  /** Called with the JVM's pid once it runs (tests use it to kill TLC from outside). */
  readonly onStart?: (pid: number) => void;
}

/** How long a timed-out JVM gets to handle SIGTERM before the group gets SIGKILL. */
const KILL_GRACE_MS = 2000;

/** The longest delay Node's timers take (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

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
  const { timeoutMs } = opts;
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new RangeError(`timeoutMs must be from 1 to ${MAX_TIMEOUT_MS} (got ${timeoutMs})`);
  }
  const dir = makeTempDir("fscache-tla-");
  const started = Date.now();
  let timedOut = false;
  try {
    const command = [opts.java, `-Djava.io.tmpdir=${dir.path}`, ...args(dir.path)];
    const child = spawn(opts.java, command.slice(1), {
      cwd: opts.cwd ?? process.cwd(),
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = child.pid;
    // In the same synchronous step as the spawn: no signal handler can run in between.
    const group = pid === undefined ? undefined : trackGroup(pid, dir.path);
    // stdout and stderr interleaved as they arrive, as a terminal would show them.
    const chunks: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => chunks.push(b));
    child.stderr.on("data", (b: Buffer) => chunks.push(b));
    const timers: NodeJS.Timeout[] = [];
    if (pid !== undefined) {
      opts.onStart?.(pid);
      if (timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            timedOut = true;
            killGroup(pid, "SIGTERM");
            timers.push(setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS));
          }, timeoutMs),
        );
      }
    }
    const ended = await new Promise<{ code: number | null; signal: string | null; error?: Error }>((done) => {
      child.once("error", (error) => done({ code: null, signal: null, error }));
      // "close" (not "exit"): all output has been read.
      child.once("close", (code, signal) => done({ code, signal }));
    });
    timers.forEach(clearTimeout);
    if (pid !== undefined) killGroup(pid, "SIGKILL");
    group?.release();
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
    await dir.remove();
  }
}
