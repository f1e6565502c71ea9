// The trace files StrykerJS replays for each mutant, generated once with TLC into out/conformance/stryker/
// and then only read:
//   - the protocol-goal traces of the trap models (MCtrap, MCtrapFault, MCtrapAttach; generate/goals.ts), in
//     each sampled design where the model has goals;
//   - seeded TLC simulations of the conformance models MCconf (no faults), MCfail (lookup and creation
//     faults), MCcalls (the netfs calls outside the op slot), MCwrite (page writes and write errors) and
//     MCfault (every call but WritePage, every lookup fault, retire), in each sampled design, run without the
//     models' schedule and invariants (unscheduledModels below); their full transition covers are hundreds of
//     MB of NDJSON, too much to replay per mutant;
//   - per simulation, the sample that the Stryker test replays: each behaviour cut after its first Terminated
//     step, and of those a greedy cover of the step signatures (the action and the fields it changed,
//     signature.ts), plus every STRIDE-th trace;
//   - per simulated model and design, the shortest behaviours (TLC BFS) to the actions its sample never
//     takes (actionTraps below);
//   - on every line of every file, the spec's successors of its state (successors.ts: one TLC step from each
//     state, without the models' schedule), which the replay compares with the implementation's enabled
//     steps, as it does on graph traces,
// so that one mutant costs a few seconds. Each file carries its design in its header, and the replay runs the
// implementation in that design (mapping/adapter.ts): the sample exercises POST_FIX and POST_FIX_REPAIRED.
//
//   npx tsx conformance/stryker/traces.ts [--force]   (the Stryker test's global setup runs it when missing)

import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { generateTraces } from "../cli.ts";
import { dropSections } from "../generate/cfg.ts";
import { trapTraces, withConstants } from "../generate/generate.ts";
import { GOAL_MODELS, goalsOf } from "../generate/goals.ts";
import { loadModel } from "../generate/model.ts";
import { tlcPort } from "../generate/tlcPort.ts";
import { KNOWN_ACTIONS } from "../mapping/actions.ts";
import { readTraceFile } from "../trace/reader.ts";
import { stepSignature } from "./signature.ts";
import { expandStates, withSuccessors } from "./successors.ts";
import { writeTraceSet } from "../trace/writer.ts";
import type { Design, Trace, TraceSet } from "../trace/format.ts";

/** Every STRIDE-th simulated trace joins the sample (besides the cover of the step signatures). */
export const STRIDE = 8;

/**
 * The designs the sample is generated in: the two the implementation is meant to conform in, and PRE_FIX,
 * whose own steps (CREATING, relinquish's wait and detach) only its traces reach.
 */
export const STRYKER_DESIGNS: readonly Design[] = ["POST_FIX", "POST_FIX_REPAIRED", "PRE_FIX"];

/** The conformance models (conformance/models/) simulated for the sample, in replay order. */
export const SIMULATED_MODELS = ["MCconf", "MCfail", "MCcalls", "MCwrite", "MCfault"] as const;

/** The simulations behind the sample: how many per model and design, and how deep (seeded: reproducible). */
export const SIMULATIONS = { num: 400, depth: 200, seed: 1 } as const;

/** The repository root, also from inside a Stryker sandbox (`<repo>/.stryker-tmp/sandbox-…/`). */
export function repoRoot(): string {
  const here = resolve(import.meta.dirname, "..", "..");
  const i = here.indexOf(`${sep}.stryker-tmp${sep}`);
  return i >= 0 ? here.slice(0, i) : here;
}

export function tracesDir(): string {
  return process.env["FSCACHE_STRYKER_TRACES"] ?? join(repoRoot(), "out", "conformance", "stryker");
}

/** One trace file: a model, a design and a source (`goals`, `simulate`, its `sample`, or `trap`). */
export interface CachedSet {
  readonly model: string;
  readonly design: Design;
  readonly source: "goals" | "simulate" | "sample" | "trap";
}

