// What tests see of other processes, from /proc: which are alive (zombies do not count: they run nothing and
// hold no files), their process groups and command lines; and a poll for a condition to become true.

import { readdirSync, readFileSync } from "node:fs";

export interface Proc {
  readonly pid: number;
  readonly pgrp: number;
  /** NUL-separated arguments joined with spaces. */
  readonly cmdline: string;
}

function read(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Every live, non-zombie process. */
export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(name, "stat");
    const cmdline = read(name, "cmdline");
    if (stat === undefined || cmdline === undefined) continue;
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") continue;
    out.push({ pid: Number(name), pgrp: Number(fields[2]), cmdline: cmdline.split("\0").join(" ").trim() });
  }
  return out;
}

/** Live processes whose command line contains `text`. */
export function withArg(text: string): Proc[] {
  return processes().filter((p) => p.cmdline.includes(text));
}

/** Live processes of process group `pgrp`. */
export function inGroup(pgrp: number): Proc[] {
  return processes().filter((p) => p.pgrp === pgrp);
}

/** Polls `check` until it returns true or `ms` pass; returns its last answer. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** SIGKILL to each process, ignoring those already gone (tests clean up after a failure this way). */
export function killAll(procs: readonly Proc[]): void {
  for (const p of procs) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
}
