// A replay worker thread: loads the implementation, then claims chunks of paths from the shared counter and
// replays them (replay/pathReplay.ts), posting each chunk's outcomes; coverage marks go to shared memory.

import { parentPort, workerData } from "node:worker_threads";
import { fsCacheAdapter, loadImplementation } from "../mapping/adapter.ts";
import { rawMatches, replayPath, type PathOutcome, type PathReplayContext } from "../replay/pathReplay.ts";
import type { WorkerInput, WorkerMessage } from "./protocol.ts";

const input = workerData as WorkerInput;
const post = (m: WorkerMessage): void => parentPort?.postMessage(m);

/** Lowers the shared stop index to `i` unless another worker already failed earlier. */
function lowerStop(i: number): void {
  for (let cur = Atomics.load(input.next, 1); i < cur; cur = Atomics.load(input.next, 1)) {
    if (Atomics.compareExchange(input.next, 1, cur, i) === cur) return;
  }
}

async function main(): Promise<void> {
  const impl = await loadImplementation(input.srcRoot);
  const adapter = fsCacheAdapter(impl, input.design ? { design: input.design } : {});
  const ctx: PathReplayContext = {
    graph: input.graph,
    paths: input.paths,
    adapter,
    header: input.header,
    coveredEdges: input.coveredEdges,
    coveredNodes: input.coveredNodes,
    treeVerified: input.treeVerified,
    compareAll: input.compareAll,
    checkEnabled: input.checkEnabled,
    threads: input.threads,
    raw: rawMatches(input.graph.nodes),
  };
  for (;;) {
    const from = Atomics.add(input.next, 0, input.chunk);
    if (from >= Atomics.load(input.next, 1)) break;
    const outcomes: PathOutcome[] = [];
    for (let i = from; i < Math.min(from + input.chunk, input.selected.length); i++) {
      if (i > Atomics.load(input.next, 1)) break;
      const o = await replayPath(ctx, input.selected[i] as number);
      outcomes.push(o);
      if (o.failure && input.stopAtFirstFailure) {
        lowerStop(i);
        break;
      }
    }
    post({ kind: "outcomes", outcomes });
  }
  post({ kind: "done" });
}

main().catch((e: unknown) =>
  post({ kind: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
);
