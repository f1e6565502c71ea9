// What this process must not leave behind: temporary directories and detached process groups (TLC's JVMs).
// Whatever is registered here is removed on exit and on a fatal signal (the process then exits 128+n), and,
// when the process is killed outright (SIGKILL, the OOM killer), by a guardian process that outlives it.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { Socket } from "node:net";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onExit } from "signal-exit";

/** A registration; `release()` forgets the resource without touching it (its owner has dealt with it). */
export interface Tracked {
  release(): void;
}

/** A private temporary directory, registered for removal from the moment it exists. */
export interface TempDir {
  readonly path: string;
  /** Removes the directory and forgets it. */
  remove(): Promise<void>;
  /** The same, synchronously, for synchronous callers. */
  removeSync(): void;
}

type Resource =
  | { readonly kind: "dir"; readonly path: string }
  /** `marker` is a string in the leader's command line: the guardian kills only a group that still has it. */
  | { readonly kind: "group"; readonly pgid: number; readonly marker: string };

const resources = new Map<number, Resource>();
let nextId = 1;

/** The guardian's stdin: null before it is needed, undefined when it could not be started. */
let guardian: Socket | null | undefined = null;
const GUARDIAN = fileURLToPath(new URL("./guardian.mjs", import.meta.url));

/** Set by `exitOnFatalSignals`: how the command reports the signal that stops it. */
let report: ((signal: NodeJS.Signals) => void) | undefined;
let hooked = false;

/**
 * Registers a directory (and everything under it) for removal. Register a directory as soon as it exists, in the
 * same synchronous step that created it, so that no signal can arrive in between.
 */
export function trackDir(path: string): Tracked {
  return track({ kind: "dir", path });
}

/**
 * Registers a detached process group (spawned with `detached: true`, so `pgid` is the leader's pid) to be killed
 * with SIGKILL. `marker` must appear in the leader's command line (e.g. its private temporary directory): the
 * guardian, acting after this process died, kills the group only if its leader still has the marker, so a
 * process id reused by the system is never hit.
 */
export function trackGroup(pgid: number, marker: string): Tracked {
  return track({ kind: "group", pgid, marker });
}

/** Creates a private directory `<tmpdir>/<prefix>XXXXXX`, registered for removal. */
export function makeTempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const tracked = trackDir(path);
  return {
    path,
    remove: async () => {
      await rm(path, RM);
      tracked.release();
    },
    removeSync: () => {
      rmSync(path, RM);
      tracked.release();
    },
  };
}

/** Runs `fn` with a private temporary directory, which is removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = makeTempDir(prefix);
  try {
    return await fn(dir.path);
  } finally {
    await dir.remove();
  }
}

/**
 * For commands: on SIGINT, SIGTERM, SIGHUP (and the other signals that would end the process) remove everything
 * registered, call `onSignal`, and exit with 128 + the signal's number, as a shell reports a process killed by
 * it. Without this, the same happens once something is registered, silently, and only when no other code
 * listens for the signal.
 */
export function exitOnFatalSignals(onSignal: (signal: NodeJS.Signals) => void): void {
  report = onSignal;
  hook();
}

/** Removes everything registered, at once and synchronously, and exits with `code` (a command's last step). */
export function stopNow(code: number): never {
  releaseAll();
  process.exit(code);
}

const RM = { recursive: true, force: true, maxRetries: 3, retryDelay: 50 } as const;

function track(resource: Resource): Tracked {
  hook();
  const id = nextId++;
  resources.set(id, resource);
  tell({ add: id, ...resource });
  return {
    release: () => {
      if (resources.delete(id)) tell({ drop: id });
    },
  };
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  // signal-exit calls this on every exit, and on a fatal signal when no other code listens for it.
  onExit((_code, signal) => {
    releaseAll();
    if (signal === null) return;
    report?.(signal);
    process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

/** Kills every registered group, then removes every registered directory (a group may be writing into one). */
function releaseAll(): void {
  const all = [...resources.values()];
  resources.clear();
  for (const r of all) {
    if (r.kind !== "group") continue;
    try {
      process.kill(-r.pgid, "SIGKILL");
    } catch {
      // ESRCH: the group has already gone.
    }
  }
  for (const r of all) if (r.kind === "dir") rmSync(r.path, RM);
}

/**
 * Tells the guardian about a change, starting it on first use. The guardian runs in its own session, so that
 * neither Ctrl-C nor a kill of this process's group reaches it, and reads until this process's end of the pipe
 * closes; it does not keep this process alive.
 */
function tell(message: object): void {
  if (guardian === null) {
    try {
      const child = spawn(process.execPath, [GUARDIAN, String(process.pid)], {
        cwd: "/",
        env: {},
        detached: true,
        stdio: ["pipe", "ignore", "ignore"],
      });
      child.on("error", () => {
        guardian = undefined;
      });
      child.unref();
      guardian = child.stdin as Socket;
      // EPIPE when the guardian is gone: the in-process cleanup still works.
      guardian.on("error", () => {
        guardian = undefined;
      });
      guardian.unref();
    } catch {
      guardian = undefined;
    }
  }
  guardian?.write(`${JSON.stringify(message)}\n`);
}
