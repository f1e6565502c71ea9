// The StrykerJS test (conformance/vitest.config.ts): replays cached trace files (the protocol-goal traces of
// MCtrap, MCtrapFault, MCtrapAttach and MCtrapIoErr, and samples of seeded simulations of MCconf, MCfail,
// MCcalls, MCwrite and MCfault with the shortest traces to the actions each sample lacks, each in POST_FIX and
// POST_FIX_REPAIRED; see conformance/stryker/traces.ts) in lockstep against the implementation under src/, each
// file in the design its header names, stopping at the first divergence. TLC runs only when a file is missing
// (once; under Stryker the global setup does it before the dry run), never per mutant. It is excluded from
// `npm test` (vitest.config.ts): `npx vitest run --config conformance/vitest.config.ts` runs it.

import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { conform, firstFailure } from "../../conformance/conform.ts";
import { fsCacheAdapter, loadImplementation } from "../../conformance/mapping/adapter.ts";
import { ensureStrykerTraces } from "../../conformance/stryker/traces.ts";

const SRC = join(resolve(import.meta.dirname, "../.."), "src");

describe("cached conformance traces (goals + simulation samples)", () => {
  let files: string[] = [];
  beforeAll(async () => {
    files = await ensureStrykerTraces();
  }, 600_000);

  it("the implementation conforms on the cached traces", async () => {
    const adapter = fsCacheAdapter(await loadImplementation(SRC));
    const r = await conform(
      adapter,
      files.map((f) => ({ name: f, file: f })),
      {
        checkEnabled: true,
        stopAtFirstFailure: true,
        replayCommand: (f, id) => `npm run cli -- conform ${f} --trace ${id}`,
      },
    );
    const f = firstFailure(r);
    expect(f ? `${f.trace} step ${f.step}: ${f.message}` : null).toBeNull();
    expect(r.sets.flatMap((s) => s.errors).map((e) => e.message)).toEqual([]);
    expect(r.traces).toBeGreaterThan(0);
    expect(r.ok).toBe(true);
  }, 120_000);
});
