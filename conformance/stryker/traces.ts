// The trace files StrykerJS replays for each mutant, generated once (TLC runs take tens of seconds) into
// out/conformance/stryker/ and then only read: seeded TLC simulations of MCconf (its full transition cover
// is now over 500 MB of NDJSON, too much to regenerate in a test), the protocol-goal traces of MCtrap, and the
// sample that the Stryker test replays (every goal trace, plus for each action label of the simulations the
// first trace that takes it, plus every STRIDE-th trace), so that one mutant costs a few seconds.
//
//   npx tsx conformance/stryker/traces.ts [--force]   (the Stryker test's global setup runs it when missing)

import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { canonical } from "../json.ts";
import { generateTraces } from "../cli.ts";
import { GOALS_MODEL } from "../generate/goals.ts";
import { readTraceFile } from "../trace/reader.ts";
import { writeTraceSet } from "../trace/writer.ts";
import type { Trace, TraceSet } from "../trace/format.ts";

/** Every STRIDE-th cover trace joins the sample (besides the first trace of each action label). */
export const STRIDE = 8;

/** The repository root, also from inside a Stryker sandbox (`<repo>/.stryker-tmp/sandbox-…/`). */
export function repoRoot(): string {
  const here = resolve(import.meta.dirname, "..", "..");
  const i = here.indexOf(`${sep}.stryker-tmp${sep}`);
  return i >= 0 ? here.slice(0, i) : here;
}

export function tracesDir(): string {
  return process.env["FSCACHE_STRYKER_TRACES"] ?? join(repoRoot(), "out", "conformance", "stryker");
}

export const COVER_FILE = "MCconf-POST_FIX-simulate.ndjson";
/** The simulations behind the sample: how many, and how deep (seeded, so the files are reproducible). */
export const SIMULATIONS = { num: 400, depth: 200 } as const;
export const GOALS_FILE = `${GOALS_MODEL}-POST_FIX-goals.ndjson`;
export const SAMPLE_FILE = "MCconf-POST_FIX-sample.ndjson";

/** The files the Stryker test replays, in order: goal traces first (they kill what the cover cannot). */
export function strykerFiles(dir = tracesDir()): string[] {
  return [join(dir, GOALS_FILE), join(dir, SAMPLE_FILE)];
}

/** The cover's sample: per action label (name and parameters) the first trace taking it, and every stride-th. */
export function sampleCover(set: TraceSet, stride = STRIDE): TraceSet {
  const seen = new Set<string>();
  const traces: Trace[] = set.traces.filter((t, i) => {
    let fresh = false;
    for (const s of t.steps) {
      if (!s.action) continue;
      const label = canonical([s.action.name, s.action.params]);
      if (seen.has(label)) continue;
      seen.add(label);
      fresh = true;
    }
    return fresh || i % stride === 0;
  });
  const tlc = { ...(set.header.tlc ?? {}), sample: { of: set.traces.length, stride, labels: seen.size } };
  return { header: { ...set.header, tlc }, traces };
}

/** Generates the cover and goal traces with TLC and writes the sample; skipped when all three exist. */
export async function ensureStrykerTraces(
  dir = tracesDir(),
  force = false,
  log: (s: string) => void = () => undefined,
): Promise<string[]> {
  const files = [COVER_FILE, GOALS_FILE, SAMPLE_FILE].map((f) => join(dir, f));
  if (!force && files.every((f) => existsSync(f))) return strykerFiles(dir);
  if (force && existsSync(dir)) for (const f of readdirSync(dir)) rmSync(join(dir, f));
  mkdirSync(dir, { recursive: true });
  const models = join(repoRoot(), "conformance", "models");
  const base = { design: "POST_FIX" as const, out: dir, seed: 1, modelDir: models };
  await generateTraces({ ...base, ...SIMULATIONS, model: "MCconf", sources: ["simulate"] }, log);
  await generateTraces({ ...base, num: 0, depth: 0, model: GOALS_MODEL, sources: ["goals"] }, log);
  const cover = readTraceFile(join(dir, COVER_FILE));
  if (!cover.header || cover.errors.length > 0)
    throw new Error(`unreadable ${COVER_FILE}: ${cover.errors[0]?.message ?? "no header"}`);
  const sample = sampleCover({ header: cover.header, traces: cover.traces });
  writeTraceSet(join(dir, SAMPLE_FILE), sample);
  log(`${join(dir, SAMPLE_FILE)}: ${sample.traces.length} of ${cover.traces.length} cover traces`);
  return strykerFiles(dir);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const files = await ensureStrykerTraces(tracesDir(), process.argv.includes("--force"), (s) =>
    console.error(s),
  );
  console.log(files.join("\n"));
}
