// Trace validation figures, for the same recorded production runs in one process: in-process validation (one
// fingerprint look-up per step against MCvalWrite's state graph) against TLC validation (tlaTrace.ts) of each
// run, as a ratio of medians; and the cost of recording (event-loop runtime, memory backend, recording on vs
// off). `npx tsx bench/validate.ts [--runs N] [--tlc-runs N]`.

import { join, resolve } from "node:path";
import fc from "fast-check";
import { validateRun } from "../conformance/validate/check.ts";
import { Recording, runWorkload } from "../conformance/validate/driver.ts";
import { transitionIndex } from "../conformance/validate/graphIndex.ts";
import { validationModel, type ValidationModel } from "../conformance/validate/models.ts";
import { loadProduction } from "../conformance/validate/production.ts";
import { checkByTlc } from "../conformance/validate/tlcCheck.ts";
import { workloadFor } from "../conformance/validate/workload.ts";
import { median } from "./stats.ts";

const REPO = resolve(import.meta.dirname, "..");
const DESIGN = "POST_FIX_REPAIRED" as const;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RUNS = arg("--runs", 200);
const TLC_RUNS = arg("--tlc-runs", 3);
const REPS = arg("--reps", 51);

const m = validationModel("MCvalWrite") as ValidationModel;
const t0 = performance.now();
const index = await transitionIndex(m, DESIGN, { repoRoot: REPO });
const indexMs = performance.now() - t0;
const p = await loadProduction(join(REPO, "src"));
const workloads = fc.sample(workloadFor(m), { numRuns: RUNS, seed: 2026 });
console.log(
  `model ${m.module}: ${index.states} states, ${index.transitions} transitions; index ${index.tlcMs > 0 ? `built by TLC in ${(index.tlcMs / 1000).toFixed(1)} s` : `read from cache in ${indexMs.toFixed(0)} ms`} (once per model, not per run)`,
);

// Recording overhead: each workload run with recording off and on back to back (which goes first alternates),
// so that drift in the machine's speed hits both alike; per repetition, the sums of each; medians over REPS.
const once = async (w: (typeof workloads)[number], record: boolean): Promise<number> => {
  const start = performance.now();
  await runWorkload(p, w, { backend: "memory", design: DESIGN, ...(record ? { record: m.constants } : {}) });
  return performance.now() - start;
};
for (const w of workloads) {
  await once(w, false);
  await once(w, true);
}
const off: number[] = [];
const on: number[] = [];
const ratio: number[] = [];
for (let r = 0; r < REPS; r++) {
  let offMs = 0;
  let onMs = 0;
  for (const [i, w] of workloads.entries()) {
    const offFirst = (i + r) % 2 === 0;
    if (offFirst) offMs += await once(w, false);
    onMs += await once(w, true);
    if (!offFirst) offMs += await once(w, false);
  }
  off.push(offMs);
  on.push(onMs);
  ratio.push(onMs / offMs);
}
const offMs = median(off);
const onMs = median(on);
console.log(
  `recording: ${RUNS} runs on the event-loop runtime, memory backend: off ${offMs.toFixed(0)} ms, on ${onMs.toFixed(0)} ms: overhead ${((median(ratio) - 1) * 100).toFixed(1)}% (median of ${REPS} paired repetitions; ${((Math.min(...ratio) - 1) * 100).toFixed(0)}% to ${((Math.max(...ratio) - 1) * 100).toFixed(0)}%)`,
);

// The recorded runs both validators check. In-process validation starts from the raw snapshots: applying the
// abstraction to them is its work, not the run's.
const recordings: Recording[] = [];
for (const w of workloads) {
  const out = await runWorkload(p, w, { backend: "memory", design: DESIGN, record: m.constants });
  if (out.recording) recordings.push(out.recording);
}
const steps = recordings.reduce((n, r) => n + r.labels.length - 1, 0);
const inProcess: number[] = [];
const mapping: number[] = [];
for (let r = 0; r < REPS; r++) {
  let mapMs = 0;
  const start = performance.now();
  for (const rec of recordings) {
    const m0 = performance.now();
    const run = new Recording(rec.log, rec.labels).steps();
    mapMs += performance.now() - m0;
    if (!validateRun(index, run).ok) throw new Error("a recorded run was rejected");
  }
  inProcess.push((performance.now() - start) / recordings.length);
  mapping.push(mapMs);
}
const perRunMs = median(inProcess);
const recorded = recordings.map((r) => r.steps());
console.log(
  `in-process validation: ${recordings.length} runs, ${steps} steps: ${(perRunMs * 1000).toFixed(0)} µs per run, ${((perRunMs * 1000 * recordings.length) / steps).toFixed(1)} µs per step, of which mapping snapshots to abstract states ${((median(mapping) * 1000) / steps).toFixed(1)} µs (median of ${REPS})`,
);

const tlc: number[] = [];
for (const run of recorded.slice(0, TLC_RUNS)) {
  const start = performance.now();
  const v = await checkByTlc(run, m.constants, DESIGN, { repoRoot: REPO });
  if (!v.matched) throw new Error("TLC rejected a recorded run");
  tlc.push(performance.now() - start);
}
const tlcMs = median(tlc);
console.log(
  `TLC validation: ${TLC_RUNS} of the same runs: ${(tlcMs / 1000).toFixed(2)} s per run (median, JVM start included)`,
);
console.log(`ratio TLC / in-process per run: ${Math.round(tlcMs / perRunMs).toLocaleString("en")}x`);
