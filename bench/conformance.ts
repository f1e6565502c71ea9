// Conformance throughput, both models side by side in one run: the conformance model (conformance/models/
// MCconf, full transition cover of its state graph) and spec/MCci (seeded simulation). For each: TLC's time
// to dump the graph or to simulate (including parsing its output), traces and steps, replay time and
// steps/s, coverage. `npx tsx bench/conformance.ts [--num N] [--depth D] [--seed S]`. Prints figures only.

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { conform } from "../conformance/conform.ts";
import { graphTraces, simulationTraces, withConstants } from "../conformance/generate/generate.ts";
import { loadModel } from "../conformance/generate/model.ts";
import { tlcPort } from "../conformance/generate/tlcPort.ts";
import { labelAgrees } from "../conformance/mapping/actions.ts";
import { fsCacheAdapter, loadImplementation } from "../conformance/mapping/adapter.ts";
import { writeTraceSet } from "../conformance/trace/writer.ts";
import type { TraceSet } from "../conformance/trace/format.ts";

const REPO = resolve(import.meta.dirname, "..");

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

interface Row {
  model: string;
  source: string;
  tlcS: number;
  traces: number;
  steps: number;
  mb: number;
  replayS: number;
  stepsPerS: number;
  states: string;
  transitions: string;
  verdict: string;
}

async function measure(
  label: string,
  source: string,
  generate: () => Promise<TraceSet>,
  out: string,
): Promise<Row> {
  const t0 = performance.now();
  const set = await generate();
  const tlcS = (performance.now() - t0) / 1000;
  const file = join(out, `${label}-${source}.ndjson`);
  writeTraceSet(file, set);
  const adapter = fsCacheAdapter(await loadImplementation(join(REPO, "src")));
  const t1 = performance.now();
  const r = await conform(adapter, [{ name: file, file }], { replayCommand: () => "" });
  const replayS = (performance.now() - t1) / 1000;
  const frac = (x: { covered: number; total: number | null }): string =>
    x.total === null ? `${x.covered}` : `${x.covered}/${x.total}`;
  return {
    model: label,
    source,
    tlcS,
    traces: set.traces.length,
    steps: set.traces.reduce((a, t) => a + t.steps.length - 1, 0),
    mb: statSync(file).size / 1e6,
    replayS,
    stepsPerS: r.stepsPerSecond,
    states: frac(r.coverage.states),
    transitions: frac(r.coverage.transitions),
    verdict: r.ok
      ? "CONFORMS"
      : `DIVERGES (${r.sets.reduce((a, s) => a + s.failures.length, 0)} traces, ${r.steps} steps replayed)`,
  };
}

async function main(): Promise<void> {
  const num = Number(flag("num", "200"));
  const depth = Number(flag("depth", "100"));
  const seed = Number(flag("seed", "1"));
  const out = mkdtempSync(join(tmpdir(), "bench-conformance-"));
  try {
    const conf = await withConstants(
      tlcPort,
      loadModel(join(REPO, "spec"), "MCconf", "POST_FIX", join(REPO, "conformance", "models")),
    );
    const ci = await withConstants(tlcPort, loadModel(join(REPO, "spec"), "MCci", "POST_FIX"));
    const rows = [
      await measure("MCconf", "graph", async () => (await graphTraces(tlcPort, conf, labelAgrees)).set, out),
      await measure(
        "MCci",
        `simulate(num=${num},depth=${depth},seed=${seed})`,
        async () => (await simulationTraces(tlcPort, ci, { num, depth, seed })).set,
        out,
      ),
    ];
    console.log("TLC 2.18, 1 worker; replay on the stepped runtime, POST_FIX");
    const cols: [string, (r: Row) => string][] = [
      ["model", (r) => r.model],
      ["source", (r) => r.source],
      ["TLC s (run+parse)", (r) => r.tlcS.toFixed(1)],
      ["traces", (r) => String(r.traces)],
      ["steps", (r) => String(r.steps)],
      ["file MB", (r) => r.mb.toFixed(1)],
      ["replay s", (r) => r.replayS.toFixed(1)],
      ["steps/s", (r) => String(Math.round(r.stepsPerS))],
      ["states covered", (r) => r.states],
      ["transitions covered", (r) => r.transitions],
      ["verdict", (r) => r.verdict],
    ];
    const width = Math.max(...cols.map(([h]) => h.length)) + 2;
    for (const [h, f] of cols) console.log(`${h.padEnd(width)}${rows.map((r) => f(r).padEnd(34)).join("")}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
