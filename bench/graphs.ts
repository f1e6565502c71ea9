// What the full-graph benchmarks (conformance.ts, cover.ts) share: their command-line flags, where each model
// lives, and TLC's graph of a model, dumped and covered.

import { join, resolve } from "node:path";
import { graphModel } from "../conformance/cli.ts";
import { type PreparedGraph, prepareGraph } from "../conformance/graphRun.ts";
import { DESIGNS, type Design } from "../conformance/trace/format.ts";

const REPO = resolve(import.meta.dirname, "..");
/** MClarge's graph takes TLC some 47 minutes here: past prepareGraph's default limit of 30. */
const TLC_TIMEOUT_MS = 4 * 3600_000;

const MODEL_DIRS: Record<string, string> = {
  MCconf: join(REPO, "conformance", "models"),
  MCwrite: join(REPO, "conformance", "models"),
  MCfault: join(REPO, "conformance", "models"),
  MCcalls: join(REPO, "conformance", "models"),
  MCfail: join(REPO, "conformance", "models"),
  MCci: join(REPO, "spec"),
  MClarge: join(REPO, "spec"),
};

/** The value after `--name` on the command line, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** `--models` (default MCconf,MCci) and `--design` (default POST_FIX_REPAIRED), checked. */
export function graphBenchArgs(): { models: string[]; design: Design } {
  const models = flag("models", "MCconf,MCci").split(",");
  for (const m of models)
    if (!MODEL_DIRS[m])
      throw new Error(`--models: unknown model ${m} (one of ${Object.keys(MODEL_DIRS).join(", ")})`);
  const design = flag("design", "POST_FIX_REPAIRED") as Design;
  if (!(DESIGNS as readonly string[]).includes(design))
    throw new Error(`--design: one of ${DESIGNS.join(", ")}`);
  return { models, design };
}

/** TLC's full state graph of `model` in `design`, read and covered (dispose() it). */
export function benchGraph(model: string, design: Design): Promise<PreparedGraph> {
  const modelDir = MODEL_DIRS[model];
  if (!modelDir) throw new Error(`no model directory for ${model}`);
  return prepareGraph(graphModel({ model, modelDir, specDesign: design }), { timeoutMs: TLC_TIMEOUT_MS });
}
