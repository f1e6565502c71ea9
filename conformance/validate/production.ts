// The production modules a validated run uses, loaded by dynamic import from one src/ root (as the conformance
// adapter loads its implementation), so a mutant's patched copy of src/ runs through the same driver.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as FsCacheModule from "../../src/fscache/index.ts";
import type * as BackendModule from "../../src/fscache/backend.ts";
import type * as MemoryModule from "../../src/fscache/backends/memory.ts";
import type * as DiskModule from "../../src/fscache/backends/disk.ts";
import type * as FaultsModule from "../../src/fscache/backends/faults.ts";
import type * as EventLoopModule from "../../src/runtime/event-loop.ts";
import type * as SteppedModule from "../../src/runtime/stepped.ts";
import type * as RuntimeModule from "../../src/runtime/runtime.ts";

export interface Production {
  readonly root: string;
  readonly fscache: typeof FsCacheModule;
  readonly backend: typeof BackendModule;
  readonly memory: typeof MemoryModule;
  readonly disk: typeof DiskModule;
  readonly faults: typeof FaultsModule;
  readonly eventLoop: typeof EventLoopModule;
  readonly stepped: typeof SteppedModule;
  readonly runtime: typeof RuntimeModule;
}

/** Loads the production modules under `srcRoot` (the project's src/, or a mutant's copy). */
export async function loadProduction(srcRoot: string): Promise<Production> {
  const load = async <T>(rel: string): Promise<T> =>
    (await import(pathToFileURL(join(srcRoot, rel)).href)) as T;
  return {
    root: srcRoot,
    fscache: await load<typeof FsCacheModule>("fscache/index.ts"),
    backend: await load<typeof BackendModule>("fscache/backend.ts"),
    memory: await load<typeof MemoryModule>("fscache/backends/memory.ts"),
    disk: await load<typeof DiskModule>("fscache/backends/disk.ts"),
    faults: await load<typeof FaultsModule>("fscache/backends/faults.ts"),
    eventLoop: await load<typeof EventLoopModule>("runtime/event-loop.ts"),
    stepped: await load<typeof SteppedModule>("runtime/stepped.ts"),
    runtime: await load<typeof RuntimeModule>("runtime/runtime.ts"),
  };
}