export function cachedFile(dir: string, s: CachedSet): string {
  return join(dir, `${s.model}-${s.design}-${s.source}.ndjson`);
}

/** The goal trace sets: each trap model in each sampled design where it has goals. */
export function goalSets(): CachedSet[] {
  return STRYKER_DESIGNS.flatMap((design) =>
    GOAL_MODELS.filter((model) => goalsOf(model, design).length > 0).map((model): CachedSet => ({
      model,
      design,
      source: "goals",
    })),
  );
}

/** The simulated sets (source `simulate`; their samples have source `sample`). */
export function simulatedSets(): CachedSet[] {
  return STRYKER_DESIGNS.flatMap((design) =>
    SIMULATED_MODELS.map((model): CachedSet => ({ model, design, source: "simulate" })),
  );
}

/** The cfg sections the simulations run without (unscheduledModels). */
export const DROPPED_SECTIONS = ["ACTION_CONSTRAINT", "INVARIANT"] as const;

/** What the cached files were generated from; a different manifest makes ensureStrykerTraces regenerate. */
export function manifest(): string {
  const sets = [...goalSets(), ...simulatedSets()].map((s) => `${s.model}-${s.design}-${s.source}`);
  const traps = "shortest trace to each action the sample lacks";
  const successors = "one-step TLC expansion of every state, schedule dropped";
  const m = {
    version: 6,
    sample: "greedy cover of step signatures",
    dropped: DROPPED_SECTIONS,
    stride: STRIDE,
    simulations: SIMULATIONS,
    traps,
    successors,
    sets,
  };
  return `${JSON.stringify(m, null, 2)}\n`;
}
export const MANIFEST = "manifest.json";

/**
 * The files the Stryker test replays, in order: goal traces first (they kill what the samples cannot), then
 * per simulated model and design the shortest traces to the actions its sample lacks, then the samples.
 */
export function strykerFiles(dir = tracesDir()): string[] {
  return [
    ...goalSets().map((s) => cachedFile(dir, s)),
    ...simulatedSets().map((s) => cachedFile(dir, { ...s, source: "trap" })),
    ...simulatedSets().map((s) => cachedFile(dir, { ...s, source: "sample" })),
  ];
}

/**
 * A simulation's sample: a greedy cover of its step signatures (signature.ts: the action label and the fields
 * the step changed), i.e. repeatedly the trace with the most signatures not yet covered (the earliest on a
 * tie) until every signature of the simulation is covered, plus every stride-th trace; in simulation order.
 */
export function sampleCover(set: TraceSet, stride = STRIDE): TraceSet {
  const sigs = set.traces.map((t) => {
    const own = new Set<string>();
    for (let i = 1; i < t.steps.length; i++) {
      const prev = t.steps[i - 1];
      const cur = t.steps[i];
      if (prev && cur?.action) own.add(stepSignature(prev, cur));
    }
    return own;
  });
  const covered = new Set<string>();
  const chosen = new Set<number>();
  for (;;) {
    let best = -1;
    let gain = 0;
    sigs.forEach((own, i) => {
      let g = 0;
      for (const x of own) if (!covered.has(x)) g++;
      if (g > gain) [best, gain] = [i, g];
    });
    if (best < 0) break;
    chosen.add(best);
    for (const x of sigs[best] ?? []) covered.add(x);
  }
  const traces = set.traces.filter((_, i) => chosen.has(i) || i % stride === 0);
  const sample = { of: set.traces.length, stride, signatures: covered.size, cover: chosen.size };
  return { header: { ...set.header, tlc: { ...(set.header.tlc ?? {}), sample } }, traces };
}

/**
 * A copy of the simulated models without their ACTION_CONSTRAINT and INVARIANTs.
 *
 * ConfOrder, the models' netfs schedule, keeps their full state graphs small, but TLC's simulator ends a
 * behaviour at the first successor a constraint prunes, and ConfOrder prunes tI's WaitOnPageWrite from its
 * first "Ready" state on: with it, every simulated behaviour ended there, after 3 to 18 steps. Without it
 * every step is still one of Spec's (tI's RelinquishCookie waits for n_children = 0, as in the CI model,
 * which has no schedule). The invariants (NoOops) would end the POST_FIX simulation at its first oops, one of
 * the design's findings, after a few behaviours; the full covers replayed in POST_FIX contain those states
 * too, and the implementation oopses there the same way.
 */
