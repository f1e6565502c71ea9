// The guardian of one Node process (started by src/tla/cleanup.ts, detached, its stdin a pipe from that process):
// it learns, one JSON line at a time, which temporary directories and process groups the process holds, and when
// the pipe closes with some still held (the process was killed outright) it kills those groups and removes the dirs.
// Plain JavaScript with no imports outside Node, so that it starts fast and needs no loader. Its argument, the
// guarded process's pid, only names it in process listings.

import { readFileSync, rmSync } from "node:fs";
import { setTimeout } from "node:timers";

/** id → `{ kind: "dir", path }` or `{ kind: "group", pgid, marker }`. */
const held = new Map();
let pending = "";

process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  pending += chunk;
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    apply(pending.slice(0, nl));
    pending = pending.slice(nl + 1);
  }
});
// A line cut short by the process's death is ignored: what it announced did not fully happen either.
process.stdin.on("end", cleanUp);
process.stdin.on("error", cleanUp);

function apply(line) {
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    return;
  }
  if (typeof m.drop === "number") held.delete(m.drop);
  else if (typeof m.add === "number") held.set(m.add, m);
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Gone, or a zombie: it holds no files and writes nothing any more. */
function ended(pid) {
  const stat = readProc(pid, "stat");
  return stat === undefined || /^\d+ \(.*\) Z/s.test(stat);
}

let cleaning = false;

function cleanUp() {
  if (cleaning) return;
  cleaning = true;
  const withProc = readProc("self", "stat") !== undefined;
  const killed = [];
  for (const r of held.values()) {
    if (r.kind !== "group") continue;
    // Without /proc the marker cannot be checked; the group id is held by the group's members, so it can only
    // have been reused if the whole group ended on its own in the meantime.
    const cmdline = withProc ? readProc(r.pgid, "cmdline") : r.marker;
    if (cmdline === undefined || !cmdline.includes(r.marker)) continue;
    try {
      process.kill(-r.pgid, "SIGKILL");
      killed.push(r.pgid);
    } catch {
      // ESRCH: gone in the meantime.
    }
  }
  const deadline = Date.now() + 5000;
  const wait = () => {
    if (withProc && Date.now() < deadline && !killed.every(ended)) {
      setTimeout(wait, 10);
      return;
    }
    for (const r of held.values()) {
      if (r.kind !== "dir") continue;
      try {
        rmSync(r.path, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
      } catch {
        // Not ours to remove after all (permissions changed): the others still go.
      }
    }
    process.exit(0);
  };
  wait();
}
