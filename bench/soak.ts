// Soak: acquire → read → write → read → relinquish cycles on the production runtime (event loop) with the
// memory backend, over a fixed set of file keys (so the cache's own content stays bounded), printing the
// heap after a full GC against the number of cycles: freed cookies, objects and ops must not be retained,
// so the heap stays flat. `node --expose-gc --import tsx bench/soak.ts [--cycles N] [--every M]`
// (npm run bench runs it with --expose-gc). Prints figures only.

import { MemoryBackend } from "../src/fscache/backends/memory.ts";
import { type CookieDef, FsCache } from "../src/fscache/index.ts";
import { EventLoopRuntime } from "../src/runtime/event-loop.ts";

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name}: expected a positive integer`);
  return v;
}

const cycles = flag("cycles", 100_000);
const every = flag("every", 10_000);
const FILES = 64;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc (npm run bench does)");

const runtime = new EventLoopRuntime();
const cache = new FsCache({ runtime, backend: new MemoryBackend() });
const index = await cache.acquireCookie(null, { name: "soak", type: "INDEX", getKey: () => "soak" }, null);
const def: CookieDef<string> = {
  name: "file",
  type: "DATAFILE",
  getKey: (k) => k,
  getAux: () => new Uint8Array([1]),
  getAttr: () => 4 * 4096,
};
const page = new Uint8Array(4096).fill(7);

function heapMiB(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / (1 << 20);
}

console.log(
  `soak: ${cycles.toLocaleString("en-US")} cycles over ${FILES} file keys, heap after GC every ${every.toLocaleString("en-US")}`,
);
console.log("cycles     heap MiB   cycles/s");
const base = heapMiB();
console.log(`${"0".padStart(7)}   ${base.toFixed(2).padStart(8)}`);
const rows: { n: number; heap: number }[] = [];
let t0 = performance.now();
for (let n = 1; n <= cycles; n++) {
  const key = `f${n % FILES}`;
  const cookie = await cache.acquireCookie(index, def, key);
  await cache.readPage(cookie, 0);
  await cache.writePage(cookie, 0, page);
  await cache.readPage(cookie, 0);
  await cache.relinquishCookie(cookie);
  if (n % every === 0) {
    await runtime.whenIdle();
    const rate = (every * 1000) / (performance.now() - t0);
    const heap = heapMiB();
    rows.push({ n, heap });
    console.log(
      `${String(n).padStart(7)}   ${heap.toFixed(2).padStart(8)}   ${Math.round(rate).toLocaleString("en-US").padStart(8)}`,
    );
    t0 = performance.now();
  }
}
const first = rows[0];
const last = rows[rows.length - 1];
if (first && last) {
  console.log(
    `heap after ${last.n.toLocaleString("en-US")} cycles / after ${first.n.toLocaleString("en-US")}: ${(last.heap / first.heap).toFixed(2)}x; ` +
      `per cycle beyond the first ${first.n.toLocaleString("en-US")}: ${(((last.heap - first.heap) * 1024 * 1024) / Math.max(1, last.n - first.n)).toFixed(1)} bytes`,
  );
}
const view = cache.inspect();
console.log(
  `live after the run: ${view.cookies.length} cookies (the index), ${view.objects.length} objects, ${view.ops.length} ops`,
);
