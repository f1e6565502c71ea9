// The backend a validated run uses: the in-memory or on-disk production backend (disk in a temporary directory,
// removed after the run), under the fault injector with the workload's faults, under random I/O delays.

import type { BackendObject, CacheBackend, LookupOutcome, ObjectKey } from "../../src/fscache/backend.ts";
import { makeTempDir } from "../../src/tla/cleanup.ts";
import type { Production } from "./production.ts";
import { pageData, runPages, type Workload } from "./workload.ts";

export type BackendKind = "memory" | "disk";

/** Lets the event loop turn `n` times: a delay counted in turns keeps a memory-backend run reproducible. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Delays every asynchronous call by the next count of `delays` (cycled). A step awaiting I/O holds the runtime,
 * so delays change interleavings only through what else the event loop runs meanwhile (threads starting).
 */
class DelayedBackend implements CacheBackend {
  readonly tag: string;
  private next = 0;

  constructor(
    private readonly inner: CacheBackend,
    private readonly delays: readonly number[],
  ) {
    this.tag = `delayed:${inner.tag}`;
  }

  private async wait(): Promise<void> {
    if (this.delays.length === 0) return;
    await turns(this.delays[this.next++ % this.delays.length] ?? 0);
  }

  allocObject(key: ObjectKey): BackendObject {
    return this.inner.allocObject(key);
  }
  async lookupObject(obj: BackendObject, aux: Uint8Array): Promise<LookupOutcome> {
    await this.wait();
    return this.inner.lookupObject(obj, aux);
  }
  lookupComplete(obj: BackendObject): void {
    this.inner.lookupComplete(obj);
  }
  async updateObject(obj: BackendObject, aux: Uint8Array): Promise<void> {
    await this.wait();
    return this.inner.updateObject(obj, aux);
  }
  async invalidateObject(obj: BackendObject, size: number): Promise<void> {
    await this.wait();
    return this.inner.invalidateObject(obj, size);
  }
  async attrChanged(obj: BackendObject, size: number): Promise<void> {
    await this.wait();
    return this.inner.attrChanged(obj, size);
  }
  async readPage(obj: BackendObject, page: number): Promise<Uint8Array | null> {
    await this.wait();
    return this.inner.readPage(obj, page);
  }
  async writePage(obj: BackendObject, page: number, data: Uint8Array): Promise<void> {
    await this.wait();
    return this.inner.writePage(obj, page, data);
  }
  async dropObject(obj: BackendObject, retire: boolean): Promise<void> {
    await this.wait();
    return this.inner.dropObject(obj, retire);
  }
  putObject(obj: BackendObject): void {
    this.inner.putObject(obj);
  }
}

/** A backend for one run, and how to give it back. */
export interface RunBackend {
  readonly backend: CacheBackend;
  dispose(): Promise<void>;
}

/** The workload's key path of cookie `c` (the driver's keys are the cookie ids). */
export function keyPathOf(w: Workload, c: string): string[] {
  const path: string[] = [];
  for (let at: string | undefined = c; at !== undefined && at !== "FSDEF";) {
    path.unshift(at);
    at = w.threads.find((t) => t.cookie === at)?.parent;
  }
  return path;
}

/**
 * Writes the seeded cookies' objects into a fresh backend, as an earlier use of the cache would have left them:
 * each object of the key path looked up (created) with the driver's empty aux, the data object's pages written
 * (every page of the run), then dropped without retiring. Done on the bare backend, so that no fault counts it.
 */
async function seed(backend: CacheBackend, w: Workload): Promise<void> {
  const pages = runPages(w);
  for (const c of w.seeded ?? []) {
    const path = keyPathOf(w, c);
    for (let n = 1; n <= path.length; n++) {
      const obj = backend.allocObject({ path: path.slice(0, n) });
      await backend.lookupObject(obj, new Uint8Array());
      if (n === path.length) for (const page of pages) await backend.writePage(obj, page, pageData(page));
      backend.lookupComplete(obj);
      await backend.dropObject(obj, false);
      backend.putObject(obj);
    }
  }
}

export async function makeBackend(p: Production, kind: BackendKind, w: Workload): Promise<RunBackend> {
  const rules = w.faults.map((f) => ({
    op: f.op,
    // An I/O error (the spec's EIO, which breaks the cache), or a failure that is not one (the spec's ERROR): a
    // full disk for a page write or a create, no buffers for a lookup.
    code: f.eio
      ? ("EIO" as const)
      : f.op === "writePage" || f.afterNegative
        ? ("ENOSPC" as const)
        : ("ENOBUFS" as const),
    path: keyPathOf(w, f.cookie),
    after: f.nth,
    times: 1,
    afterNegative: f.afterNegative,
  }));
  if (kind === "memory") {
    const memory = new p.memory.MemoryBackend();
    await seed(memory, w);
    const inner = new p.faults.FaultyBackend(memory, rules);
    return { backend: new DelayedBackend(inner, w.ioDelays), dispose: () => Promise.resolve() };
  }
  const dir = makeTempDir("fscache-validate-");
  const disk = new p.disk.DiskBackend(`${dir.path}/cache`);
  const dispose = async (): Promise<void> => {
    await disk.close().catch(() => undefined);
    dir.removeSync();
  };
  try {
    await seed(disk, w);
  } catch (e) {
    await dispose();
    throw e;
  }
  const inner = new p.faults.FaultyBackend(disk, rules);
  return { backend: new DelayedBackend(inner, w.ioDelays), dispose };
}
