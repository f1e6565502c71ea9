// Steps replayed per covered transition, by path-cover strategy, on the same TLC state graphs: one path per
// uncovered edge ("tree"), greedy extension along uncovered edges ("greedy"), and greedy extension with bridges
// through covered edges ("bridge", what `conform --model` uses). Replay time is proportional to the steps, so
// this is the figure the strategy is chosen by. With `--graph-out <dir>`, each graph's edges are also written
// there (<model>.json) for bench/cover-optimum.py, which computes the fewest steps any cover can take.
// `npx tsx bench/cover.ts [--models MCconf,MCci] [--design POST_FIX_REPAIRED] [--graph-out <dir>]`.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COVER_STRATEGIES, type CoverGraph, coverPaths } from "../conformance/graph/cover.ts";
import { benchGraph, flag, graphBenchArgs } from "./graphs.ts";

/** The states' mean BFS depth from the initial states: about what each new path pays for its prefix. */
function meanDepth(g: CoverGraph): number {
  const depth = new Int32Array(g.nodes).fill(-1);
  const queue = new Int32Array(g.nodes);
  let tail = 0;
  for (const s of g.initial) if (depth[s] === -1) [depth[s], queue[tail++]] = [0, s];
  let sum = 0;
  for (let head = 0; head < tail; head++) {
    const v = queue[head] as number;
    sum += depth[v] as number;
    for (let e = g.outStart[v] as number; e < (g.outStart[v + 1] as number); e++) {
      const t = g.to[e] as number;
      if (depth[t] === -1) [depth[t], queue[tail++]] = [(depth[v] as number) + 1, t];
    }
  }
  return sum / tail;
}

const { models, design } = graphBenchArgs();
const graphOut = flag("graph-out", "");
const n = (x: number): string => x.toLocaleString("en-US");

console.log(`path cover by strategy, design ${design}`);
console.log(
  "model     states   transitions  strategy      paths         steps  steps/trans  mean depth  cover ms",
);
for (const model of models) {
  const prepared = await benchGraph(model, design);
  try {
    const g = prepared.graph;
    const depth = meanDepth(g);
    const steps: Record<string, number> = {};
    for (const strategy of COVER_STRATEGIES) {
      const t0 = performance.now();
      const p = coverPaths(g, { strategy });
      const ms = performance.now() - t0;
      steps[strategy] = p.edges.length;
      console.log(
        [
          model.padEnd(8),
          n(g.nodes).padStart(8),
          n(g.edges).padStart(13),
          ` ${strategy}`.padEnd(10),
          n(p.count).padStart(10),
          n(p.edges.length).padStart(13),
          (p.edges.length / g.edges).toFixed(2).padStart(12),
          depth.toFixed(1).padStart(11),
          ms.toFixed(0).padStart(9),
        ].join(" "),
      );
    }
    if (graphOut) {
      mkdirSync(graphOut, { recursive: true });
      const edges = { from: Array.from(g.from), to: Array.from(g.to) };
      writeFileSync(
        join(graphOut, `${model}.json`),
        JSON.stringify({ model, design, nodes: g.nodes, initial: Array.from(g.initial), ...edges, steps }),
      );
    }
  } finally {
    prepared.dispose();
  }
}