function unscheduledModels(modelDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fscache-stryker-models-"));
  for (const m of SIMULATED_MODELS) {
    copyFileSync(join(modelDir, `${m}.tla`), join(dir, `${m}.tla`));
    const cfg = readFileSync(join(modelDir, `${m}.cfg`), "utf8");
    writeFileSync(join(dir, `${m}.cfg`), dropSections(cfg, DROPPED_SECTIONS));
  }
  return dir;
}

/** A simulated behaviour up to its first Terminated step (TLC pads the rest to the depth bound with them). */
export function untilTerminated(t: Trace): Trace {
  const i = t.steps.findIndex((s) => s.action?.name === "Terminated");
  return i < 0 ? t : { ...t, steps: t.steps.slice(0, i + 1) };
}

/**
 * The shortest behaviours (TLC BFS on the model, its schedule kept) to the actions that `sample` never takes:
 * random simulation rarely gets far into a run (the data thread's call usually comes before its object is
 * available, so INVALIDATE_OBJECT, OpAttrChanged and the like never run). One trap run per round, whose goal
 * is "the last action is one of the missing ones"; the trace found covers its actions, and the next round
 * looks for the rest, until TLC finds none reachable (the only full exploration).
 */
async function actionTraps(
  models: string,
  s: CachedSet,
  sample: TraceSet,
  log: (s: string) => void,
): Promise<TraceSet> {
  const taken = new Set(
    sample.traces.flatMap((t) => t.steps.flatMap((x) => (x.action ? [x.action.name] : []))),
  );
  let missing = [...KNOWN_ACTIONS].filter((a) => !taken.has(a)).sort();
  const model = await withConstants(tlcPort, loadModel(join(repoRoot(), "spec"), s.model, s.design, models));
  const traces: Trace[] = [];
  const found: string[] = [];
  let header: TraceSet["header"] | undefined;
  for (let round = 0; missing.length > 0; round++) {
    const predicate = `lastAction.name \\in {${missing.map((a) => `"${a}"`).join(", ")}}`;
    const g = await trapTraces(tlcPort, model, [{ id: `Unsampled${round}`, predicate }]);
    const [error] = g.errors;
    if (error) throw error;
    header ??= g.set.header;
    const [t] = g.set.traces;
    const hit = t?.steps.at(-1)?.action?.name;
    if (!t || hit === undefined) break;
    traces.push({ ...t, id: `trap_${hit}` });
    found.push(hit);
    const covered = new Set(t.steps.flatMap((x) => (x.action ? [x.action.name] : [])));
    missing = missing.filter((a) => !covered.has(a));
  }
  if (!header) throw new Error(`${s.model} ${s.design}: no trap run`);
  log(
    `${s.model} ${s.design}: ${found.length} trap traces (${found.join(", ")}); unreachable: ${missing.join(", ")}`,
  );
  return { header: { ...header, tlc: { found, unreachable: missing } }, traces };
}

/**
 * Generates, with TLC, the goal and simulation files that are missing and writes the missing samples; returns
 * strykerFiles(dir). Everything is regenerated with `force`, or when the directory's manifest (the models,
 * designs and simulation parameters above) differs from the current one.
 */
