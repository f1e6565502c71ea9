// Test support for the disk backend's own tests: a temporary directory per test with the backends opened over
// it, both gone after the test, and a listing of a directory tree.

import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { DiskBackend } from "../../src/fscache/backends/disk.ts";

/**
 * Registers, in the calling describe block, the cleanup of each test's temporary directory (named after
 * `prefix`) and of the backends opened with `backend`.
 */
export function diskFixture(prefix: string): {
  /** A fresh temporary directory; returns the cache root inside it. */
  setup: () => Promise<string>;
  /** A backend over `root` (made by `make`, e.g. from a freshly imported module), closed after the test. */
  backend: (root: string, make?: (root: string) => DiskBackend) => DiskBackend;
} {
  let dir = "";
  const opened: DiskBackend[] = [];
  afterEach(async () => {
    // The directory goes first: an opener still retrying (a test that timed out) then fails, and close returns.
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    for (const b of opened.splice(0)) await b.close();
    if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 5 });
    dir = "";
  });
  return {
    setup: async () => {
      dir = await mkdtemp(join(tmpdir(), prefix));
      return join(dir, "cache");
    },
    backend: (root, make = (r) => new DiskBackend(r)) => {
      const b = make(root);
      opened.push(b);
      return b;
    },
  };
}

/** Every file and directory under `dir`, relative, sorted. */
export async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map((e) => e.split("\\").join("/")).sort();
}
