// Interrupting a real TLC run started through the real CLI (`check --model large`, which runs for minutes):
// after Ctrl-C, SIGTERM, a SIGKILL of the node process, or a SIGTERM or SIGKILL of the `npm run cli` wrapper
// alone, no JVM of the run (found in /proc by the run's private temporary directory in its command line), no
// process of the job, no guardian and no temporary directory is left.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { eventually, inGroup, killAll, processes, withArg } from "../tla/procs.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "fscache-interrupt-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CHECK = ["check", "--model", "large"];

interface Run {
  readonly child: ChildProcess;
  /** The run's private TMPDIR: every temporary directory and the JVM's command line are under it. */
  readonly tmp: string;
  /** The processes of the job's group once TLC runs (a guardian names one of them). */
  members: number[];
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

let current: Run | undefined;

/** Starts the command in its own process group (as a shell starts a job) with a private TMPDIR. */
function start(command: string, args: readonly string[]): Run {
  const tmp = mkdtempSync(join(scratch, "tmp-"));
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp },
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const run: Run = {
    child,
    tmp,
    members: [],
    stderr: "",
    exited: new Promise((done) => child.once("exit", (code, signal) => done({ code, signal }))),
  };
  child.stderr?.on("data", (b: Buffer) => (run.stderr += b.toString()));
  current = run;
  return run;
}

const cli = (): Run => start(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...CHECK]);
const npm = (): Run => start("npm", ["run", "--silent", "cli", "--", ...CHECK]);

const javaOf = (r: Run) => withArg(`-Djava.io.tmpdir=${r.tmp}/`).filter((p) => p.cmdline.startsWith("java"));
const guardiansOf = (r: Run) =>
  processes().filter(
    (p) => / guardian\.mjs (\d+)$/.test(p.cmdline) && r.members.includes(guardedPid(p.cmdline)),
  );
const guardedPid = (cmdline: string): number => Number(/(\d+)$/.exec(cmdline)?.[1]);
const leftovers = (r: Run) => readdirSync(r.tmp).filter((f) => f.startsWith("fscache-"));

/** Resolves once TLC has created its metadir: the model checker runs. */
async function tlcRunning(r: Run): Promise<void> {
  const metadir = () =>
    readdirSync(r.tmp).some((d) => d.startsWith("fscache-tla-") && existsSync(join(r.tmp, d, "states")));
  expect(await eventually(metadir, 20_000)).toBe(true);
  expect(javaOf(r)).toHaveLength(1);
  r.members = inGroup(r.child.pid as number).map((p) => p.pid);
}

/** Nothing of the run is left: no process of its group, no JVM, no guardian, no temporary directory. */
function nothingLeft(r: Run): boolean {
  return (
    inGroup(r.child.pid as number).length === 0 &&
    javaOf(r).length === 0 &&
    guardiansOf(r).length === 0 &&
    leftovers(r).length === 0
  );
}

afterEach(() => {
  // After a failure, take down whatever the run left so that no test leaves a process behind.
  if (current !== undefined) killAll([...inGroup(current.child.pid as number), ...javaOf(current)]);
  current = undefined;
});

describe("an interrupted TLC run leaves nothing behind", () => {
  it("Ctrl-C (SIGINT to the job): exit 130, one message", async () => {
    const r = cli();
    await tlcRunning(r);
    process.kill(-(r.child.pid as number), "SIGINT");
    expect(await r.exited).toEqual({ code: 130, signal: null });
    expect(r.stderr).toBe("error: stopped by SIGINT\n");
    expect(leftovers(r)).toEqual([]);
    expect(await eventually(() => nothingLeft(r), 3000)).toBe(true);
  });

  it("SIGTERM to the node process: exit 143", async () => {
    const r = cli();
    await tlcRunning(r);
    r.child.kill("SIGTERM");
    expect(await r.exited).toEqual({ code: 143, signal: null });
    expect(r.stderr).toBe("error: stopped by SIGTERM\n");
    expect(await eventually(() => nothingLeft(r), 3000)).toBe(true);
  });

  it("SIGKILL to the node process: its guardian kills the JVM and removes the directories", async () => {
    const r = cli();
    await tlcRunning(r);
    r.child.kill("SIGKILL");
    expect(await r.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await eventually(() => nothingLeft(r), 3000)).toBe(true);
  });

  it.each(["SIGTERM", "SIGKILL"] as const)(
    "%s to the npm wrapper only: the command notices and stops",
    async (signal) => {
      const r = npm();
      await tlcRunning(r);
      r.child.kill(signal);
      await r.exited;
      expect(await eventually(() => nothingLeft(r), 5000)).toBe(true);
      expect(r.stderr).toMatch(/^error: stopped: .* \(pid \d+\), which ran this command, has ended$/m);
    },
  );
});
