// Mutants as textual patches on a temporary copy of src/: the real source tree is never touched. A patch
// whose `find` text does not occur exactly once is an error (a stale mutant must not pass silently).

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { trackDir } from "../../src/tla/cleanup.ts";
import { ConformanceError } from "../errors.ts";

/** One mutant: replace `find` by `replace` in `file` (relative to src/). */
export interface Mutant {
  readonly name: string;
  /** Path under src/, e.g. `fscache/cookie.ts`. */
  readonly file: string;
  readonly find: string;
  readonly replace: string;
  /** The protocol fault it models, and why conformance must catch it. */
  readonly why: string;
  /** Implementation options the mutant runs under (e.g. `{ design: "PRE_FIX" }`). */
  readonly options?: Readonly<Record<string, string>>;
  /**
   * Why no spec behaviour can tell the mutant from the implementation (the trap goal TLC shows unreachable):
   * a surviving equivalent mutant is reported as EQUIVALENT, not SURVIVED. Killing it is still a kill.
   */
  readonly equivalent?: string;
  /**
   * The POST_FIX_REPAIRED repair the mutant undoes (its finding in spec/README.md): only traces of that design
   * run the repaired code, so only they can kill it.
   */
  readonly repair?: string;
  /**
   * The one design whose traces run the mutated code, for a mutant of code only the 3.12 designs have (an NFS
   * task's read at 3.12's grain runs in POST_FIX alone): the other designs' traces cannot kill it.
   */
  readonly runsIn?: "POST_FIX" | "PRE_FIX";
}

/** A copy of src/ with one mutant applied; `dispose()` removes it. */
export interface MutantTree {
  readonly root: string;
  dispose(): void;
}

/** Where mutant copies live: inside the project (so node_modules resolve), under the ignored .cache/. */
export function mutantsDir(repoRoot: string): string {
  return join(repoRoot, ".cache", "conformance-mutants");
}

/** Counts the occurrences of `find` in `text`. */
function occurrences(text: string, find: string): number {
  let n = 0;
  for (let i = text.indexOf(find); i >= 0; i = text.indexOf(find, i + find.length)) n++;
  return n;
}

/** Checks that `m` applies to the source at `srcRoot`; returns an error describing why not. */
export function checkMutant(srcRoot: string, m: Mutant): ConformanceError | undefined {
  const path = join(srcRoot, m.file);
  if (!existsSync(path))
    return new ConformanceError("MUTANT_STALE", `mutant ${m.name}: src/${m.file} does not exist`);
  if (m.find === "") return undefined;
  const n = occurrences(readFileSync(path, "utf8"), m.find);
  if (n === 1) return undefined;
  return new ConformanceError(
    "MUTANT_STALE",
    `mutant ${m.name}: find text occurs ${n} times in src/${m.file} (expected exactly once): ${JSON.stringify(m.find)}`,
  );
}

/** Copies `srcRoot` to a fresh directory and applies `m`. Throws ConformanceError(MUTANT_STALE). */
export function applyMutant(repoRoot: string, srcRoot: string, m: Mutant): MutantTree {
  const stale = checkMutant(srcRoot, m);
  if (stale) throw stale;
  const root = resolve(mutantsDir(repoRoot), `${m.name}-${process.pid}-${Date.now()}`);
  mkdirSync(root, { recursive: true });
  // Registered at once: an interrupted run must not leave a copy of src/ in .cache/.
  const tracked = trackDir(root);
  const dst = join(root, "src");
  cpSync(srcRoot, dst, { recursive: true });
  if (m.find !== "") {
    const path = join(dst, m.file);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace(m.find, () => m.replace),
    );
  }
  return {
    root: dst,
    dispose: () => {
      rmSync(root, { recursive: true, force: true });
      tracked.release();
    },
  };
}
