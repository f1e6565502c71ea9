// The trace files StrykerJS replays for each mutant, generated with TLC into out/conformance/stryker/ when
// missing or stale, and then only read:
//   - the protocol-goal traces of the trap models (GOAL_MODELS of generate/goals.ts), in each sampled design
//     where the model has goals;
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
// The manifest keeps, per file, a hash of what it was generated from (stampOf): a change to the spec, to one
// model, to one trap model's goals or to the sampling regenerates only the files it touches.
//
//   npx tsx conformance/stryker/traces.ts [--force]   (the Stryker test's global setup runs it when missing)

import { createHash } from "node:crypto";
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
import { basename, join, resolve, sep } from "node:path";
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
import { writeAtomically } from "../atomicWrite.ts";
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

const SANDBOX = `${sep}.stryker-tmp${sep}`;

/** The repository root, also from inside a Stryker sandbox (`<repo>/.stryker-tmp/sandbox-…/`). */
export function repoRoot(): string {
  const here = resolve(import.meta.dirname, "..", "..");
  const i = here.indexOf(SANDBOX);
  return i >= 0 ? here.slice(0, i) : here;
}

/** Whether this code runs in a Stryker sandbox, i.e. inside a mutation run. */
export function inStrykerSandbox(): boolean {
  return resolve(import.meta.dirname).includes(SANDBOX);
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

/** The cache's layout; a manifest of another version is discarded whole. */
export const CACHE_VERSION = 7;
export const MANIFEST = "manifest.json";

/** How each stage makes its files: part of every stamp, so that changing a method regenerates its files. */
const METHODS = {
  sample: "greedy cover of step signatures",
  traps: "shortest trace to each action the sample lacks",
  successors: "one-step TLC expansion of every state, schedule dropped",
} as const;

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * What one cached file is generated from, hashed: the spec, its model's module and cfg, and per source the goals
 * (goals), the simulation and sampling parameters (sample), or the sample's stamp and the actions looked for
 * (trap). A file whose stamp in the manifest differs is regenerated, and only it.
 */
export function stampOf(s: CachedSet, root = repoRoot()): string {
  const models = join(root, "conformance", "models");
  const read = (f: string): string => readFileSync(f, "utf8");
  const common = {
    version: CACHE_VERSION,
    successors: METHODS.successors,
    spec: sha256(read(join(root, "spec", "FSCache.tla"))),
    module: sha256(read(join(models, `${s.model}.tla`))),
    cfg: sha256(read(join(models, `${s.model}.cfg`))),
    model: s.model,
    design: s.design,
    source: s.source,
  };
  switch (s.source) {
    case "goals": {
      const goals = goalsOf(s.model, s.design).map((g) => [g.id, g.predicate]);
      return sha256(JSON.stringify({ ...common, goals, seed: SIMULATIONS.seed }));
    }
    case "simulate":
    case "sample": {
      const sampling = { method: METHODS.sample, dropped: DROPPED_SECTIONS, stride: STRIDE, SIMULATIONS };
      return sha256(JSON.stringify({ ...common, source: "sample", sampling }));
    }
    case "trap": {
      const sample = stampOf({ ...s, source: "sample" }, root);
      return sha256(
        JSON.stringify({ ...common, method: METHODS.traps, sample, actions: [...KNOWN_ACTIONS].sort() }),
      );
    }
  }
}

/** The manifest: each finished file's stamp, by file name. */
export interface Manifest {
  readonly version: number;
  readonly files: Record<string, string>;
}

/** The manifest in `dir`, or an empty one when it is missing, unreadable or of another version. */
export function readManifest(dir: string): Manifest {
  const empty: Manifest = { version: CACHE_VERSION, files: {} };
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return empty;
  try {
    const m = JSON.parse(readFileSync(file, "utf8")) as Partial<Manifest>;
    return m.version === CACHE_VERSION && typeof m.files === "object" && m.files !== null
      ? { version: CACHE_VERSION, files: { ...m.files } }
      : empty;
  } catch {
    return empty;
  }
}

function writeManifest(dir: string, m: Manifest): void {
  writeAtomically(join(dir, MANIFEST), (tmp) => writeFileSync(tmp, `${JSON.stringify(m, null, 2)}\n`));
}

/** The manifest of a complete cache in `dir` for the current sources (what ensureStrykerTraces writes). */
export function currentManifest(dir = tracesDir()): Manifest {
  const files: Record<string, string> = {};
  for (const s of cachedSets()) files[basename(cachedFile(dir, s))] = stampOf(s);
  return { version: CACHE_VERSION, files };
}

/** Every replayed file's set, in replay order (strykerFiles). */
function cachedSets(): CachedSet[] {
  return [
    ...goalSets(),
    ...simulatedSets().map((s): CachedSet => ({ ...s, source: "trap" })),
    ...simulatedSets().map((s): CachedSet => ({ ...s, source: "sample" })),
  ];
}

/**
 * The files the Stryker test replays, in order: goal traces first (they kill what the samples cannot), then
 * per simulated model and design the shortest traces to the actions its sample lacks, then the samples.
 */
export function strykerFiles(dir = tracesDir()): string[] {
  return cachedSets().map((s) => cachedFile(dir, s));
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
 * Generates, with TLC, every file of strykerFiles(dir) that is missing or stale (its stamp in the manifest is not
 * its current stampOf; all of them with `force`), gives it the spec's successors, and records its stamp; returns
 * strykerFiles(dir). Anything else in the directory is removed. A file's stamp is recorded once the file is
 * complete, so an interrupted run loses only the file it was making. Without `regenerate` (the default inside
 * a Stryker sandbox) only missing files are made, and a stale one is an error.
 */
export async function ensureStrykerTraces(
  dir = tracesDir(),
  force = false,
  log: (s: string) => void = () => undefined,
  regenerate = !inStrykerSandbox(),
): Promise<string[]> {
  const files = strykerFiles(dir);
  const want = currentManifest(dir).files;
  const have = force ? {} : readManifest(dir).files;
  const fresh = (f: string): boolean => have[basename(f)] === want[basename(f)] && existsSync(f);
  if (files.every(fresh)) return files;
  // Inside a mutation run every mutant must replay the same files: a file made stale by an edit to the spec
  // or a model is not regenerated under the run (in each mutant's test process), which only fails.
  const stale = files.filter((f) => existsSync(f) && !fresh(f));
  if (!regenerate && stale.length > 0)
    throw new Error(
      `${dir}: ${stale.length} cached trace file(s) older than the spec, models or goals they are made from ` +
        `(first: ${basename(stale[0] ?? "")}); run \`npx tsx conformance/stryker/traces.ts\` before StrykerJS`,
    );
  mkdirSync(dir, { recursive: true });
  const keep = new Set(files.filter(fresh).map((f) => basename(f)));
  for (const f of readdirSync(dir))
    if (f !== MANIFEST && !keep.has(f)) rmSync(join(dir, f), { recursive: true, force: true });
  const manifest: Manifest = {
    version: CACHE_VERSION,
    files: Object.fromEntries([...keep].map((f) => [f, want[f] ?? ""])),
  };
  writeManifest(dir, manifest);
  const models = join(repoRoot(), "conformance", "models");
  const done = async (file: string): Promise<void> => {
    await addSuccessors([file], models, log);
    manifest.files[basename(file)] = want[basename(file)] ?? "";
    writeManifest(dir, manifest);
  };
  const todo = (s: CachedSet): boolean => !keep.has(basename(cachedFile(dir, s)));

  for (const s of goalSets().filter(todo)) {
    const o = { out: dir, modelDir: models, seed: SIMULATIONS.seed, num: 0, depth: 0 };
    await generateTraces({ ...o, model: s.model, design: s.design, sources: ["goals"] }, log);
    await done(cachedFile(dir, s));
  }
  const unscheduled = unscheduledModels(models);
  try {
    for (const s of simulatedSets().filter((x) => todo({ ...x, source: "sample" }))) {
      const sampleFile = cachedFile(dir, { ...s, source: "sample" });
      const simFile = cachedFile(dir, s);
      const o = { out: dir, modelDir: unscheduled, ...SIMULATIONS };
      await generateTraces({ ...o, model: s.model, design: s.design, sources: ["simulate"] }, log);
      const sim = readTraceFile(simFile);
      if (!sim.header || sim.errors.length > 0)
        throw new Error(`unreadable ${simFile}: ${sim.errors[0]?.message ?? "no header"}`);
      const tlc = { ...(sim.header.tlc ?? {}), dropped: [...DROPPED_SECTIONS] };
      const sample = sampleCover({ header: { ...sim.header, tlc }, traces: sim.traces.map(untilTerminated) });
      writeAtomically(sampleFile, (tmp) => writeTraceSet(tmp, sample));
      const steps = sample.traces.reduce((n, t) => n + t.steps.length, 0);
      log(`${sampleFile}: ${sample.traces.length} of ${sim.traces.length} traces, ${steps} states`);
      // The simulation (~100 MB: TLC pads each behaviour to the depth bound) is not replayed; only its sample.
      rmSync(simFile);
      await done(sampleFile);
    }
    for (const s of simulatedSets().filter((x) => todo({ ...x, source: "trap" }))) {
      const trapFile = cachedFile(dir, { ...s, source: "trap" });
      const sample = readTraceFile(cachedFile(dir, { ...s, source: "sample" }));
      if (!sample.header || sample.errors.length > 0) throw new Error(`unreadable sample of ${s.model}`);
      const traps = await actionTraps(models, s, { header: sample.header, traces: sample.traces }, log);
      writeAtomically(trapFile, (tmp) => writeTraceSet(tmp, traps));
      await done(trapFile);
    }
  } finally {
    rmSync(unscheduled, { recursive: true, force: true });
  }
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
    for (const [file, set] of g.sets)
      writeAtomically(file, (tmp) => writeTraceSet(tmp, withSuccessors(set, succ)));
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
