// A model of the spec as the harness runs it: the spec directory, the MC module and its cfg, and the design
// it checks. Each TLC run gets a private working copy of the spec directory, so generated wrapper modules
// and cfgs never land in spec/ and parallel runs cannot collide.

import { cpSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir } from "../../src/tla/cleanup.ts";
import { ConformanceError } from "../errors.ts";
import type { Json } from "../json.ts";
import { DESIGNS, type Design } from "../trace/format.ts";

export interface Model {
  readonly specDir: string;
  /** The model's module name, e.g. `MC_CI` (file `<specDir>/<module>.tla`, cfg `<module>.cfg`). */
  readonly module: string;
  readonly cfg: string;
  readonly design: Design;
  /** Where the model's module lives when not in specDir (conformance/models/). */
  readonly modelDir: string;
  /** The model's constants as TLC evaluated them (see withConstants). */
  readonly constants?: Record<string, Json>;
  /** Wall-clock limit of each TLC run on the model (ms). */
  readonly timeoutMs?: number;
}

/** Finds the design a model checks: `DESIGN = "X"` / `DESIGN == "X"` / `DESIGN <- X` in its cfg or module. */
export function designOf(cfg: string, moduleText: string): Design | undefined {
  for (const text of [cfg, moduleText]) {
    const m = /\bDESIGN\s*(?:==|=|<-)\s*"?([A-Z_]+)"?/.exec(text);
    if (m && (DESIGNS as readonly string[]).includes(m[1] as string)) return m[1] as Design;
  }
  return undefined;
}

/**
 * Loads `<specDir>/<module>.tla` and its cfg. The design is the given one, else the one the cfg or module
 * sets, else POST_FIX; like the project's other tooling, the harness appends `CONSTANT DESIGN = "<design>"`
 * to a cfg that does not set it.
 */
export function loadModel(specDir: string, module: string, design?: Design, modelDir = specDir): Model {
  const tla = join(modelDir, `${module}.tla`);
  const cfgPath = join(modelDir, `${module}.cfg`);
  for (const file of [tla, cfgPath]) {
    if (!existsSync(file))
      throw new ConformanceError(
        "MODEL",
        `model ${module}: no such file (expected ${module}.tla and ${module}.cfg)`,
        {
          file,
        },
      );
  }
  const base = readFileSync(cfgPath, "utf8");
  const own = designOf(base, readFileSync(tla, "utf8"));
  if (own && design && own !== design)
    throw new ConformanceError("MODEL", `model ${module} fixes DESIGN = ${own}, not ${design}`, {
      file: cfgPath,
    });
  const d = design ?? own ?? "POST_FIX";
  const cfg = own ? base : `${base.trimEnd()}\nCONSTANT DESIGN = "${d}"\n`;
  return { specDir, module, cfg, design: d, modelDir };
}

/** A private copy of the spec directory for one or more TLC runs. */
export interface WorkDir {
  readonly dir: string;
  write(name: string, text: string): void;
  dispose(): void;
}

/** A private working copy, registered for removal even if the process is interrupted or killed. */
export function workDir(specDir: string, modelDir = specDir): WorkDir {
  const tmp = makeTempDir("fscache-conf-");
  const dir = tmp.path;
  for (const d of new Set([specDir, modelDir])) {
    cpSync(d, dir, { recursive: true, filter: (src) => !/[/\\]states([/\\]|$)/.test(src) });
  }
  return {
    dir,
    write: (name, text) => writeFileSync(join(dir, name), text),
    dispose: () => tmp.removeSync(),
  };
}