export async function ensureStrykerTraces(
  dir = tracesDir(),
  force = false,
  log: (s: string) => void = () => undefined,
): Promise<string[]> {
  const files = strykerFiles(dir);
  const manifestFile = join(dir, MANIFEST);
  const current = existsSync(manifestFile) && readFileSync(manifestFile, "utf8") === manifest();
  if (!force && current && files.every((f) => existsSync(f))) return files;
  if ((force || !current) && existsSync(dir))
    for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const models = join(repoRoot(), "conformance", "models");
  for (const s of goalSets()) {
    if (existsSync(cachedFile(dir, s))) continue;
    const o = { out: dir, modelDir: models, seed: SIMULATIONS.seed, num: 0, depth: 0 };
    await generateTraces({ ...o, model: s.model, design: s.design, sources: ["goals"] }, log);
  }
  const unscheduled = unscheduledModels(models);
  try {
    for (const s of simulatedSets()) {
      const sampleFile = cachedFile(dir, { ...s, source: "sample" });
      if (existsSync(sampleFile)) continue;
      const simFile = cachedFile(dir, s);
      if (!existsSync(simFile)) {
        const o = { out: dir, modelDir: unscheduled, ...SIMULATIONS };
        await generateTraces({ ...o, model: s.model, design: s.design, sources: ["simulate"] }, log);
      }
      const sim = readTraceFile(simFile);
      if (!sim.header || sim.errors.length > 0)
        throw new Error(`unreadable ${simFile}: ${sim.errors[0]?.message ?? "no header"}`);
      const tlc = { ...(sim.header.tlc ?? {}), dropped: [...DROPPED_SECTIONS] };
      const sample = sampleCover({ header: { ...sim.header, tlc }, traces: sim.traces.map(untilTerminated) });
      writeTraceSet(sampleFile, sample);
      const steps = sample.traces.reduce((n, t) => n + t.steps.length, 0);
      log(`${sampleFile}: ${sample.traces.length} of ${sim.traces.length} traces, ${steps} states`);
      // The simulation (~100 MB: TLC pads each behaviour to the depth bound) is not replayed; only its sample.
      rmSync(simFile);
    }
    for (const s of simulatedSets()) {
      const trapFile = cachedFile(dir, { ...s, source: "trap" });
      if (existsSync(trapFile)) continue;
      const sample = readTraceFile(cachedFile(dir, { ...s, source: "sample" }));
      if (!sample.header || sample.errors.length > 0) throw new Error(`unreadable sample of ${s.model}`);
      writeTraceSet(
        trapFile,
        await actionTraps(models, s, { header: sample.header, traces: sample.traces }, log),
      );
    }
  } finally {
    rmSync(unscheduled, { recursive: true, force: true });
  }
  await addSuccessors(files, models, log);
  writeFileSync(manifestFile, manifest());
  return files;
}

/**
 * Gives every line of `files` the spec's successors of its state, one TLC run per model and design over the
 * states of all its files; a file whose header says it has them is left as it is.
 */
export async function addSuccessors(
  files: readonly string[],
  models: string,
  log: (s: string) => void,
): Promise<void> {
  const groups = new Map<string, { model: string; design: Design; sets: [string, TraceSet][] }>();
  for (const file of files) {
    const r = readTraceFile(file);
    if (!r.header || r.errors.length > 0)
      throw new Error(`unreadable ${file}: ${r.errors[0]?.message ?? "no header"}`);
    if (r.header.tlc?.["successors"] !== undefined || r.traces.length === 0) continue;
    const key = `${r.header.model}-${r.header.design}`;
    const g = groups.get(key) ?? { model: r.header.model, design: r.header.design, sets: [] };
    g.sets.push([file, { header: r.header, traces: r.traces }]);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const model = loadModel(join(repoRoot(), "spec"), g.model, g.design, models);
    const states = g.sets.flatMap(([, set]) => set.traces.flatMap((t) => t.steps.map((x) => x.state)));
    const succ = await expandStates(tlcPort, model, states);
    for (const [file, set] of g.sets) writeTraceSet(file, withSuccessors(set, succ));
    log(`${g.model} ${g.design}: successors of ${succ.size} states (${g.sets.length} files)`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const t0 = Date.now();
  const files = await ensureStrykerTraces(tracesDir(), process.argv.includes("--force"), (s) =>
    console.error(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${s}`),
  );
  console.log(files.join("\n"));
}
