// Conformance throughput over full state graphs, in one run: for each model, TLC's time to explore and dump
// the graph (the harness reads it meanwhile), then the full transition cover replayed single-threaded and on
// every core: steps, steps compared, steps/s, steps per transition, peak RSS, and the ratio of replay time to
// TLC time. `npx tsx bench/conformance.ts [--models MCconf,MCci,MClarge] [--design POST_FIX_REPAIRED]
// [--workers N]`. Prints figures only (MClarge takes about 2.5 hours here, replayed twice: conformance/README.md
// gives its figures from one `conform --model MClarge` run; it needs
// NODE_OPTIONS=--max-old-space-size=20000).

import { availableParallelism } from "node:os";
import { replayPrepared } from "../conformance/cli.ts";
import { benchGraph, flag, graphBenchArgs } from "./graphs.ts";

const { models, design } = graphBenchArgs();
const workers = Number(flag("workers", String(Math.min(4, availableParallelism()))));
const n = (x: number): string => x.toLocaleString("en-US");
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

console.log(`conformance, full transition cover, design ${design}; replay threads 1 and ${workers}`);
console.log(
  "model     states      transitions  TLC dump  replay x1  steps/s x1  replay xN  steps/s xN  steps/trans  compared/trans  replay/TLC  peak RSS",
);
for (const model of models) {
  const prepared = await benchGraph(model, design);
  try {
    const one = await replayPrepared(prepared, { enabled: true, workers: 1 });
    const many = await replayPrepared(prepared, { enabled: true, workers });
    const t = prepared.graph.edges;
    console.log(
      [
        model.padEnd(8),
        n(prepared.graph.nodes).padStart(9),
        n(t).padStart(13),
        s(prepared.tlcMs).padStart(9),
        s(one.timing.replayMs).padStart(10),
        n(one.timing.stepsPerSecond).padStart(11),
        s(many.timing.replayMs).padStart(10),
        n(many.timing.stepsPerSecond).padStart(11),
        (one.steps / t).toFixed(2).padStart(12),
        (one.timing.compared / t).toFixed(2).padStart(15),
        (many.timing.replayMs / prepared.tlcMs).toFixed(2).padStart(11),
        `${many.timing.peakRssMB} MB`.padStart(9),
        one.verdict === "CONFORMS" && many.verdict === "CONFORMS"
          ? "CONFORMS"
          : `${one.verdict}/${many.verdict}`,
      ].join(" "),
    );
  } finally {
    prepared.dispose();
  }
}
