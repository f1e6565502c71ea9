// The counterexamples the pack draws: one per finding of spec/README.md (the `without` entries of
// spec/models.json, and the entries that name a `finding`) and the 2013 oops (ci / PRE_FIX). TLC takes minutes for several of them, so each is
// checked in under review/data/counterexamples/ with the SHA-256 of the spec files it was computed from; the
// pack marks an entry stale when those files have changed since. `refreshCounterexamples` recomputes them
// with the CLI's own `check --json`.

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { type ModelEntry, readManifest } from "../src/cli/models.ts";

/** The model entry behind the 2013 oops: the CI model in the design before 1362729b. */
export const OOPS_2013 = { model: "ci", variant: "PRE_FIX", with: "F9" } as const;

/** One drawable counterexample target. */
export interface Target {
  /** `F1`…`F8`, or `oops-2013`. */
  readonly id: string;
  readonly entry: ModelEntry;
  /** The command that reproduces it (what the CLI documents). */
  readonly command: string;
}

/** A cached result of `check --json` for one target, and the spec files it was computed from. */
export interface CachedCounterexample {
  readonly id: string;
  readonly command: string;
  readonly generatedAt: string;
  /** Repository-relative path → SHA-256 of the file's bytes when this was computed. */
  readonly inputs: Readonly<Record<string, string>>;
  /** `check --json`'s report; null when the entry passes (no counterexample to draw). */
  readonly report: CheckJson | null;
}

/** The fields of `check --json` the pack reads. */
export interface CheckJson {
  readonly outcome: string;
  readonly verdict?: string;
  readonly property?: string;
  readonly loop?: string;
  readonly stats: { readonly distinct?: number; readonly depth?: number };
  readonly counterexample?: readonly CheckStep[];
}

export interface CheckStep {
  readonly index: number;
  readonly thread: string;
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly changes: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[];
}

export const CACHE_DIR = "review/data/counterexamples";

function commandOf(e: ModelEntry): string {
  const repair =
    e.without !== undefined ? ` --without ${e.without}` : e.with !== undefined ? ` --with ${e.with}` : "";
  return `npm run cli -- check --model ${e.model} --variant ${e.variant}${repair} --json`;
}

/**
 * The targets, from the manifest (so a new finding's entry is drawn without touching review/): its `without`
 * entry, or the entry that names it as its `finding` (F17, which F16's repair hides). A finding reproduced by
 * several models (F13: the reader's submit, and attr_changed's) is drawn once, from its first entry.
 */
export async function targets(root: string): Promise<Target[]> {
  const entries = await readManifest(join(root, "spec/models.json"));
  const out: Target[] = [];
  for (const e of entries) {
    const id = e.without ?? e.finding;
    if (id !== undefined) {
      if (!out.some((t) => t.id === id)) out.push({ id, entry: e, command: commandOf(e) });
    } else if (e.model === OOPS_2013.model && e.variant === OOPS_2013.variant && e.with === OOPS_2013.with) {
      out.push({ id: "oops-2013", entry: e, command: commandOf(e) });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}

/** The spec files a target's result depends on: the spec, the model's root module and its cfg. */
function inputsOf(t: Target): string[] {
  return ["spec/FSCache.tla", `spec/${t.entry.module}`, `spec/${t.entry.cfg}`];
}

async function hashFiles(root: string, files: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const path = join(root, f);
    out[f] = existsSync(path)
      ? createHash("sha256")
          .update(await readFile(path))
          .digest("hex")
      : "missing";
  }
  return out;
}

/** A cached counterexample and which of its inputs have changed since it was computed. */
export interface LoadedCounterexample {
  readonly target: Target;
  readonly cached: CachedCounterexample | null;
  readonly changed: readonly string[];
}

export async function loadCounterexamples(root: string): Promise<LoadedCounterexample[]> {
  const out: LoadedCounterexample[] = [];
  for (const t of await targets(root)) {
    const file = join(root, CACHE_DIR, `${t.id}.json`);
    if (!existsSync(file)) {
      out.push({ target: t, cached: null, changed: inputsOf(t) });
      continue;
    }
    const cached = JSON.parse(await readFile(file, "utf8")) as CachedCounterexample;
    const now = await hashFiles(root, inputsOf(t));
    const changed = Object.keys(now).filter((f) => cached.inputs[f] !== now[f]);
    out.push({ target: t, cached, changed });
  }
  return out;
}

function runCheck(root: string, t: Target): Promise<CheckJson> {
  const e = t.entry;
  const args = ["tsx", "src/cli/main.ts", "check", "--model", e.model, "--variant", e.variant, "--json"];
  if (e.without !== undefined) args.push("--without", e.without);
  if (e.with !== undefined) args.push("--with", e.with);
  return new Promise((done, fail) => {
    execFile("npx", args, { cwd: root, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit 1 is the expected "a property is violated"; anything else is a tool problem.
      if (error !== null && error.code !== 1) {
        fail(new Error(`${t.command} failed (exit ${String(error.code)}): ${stderr.trim()}`));
        return;
      }
      done(JSON.parse(stdout) as CheckJson);
    });
  });
}

/**
 * Recomputes the cached counterexamples (all, or those named in `only`), one TLC run after another, and
 * writes them under review/data/counterexamples/. Entries expected to pass are recorded without running TLC.
 */
export async function refreshCounterexamples(
  root: string,
  only: readonly string[],
  log: (line: string) => void,
): Promise<void> {
  await mkdir(join(root, CACHE_DIR), { recursive: true });
  for (const t of await targets(root)) {
    if (only.length > 0 && !only.includes(t.id)) continue;
    const started = Date.now();
    const report = t.entry.expect === "pass" ? null : await runCheck(root, t);
    const cached: CachedCounterexample = {
      id: t.id,
      command: t.command,
      generatedAt: new Date().toISOString(),
      inputs: await hashFiles(root, inputsOf(t)),
      report,
    };
    // Written as the formatter writes it, so `npm run format:check` holds for the checked-in data.
    const file = join(root, CACHE_DIR, `${t.id}.json`);
    const options = { ...(await resolveConfig(file)), filepath: file };
    await writeFile(file, await format(JSON.stringify(cached), options));
    log(
      `${t.id}: ${report === null ? "passes (nothing to draw)" : (report.property ?? report.outcome)} in ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }
}
