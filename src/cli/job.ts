// Notices when the job that started this command has ended. `npm run cli` and `npx tsx` run the command under
// wrappers (npm → sh → tsx → node) that, when killed, leave it running with no one to wait for it; the
// processes of this one's process group above it are that job, and when one of them is gone the command stops.

import { readFileSync } from "node:fs";

/** A process of the job above this one. */
export interface Ancestor {
  readonly pid: number;
  /** Its command name, as the kernel keeps it (at most 15 characters). */
  readonly name: string;
  /** Its start time since boot, in clock ticks: a reused pid has another. */
  readonly start: string;
}

interface Stat {
  readonly name: string;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly start: string;
}

/** `/proc/<pid>/stat`: `pid (comm) state ppid pgrp … starttime …` (comm may hold spaces and parentheses). */
function stat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  return {
    name: text.slice(text.indexOf("(") + 1, close),
    state: fields[0] ?? "",
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    start: fields[19] ?? "",
  };
}

/** The processes above this one in its own process group, nearest first (none without /proc). */
export function jobAncestors(pid = process.pid): Ancestor[] {
  const self = stat(pid);
  if (self === undefined) return [];
  const chain: Ancestor[] = [];
  for (let p = self.ppid; p > 1;) {
    const s = stat(p);
    if (s === undefined || s.pgrp !== self.pgrp) break;
    chain.push({ pid: p, name: s.name, start: s.start });
    p = s.ppid;
  }
  return chain;
}

/** Gone, replaced by another process with the same pid, or dead and not yet reaped. */
function ended(a: Ancestor): boolean {
  const s = stat(a.pid);
  return s === undefined || s.start !== a.start || s.state === "Z" || s.state === "X";
}

/**
 * Calls `onEnd` once, with the first ancestor found gone, checking every `intervalMs`. The timer does not keep
 * the process alive.
 */
export function watchJob(onEnd: (gone: Ancestor) => void, intervalMs = 500): void {
  const chain = jobAncestors();
  if (chain.length === 0) return;
  const timer = setInterval(() => {
    const gone = chain.find(ended);
    if (gone === undefined) return;
    clearInterval(timer);
    onEnd(gone);
  }, intervalMs);
  timer.unref();
}
