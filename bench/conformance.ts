// Conformance throughput over full state graphs, in one run: for each model, TLC's time to explore and dump
// the graph (the harness reads it meanwhile), then the full transition cover replayed single-threaded and on
// every core: steps, steps compared, steps/s, steps per transition, peak RSS, and the ratio of replay time to
// TLC time. `npx tsx bench/conformance.ts [--models MCconf,MCci,MClarge] [--design POST_FIX_REPAIRED]
// [--workers N]`. Prints figures only (MClarge takes about 2.5 hours here, replayed twice: conformance/README.md
// gives its figures from one `conform --model MClarge` run; it needs
// NODE_OPTIONS=--max-old-space-size=20000).

import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { graphModel, replayPrepared } from "../conformance/cli.ts";
import { prepareGraph } from "../conformance/graphRun.ts";
import { DESIGNS, type Design } from "../conformance/trace/format.ts";

const REPO = resolve(import.meta.dirname, "..");
/** MClarge's graph takes TLC some 47 minutes here: past prepareGraph's default limit of 30. */
const TLC_TIMEOUT_MS = 4 * 3600_000;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const MODEL_DIRS: Record<string, string> = {
  MCconf: join(REPO, "conformance", "models"),
  MCwrite: join(REPO, "conformance", "models"),
  MCfault: join(REPO, "conformance", "models"),
  MCci: join(REPO, "spec"),
  MClarge: join(REPO, "spec"),
};

const models = flag("models", "MCconf,MCci").split(",");
const design = flag("design", "POST_FIX_REPAIRED") as Design;
if (!(DESIGNS as readonly string[]).includes(design))
  throw new Error(`--design: one of ${DESIGNS.join(", ")}`);
const workers = Number(flag("workers", String(Math.min(4, availableParallelism()))));
const n = (x: number): string => x.toLocaleString("en-US");
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

console.log(`conformance, full transition cover, design ${design}; replay threads 1 and ${workers}`);
console.log(
  "model     states      transitions  TLC dump  replay x1  steps/s x1  replay xN  steps/s xN  steps/trans  compared/trans  replay/TLC  peak RSS",
);
for (const model of models) {
  const dir = MODEL_DIRS[model];
  if (!dir)
    throw new Error(`--models: unknown model ${model} (one of ${Object.keys(MODEL_DIRS).join(", ")})`);
  const prepared = await prepareGraph(graphModel({ model, modelDir: dir, specDesign: design }), {
    timeoutMs: TLC_TIMEOUT_MS,
  });
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
