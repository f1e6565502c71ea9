// Acquire → write → read → relinquish cycles per second through the public FsCache facade on the event-loop
// runtime, for each backend, with peak memory; and FS-Cache steps per second on the stepped runtime. Each
// backend runs in its own child process so its peak RSS is its own. Run with `npx tsx bench/cycles.ts`.

import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CacheBackend } from "../src/fscache/backend.ts";
import { DiskBackend } from "../src/fscache/backends/disk.ts";
import { MemoryBackend } from "../src/fscache/backends/memory.ts";
import { FsCache, type CookieDef } from "../src/fscache/index.ts";
import { EventLoopRuntime } from "../src/runtime/event-loop.ts";
import { roundRobin, SteppedRuntime } from "../src/runtime/stepped.ts";
import { median } from "./stats.ts";

const CYCLES = 300;
const ROUNDS = 5;
const PAGE = new Uint8Array(4096).fill(7);

const indexDef: CookieDef = { name: "index", type: "INDEX", getKey: () => "bench" };
const fileDef: CookieDef<string> = {
  name: "file",
  type: "DATAFILE",
  getKey: (name) => name,
  getAux: () => new Uint8Array([1]),
  getAttr: () => 16 * 4096,
};

/** One round: CYCLES files each acquired, written, read back and relinquished (retired). */
async function round(cache: FsCache, runtime: EventLoopRuntime, tag: number): Promise<number> {
  const index = await cache.acquireCookie(null, indexDef, null);
  const start = performance.now();
  for (let i = 0; i < CYCLES; i++) {
    const cookie = await cache.acquireCookie(index, fileDef, `f${tag}-${i}`);
    await cache.writePage(cookie, 0, PAGE);
    await cache.waitOnPageWrite(cookie);
    await cache.readPage(cookie, 0);
    await cache.relinquishCookie(cookie, true);
  }
  await runtime.whenIdle();
  const seconds = (performance.now() - start) / 1000;
  await cache.relinquishCookie(index, false);
  await runtime.whenIdle();
  return CYCLES / seconds;
}

async function child(kind: "memory" | "disk"): Promise<void> {
  const dir = kind === "disk" ? await mkdtemp(join(tmpdir(), "fscache-bench-")) : undefined;
  try {
    const backend: CacheBackend = dir === undefined ? new MemoryBackend() : new DiskBackend(dir);
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const runtime = new EventLoopRuntime();
      rates.push(await round(new FsCache({ runtime, backend }), runtime, r));
    }
    const peakMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ kind, median: median(rates), rates, peakMiB }));
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  }
}

/** FS-Cache steps per second on the stepped runtime: the same cycle, scheduled round-robin. */
async function steppedRate(): Promise<{ steps: number; perSecond: number }> {
  const runtime = new SteppedRuntime();
  const cache = new FsCache({ runtime, backend: new MemoryBackend() });
  const done = (async () => {
    const index = await cache.acquireCookie(null, indexDef, null);
    for (let i = 0; i < CYCLES; i++) {
      const cookie = await cache.acquireCookie(index, fileDef, `s${i}`);
      await cache.writePage(cookie, 0, PAGE);
      await cache.readPage(cookie, 0);
      await cache.relinquishCookie(cookie, true);
    }
  })();
  const start = performance.now();
  let steps = 0;
  let settled = false;
  done.then(
    () => (settled = true),
    () => (settled = true),
  );
  const choose = roundRobin();
  while (!settled) {
    const r = await runtime.runUntilQuiescent(choose);
    steps += r.steps;
    if (r.end === "error") throw new Error(`stepped run failed: ${String(r.failure?.error)}`);
    await new Promise((res) => setImmediate(res));
  }
  await done;
  return { steps, perSecond: steps / ((performance.now() - start) / 1000) };
}

async function main(): Promise<void> {
  const arg = process.argv[2];
  if (arg === "memory" || arg === "disk") return child(arg);
  const self = fileURLToPath(import.meta.url);
  console.log(`cycles: acquire → write → read → relinquish, ${CYCLES} per round, median of ${ROUNDS} rounds`);
  for (const kind of ["memory", "disk"] as const) {
    const r = spawnSync(process.execPath, [...process.execArgv, self, kind], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`bench child ${kind} failed: ${r.stderr}`);
    const res = JSON.parse(r.stdout) as { median: number; peakMiB: number };
    console.log(
      `  ${kind.padEnd(6)} ${res.median.toFixed(0).padStart(7)} cycles/s   peak RSS ${res.peakMiB.toFixed(0)} MiB`,
    );
  }
  const s = await steppedRate();
  console.log(`stepped runtime: ${s.steps} FS-Cache steps, ${s.perSecond.toFixed(0)} steps/s`);
}

await main();
