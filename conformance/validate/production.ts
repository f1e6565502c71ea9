// The production modules a validated run uses: conformance's implementation modules (loaded by dynamic import
// from one src/ root, mapping/adapter.ts) plus the disk backend, fault injection and the event-loop runtime, so
// a mutant's patched copy of src/ runs through the same driver.

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as DiskModule from "../../src/fscache/backends/disk.ts";
import type * as FaultsModule from "../../src/fscache/backends/faults.ts";
import type * as EventLoopModule from "../../src/runtime/event-loop.ts";
import { type Implementation, loadImplementation } from "../mapping/adapter.ts";

export interface Production extends Implementation {
  readonly disk: typeof DiskModule;
  readonly faults: typeof FaultsModule;
  readonly eventLoop: typeof EventLoopModule;
}

/** Loads the production modules under `srcRoot` (the project's src/, or a mutant's copy). */
export async function loadProduction(srcRoot: string): Promise<Production> {
  const load = async <T>(rel: string): Promise<T> =>
    (await import(pathToFileURL(join(srcRoot, rel)).href)) as T;
  return {
    ...(await loadImplementation(srcRoot)),
    disk: await load<typeof DiskModule>("fscache/backends/disk.ts"),
    faults: await load<typeof FaultsModule>("fscache/backends/faults.ts"),
    eventLoop: await load<typeof EventLoopModule>("runtime/event-loop.ts"),
  };
}
