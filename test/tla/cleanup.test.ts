// src/tla/cleanup.ts as a process sees it: what a process registers (a temporary directory, a detached process
// group) is gone after it exits, after a fatal signal (exit 128+n), and after a SIGKILL, when its guardian does
// the work; and the guardian leaves alone a group whose leader no longer carries the registered marker.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { eventually, inGroup, killAll, withArg } from "./procs.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "fscache-cleanup-test-"));
const holder = join(scratch, "holder.ts");

// Registers a temporary directory and a detached `sh` group (its command line names the directory), prints
// both, then exits (`exit`) or waits to be killed. `unmarked` registers the group under a marker its leader lacks.
writeFileSync(
  holder,
  `import { spawn } from "node:child_process";
import { makeTempDir, trackGroup } from ${JSON.stringify(pathToFileURL(join(ROOT, "src/tla/cleanup.ts")).href)};
const mode = process.argv[2];
const dir = makeTempDir("fscache-hold-");
const child = spawn("sh", ["-c", "sleep 300; : " + dir.path], { detached: true, stdio: "ignore" });
trackGroup(child.pid, mode === "unmarked" ? "/no/such/marker" : dir.path);
process.stdout.write(JSON.stringify({ dir: dir.path, pgid: child.pid }) + "\\n");
if (mode === "exit") setTimeout(() => process.exit(0), 100);
else setInterval(() => undefined, 1000);
`,
);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let started: { pgid: number; dir: string; guarded: number } | undefined;
afterEach(() => {
  if (started !== undefined)
    killAll([...inGroup(started.pgid), ...withArg(`guardian.mjs ${started.guarded}`)]);
  started = undefined;
});

/** Starts the holder; resolves once it has registered its directory and group. */
async function hold(mode: "wait" | "exit" | "unmarked") {
  const child = spawn(process.execPath, ["--import", "tsx", holder, mode], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: scratch },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) =>
    child.once("exit", (code, signal) => done({ code, signal })),
  );
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  const held = JSON.parse(line) as { dir: string; pgid: number };
  started = { ...held, guarded: child.pid as number };
  expect(existsSync(held.dir)).toBe(true);
  expect(inGroup(held.pgid)).not.toEqual([]);
  return { child, exited, ...held };
}

const guardianOf = (pid: number) => withArg(`guardian.mjs ${pid}`);

describe("cleanup registry", () => {
  it("removes the directory and kills the group when the process exits", async () => {
    const h = await hold("exit");
    expect(await h.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(h.dir)).toBe(false);
    expect(await eventually(() => inGroup(h.pgid).length === 0, 2000)).toBe(true);
    expect(await eventually(() => guardianOf(h.child.pid as number).length === 0, 2000)).toBe(true);
  });

  it("on SIGTERM removes both and exits 143", async () => {
    const h = await hold("wait");
    h.child.kill("SIGTERM");
    expect(await h.exited).toEqual({ code: 143, signal: null });
    expect(existsSync(h.dir)).toBe(false);
    expect(await eventually(() => inGroup(h.pgid).length === 0, 2000)).toBe(true);
  });

  it("after a SIGKILL, the guardian removes both and ends", async () => {
    const h = await hold("wait");
    h.child.kill("SIGKILL");
    expect(await h.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await eventually(() => inGroup(h.pgid).length === 0 && !existsSync(h.dir), 3000)).toBe(true);
    expect(await eventually(() => guardianOf(h.child.pid as number).length === 0, 2000)).toBe(true);
  });

  it("the guardian kills no group whose leader lacks the marker (its pid may have been reused)", async () => {
    const h = await hold("unmarked");
    h.child.kill("SIGKILL");
    await h.exited;
    expect(await eventually(() => !existsSync(h.dir), 3000)).toBe(true);
    expect(await eventually(() => guardianOf(h.child.pid as number).length === 0, 2000)).toBe(true);
    expect(inGroup(h.pgid)).not.toEqual([]);
  });
});
