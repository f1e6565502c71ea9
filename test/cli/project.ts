// Running the CLI as a user does (a real process, the real TLC), from this checkout or from a private copy of the
// project whose spec a test may break; the copy shares node_modules and the TLC jar through symlinks.

import { spawnSync, type StdioOptions } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `src/cli/main.ts args` in `root` (default: this checkout) and waits for it. */
export function cli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; root?: string; stdout?: number } = {},
): CliRun {
  const root = options.root ?? ROOT;
  const stdio: StdioOptions = ["ignore", options.stdout ?? "pipe", "pipe"];
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], {
    cwd: root,
    env: options.env ?? process.env,
    encoding: "utf8",
    stdio,
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** A private copy of the project (sources, spec, manifests); `remove()` deletes it. */
export function projectCopy(): { readonly root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "fscache-project-"));
  for (const f of [
    "src",
    "conformance",
    "spec",
    "scripts",
    "package.json",
    "tsconfig.json",
    "tla-tools.json",
  ]) {
    cpSync(join(ROOT, f), join(root, f), {
      recursive: true,
      filter: (src) => !/[/\\]states([/\\]|$)/.test(src),
    });
  }
  for (const f of ["node_modules", ".cache"]) symlinkSync(join(ROOT, f), join(root, f));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
