// The messages between the replay pool (pool.ts) and its worker threads (worker.ts).

import type { CompactGraph } from "../graph/compact.ts";
import type { PathSet } from "../graph/cover.ts";
import type { Design, TraceHeader } from "../trace/format.ts";
import type { PathOutcome } from "../replay/pathReplay.ts";

export interface WorkerInput {
  /** The worker module (boot.mjs imports it). */
  readonly entry: string;
  /** The src/ root the implementation is loaded from (a mutant's copy for mutant runs). */
  readonly srcRoot: string;
  readonly design?: Design;
  readonly graph: CompactGraph;
  readonly paths: PathSet;
  readonly header: TraceHeader;
  readonly threads: readonly string[];
  /** The paths to replay, in order; workers take chunks of them through `next`. */
  readonly selected: Int32Array;
  /**
   * [0]: index of the next unclaimed entry of `selected`; [1]: with stopAtFirstFailure, the lowest index of
   * `selected` that failed so far (entries beyond it need not run; those before it still do, so the first
   * failure reported is the one a single-threaded run reports).
   */
  readonly next: Int32Array;
  readonly coveredEdges: Uint8Array;
  readonly coveredNodes: Uint8Array;
  readonly treeVerified: Uint8Array;
  readonly compareAll: boolean;
  readonly checkEnabled: boolean;
  readonly stopAtFirstFailure: boolean;
  readonly chunk: number;
}

export type WorkerMessage =
  | { readonly kind: "outcomes"; readonly outcomes: PathOutcome[] }
  | { readonly kind: "done" }
  | { readonly kind: "error"; readonly message: string };
