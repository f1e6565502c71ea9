// Replays a prepared graph's paths in worker threads (one implementation per thread; both cores of the CI
// machine), sharing the graph and the coverage marks through shared memory. The result is the same as a
// single-threaded replay's: the same paths fail, the same transitions are covered, and with
// stopAtFirstFailure the same first failure is found.

import { Worker } from "node:worker_threads";
import {
  finishReplay,
  selectedPaths,
  type GraphReplay,
  type PreparedGraph,
  type ReplayOptions,
} from "../graphRun.ts";
import type { PathOutcome } from "../replay/pathReplay.ts";
import type { ReplayAdapter } from "../replay/target.ts";
import type { Design } from "../trace/format.ts";
import type { WorkerInput, WorkerMessage } from "./protocol.ts";
import { shareGraph, sharedBytes, sharePaths } from "./shared.ts";

const BOOT = new URL("./boot.mjs", import.meta.url);
const ENTRY = new URL("./worker.ts", import.meta.url).href;

export interface PoolOptions extends ReplayOptions {
  readonly workers: number;
  /** The implementation each worker loads. */
  readonly srcRoot: string;
  readonly design?: Design;
  /** Paths a worker claims at a time. */
  readonly chunk?: number;
}

/** Replays in `workers` threads; `adapter` (over the same implementation) builds the failure reports here. */
export async function replayGraphParallel(
  prepared: PreparedGraph,
  adapter: ReplayAdapter,
  options: PoolOptions,
): Promise<GraphReplay> {
  const t0 = performance.now();
  const graph = shareGraph(prepared.graph);
  const paths = sharePaths(prepared.paths);
  const selected = Int32Array.from(selectedPaths(prepared, options.shard));
  const sharedSelected = new Int32Array(new SharedArrayBuffer(Math.max(4, selected.byteLength)));
  sharedSelected.set(selected);
  const next = new Int32Array(new SharedArrayBuffer(8));
  next[1] = selected.length;
  const coveredEdges = sharedBytes(graph.edges);
  const coveredNodes = sharedBytes(graph.nodes);
  const input: WorkerInput = {
    entry: ENTRY,
    srcRoot: options.srcRoot,
    ...(options.design ? { design: options.design } : {}),
    graph,
    paths,
    header: prepared.header,
    threads: prepared.shape.threads,
    selected: sharedSelected.subarray(0, selected.length),
    next,
    coveredEdges,
    coveredNodes,
    treeVerified: sharedBytes(graph.nodes),
    compareAll: options.compareAll ?? false,
    checkEnabled: options.checkEnabled ?? true,
    stopAtFirstFailure: options.stopAtFirstFailure ?? false,
    chunk: options.chunk ?? 16,
  };
  const outcomes: PathOutcome[] = [];
  options.progress?.start(selected.length, "replay");
  const workers = Array.from(
    { length: Math.max(1, options.workers) },
    () => new Worker(BOOT, { workerData: input }),
  );
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.on("message", (m: WorkerMessage) => {
              if (m.kind === "outcomes") {
                outcomes.push(...m.outcomes);
                options.progress?.tick(m.outcomes.length);
              } else if (m.kind === "done") resolve();
              else reject(new Error(`replay worker failed: ${m.message}`));
            });
            w.once("error", reject);
            w.once("exit", (code) =>
              code === 0 ? resolve() : reject(new Error(`replay worker exited with ${code}`)),
            );
          }),
      ),
    );
  } finally {
    options.progress?.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // With stopAtFirstFailure, paths after the first failing one may have run in other threads: drop them.
  const stop = next[1];
  const kept = options.stopAtFirstFailure
    ? outcomes.filter((o) => selected.indexOf(o.path) <= stop)
    : outcomes;
  kept.sort((a, b) => a.path - b.path);
  return finishReplay(prepared, adapter, coveredEdges, coveredNodes, kept, performance.now() - t0, options);
}
