// Runs TLC on the module tlaTrace.ts generates for one recorded run, in a private copy of spec/ (removed after),
// and reads the verdict: matched (VT_NotDone violated: a spec behaviour followed the whole recording), or not
// matched with the position reached (the depth of the state graph TLC explored).

import { join } from "node:path";
import { runTlc } from "../../src/tla/index.ts";
import { ConformanceError } from "../errors.ts";
import { workDir } from "../generate/model.ts";
import type { ModelConstants } from "../mapping/model.ts";
import type { Design } from "../trace/format.ts";
import type { RecordedStep } from "./driver.ts";
import { traceModule } from "./tlaTrace.ts";

export type TlcVerdict =
  | { readonly matched: true; readonly steps: number; readonly tlcMs: number }
  | {
      readonly matched: false;
      /** The first recorded step no spec behaviour follows (0: the initial state). */
      readonly position: number;
      readonly tlcMs: number;
    };

export interface TlcCheckOptions {
  readonly repoRoot: string;
  readonly timeoutMs?: number;
}

const MODULE = "VTrace";

/** Checks `run` (recorded with constants `k`) against the spec in `design` with TLC. */
export async function checkByTlc(
  run: readonly RecordedStep[],
  k: ModelConstants,
  design: Design,
  o: TlcCheckOptions,
): Promise<TlcVerdict> {
  const { tla, cfg } = traceModule(MODULE, run, k, design);
  const wd = workDir(join(o.repoRoot, "spec"));
  try {
    wd.write(`${MODULE}.tla`, tla);
    wd.write(`${MODULE}.cfg`, cfg);
    const r = await runTlc({
      spec: `${MODULE}.tla`,
      config: `${MODULE}.cfg`,
      cwd: wd.dir,
      timeoutMs: o.timeoutMs ?? 5 * 60_000,
    });
    if (r.outcome === "safety") return { matched: true, steps: run.length - 1, tlcMs: r.wallMs };
    if (r.outcome === "success") return { matched: false, position: r.stats.depth ?? 0, tlcMs: r.wallMs };
    const first = r.errors[0]?.message.split("\n")[0] ?? "";
    throw new ConformanceError(
      "TLC_FAILED",
      `trace check by TLC ended with ${r.outcome}${first ? `: ${first}` : ""}`,
    );
  } finally {
    wd.dispose();
  }
}
